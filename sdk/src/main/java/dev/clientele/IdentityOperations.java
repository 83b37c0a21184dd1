package dev.clientele;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.consent.internal.ConsentChanges;
import dev.clientele.consent.internal.SplitCarryOver;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.internal.ProfileChanges;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.Explanation;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.ResolvedIdentifiers;
import dev.clientele.identity.internal.Survivorship;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Operator actions on identity: explain, forced merge and split, each one atomic commit retried on conflict. */
final class IdentityOperations {
  private final Storage storage;
  private final IdentityResolver resolver;
  private final ActivityRules activity;
  private final RevenueRules revenue;
  private final Clock clock;
  private final ContentionGate gate;

  IdentityOperations(
      Storage storage, IdentityResolver resolver, ActivityRules activity, RevenueRules revenue, Clock clock, ContentionGate gate) {
    this.gate = gate;
    this.storage = storage;
    this.resolver = resolver;
    this.activity = activity;
    this.revenue = revenue;
    this.clock = clock;
  }

  Explanation explain(ProfileId id) {
    Profile p = storage.profile(id).orElseThrow(() -> new NoSuchElementException("no profile with id " + id));
    Set<Identifier> mine = new HashSet<>();
    p.identifiers().forEach(s -> mine.add(s.identifier()));
    List<Explanation.Link> links = new ArrayList<>();
    Set<Identifier> explained = new HashSet<>();
    attachments(id, storage.events(mine), mine, explained, links);
    Set<String> seen = new HashSet<>();
    Set<Identifier> givenBack = new HashSet<>();
    Deque<ProfileId> queue = new ArrayDeque<>(List.of(id));
    Set<ProfileId> visited = new HashSet<>();
    while (!queue.isEmpty()) {
      ProfileId next = queue.poll();
      if (!visited.add(next)) {
        continue;
      }
      for (MergeRecord r : storage.mergeRecords(next)) {
        boolean into = r.profile().equals(next);
        if (r.kind() != MergeRecord.Kind.SPLIT && !into) {
          continue; // a merge that absorbed `next` is explained from its survivor, if that is part of this profile
        }
        if (!seen.add(r.id())) {
          continue;
        }
        List<ProfileId> others = r.sides().stream().map(MergeRecord.Side::id).toList();
        List<Identifier> ids = new ArrayList<>();
        if (r.kind() == MergeRecord.Kind.SPLIT) {
          r.sides().forEach(s -> ids.addAll(s.identifiers()));
          if (into) {
            givenBack.addAll(ids);
          }
        } else {
          ids.addAll(r.links());
          queue.addAll(others);
        }
        Explanation.Kind kind = switch (r.kind()) {
          case MERGE -> Explanation.Kind.MERGED;
          case FORCED_MERGE -> Explanation.Kind.FORCED_MERGE;
          case SPLIT -> Explanation.Kind.SPLIT;
        };
        links.add(new Explanation.Link(kind, r.at(), r.eventId(), ids, others, r.profile(), Optional.of(r.id()), r.note()));
      }
    }
    if (!explained.containsAll(mine) && !givenBack.isEmpty()) {
      // A split leaves the split profile the identifiers attached while it was merged, but the
      // event that attached one of them may be anchored at an identifier the split gave back to
      // a restored profile: look for it among the events of the identifiers given back.
      Set<Identifier> missing = new HashSet<>(mine);
      missing.removeAll(explained);
      attachments(id, storage.events(givenBack), missing, explained, links);
    }
    if (!explained.containsAll(mine)) {
      // The split record that named those identifiers is gone when another side of the split was
      // erased (erasure erases every record naming the erased profile), and the event that
      // attached the identifier is then anchored at an identifier another profile holds: look
      // for it among all stored events. Rare (a split, then an erasure), and explain is an
      // operator's action; the erasure left no erased value in those events.
      Set<Identifier> missing = new HashSet<>(mine);
      missing.removeAll(explained);
      attachments(id, eventsCarrying(missing), missing, explained, links);
    }
    if (!explained.containsAll(mine)) {
      // The event that attached it is gone: it was stored on the side of a split that was erased
      // since, and it changed no consent or deliverability of this profile's identifiers, so it was
      // the erased person's and erased with them (Erasure keeps only those parts for the others).
      // Named, at its first sighting, without an event.
      for (IdentifierState s : p.identifiers()) {
        if (!explained.contains(s.identifier())) {
          links.add(new Explanation.Link(Explanation.Kind.ATTACHED, s.firstSeen(), Optional.empty(), List.of(s.identifier()),
              List.of(), id, Optional.empty(), ATTACHED_BY_ERASED_EVENT));
        }
      }
    }
    links.sort(Comparator.comparing(Explanation.Link::at).thenComparing(l -> l.kind().ordinal()));
    return new Explanation(id, links);
  }

