package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.ResolvedIdentifiers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The single-profile path of {@link LinkPlanner} against its general path: whenever the single
 * path gives a plan, the general path gives the same one, and {@link LinkPlanner#plan} always
 * equals the general path. Generated over a pool of identifiers of five types owned by up to
 * three profiles (sometimes over their limits already, sometimes with many merged ids), events
 * carrying a subset of the pool (some of it malformed), under default, unlimited and tight rules
 * (limits of 1 or 2, windows, attach-only types, small caps).
 */
class LinkPlannerSinglePathPropertiesTest {
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  private static final IdentifierType[] TYPES = {
    IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.ANONYMOUS_ID, LOYALTY
  };
  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  /** One pool identifier: its type, who holds it (-1: nobody), when it was linked. */
  record Held(int type, int owner, int linkedDay) {}

  /** A generated case. */
  record Case(List<Held> pool, List<Integer> carried, List<Boolean> malformed, int rules, List<Integer> mergedCounts, int day) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Held> held = Combinators.combine(
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(-1, 2),
            Arbitraries.integers().between(0, 20))
        .as(Held::new);
    return held.list().ofMinSize(1).ofMaxSize(12).flatMap(pool -> Combinators.combine(
            Arbitraries.integers().between(0, pool.size() - 1).set().ofMinSize(1).ofMaxSize(Math.min(pool.size(), 5))
                .map(List::copyOf),
            Arbitraries.of(false, false, false, true).list().ofSize(5),
            Arbitraries.integers().between(0, 3),
            Arbitraries.of(0, 0, 1, 2, 150).list().ofSize(3),
            Arbitraries.integers().between(0, 25))
        .as((carried, malformed, rules, merged, day) -> new Case(pool, carried, malformed, rules, merged, day)));
  }

  @Property(tries = 1000)
  void plan_singlePathAgreesWithGeneralPath(@ForAll("cases") Case c) {
    IdentityRules rules = rules(c.rules());
    LinkPlanner planner = new LinkPlanner(rules);
    List<Identifier> ids = new ArrayList<>();
    for (int i = 0; i < c.pool().size(); i++) {
      Held h = c.pool().get(i);
      ids.add(Identifier.of(TYPES[h.type()], TYPES[h.type()].name() + "-" + i));
    }
    Map<Identifier, ProfileId> owners = new HashMap<>();
    Map<ProfileId, Profile> profiles = new HashMap<>();
    List<Profile.Builder> builders = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      Profile.Builder b = Profile.builder(ProfileId.of("p" + p), T0);
      List<ProfileId> merged = new ArrayList<>();
      for (int m = 0; m < c.mergedCounts().get(p); m++) {
        merged.add(ProfileId.of("m" + p + "x" + m));
      }
      b.addMergedFrom(merged);
      builders.add(b);
    }
    for (int i = 0; i < c.pool().size(); i++) {
      Held h = c.pool().get(i);
      if (h.owner() >= 0) {
        Instant linked = T0.plus(Duration.ofDays(h.linkedDay()));
        builders.get(h.owner()).putIdentifier(IdentifierState.firstSeen(ids.get(i), linked, true, "web"));
        owners.put(ids.get(i), ProfileId.of("p" + h.owner()));
      }
    }
    for (int p = 0; p < 3; p++) {
      Profile built = builders.get(p).build();
      if (owners.containsValue(built.id())) {
        profiles.put(built.id(), built);
      }
    }
    Comparator<Identifier> priority =
        Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority()).thenComparing(Comparator.naturalOrder());
    List<Identifier> linkable = new ArrayList<>();
    List<Identifier> malformed = new ArrayList<>();
    for (int k = 0; k < c.carried().size(); k++) {
      Identifier id = ids.get(c.carried().get(k));
      (c.malformed().get(k) ? malformed : linkable).add(id);
    }
    linkable.sort(priority);
    malformed.sort(priority);
    Event.Builder e = Event.builder("e-1", "pageview", T0.plus(Duration.ofDays(c.day())));
    c.carried().forEach(k -> e.identifier(ids.get(k)));
    ResolvedIdentifiers resolved = new ResolvedIdentifiers(e.build(), linkable, malformed, List.of(), List.of());

    List<MergeRecord> splits = List.of();
    Optional<LinkPlan> general = planner.planGeneral(resolved, owners, profiles, splits);
    LinkPlan single = planner.planSingle(resolved, owners, profiles, splits);
    Statistics.label("single path").collect(single != null);
    // The generator must exercise the path: it is taken in a good share of the cases.
    Statistics.label("single path").coverage(check -> check.check(true).percentage(p -> p >= 15.0));
    if (single != null) {
      assertThat(general).contains(single);
      assertThat(single.refusals()).isEmpty();
      assertThat(single.profiles()).hasSizeLessThanOrEqualTo(1);
    }
    assertThat(planner.plan(resolved, owners, profiles, splits)).isEqualTo(general);
  }

  private static IdentityRules rules(int which) {
    return switch (which) {
      case 0 -> IdentityRules.defaults();
      case 1 -> IdentityRules.builder().withoutLimits().build();
      case 2 -> IdentityRules.builder()
          .policy(IdentifierType.EMAIL, IdentifierPolicy.linking(80).withLimit(1))
          .policy(IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(10).withLimit(2, Duration.ofDays(7)))
          .policy(LOYALTY, IdentifierPolicy.attachOnly(50).withLimit(2))
          .maxIdentifiersPerProfile(4)
          .maxMergesPerProfile(1)
          .build();
      default -> IdentityRules.builder()
          .policy(IdentifierType.PHONE, IdentifierPolicy.attachOnly(70))
          .policy(LOYALTY, IdentifierPolicy.unique(90))
          .maxIdentifiersPerProfile(6)
          .build();
    };
  }
}
