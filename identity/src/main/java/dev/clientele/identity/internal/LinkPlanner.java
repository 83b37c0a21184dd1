package dev.clientele.identity.internal;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides how an event's identifiers link, under {@link IdentityRules}. Pure and thread-safe.
 *
 * <p>The identifiers are taken in priority order. Each one either brings its owner's profile
 * into the group (a merge), attaches to the group if no profile holds it, or is refused: when
 * the group would then hold two different values of a unique type, more values of a type than
 * its limit (counted within its window), more identifiers or merged profiles than the caps, or
 * when an attach-only type would join two profiles. An attach-only identifier held by a profile
 * is decided after the linking identifiers when one of those is held by another profile: it does
 * not choose the profile while a linking identifier brings one in (if every such link is
 * refused, it may still bring its own owner), and it is refused only if its owner did not join
 * through a linking identifier. The plan still lists everything in priority order.
 *
 * <p>Each step (a profile joining, an identifier attaching) is judged on its two sides, the group
 * so far and what joins it, whichever of them ranks first: it is refused only for what neither
 * side already held. A side over a limit or cap (after a forced merge, or under rules tightened
 * since) is taken as it is and not made worse: a step that adds no value of an over-limit type to
 * the side holding them is not refused for that type, and the merge cap applies only to a step
 * that merges two profiles.
 *
 * <p>Windows count link times, not first-seen times: an identifier counts at
 * {@link IdentifierState#linkedAt()}, the time of the event that attached it to its profile (an
 * identifier this event attaches counts at the event's time). That time never moves (first-seen
 * times do, when an older event arrives late) and merges and splits keep it, so after every
 * automatic link, in whatever order events arrive, each profile holds at most {@code limit}
 * values of a windowed type linked within any one window. Forced merges are not checked. A refused identifier stays where it was
 * (with its owner, or nowhere), so the lowest-priority identifiers are the ones dropped. A
 * shared device's anonymous id next to two people's customer ids therefore never glues them.
 *
 * <p>Without limits (see {@link IdentityRules.Builder#withoutLimits()}) and when every type may
 * link, nothing is refused and the result, a union of the profiles involved, does not depend on
 * the order events arrive in. An attach-only type is refused when it would join two profiles,
 * so with one the partition may depend on that order even without limits.
 */
public final class LinkPlanner {
  private final IdentityRules rules;
  /** The types that have a limit, with their limits: the only ones {@link #planSingle} counts. */
  private final IdentifierType[] limitedTypes;
  private final int[] limits;

  /** A planner applying {@code rules}. */
  public LinkPlanner(IdentityRules rules) {
    this.rules = requireNonNull(rules, "rules");
    // A type without a configured policy gets the host default, which has no limit.
    List<IdentifierType> types = new ArrayList<>();
    rules.policies().forEach((type, policy) -> {
      if (policy.limit().isPresent()) {
        types.add(type);
      }
    });
    types.sort(null);
    this.limitedTypes = types.toArray(new IdentifierType[0]);
    this.limits = new int[limitedTypes.length];
    for (int i = 0; i < limitedTypes.length; i++) {
      limits[i] = rules.policy(limitedTypes[i]).limit().getAsInt();
    }
  }

  /**
   * Plans the links of one event.
   *
   * @param resolved the event's identifiers, normalised and sorted by priority
   * @param owners the current owner of each identifier that has one
   * @param profiles the owners' profiles by id
   * @return the plan, or empty when no identifier can be used (every one refused or blocked)
   */
  public Optional<LinkPlan> plan(ResolvedIdentifiers resolved, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles) {
    return plan(resolved, owners, profiles, List.of());
  }

  /**
   * Plans the links of one event, keeping the sides of earlier splits apart: a profile is not
   * joined to the group when that would bring together identifiers an operator split apart
   * ({@link LinkPlan.Rule#SEPARATED}), unless one of the two already holds both sides.
   *
   * @param resolved the event's identifiers, normalised and sorted by priority
   * @param owners the current owner of each identifier that has one
   * @param profiles the owners' profiles by id
   * @param splits the split records naming the owners' identifiers (see
   *     {@link dev.clientele.core.spi.MergeLog#splitsNaming})
   * @return the plan, or empty when no identifier can be used (every one refused or blocked)
   */
  public Optional<LinkPlan> plan(
      ResolvedIdentifiers resolved, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles, List<MergeRecord> splits) {
    return Optional.ofNullable(planOrNull(resolved, owners, profiles, splits));
  }

  /**
   * {@link #plan(ResolvedIdentifiers, Map, Map, List)} with null for "empty": the ingest
   * pipeline's form, which makes no {@code Optional} for the common event's plan.
   *
   * @return the plan, or null when no identifier can be used
   */
  public LinkPlan planOrNull(
      ResolvedIdentifiers resolved, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles, List<MergeRecord> splits) {
    requireNonNull(resolved, "resolved");
    requireNonNull(owners, "owners");
    requireNonNull(profiles, "profiles");
    requireNonNull(splits, "splits");
    LinkPlan single = planSingle(resolved, owners, profiles, splits);
    return single != null ? single : planGeneral(resolved, owners, profiles, splits).orElse(null);
  }

  /**
   * The plan of the common event, decided without building a group: its identifiers are all
   * unowned or all held by one profile (or some of each), no split record is involved, and
   * nothing can be refused. Null when the event is not of that kind, or when a limit or cap
   * might refuse something; {@link #planGeneral} then decides. Whenever this returns a plan it
   * equals the general path's ({@code LinkPlannerSinglePathPropertiesTest}).
   *
   * <p>Why nothing is refused: with one owner no identifier can join a second profile (so no
   * merge, attach-only, merge-cap or separation rule applies), and a malformed value is refused
   * only when held by a profile that no linkable identifier brings in (sent to the general path).
   * What remains are the caps and limits on what attaches: the general path checks them on
   * subsets of the owner's identifiers plus the new ones, so when the whole union is within the
   * identifier cap and every limited type's count in it is within its limit (windows ignored,
   * which only counts more), none of those checks can fail. With nothing to attach there is
   * nothing to check at all: the profile that starts a group is taken as it is.
   */
  LinkPlan planSingle(
      ResolvedIdentifiers resolved, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles, List<MergeRecord> splits) {
    if (!splits.isEmpty()) {
      return null;
    }
    List<Identifier> linkable = resolved.linkable();
    List<Identifier> malformed = resolved.malformed();
    ProfileId owner = null;
    int unownedLinkable = 0;
    for (int i = 0; i < linkable.size(); i++) { // by index: no iterator per event
      ProfileId o = owners.get(linkable.get(i));
      if (o == null) {
        unownedLinkable++;
      } else if (owner == null) {
        owner = o;
      } else if (!owner.equals(o)) {
        return null; // a merge, or a refused link
      }
    }
    boolean linkableOwned = owner != null;
    int unownedMalformed = 0;
    for (int i = 0; i < malformed.size(); i++) {
      ProfileId o = owners.get(malformed.get(i));
      if (o == null) {
        unownedMalformed++;
      } else if (owner == null) {
        owner = o;
      } else if (!owner.equals(o)) {
        return null;
      }
    }
    if (owner != null && !linkableOwned && !linkable.isEmpty()) {
      return null; // a malformed value held by a profile the linkable ones do not bring in: refused
    }
    Identifier anchor = !linkable.isEmpty() ? linkable.get(0) : !malformed.isEmpty() ? malformed.get(0) : null;
    if (anchor == null) {
      return null;
    }
    Profile held = null;
    if (owner != null) {
      held = profiles.get(owner);
      if (held == null) {
        return null; // the general path reports it
      }
    }
    List<ProfileId> chosen = owner == null ? ImmutableList.of() : ImmutableList.of(owner);
    int unowned = unownedLinkable + unownedMalformed;
    if (unowned == 0) {
      return new LinkPlan(chosen, ImmutableList.of(), anchor, ImmutableList.of());
    }
    // Read by index: held.identifiers() would make a list of the old version, about to be replaced.
    int h = held == null ? 0 : held.identifierCount();
    int n = h + unowned;
    if (n > rules.maxIdentifiersPerProfile()) {
      return null;
    }
    List<Identifier> attach;
    if (unownedMalformed == 0 && unownedLinkable == linkable.size()) {
      attach = linkable; // the common new person: every identifier is new (no copy)
    } else if (unowned == 1) {
      attach = ImmutableList.of(onlyUnowned(linkable, malformed, owners)); // a known person's new value: no builder
    } else {
      ImmutableList.Builder<Identifier> b = ImmutableList.builderWithExpectedSize(unowned);
      for (int i = 0; i < linkable.size(); i++) {
        if (owners.get(linkable.get(i)) == null) {
          b.add(linkable.get(i));
        }
      }
      for (int i = 0; i < malformed.size(); i++) {
        if (owners.get(malformed.get(i)) == null) {
          b.add(malformed.get(i));
        }
      }
      attach = b.build();
    }
    // Each limited type's count in the union of the owner's identifiers and the new ones (one
    // to a few): a type without a limit is never over it, and a limited type that is neither
    // held nor attached counts 0. Profile.identifierCount reads the owner's kept type codes,
    // not its identifiers (another object each, likely not in cache).
    for (int t = 0; t < limitedTypes.length; t++) {
      IdentifierType type = limitedTypes[t];
      int count = countOf(attach, type) + (held == null ? 0 : held.identifierCount(type));
      if (count > limits[t]) {
        return null; // maybe refused: the general path decides which identifier and by which rule
      }
    }
    return new LinkPlan(chosen, attach, anchor, ImmutableList.of());
  }

  /** The one identifier of {@code linkable}, then {@code malformed}, that has no owner (there is exactly one). */
  private static Identifier onlyUnowned(List<Identifier> linkable, List<Identifier> malformed, Map<Identifier, ProfileId> owners) {
    for (int i = 0; i < linkable.size(); i++) {
      if (owners.get(linkable.get(i)) == null) {
        return linkable.get(i);
      }
    }
    for (int i = 0; i < malformed.size(); i++) {
      if (owners.get(malformed.get(i)) == null) {
        return malformed.get(i);
      }
    }
    throw new IllegalStateException("no identifier without an owner");
  }

  private static int countOf(java.util.Collection<Identifier> ids, IdentifierType type) {
    int count = 0;
    for (Identifier id : ids) {
      if (id.type().equals(type)) {
        count++;
      }
    }
    return count;
  }

  private static int countOf(List<Identifier> ids, IdentifierType type) {
    int count = 0;
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i).type().equals(type)) {
        count++;
      }
    }
    return count;
  }

  /**
   * The general planner: every event, including merges and refusals. Package-private so that a
   * property test can hold {@link #planSingle} to it.
   */
  Optional<LinkPlan> planGeneral(
      ResolvedIdentifiers resolved, Map<Identifier, ProfileId> owners, Map<ProfileId, Profile> profiles, List<MergeRecord> splits) {
    Instant at = resolved.event().timestamp();
    Group group = new Group(splits);
    List<Identifier> linkable = resolved.linkable();
    List<Identifier> malformed = resolved.malformed();
    List<Identifier> deferred = null;
    for (int i = 0; i < linkable.size(); i++) { // by index, and no lambda: this runs on every merge
      Identifier id = linkable.get(i);
      ProfileId owner = owners.get(id);
      if (owner != null && !rules.policy(id.type()).links() && linkingOwnerOtherThan(owner, linkable, owners)) {
        // An attach-only identifier may not choose the profile when a linking one of the event
        // is held elsewhere (it would join the two), nor be refused before that linking one has
        // perhaps brought its owner in. Decided after the linking identifiers.
        if (deferred == null) {
          deferred = new ArrayList<>(1);
        }
        deferred.add(id);
        continue;
      }
      linkOne(group, id, owner, profiles, at);
    }
    if (deferred != null) {
      // Each has an owner, so it joins that profile, is refused or is already in: none attaches,
      // and group.attach stays in priority order.
      for (int i = 0; i < deferred.size(); i++) {
        Identifier id = deferred.get(i);
        linkOne(group, id, owners.get(id), profiles, at);
      }
    }
    for (int i = 0; i < malformed.size(); i++) {
      Identifier id = malformed.get(i);
      ProfileId owner = owners.get(id);
      if (owner != null && group.profiles.contains(owner)) {
        continue;
      } else if (owner != null && group.profiles.isEmpty() && linkable.isEmpty()) {
        group.refuse(id, group.tryJoin(profiles.get(owner), id, at)); // a malformed value alone finds its owner
      } else if (owner != null) {
        group.refuse(id, Optional.of(new LinkPlan.Refusal(id, LinkPlan.Rule.MALFORMED_ELSEWHERE,
            id.type() + " is malformed and held by another profile: not attached")));
      } else {
        group.refuse(id, group.tryAttach(id, at));
      }
    }
    // The anchor and the refusals in priority order (the event's order), also when an
    // attach-only identifier was decided late.
    Map<Identifier, LinkPlan.Refusal> refused = group.refused;
    Identifier anchor = null;
    List<LinkPlan.Refusal> refusals = ImmutableList.of();
    if (refused == null) {
      anchor = !linkable.isEmpty() ? linkable.get(0) : !malformed.isEmpty() ? malformed.get(0) : null;
    } else {
      refusals = new ArrayList<>(refused.size());
      for (int i = 0; i < linkable.size() + malformed.size(); i++) {
        Identifier id = i < linkable.size() ? linkable.get(i) : malformed.get(i - linkable.size());
        LinkPlan.Refusal x = refused.get(id);
        if (x != null) {
          refusals.add(x);
        } else if (anchor == null) {
          anchor = id;
        }
      }
    }
    if (anchor == null) {
      return Optional.empty();
    }
    return Optional.of(new LinkPlan(new ArrayList<>(group.profiles), group.attach, anchor, refusals));
  }

  /** Links one valid identifier into {@code group}, or records why it is refused. */
  private void linkOne(Group group, Identifier id, ProfileId owner, Map<ProfileId, Profile> profiles, Instant at) {
    if (owner != null && group.profiles.contains(owner)) {
      return;
    } else if (owner != null) {
      group.refuse(id, !group.profiles.isEmpty() && !rules.policy(id.type()).links()
          ? Optional.of(new LinkPlan.Refusal(id, LinkPlan.Rule.ATTACH_ONLY, id.type() + " only attaches and may not join two profiles"))
          : group.tryJoin(profiles.get(owner), id, at));
    } else {
      group.refuse(id, group.tryAttach(id, at));
    }
  }

  /** A window in words: {@code 7 days}, {@code 12 hours}, {@code 90 minutes}, else its ISO form ({@code PT1.5S}). */
  static String inWords(java.time.Duration window) {
    if (window.toSeconds() % 86_400 == 0 && window.getNano() == 0) {
      return window.toDays() + (window.toDays() == 1 ? " day" : " days");
    } else if (window.toSeconds() % 3_600 == 0 && window.getNano() == 0) {
      return window.toHours() + (window.toHours() == 1 ? " hour" : " hours");
    } else if (window.toSeconds() % 60 == 0 && window.getNano() == 0) {
      return window.toMinutes() + (window.toMinutes() == 1 ? " minute" : " minutes");
    }
    return window.toString();
  }

  /** Whether an identifier of a linking type among {@code ids} is held by a profile other than {@code owner}. */
  private boolean linkingOwnerOtherThan(ProfileId owner, List<Identifier> ids, Map<Identifier, ProfileId> owners) {
    for (int i = 0; i < ids.size(); i++) {
      Identifier other = ids.get(i);
      ProfileId o = owners.get(other);
      if (o != null && !o.equals(owner) && rules.policy(other.type()).links()) {
        return true;
      }
    }
    return false;
  }

  /** The profiles and identifiers gathered so far, with what they hold. */
  private final class Group {
    final List<MergeRecord> splits;
    final TreeSet<ProfileId> profiles = new TreeSet<>();
    final List<Identifier> attach = new ArrayList<>(2);
    /**
     * Every identifier the group holds, with when it was linked to its profile (for one this
     * event attaches: the event's time); null while the group is
     * just the profile that started it ({@link #start}), whose identifiers are read from it
     * only when something else joins (most events touch one profile and add nothing).
     */
    Map<Identifier, Instant> held;
    Profile start;
    int merged;
    /** The refused identifiers with why; null until the first refusal (most plans have none). */
    Map<Identifier, LinkPlan.Refusal> refused;

    Group(List<MergeRecord> splits) {
      this.splits = splits;
    }

    private Map<Identifier, Instant> held() {
      if (held == null) {
        held = new HashMap<>();
        if (start != null) {
          for (IdentifierState s : start.identifiers()) {
            held.merge(s.identifier(), s.linkedAt(), (a, b) -> a.isBefore(b) ? a : b);
          }
          start = null;
        }
      }
      return held;
    }

    /** Records {@code refusal} of {@code id}, if there is one. */
    void refuse(Identifier id, Optional<LinkPlan.Refusal> refusal) {
      if (refusal.isPresent()) {
        if (refused == null) {
          refused = new HashMap<>(4);
        }
        refused.put(id, refusal.get());
      }
    }

    Optional<LinkPlan.Refusal> tryJoin(Profile p, Identifier via, Instant at) {
      if (p == null) {
        throw new IllegalArgumentException("no profile given for owner of " + via);
      }
      boolean first = profiles.isEmpty() && attach.isEmpty();
      int mergedAfter = merged + p.mergedFrom().size() + (profiles.isEmpty() ? 0 : 1);
      if (first) {
        // A profile that starts the group is taken as it is (rules may have tightened since it
        // was built); only what joins it is checked.
        profiles.add(p.id());
        start = p;
        merged = mergedAfter;
        return Optional.empty();
      }
      Map<Identifier, Instant> combined = new HashMap<>(held());
      for (IdentifierState s : p.identifiers()) {
        combined.merge(s.identifier(), s.linkedAt(), (a, b) -> a.isBefore(b) ? a : b);
      }
      if (!profiles.isEmpty() && mergedAfter > rules.maxMergesPerProfile()) {
        // Only a step that merges two profiles is held to the merge cap: p joining identifiers
        // this event attaches merges nothing (as when p starts the group).
        return Optional.of(new LinkPlan.Refusal(via, LinkPlan.Rule.MERGE_CAP,
            "merging would exceed the cap of " + rules.maxMergesPerProfile() + " merged profiles"));
      }
      if (separated(p)) {
        return Optional.of(new LinkPlan.Refusal(via, LinkPlan.Rule.SEPARATED,
            "an operator split these profiles apart; only a forced merge joins them again"));
      }
      Optional<LinkPlan.Refusal> broken = check(combined, null, null, via, at, held(), p);
      if (broken.isEmpty()) {
        profiles.add(p.id());
        held = combined;
        merged = mergedAfter;
      }
      return broken;
    }

    Optional<LinkPlan.Refusal> tryAttach(Identifier id, Instant at) {
      Map<Identifier, Instant> h = held();
      Optional<LinkPlan.Refusal> broken = check(h, id, at, id, at, h, null);
      if (broken.isEmpty()) {
        attach.add(id);
        h.put(id, at);
      }
      return broken;
    }

    /** Whether joining {@code p} would bring together the parts of a split that neither side holds together. */
    private boolean separated(Profile p) {
      for (MergeRecord split : splits) {
        Set<Integer> mine = partsTouched(split, held().keySet());
        Set<Integer> theirs = new HashSet<>();
        for (IdentifierState s : p.identifiers()) {
          Integer part = partOf(split, s.identifier());
          if (part != null) {
            theirs.add(part);
          }
        }
        Set<Integer> together = new HashSet<>(mine);
        together.addAll(theirs);
        if (together.size() > 1 && !mine.containsAll(together) && !theirs.containsAll(together)) {
          return true;
        }
      }
      return false;
    }

    private Set<Integer> partsTouched(MergeRecord split, Set<Identifier> ids) {
      Set<Integer> parts = new HashSet<>();
      for (Identifier id : ids) {
        Integer part = partOf(split, id);
        if (part != null) {
          parts.add(part);
        }
      }
      return parts;
    }

    /** 0 for the identifiers the split profile kept, i for those of side i; null if not in the split. */
    private Integer partOf(MergeRecord split, Identifier id) {
      if (split.links().contains(id)) {
        return 0;
      }
      for (int i = 0; i < split.sides().size(); i++) {
        if (split.sides().get(i).identifiers().contains(id)) {
          return i + 1;
        }
      }
      return null;
    }

    /**
     * Checks the caps and limits on {@code base} plus {@code extra} (linked at
     * {@code extraAt}) when {@code extra} is not null and not in {@code base} yet. Counts
     * without copying; only a group that breaks a limit is looked at again by
     * {@link #refusal}, which names the rule. {@code before} is what the group held before this
     * step and {@code joining} the profile this step joins to it (null for an attach): a type of
     * which the step adds nothing to one of the two sides is not refused, even when over its limit.
     */
    private Optional<LinkPlan.Refusal> check(
        Map<Identifier, Instant> base, Identifier extra, Instant extraAt, Identifier via, Instant at,
        Map<Identifier, Instant> before, Profile joining) {
      boolean adds = extra != null && !base.containsKey(extra);
      if (base.size() + (adds ? 1 : 0) > rules.maxIdentifiersPerProfile()) {
        return Optional.of(new LinkPlan.Refusal(via, LinkPlan.Rule.IDENTIFIER_CAP,
            "the profile would exceed the cap of " + rules.maxIdentifiersPerProfile() + " identifiers"));
      }
      IdentifierType[] types = new IdentifierType[4];
      int[] counts = new int[4];
      int kinds = 0;
      boolean exceeded = false;
      int n = base.size() + (adds ? 1 : 0);
      java.util.Iterator<Map.Entry<Identifier, Instant>> it = base.entrySet().iterator();
      for (int i = 0; i < n; i++) {
        Identifier id;
        Instant first;
        if (it.hasNext()) {
          Map.Entry<Identifier, Instant> e = it.next();
          id = e.getKey();
          first = e.getValue();
        } else {
          id = extra;
          first = extraAt;
        }
        IdentifierPolicy policy = rules.policy(id.type());
        if (policy.limit().isEmpty()) {
          continue;
        }
        // Every value counts here; a windowed type over its limit is looked at again by
        // refusal(), which slides the window over the link times.
        int k = 0;
        while (k < kinds && !types[k].equals(id.type())) {
          k++;
        }
        if (k == kinds) {
          if (kinds == types.length) {
            types = java.util.Arrays.copyOf(types, kinds * 2);
            counts = java.util.Arrays.copyOf(counts, kinds * 2);
          }
          types[kinds++] = id.type();
        }
        if (++counts[k] > policy.limit().getAsInt()) {
          exceeded = true;
        }
      }
      if (!exceeded) {
        return Optional.empty();
      }
      Map<Identifier, Instant> combined = base;
      if (adds) {
        combined = new HashMap<>(base);
        combined.put(extra, extraAt);
      }
      return refusal(combined, before, joining, via, at);
    }

    /**
     * The refusal for a group over a limit, if it really breaks one: an unwindowed type holds
     * more values than its limit, or a windowed type holds more than its limit linked within
     * one window's length of each other (any window, not only the one ending at the event), so
     * merging two profiles cannot crowd an earlier week either. Types are checked in name order.
     * Link times ({@link IdentifierState#linkedAt()}) never move once set, so a group that passes
     * this check keeps passing it whatever older events arrive later.
     *
     * <p>A type whose values are all on one side of the step, {@code before} (the group before
     * it) or {@code joining} (the profile it joins, when not null), is not checked: that side was
     * over the limit already (after a forced merge, or under rules tightened since) and the step
     * adds nothing of the type to it, so refusing the step would punish an unrelated identifier.
     * Both sides count, so the outcome does not depend on which side's identifier ranks first.
     * A side that was within the limit is never pushed over it: the combined values then equal
     * that side's, which were within it.
     */
    private Optional<LinkPlan.Refusal> refusal(
        Map<Identifier, Instant> combined, Map<Identifier, Instant> before, Profile joining, Identifier via, Instant at) {
      Map<IdentifierType, List<Instant>> byType = new java.util.TreeMap<>(java.util.Comparator.comparing(IdentifierType::name));
      for (Map.Entry<Identifier, Instant> e : combined.entrySet()) {
        if (rules.policy(e.getKey().type()).limit().isPresent()) {
          byType.computeIfAbsent(e.getKey().type(), t -> new ArrayList<>()).add(e.getValue());
        }
      }
      for (Map.Entry<IdentifierType, List<Instant>> e : byType.entrySet()) {
        IdentifierPolicy policy = rules.policy(e.getKey());
        int limit = policy.limit().getAsInt();
        List<Instant> times = e.getValue();
        if (times.size() <= limit || times.size() == countOf(before.keySet(), e.getKey())
            || (joining != null && times.size() == joining.identifierCount(e.getKey()))) {
          continue; // within the limit, or nothing of this type added to one side: a side over it
                    // already (a forced merge, tightened rules) is taken as it is, not made worse
        }
        boolean broken = true;
        if (policy.window().isPresent()) {
          times.sort(null);
          broken = false;
          for (int i = 0; i + limit < times.size() && !broken; i++) {
            broken = java.time.Duration.between(times.get(i), times.get(i + limit)).compareTo(policy.window().get()) < 0;
          }
        }
        if (!broken) {
          continue;
        }
        if (policy.unique()) {
          return Optional.of(new LinkPlan.Refusal(via, LinkPlan.Rule.UNIQUE_CONFLICT,
              "two different " + e.getKey() + " values may not be on one profile"));
        }
        return Optional.of(new LinkPlan.Refusal(via, LinkPlan.Rule.LIMIT,
            e.getKey() + " allows " + limit + " per profile" + policy.window().map(w -> " within " + inWords(w)).orElse("")));
      }
      return Optional.empty();
    }
  }
}