  /**
   * The rule of an {@link Explanation.Kind#ATTACHED} link without an event: the identifier was
   * attached by an event stored on another side of a split whose person was erased since.
   */
  static final String ATTACHED_BY_ERASED_EVENT =
      "attached by an event erased since with another person it was stored under (a side of a split)";

  /** The stored events, wherever anchored, that carry any of {@code identifiers}, in timeline order. */
  private List<StoredEvent> eventsCarrying(Set<Identifier> identifiers) {
    try (java.util.stream.Stream<StoredEvent> all = storage.allEvents()) {
      return all.filter(st -> st.event().identifiers().stream().anyMatch(identifiers::contains))
          .sorted(StoredEvent.TIMELINE_ORDER)
          .toList();
    }
  }

  /**
   * Adds an {@link Explanation.Kind#ATTACHED} link for each of {@code events} (in timeline order)
   * that carries one of {@code wanted} not yet {@code explained}, and marks those explained.
   */
  private static void attachments(
      ProfileId id, List<StoredEvent> events, Set<Identifier> wanted, Set<Identifier> explained, List<Explanation.Link> links) {
    for (StoredEvent stored : events) {
      List<Identifier> carried = new ArrayList<>();
      boolean fresh = false;
      boolean known = false;
      for (Identifier i : new TreeSet<>(stored.event().identifiers())) {
        if (wanted.contains(i)) {
          carried.add(i);
          if (explained.add(i)) {
            fresh = true;
          } else {
            known = true;
          }
        }
      }
      if (fresh) {
        String rule = known
            ? "carried by one event with identifiers the profile already held: identifiers of one event attach to one profile"
            : carried.size() > 1 ? "first seen together in one event: identifiers of one event attach to one profile"
            : "first seen in this event";
        links.add(new Explanation.Link(Explanation.Kind.ATTACHED, stored.event().timestamp(), Optional.of(stored.event().id()),
            carried, List.of(), id, Optional.empty(), rule));
      }
    }
  }

  Profile forceMerge(ProfileId a, ProfileId b, String reason) {
    requireNonNull(a, "a");
    requireNonNull(b, "b");
    requireNonNull(reason, "reason");
    checkArgument(!a.equals(b), "cannot merge profile %s with itself", a);
    checkReason(reason);
    return retried(() -> {
      Profile pa = storage.profile(a).orElseThrow(() -> new NoSuchElementException("no profile with id " + a));
      Profile pb = storage.profile(b).orElseThrow(() -> new NoSuchElementException("no profile with id " + b));
      List<Profile> both = List.of(pa, pb);
      Profile survivor = Survivorship.survivor(both, resolver.rules().survivorship());
      Profile loser = survivor == pa ? pb : pa;
      Profile.Builder mergedBuilder = Survivorship.merge(both, survivor, resolver.rules().survivorship());
      sightingsAcross(pa, pb, mergedBuilder);
      sightingsAcross(pb, pa, mergedBuilder);
      // Above both: the loser's id may be restored by a split, which must not give it a version
      // it had (see Commit.ProfileWrite).
      Profile merged = mergedBuilder.version(Math.max(pa.version(), pb.version()) + 1).build();
      Commit.Builder commit = Commit.builder()
          .putProfile(merged, survivor.version())
          .deleteProfile(loser.id(), loser.version());
      Set<Identifier> held = new LinkedHashSet<>();
      for (IdentifierState s : loser.identifiers()) {
        commit.assign(s.identifier(), Optional.of(loser.id()), survivor.id());
        held.add(s.identifier());
      }
      String recordId = UUID.randomUUID().toString();
      commit.logMerge(new MergeRecord(recordId, MergeRecord.Kind.FORCED_MERGE, clock.instant(),
          survivor.id(), List.of(new MergeRecord.Side(loser.id(), held, List.copyOf(loser.mergedFrom()))),
          Optional.empty(), List.of(), Optional.empty(), "forced by an operator: " + reason));
      commit(commit.build(), recordId);
      return merged;
    });
  }

