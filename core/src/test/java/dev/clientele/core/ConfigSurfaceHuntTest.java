package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bug hunt on the configuration surface of {@code core}: {@link RevenueRules} with
 * {@link ExchangeRates} and {@link ActivityRules}. Each option is observed through the public API.
 */
class ConfigSurfaceHuntTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");

  private static Event order(String currency, String total) {
    return Event.builder("o-1", "order", T).identifier(IdentifierType.EMAIL, "ann@example.com")
        .data("total", new BigDecimal(total)).data("currency", currency).build();
  }

  @Test
  void revenueRules_fixedRates_convertIntoTheReportingCurrency() {
    RevenueRules usd = RevenueRules.in("usd").withRates(ExchangeRates.fixed("USD", Map.of("GBP", new BigDecimal("1.25"))));
    List<String> problems = new ArrayList<>();

    assertThat(usd.revenueOf(order("gbp", "10"), problems)).contains(new BigDecimal("12.50"));
    assertThat(usd.revenueOf(order("USD", "10"), problems)).contains(new BigDecimal("10"));
    assertThat(problems).isEmpty();
  }

  /**
   * Fixed rates into another currency than the reporting one can never be asked for a rate they
   * know: every order in a foreign currency would silently stop counting. A contradictory setting:
   * refused when the rules are made, naming both currencies.
   */
  @Test
  void revenueRules_withFixedRatesIntoAnotherCurrency_isRefused() {
    ExchangeRates intoEur = ExchangeRates.fixed("EUR", Map.of("GBP", new BigDecimal("1.15")));

    assertThatIllegalArgumentException().isThrownBy(() -> RevenueRules.in("USD").withRates(intoEur))
        .withMessageContaining("rates")
        .withMessageContaining("EUR")
        .withMessageContaining("USD");
    // Into the same currency, in any case of the reporting code: accepted.
    assertThat(RevenueRules.in("eur").withRates(intoEur).currency()).contains("EUR");
  }

  /** A fixed rate of the reporting currency into itself is never asked: other than 1 it is a mistake, refused. */
  @Test
  void fixedRates_ofTheTargetIntoItself_mustBeOne() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExchangeRates.fixed("USD", Map.of("USD", new BigDecimal("2"), "GBP", BigDecimal.TEN)))
        .withMessageContaining("USD into itself");
    ExchangeRates withOne = ExchangeRates.fixed("USD", Map.of("USD", new BigDecimal("1.000"), "GBP", new BigDecimal("1.25")));
    assertThat(RevenueRules.in("USD").withRates(withOne).revenueOf(order("GBP", "2"), new ArrayList<>()))
        .contains(new BigDecimal("2.50"));
  }

  /** "Each setting once", as in every other builder: a second ceiling is refused, not the last one winning. */
  @Test
  void inMemoryStorageBuilder_settingTwice_isRefused() {
    dev.clientele.core.spi.InMemoryStorage.Builder b = dev.clientele.core.spi.InMemoryStorage.builder().maxEvents(5).maxProfiles(2);
    org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> b.maxEvents(6))
        .withMessageContaining("maxEvents");
    org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> b.maxProfiles(3))
        .withMessageContaining("maxProfiles");
    assertThat(b.build()).isNotSameAs(b.build());
  }

  @Test
  void activityRules_defaults_areTheDesignsList() {
    ActivityRules d = ActivityRules.defaults();

    for (String type : List.of("consent", "reachability", "list", "compliance", "discovery")) {
      assertThat(d.isActive(type, "anything")).as(type).isFalse();
    }
    assertThat(d.isActive("campaign", "sent")).isFalse();
    assertThat(d.isActive("campaign", "open")).isTrue();
    assertThat(d.isActive("login", "login")).isTrue();
    assertThat(d.isActive("order", "")).isTrue();
  }

  /**
   * A type or action no event can have (events take 1 to 64 of {@code [A-Za-z0-9_.:-]}) is a
   * setting without effect: refused, naming the value.
   */
  @Test
  void activityRules_namesNoEventCanCarry_areRefused() {
    ActivityRules d = ActivityRules.defaults();
    for (String bad : List.of("", " ", "heart beat", " heartbeat", "a/b", "x".repeat(65), "ünïcode")) {
      assertThatIllegalArgumentException().as("type '%s'", bad).isThrownBy(() -> d.withInactiveType(bad))
          .withMessageContaining("event type");
      assertThatIllegalArgumentException().as("active type '%s'", bad).isThrownBy(() -> d.withActiveType(bad))
          .withMessageContaining("event type");
      assertThatIllegalArgumentException().as("pair type '%s'", bad).isThrownBy(() -> d.withInactive(bad, "sent"))
          .withMessageContaining("inactive action must be type/action");
      if (!bad.isEmpty()) {
        assertThatIllegalArgumentException().as("action '%s'", bad).isThrownBy(() -> d.withInactive("campaign", bad))
            .withMessageContaining("inactive action must be type/action");
      }
      assertThatIllegalArgumentException().as("set '%s'", bad).isThrownBy(() -> new ActivityRules(Set.of(bad), Set.of()))
          .withMessageContaining("event type");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> new ActivityRules(Set.of(), Set.of("campaign/sent/x")))
        .withMessageContaining("inactive action must be type/action");
    assertThatNullPointerException().isThrownBy(() -> d.withInactiveType(null)).withMessageContaining("type");
    assertThatNullPointerException().isThrownBy(() -> d.withInactive("campaign", null)).withMessageContaining("action");
    // Every character events allow is still accepted.
    ActivityRules ok = d.withInactiveType("Heart.Beat:v2-x_1").withInactive("app.v2", "bg:ping-1");
    assertThat(ok.isActive("Heart.Beat:v2-x_1", "")).isFalse();
    assertThat(ok.isActive("app.v2", "bg:ping-1")).isFalse();
    assertThat(ok.isActive("app.v2", "fg")).isTrue();
  }
}
