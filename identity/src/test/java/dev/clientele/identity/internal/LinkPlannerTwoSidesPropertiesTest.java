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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * Whether two profiles merge, read from the rules alone and not from the order the planner takes
 * identifiers in. Two profiles X and Y, each with random identifiers of four types (often over a
 * limit already, as after a forced merge or under rules tightened since) and random merge counts,
 * meet through an event carrying one identifier of each, of two linking types. The rules are
 * random (limits with and without windows, unique types, caps) and come in two versions that
 * differ only in which of the two types ranks first. Then:
 *
 * <ul>
 *   <li>the two versions agree: both merge X and Y, or both refuse it by the same rule;
 *   <li>the merge is refused exactly when it breaks a rule: more merged profiles than the merge
 *       cap, more identifiers than the identifier cap, or a limited type whose values in the
 *       union are over its limit (within one window, for a windowed type) and are not all held
 *       by one of the two sides already. So a side that was within a limit is never pushed over
 *       it, and a side over it (a forced merge) is not refused for a step that adds none of it.
 * </ul>
 */
class LinkPlannerTwoSidesPropertiesTest {
  static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  /** The types both planner properties draw rules and identifiers from. */
  static final List<IdentifierType> TYPES =
      List.of(IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.ANONYMOUS_ID, LOYALTY);
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  @Property(tries = 1000)
  void twoProfilesMerge_exactlyWhenNoRuleIsBroken_whicheverSideRanksFirst(@ForAll long seed) {
    Random r = new Random(seed);
    int tx = r.nextInt(TYPES.size());
    int ty = (tx + 1 + r.nextInt(TYPES.size() - 1)) % TYPES.size();
    IdentifierType typeX = TYPES.get(tx);
    IdentifierType typeY = TYPES.get(ty);
    Map<IdentifierType, IdentifierPolicy> policies = new HashMap<>();
    int[] priorities = new int[TYPES.size()];
    for (int t = 0; t < TYPES.size(); t++) {
      priorities[t] = 10 + 10 * t;
    }
    int maxIds = r.nextInt(3) == 0 ? 3 + r.nextInt(8) : -1;
    int maxMerges = r.nextInt(3) == 0 ? r.nextInt(4) : -1;
    boolean[] unique = new boolean[TYPES.size()];
    int[] limit = new int[TYPES.size()];
    int[] windowDays = new int[TYPES.size()];
    for (int t = 0; t < TYPES.size(); t++) {
      unique[t] = r.nextInt(4) == 0;
      limit[t] = unique[t] ? 1 : r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(3);
      windowDays[t] = unique[t] || limit[t] == 0 || r.nextBoolean() ? 0 : 1 + r.nextInt(4);
    }
    IdentityRules first = rules(priorities, unique, limit, windowDays, maxIds, maxMerges);
    int swap = priorities[tx];
    priorities[tx] = priorities[ty];
    priorities[ty] = swap;
    IdentityRules second = rules(priorities, unique, limit, windowDays, maxIds, maxMerges);

    // The two profiles: each holds its event identifier and 0-3 more values of each type.
    List<Map<Identifier, Instant>> sides = List.of(new HashMap<>(), new HashMap<>());
    Identifier x = Identifier.of(typeX, "x");
    Identifier y = Identifier.of(typeY, "y");
    sides.get(0).put(x, day(r.nextInt(10)));
    sides.get(1).put(y, day(r.nextInt(10)));
    for (int s = 0; s < 2; s++) {
      for (IdentifierType t : TYPES) {
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          sides.get(s).put(Identifier.of(t, "v" + s + "-" + i), day(r.nextInt(10)));
        }
      }
    }
    int[] mergedCounts = {r.nextInt(3), r.nextInt(3)};
    Map<Identifier, ProfileId> owners = new HashMap<>();
    Map<ProfileId, Profile> profiles = new HashMap<>();
    for (int s = 0; s < 2; s++) {
      ProfileId id = ProfileId.of("p" + s);
      Profile.Builder b = Profile.builder(id, T0);
      List<ProfileId> merged = new ArrayList<>();
      for (int m = 0; m < mergedCounts[s]; m++) {
        merged.add(ProfileId.of("m" + s + "x" + m));
      }
      b.addMergedFrom(merged);
      sides.get(s).forEach((identifier, linked) -> {
        b.putIdentifier(IdentifierState.firstSeen(identifier, linked, true, "web"));
        owners.put(identifier, id);
      });
      profiles.put(id, b.build());
    }
    Instant at = day(r.nextInt(12));
    LinkPlan one = plan(first, x, y, at, owners, profiles);
    LinkPlan other = plan(second, x, y, at, owners, profiles);
    String scenario = "rules " + first.policies() + " caps " + maxIds + "/" + maxMerges + "; merged " + mergedCounts[0] + "/"
        + mergedCounts[1] + "; X " + sides.get(0) + "; Y " + sides.get(1) + "; at " + at;