  /**
   * When an operator joins again the sides of a split, the events stored under {@code from}'s
   * identifiers that carry identifiers of {@code to} (the events that linked them before the
   * split) are on the joined profile's timeline again: their sightings of {@code to}'s
   * identifiers, which the split left out of {@code to}, count again, as a rebuild of the joined
   * profile would count them. Their consent and deliverability changes of those identifiers and
   * their restrictive customer-wide ones never left {@code to} (see {@link SplitCarryOver}); the
   * rest of them stayed on {@code from}.
   */
  private void sightingsAcross(Profile from, Profile to, Profile.Builder merged) {
    Set<Identifier> fromIds = new HashSet<>();
    from.identifiers().forEach(s -> fromIds.add(s.identifier()));
    Set<Identifier> toIds = new HashSet<>();
    to.identifiers().forEach(s -> toIds.add(s.identifier()));
    for (SplitCarryOver.Carried c : SplitCarryOver.crossing(storage, toIds, storage.splitsNaming(toIds), List.of())) {
      if (!fromIds.contains(c.anchor())) {
        continue;
      }
      boolean active = activity.isActive(c.event());
      for (Identifier i : c.identifiers()) {
        merged.identifier(i).ifPresent(s -> merged.putIdentifier(s.seenAt(c.event().timestamp(), active, c.event().source())));
      }
    }
  }

  /** The longest reason an operator merge or split keeps: a merge log note is a sentence. */
  static final int MAX_REASON_LENGTH = 1_000;

