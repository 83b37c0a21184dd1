package dev.clientele.identity;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of identity's API, swept by reflection ({@link
 * ArgumentSweep}): null, edge numbers, odd strings (masked in messages when personal), collections
 * copied in and read-only out; and the rules of its builders.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    m.put(IdentityRules.class, IdentityRules::defaults);
    m.put(IdentityRules.Builder.class, IdentityRules::builder);
    m.put(IdentifierPolicy.class, () -> IdentifierPolicy.linking(1));
    m.put(SurvivorshipRules.class, () -> SurvivorshipRules.DEFAULTS);
    m.put(SurvivorshipRules.Builder.class, SurvivorshipRules::builder);
    m.put(IdentityResolver.class, () -> new IdentityResolver(IdentityRules.defaults()));
    m.put(IdentifierNormalizer.class, () -> IdentifierNormalizer.STRIP);
    m.put(NormalizedIdentifier.class, () -> NormalizedIdentifier.valid(EMAIL));
    m.put(Explanation.Link.class, () -> new Explanation.Link(Explanation.Kind.ATTACHED, T, Optional.empty(), List.of(EMAIL),
        List.of(P1), P1, Optional.empty(), "rule"));
    m.put(LinkPlan.Refusal.class, () -> new LinkPlan.Refusal(EMAIL, LinkPlan.Rule.LIMIT, "over the limit"));
    m.put(java.util.OptionalInt.class, java.util.OptionalInt::empty);
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("region", () -> "GB");
    m.put("regex", () -> "^x+$");
    m.put("pattern", () -> "^x+$");
    m.put("attribute", () -> "city");
    m.put("name", () -> "city");
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    return ArgumentSweep.over(ArgumentSweep.publicTypes(IdentityRules.class), Map.of(), byName(), own)
        .alias("IdentityRules.Builder#blockPattern/regex", "blocked pattern");
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("identity"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void identityRulesBuilder_setTwice_refusedNamingTheSetting() {
    assertThatThrownBy(() -> IdentityRules.builder().defaultRegion("GB").defaultRegion("FR"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("default region");
    assertThatThrownBy(() -> IdentityRules.builder().cacheSize(5).cacheSize(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cache size");
    assertThatThrownBy(() -> IdentityRules.builder().maxMergesPerProfile(5).maxMergesPerProfile(6))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("max merges");
    assertThatThrownBy(() -> IdentityRules.builder().policy(IdentifierType.EMAIL, IdentifierPolicy.linking(1))
        .policy(IdentifierType.EMAIL, IdentifierPolicy.linking(2))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policy for email");
    assertThatThrownBy(() -> SurvivorshipRules.builder().attribute("city", SurvivorshipRules.AttributeMerge.LATEST)
        .attribute("city", SurvivorshipRules.AttributeMerge.OLDEST)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("city");
  }

  @Test
  void defaultRegion_unknownLongValue_shownMaskedNotWhole() {
    String region = "ann." + ArgumentSweep.MARK + "@example.com".repeat(100);
    assertThatThrownBy(() -> IdentityRules.builder().defaultRegion(region)).isInstanceOf(IllegalArgumentException.class)
        .message().startsWith("unknown phone region: ").doesNotContain(ArgumentSweep.MARK).hasSizeLessThan(60);
    assertThatThrownBy(() -> IdentityRules.builder().defaultRegion("ZZ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown phone region: ZZ");
  }

  @Test
  void identityRules_builtValue_doesNotChangeWithItsBuilder() {
    IdentityRules.Builder b = IdentityRules.builder().blockValue("nobody");
    IdentityRules first = b.build();
    b.blockValue("somebody");
    assertThat(first.blockedValues()).contains("nobody").doesNotContain("somebody");
  }
}