    // What the rules say, side by side: which rule (if any) the union of X and Y breaks.
    Map<Identifier, Instant> union = new HashMap<>(sides.get(0));
    union.putAll(sides.get(1));
    LinkPlan.Rule expected = null;
    if (mergedCounts[0] + mergedCounts[1] + 1 > first.maxMergesPerProfile()) {
      expected = LinkPlan.Rule.MERGE_CAP;
    } else if (union.size() > first.maxIdentifiersPerProfile()) {
      expected = LinkPlan.Rule.IDENTIFIER_CAP;
    } else {
      for (IdentifierType t : TYPES.stream().sorted(Comparator.comparing(IdentifierType::name)).toList()) {
        IdentifierPolicy p = first.policy(t);
        Set<Identifier> all = ofType(union.keySet(), t);
        if (p.limit().isPresent() && overLimit(union, t, p) && !all.equals(ofType(sides.get(0).keySet(), t))
            && !all.equals(ofType(sides.get(1).keySet(), t))) {
          expected = p.unique() ? LinkPlan.Rule.UNIQUE_CONFLICT : LinkPlan.Rule.LIMIT;
          break;
        }
      }
    }
    Statistics.label("merged").collect(expected == null);
    Statistics.label("a side over a limit").collect(TYPES.stream().anyMatch(t -> first.policy(t).limit().isPresent()
        && (overLimit(sides.get(0), t, first.policy(t)) || overLimit(sides.get(1), t, first.policy(t)))));
    for (LinkPlan plan : List.of(one, other)) {
      if (expected == null) {
        assertThat(plan.profiles()).as(scenario).containsExactly(ProfileId.of("p0"), ProfileId.of("p1"));
        assertThat(plan.refusals()).as(scenario).isEmpty();
      } else {
        assertThat(plan.profiles()).as(scenario).hasSize(1);
        assertThat(plan.refusals()).as(scenario).extracting(LinkPlan.Refusal::rule).containsExactly(expected);
      }
    }
  }

  private static LinkPlan plan(
      IdentityRules rules, Identifier x, Identifier y, Instant at, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles) {
    List<Identifier> linkable = new ArrayList<>(List.of(x, y));
    linkable.sort(Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority()).thenComparing(Comparator.naturalOrder()));
    Event e = Event.builder("e-1", "pageview", at).identifier(x).identifier(y).build();
    ResolvedIdentifiers resolved = new ResolvedIdentifiers(e, linkable, List.of(), List.of(), List.of());
    return new LinkPlanner(rules).plan(resolved, owners, profiles).orElseThrow();
  }

  private static IdentityRules rules(int[] priorities, boolean[] unique, int[] limit, int[] windowDays, int maxIds, int maxMerges) {
    IdentityRules.Builder b = IdentityRules.builder();
    for (int t = 0; t < TYPES.size(); t++) {
      IdentifierPolicy p = unique[t] ? IdentifierPolicy.unique(priorities[t]) : IdentifierPolicy.linking(priorities[t]);
      if (!unique[t] && limit[t] > 0) {
        p = windowDays[t] > 0 ? p.withLimit(limit[t], Duration.ofDays(windowDays[t])) : p.withLimit(limit[t]);
      }
      b.policy(TYPES.get(t), p);
    }
    if (maxIds > 0) {
      b.maxIdentifiersPerProfile(maxIds);
    }
    if (maxMerges >= 0) {
      b.maxMergesPerProfile(maxMerges);
    }
    return b.build();
  }

  private static Instant day(int d) {
    return T0.plus(Duration.ofDays(d));
  }

  static Set<Identifier> ofType(Set<Identifier> ids, IdentifierType t) {
    return ids.stream().filter(i -> i.type().equals(t)).collect(Collectors.toSet());
  }

  /** More values of {@code t} than the limit, or (windowed) more than the limit linked within less than one window. */
  static boolean overLimit(Map<Identifier, Instant> held, IdentifierType t, IdentifierPolicy p) {
    if (p.limit().isEmpty()) {
      return false;
    }
    int limit = p.limit().getAsInt();
    List<Instant> times = held.entrySet().stream().filter(e -> e.getKey().type().equals(t)).map(Map.Entry::getValue).sorted().toList();
    if (times.size() <= limit) {
      return false;
    }
    if (p.window().isEmpty()) {
      return true;
    }
    for (int i = 0; i + limit < times.size(); i++) {
      if (Duration.between(times.get(i), times.get(i + limit)).compareTo(p.window().get()) < 0) {
        return true;
      }
    }
    return false;
  }
}