  /**
   * Checks an operator's reason: not blank, at most {@link #MAX_REASON_LENGTH} characters, no NUL
   * and no unpaired surrogate (text every backend can store as it is). It is kept in the merge log
   * and shown by {@code explain}, so it is never echoed in the message.
   */
  private static void checkReason(String reason) {
    checkArgument(!reason.isBlank(), "reason must not be blank");
    checkArgument(reason.length() <= MAX_REASON_LENGTH, "reason must be at most %s characters, not %s", MAX_REASON_LENGTH,
        reason.length());
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      boolean unpaired = Character.isHighSurrogate(c)
          ? i + 1 == reason.length() || !Character.isLowSurrogate(reason.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(reason.charAt(i - 1)));
      if (c == 0 || unpaired) {
        throw new IllegalArgumentException("reason must not contain a NUL or an unpaired surrogate (at index " + i + ")");
      }
    }
  }

  /** A UUID as {@link java.util.UUID#toString()} writes it. */
  private static final java.util.regex.Pattern UUID_FORM =
      java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * A merge record id as a message shows it: as it is when it is a UUID (what ingestion and the
   * operations draw) or reads as a name ({@link dev.clientele.core.Pii#maskUnlessName}), else
   * {@linkplain dev.clientele.core.Pii#mask masked}, so that a value pasted by mistake (an email,
   * a phone number, a line break, megabytes) is not echoed into logs.
   */
  private static String shownId(String id) {
    return UUID_FORM.matcher(id).matches() ? id : dev.clientele.core.Pii.maskUnlessName(id, 64);
  }

  SplitResult split(String recordId, String reason) {
    requireNonNull(recordId, "mergeRecord");
    requireNonNull(reason, "reason");
    checkReason(reason);
    return retried(() -> {
      MergeRecord merge = storage.mergeRecord(recordId)
          .orElseThrow(() -> new NoSuchElementException("no merge record with id " + shownId(recordId)));
      checkArgument(merge.kind() != MergeRecord.Kind.SPLIT, "record %s is a split, not a merge", recordId);
      Set<Identifier> all = new HashSet<>();
      merge.sides().forEach(s -> all.addAll(s.identifiers()));
      Set<ProfileId> holders = new TreeSet<>(storage.owners(all).values());
      if (holders.isEmpty()) {
        throw new IllegalStateException("nothing left to split: no identifier of merge " + recordId + " is held any more");
      }
      if (holders.size() > 1) {
        throw new IllegalStateException("the identifiers of merge " + recordId + " are held by " + holders.size()
            + " profiles now; split their holders one merge at a time");
      }
      ProfileId holderId = holders.iterator().next();
      Profile holder = storage.profile(holderId)
          .orElseThrow(() -> new CommitConflictException("profile " + holderId + " vanished while splitting"));
      Map<Identifier, IdentifierState> states = new HashMap<>();
      holder.identifiers().forEach(s -> states.put(s.identifier(), s));
      Set<Identifier> kept = new LinkedHashSet<>(states.keySet());
      Commit.Builder commit = Commit.builder();
      List<Profile> restored = new ArrayList<>();
      List<MergeRecord.Side> sides = new ArrayList<>();
      Set<ProfileId> gone = new HashSet<>();
      for (MergeRecord.Side side : merge.sides()) {
        if (storage.profile(side.id()).isPresent()) {
          throw new IllegalStateException("profile " + side.id() + " exists again; merge " + recordId + " cannot be split");
        }
        for (ProfileId absorbed : side.mergedFrom()) {
          // Restored with this side, it would name a live profile (after splits and merges in
          // another order, even the holder) as merged into it: that profile's id is in use again.
          if (storage.profile(absorbed).isPresent()) {
            throw new IllegalStateException("profile " + absorbed + ", merged into " + side.id() + ", exists again; merge "
                + recordId + " cannot be split");
          }
        }
        Set<Identifier> moved = new LinkedHashSet<>();
        for (Identifier i : side.identifiers()) {
          if (states.containsKey(i)) {
            moved.add(i);
          }
        }
        if (moved.isEmpty()) {
          continue;
        }
        kept.removeAll(moved);
        // Above every version the side's id had before its merge (the holder's version is above
        // them: a merge gives the survivor more than both), so that a write computed from the
        // side as it was before the merge conflicts instead of landing on the restored profile.
        Profile back = rebuild(side.id(), moved, states, side.mergedFrom(), List.of(), holder.version() + 1);
        restored.add(back);
        commit.putProfile(back, 0);
        moved.forEach(i -> commit.assign(i, Optional.of(holderId), side.id()));
        sides.add(new MergeRecord.Side(side.id(), moved, side.mergedFrom()));
        gone.add(side.id());
        gone.addAll(side.mergedFrom());
      }
      // Checked after the holder was read: a split of this merge committed before that read is
      // found here, and one committed after it changed the holder, so this commit conflicts.
      Optional<String> undoneBy = splitUndoing(merge);
      if (undoneBy.isPresent()) {
        throw new IllegalStateException("merge " + recordId + " was undone already by split " + undoneBy.get()
            + "; its profiles were merged again since, so split the merge that joined them again");
      }
      if (kept.isEmpty()) {
        throw new IllegalStateException("splitting merge " + recordId + " would leave profile " + holderId + " without identifiers");
      }
      List<ProfileId> mergedFrom = holder.mergedFrom().stream().filter(p -> !gone.contains(p)).toList();
      Profile rest = rebuild(holderId, kept, states, mergedFrom, holder.tags(), holder.version() + 1);
      commit.putProfile(rest, holder.version());
      String id = UUID.randomUUID().toString();
      commit.logMerge(new MergeRecord(id, MergeRecord.Kind.SPLIT, clock.instant(), holderId, sides, Optional.empty(),
          List.copyOf(kept), Optional.of(recordId), "split by an operator: " + reason));
      commit(commit.build(), id);
      return new SplitResult(rest, restored, id);
    });
  }

  /**
   * The id of a stored split record that undoes {@code merge}, if any. Such a record names the
   * profiles it restored, which are sides of {@code merge} (a split record an erasure logged in
   * place of one names the sides that remain), so the records of the sides are enough to read.
   *
   * <p>Why: once a split undid a merge, the identifiers that merge moved can be held by one
   * profile again only because a later merge joined them again (the restored side absorbed again,
   * with what it gained meanwhile). Splitting the old merge a second time would restore the side
   * with only the identifiers it held then, leave the rest with the holder, and log a split of the
   * old merge while the later merge, whose absorbed profile would then exist again, stays
   * undone by nothing and can no longer be split. The later merge is the one to split.
   */
  private Optional<String> splitUndoing(MergeRecord merge) {
    Optional<String> self = Optional.of(merge.id());
    for (MergeRecord.Side side : merge.sides()) {
      for (MergeRecord r : storage.mergeRecords(side.id())) {
        if (r.kind() == MergeRecord.Kind.SPLIT && r.undoes().equals(self)) {
          return Optional.of(r.id());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Rebuilds a profile from the events anchored at {@code identifiers}, in timeline order, as
   * ingestion would have built it had it never been merged. An identifier none of those events
   * carries keeps the state it had, except that when only the other sides' events carry it, they
   * are no sighting here (no last-seen time); every identifier keeps the time it was linked. Events
   * anchored at the other identifiers in {@code states} (the other sides) that also carry some of
   * {@code identifiers} stay on their own timeline, but what {@link SplitCarryOver} carries over
   * from them (consent and deliverability changes of {@code identifiers}, CCPA opt-outs and list
   * unsubscribes) is applied here too, so a split loses no opt-out, bounce or unsubscribe; so is
   * what it carries over from the other sides of earlier splits naming {@code identifiers}.
   */
  private Profile rebuild(
      ProfileId id, Set<Identifier> identifiers, Map<Identifier, IdentifierState> states,
      Collection<ProfileId> mergedFrom, Collection<String> tags, long version) {
    List<StoredEvent> events = storage.events(identifiers);
    Profile.Builder b = Profile.builder(id, events.isEmpty()
        ? identifiers.stream().map(i -> states.get(i).firstSeen()).min(Comparator.naturalOrder()).orElseThrow()
        : events.get(0).event().timestamp());
    List<String> ignored = new ArrayList<>();
    var preference = Survivorship.withinProfile(resolver.rules().survivorship());
    for (StoredEvent stored : events) {
      ResolvedIdentifiers r = resolver.resolve(stored.event());
      List<Identifier> attach = new ArrayList<>();
      for (Identifier i : r.linkable()) {
        if (identifiers.contains(i)) {
          attach.add(i);
        }
      }
      Set<Identifier> malformed = new HashSet<>();
      for (Identifier i : r.malformed()) {
        if (identifiers.contains(i)) {
          attach.add(i);
          malformed.add(i);
        }
      }
      ProfileChanges.apply(
          b, r.event(), attach, malformed, activity.isActive(r.event()), revenue, preference, ignored);
      ConsentChanges.apply(b, r.event(), attach, ignored, true); // a replay: no opt-out dropped for the list cap
    }
    // An event that carried identifiers of both sides stays on its anchor's timeline only, but
    // what it said about these identifiers must not be lost with the split: SplitCarryOver's rule
    // (the one the consent ledger and profiles over time replay too), over the other sides of
    // this split and of the earlier splits naming these identifiers.
    Set<Identifier> elsewhere = new HashSet<>(states.keySet());
    elsewhere.removeAll(identifiers);
    List<SplitCarryOver.Carried> crossing =
        SplitCarryOver.crossing(storage, identifiers, storage.splitsNaming(identifiers), elsewhere);
    Set<Identifier> seenElsewhere = new HashSet<>();
    crossing.forEach(c -> seenElsewhere.addAll(c.identifiers()));
    for (Identifier i : identifiers) {
      Optional<IdentifierState> replayed = b.identifier(i);
      IdentifierState kept = states.get(i);
      if (replayed.isEmpty() && seenElsewhere.contains(i) && kept.lastSeen().isPresent()) {
        // Only the other sides' events carry it (it came with the event that linked them): those
        // are no sighting here, as for an identifier this side's events carry too.
        kept = new IdentifierState(kept.identifier(), kept.firstSeen(), Optional.empty(), kept.source(),
            kept.deliverability(), kept.consent(), kept.consentAt(), kept.linkedAt());
      }
      // The time an identifier was linked is not in the events (it depends on the order they
      // arrived in): it comes back from the merged profile, which kept it.
      b.putIdentifier(replayed.isEmpty() ? kept : replayed.get().withLinkedAt(kept.linkedAt()));
    }
    // The rules of what is carried over are order-independent, so applying it after the replay
    // gives the same result as applying it in timeline order.
    for (SplitCarryOver.Carried carried : crossing) {
      if (SplitCarryOver.appliesAcrossSides(carried.event())) {
        SplitCarryOver.apply(b, carried, ignored);
      }
    }
    b.addMergedFrom(mergedFrom);
    tags.forEach(b::addTag);
    return b.version(version).build();
  }

  /**
   * Commits {@code commit}, which logs the record {@code recordId}. If the backend fails, the
   * merge log is read back: the record is there only if the commit was applied and just its
   * acknowledgement was lost, and then the operation is done (the caller goes on to tell the
   * segments; a retry could not, the profiles having changed). Otherwise the failure is thrown.
   */
  private void commit(Commit commit, String recordId) {
    try {
      storage.commit(commit);
    } catch (StorageException failed) {
      boolean applied;
      try {
        applied = storage.mergeRecord(recordId).isPresent();
      } catch (RuntimeException alsoFailed) {
        failed.addSuppressed(alsoFailed);
        throw failed;
      }
      if (!applied) {
        throw failed;
      }
    }
  }

  /**
   * Runs {@code attempt} until it does not meet a concurrent change, as {@link
   * ContentionGate#retry} does.
   *
   * @throws IllegalStateException if every attempt met a concurrent change
   */
  private <T> T retried(java.util.function.Supplier<T> attempt) {
    return gate.retry(0, attempt, (n, conflict) -> null,
        (n, conflict) -> new IllegalStateException("the profiles kept changing through " + n + " attempts: " + conflict.getMessage(), conflict));
  }
}
