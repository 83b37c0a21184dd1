package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.ResolvedIdentifiers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The general link planner when two to four profiles meet in one event, under random rules
 * (unique, attach-only, linking types, plain and windowed limits, identifier and merge caps)
 * and profiles that may already be over a limit or cap (as after forced merges): whatever the
 * plan joins and attaches never breaks a cap, and a type over its limit afterwards has all its
 * values on one side that held them before (so no automatic step pushes a side over a limit or
 * mixes two sides' values past it). The anchor is the first identifier not refused, and the
 * refusals come in the event's priority order. Written from a merge review's probe; the
 * two-profile cases are in {@link LinkPlannerTwoSidesPropertiesTest}.
 */
class LinkPlannerManySidesPropertiesTest {
  private static final List<IdentifierType> TYPES = LinkPlannerTwoSidesPropertiesTest.TYPES;
  private static final Instant T0 = LinkPlannerTwoSidesPropertiesTest.T0;

  @Property(tries = 1000)
  void aPlanNeverPushesASideOverALimitOrCap(@ForAll long seed) {
    Random r = new Random(seed);
    IdentityRules.Builder rb = IdentityRules.builder();
    for (IdentifierType type : TYPES) {
      int priority = 10 + r.nextInt(90);
      int kind = r.nextInt(5);
      IdentifierPolicy p = kind == 0 ? IdentifierPolicy.unique(priority)
          : kind == 1 ? IdentifierPolicy.attachOnly(priority) : IdentifierPolicy.linking(priority);
      if (kind >= 2 && r.nextBoolean()) {
        p = r.nextBoolean() ? p.withLimit(1 + r.nextInt(3)) : p.withLimit(1 + r.nextInt(3), Duration.ofDays(1 + r.nextInt(4)));
      }
      rb.policy(type, p);
    }
    if (r.nextInt(3) == 0) {
      rb.maxIdentifiersPerProfile(3 + r.nextInt(10));
    }
    if (r.nextInt(3) == 0) {
      rb.maxMergesPerProfile(r.nextInt(5));
    }
    IdentityRules rules = rb.build();

    int sides = 2 + r.nextInt(3);
    Map<Identifier, ProfileId> owners = new HashMap<>();
    Map<ProfileId, Profile> profiles = new HashMap<>();
    Map<ProfileId, Map<Identifier, Instant>> held = new HashMap<>();
    List<Identifier> carried = new ArrayList<>();
    for (int s = 0; s < sides; s++) {
      ProfileId id = ProfileId.of("p" + s);
      Profile.Builder b = Profile.builder(id, T0);
      List<ProfileId> mergedFrom = new ArrayList<>();
      for (int k = r.nextInt(3); k > 0; k--) {
        mergedFrom.add(ProfileId.of("m" + s + "x" + k));
      }
      b.addMergedFrom(mergedFrom);
      Map<Identifier, Instant> h = new HashMap<>();
      for (IdentifierType type : TYPES) {
        for (int i = r.nextInt(3); i > 0; i--) {
          h.put(Identifier.of(type, "v" + s + "-" + i), T0.plus(Duration.ofDays(r.nextInt(10))));
        }
      }
      if (h.isEmpty()) {
        h.put(Identifier.of(TYPES.get(r.nextInt(TYPES.size())), "v" + s + "-z"), T0);
      }
      h.forEach((i, at) -> {
        b.putIdentifier(IdentifierState.firstSeen(i, at, true, "web"));
        owners.put(i, id);
      });
      profiles.put(id, b.build());
      held.put(id, h);
      List<Identifier> own = new ArrayList<>(h.keySet());
      own.sort(null);
      carried.add(own.get(r.nextInt(own.size())));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      carried.add(Identifier.of(TYPES.get(r.nextInt(TYPES.size())), "new" + i));
    }
    Instant at = T0.plus(Duration.ofDays(r.nextInt(12)));
    List<Identifier> linkable = new ArrayList<>(new LinkedHashSet<>(carried));
    linkable.sort(Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority()).thenComparing(Comparator.naturalOrder()));
    Event.Builder eb = Event.builder("e-1", "pageview", at);
    linkable.forEach(eb::identifier);
    ResolvedIdentifiers resolved = new ResolvedIdentifiers(eb.build(), linkable, List.of(), List.of(), List.of());

    LinkPlan plan = new LinkPlanner(rules).planGeneral(resolved, owners, profiles, List.of()).orElseThrow();

    Map<Identifier, Instant> union = new HashMap<>();
    int mergedBefore = 0;
    for (ProfileId p : plan.profiles()) {
      union.putAll(held.get(p));
      mergedBefore += profiles.get(p).mergedFrom().size();
    }
    for (Identifier a : plan.attach()) {
      union.put(a, at);
    }
    String scenario = "rules " + rules.policies() + " held " + held + " event " + linkable + " at " + at + " plan " + plan;
    if (plan.profiles().size() > 1) {
      assertThat(mergedBefore + plan.profiles().size() - 1).as("merge cap, %s", scenario).isLessThanOrEqualTo(rules.maxMergesPerProfile());
    }
    if (union.size() > rules.maxIdentifiersPerProfile()) { // only a side over the cap already, taken as it is
      assertThat(plan.attach()).as("identifier cap, %s", scenario).isEmpty();
      assertThat(plan.profiles()).as("identifier cap, %s", scenario).hasSize(1);
    }
    for (IdentifierType type : TYPES) {
      if (LinkPlannerTwoSidesPropertiesTest.overLimit(union, type, rules.policy(type))) {
        Set<Identifier> all = LinkPlannerTwoSidesPropertiesTest.ofType(union.keySet(), type);
        assertThat(plan.profiles().stream().anyMatch(q -> LinkPlannerTwoSidesPropertiesTest.ofType(held.get(q).keySet(), type).equals(all)))
            .as("%s over its limit only as one side held it, %s", type, scenario).isTrue();
      }
    }
    Set<Identifier> refused = plan.refusals().stream().map(LinkPlan.Refusal::identifier).collect(Collectors.toSet());
    assertThat(plan.anchor()).as(scenario).isEqualTo(linkable.stream().filter(i -> !refused.contains(i)).findFirst().orElseThrow());
    assertThat(plan.refusals().stream().map(LinkPlan.Refusal::identifier).toList())
        .as("refusals in priority order, %s", scenario).isEqualTo(linkable.stream().filter(refused::contains).toList());
  }
}
