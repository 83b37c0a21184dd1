package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivityRulesTest {
  private final ActivityRules defaults = ActivityRules.defaults();

  @Test
  void defaults_systemEventTypes_areInactiveWhateverTheAction() {
    for (String type : List.of("consent", "reachability", "list", "compliance", "discovery")) {
      for (String action : List.of("", "opt_in", "opt_out", "hard_bounce", "subscribe", "ccpa_opt_out", "x")) {
        assertThat(defaults.isActive(type, action)).as("%s/%s", type, action).isFalse();
      }
    }
  }

  @Test
  void defaults_campaignSent_isInactiveButOtherCampaignActionsAreActive() {
    assertThat(defaults.isActive("campaign", "sent")).isFalse();
    assertThat(defaults.isActive("campaign", "open")).isTrue();
    assertThat(defaults.isActive("campaign", "click")).isTrue();
  }

  @Test
  void defaults_customerInitiatedEvents_areActive() {
    assertThat(defaults.isActive("login", "login")).isTrue();
    assertThat(defaults.isActive("pageview", "")).isTrue();
    assertThat(defaults.isActive("order", "purchase")).isTrue();
    assertThat(defaults.isActive("identify", "")).isTrue();
    assertThat(defaults.isActive("custom_type", "sent")).as("only campaign/sent is inactive").isTrue();
  }

  @Test
  void isActive_event_usesTypeAndAction() {
    Identifier id = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(defaults.isActive(Event.builder("e-1", "campaign", t).action("sent").identifier(id).build())).isFalse();
    assertThat(defaults.isActive(Event.builder("e-2", "campaign", t).action("open").identifier(id).build())).isTrue();
    assertThat(defaults.isActive(Event.builder("e-3", "consent", t).action("opt_in").identifier(id).build())).isFalse();
  }

  @Test
  void withInactive_addsTypeActionPair() {
    ActivityRules rules = defaults.withInactive("campaign", "delivered");

    assertThat(rules.isActive("campaign", "delivered")).isFalse();
    assertThat(rules.isActive("campaign", "sent")).isFalse();
    assertThat(rules.isActive("campaign", "open")).isTrue();
    assertThat(defaults.isActive("campaign", "delivered")).as("defaults unchanged").isTrue();
  }

  @Test
  void withInactiveType_addsType() {
    ActivityRules rules = defaults.withInactiveType("pageview");

    assertThat(rules.isActive("pageview", "")).isFalse();
    assertThat(rules.isActive("login", "login")).isTrue();
  }

  @Test
  void withActiveType_removesTypeAndItsActions() {
    assertThat(defaults.withActiveType("campaign").isActive("campaign", "sent")).isTrue();
    assertThat(defaults.withActiveType("consent").isActive("consent", "opt_in")).isTrue();
    assertThat(defaults.withActiveType("camp").isActive("campaign", "sent")).as("no prefix match").isFalse();
  }

  @Test
  void withActive_reactivatesOnePairOnly() {
    ActivityRules rules = ActivityRules.defaults().withInactive("campaign", "bounce").withActive("campaign", "sent");
    assertThat(rules.isActive("campaign", "sent")).isTrue();
    assertThat(rules.isActive("campaign", "bounce")).isFalse();
    assertThat(ActivityRules.defaults().withActive("consent", "opt_in").isActive("consent", "opt_in")).isFalse();
  }

  @Test
  void new_badActionPair_throws() {
    for (String bad : List.of("campaign", "/sent", "campaign/")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> new ActivityRules(Set.of(), Set.of(bad)))
          .withMessageStartingWith("inactive action must be type/action");
    }
  }

  @Test
  void new_nullSets_throwNamingThem() {
    assertThatNullPointerException().isThrownBy(() -> new ActivityRules(null, Set.of())).withMessage("inactiveTypes");
    assertThatNullPointerException().isThrownBy(() -> new ActivityRules(Set.of(), null)).withMessage("inactiveActions");
  }

  @Test
  void new_mutableSets_areCopied() {
    Set<String> types = new HashSet<>(Set.of("consent"));
    ActivityRules rules = new ActivityRules(types, Set.of());

    types.add("login");

    assertThat(rules.isActive("login", "login")).isTrue();
  }
}
