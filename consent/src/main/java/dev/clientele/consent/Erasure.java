package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import dev.clientele.consent.internal.ConsentChanges;
import dev.clientele.consent.internal.SplitCarryOver;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.Event;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Erases a profile from storage in one atomic commit: the profile, its index entries, every
 * event anchored at its identifiers, every merge-log record naming it or a profile merged into
 * it, and writes a tombstone per identifier. Every other merge-log record that still holds one of
 * its identifiers (a later merge of a profile it had been merged into, before a split restored
 * it; a split that gave it back) is redacted in place, without those identifiers ({@link
 * MergeRecord#without}): it keeps its position in the log, its profiles, event and rule, so
 * {@code mergeLog} and {@code explain} still tell the other profiles' history, and a later split
 * of it moves only identifiers someone still holds.
 *
 * <p>After a split, an event can carry identifiers of both sides (the event that linked them is
 * stored under one side's identifier). One stored on the erased side is, by the split's rule, the
 * erased person's: it is erased with them, data (attributes, device, order total), sighting and
 * count, even though it carries another person's identifiers, so that nothing of the erased
 * person's event data reaches another profile (moving an {@code identify} or {@code order} would
 * copy the erased person's name or revenue into it). Only what the split carried over to the
 * other person is kept for them: an event whose consent or deliverability change applies across
 * the sides ({@link SplitCarryOver#appliesAcrossSides}: consent, reachability, a CCPA opt-out, a
 * list unsubscribe),
 * under their identifier, without the erased values and with no data but the {@code channel} and
 * {@code list} that change reads. Their stored profile had that change at the split; the event's
 * sighting and count are applied, as it is on their timeline now. A CCPA opt-in or list subscribe,
 * which a split never carries over (it is not known whose it was), is erased, so erasure never
 * makes another person's consent less restrictive; an order, attribute or page view event with no
 * such change is not kept at all, so it counts for nobody's segments or analytics. A split record
 * naming the erased profile is erased too, but when the split separated two or more people who
 * remain, a new split record between them (without the erased profile and values, and without
 * the operator's free-text note: {@link #KEPT_SPLIT_NOTE}) takes its place, so that what the
 * split carried over between them stays found by their consent ledgers and replays. It has the
 * split's time and is appended to the log (its id is in {@link ErasureReport#keptSplitRecords}).
 * So the
 * remaining profiles' stored state agrees with their consent ledgers and with the replay of
 * profiles over time. An identifier of another person that only an erased event had attached
 * stays with them; {@code explain} names it without an event.
 *
 * <p>What it cannot reach: copies a host made elsewhere (exports, its own logs). Events are
 * anchored at one identifier each, so without a split an event anchored at another profile's
 * identifier that also mentions one of the erased values (a malformed value that another profile
 * already held) is not erased; the ingest pipeline never attaches such a value to two profiles,
 * so this is a corner the design accepts and documents.
 *
 * <p><b>Applications call {@code Clientele.delete} (or ingest a {@code gdpr_delete} event), not
 * this class.</b> This is the storage part of that erasure. {@code Clientele.delete} also erases
 * what lives outside the storage SPI: the profile's segment membership history (which may be in
 * a database) and the identity resolver's normalisation-cache entries for its identifiers; it
 * retries under the instance's contention gate; and it refuses a random salt on a persistent
 * backend. Use this class directly only on a storage that no {@code Clientele} instance serves
 * (a maintenance tool, a backend's own tests), and then, on a backend that outlives the process,
 * with an {@link ErasurePolicy} whose salt survives restarts: tombstones made under the default
 * random salt stop matching after a restart, so replayed events of the erased person would not be
 * blocked.
 *
 * <pre>{@code
 * // On a storage no Clientele instance serves, e.g. a maintenance tool:
 * ErasurePolicy policy = ErasurePolicy.builder().salt(secrets.get("clientele-erasure-salt")).build();
 * ErasureReport r = new Erasure(storage, policy).erase(profileId);
 * }</pre>
 */
public final class Erasure {
  private static final int MAX_ATTEMPTS = 100;

  /**
   * The data keys that the consent, deliverability and customer-wide rules ({@code ConsentChanges})
   * read, and the {@code method} the consent ledger lists: the only data an event kept for another
   * person after an erasure keeps (so their ledger does not change when someone else is erased).
   */
  private static final Set<String> CONSENT_KEYS = Set.of("channel", "list", "method");

  /**
   * The note of a split record that an erasure logs in place of one naming the erased profile
   * (see {@link #erase}): the operator's reason is not copied, since it is free text that may
   * describe the erased person.
   */
  public static final String KEPT_SPLIT_NOTE =
      "split by an operator; recorded again, without the operator's note, after one of its profiles was erased";
  private final Storage storage;
  private final ErasurePolicy policy;
  private final ActivityRules activity;
  private final Retry retry;

  /** Erases from {@code storage} under {@code policy}, with the default {@link ActivityRules}. */
  public Erasure(Storage storage, ErasurePolicy policy) {
    this(storage, policy, ActivityRules.defaults());
  }

  /**
   * Erases from {@code storage} under {@code policy}; {@code activity} decides which of the events
   * an erasure keeps for another person (see the class comment) move that person's last-seen
   * times, as ingestion would have. An erasure that meets a concurrent change retries at once, up
   * to 100 attempts in all ({@link #erase(ProfileId, java.util.function.Consumer)}).
   */
  public Erasure(Storage storage, ErasurePolicy policy, ActivityRules activity) {
    this(storage, policy, activity, Erasure::retryAtOnce);
  }

  /**
   * Erases as {@link #Erasure(Storage, ErasurePolicy, ActivityRules)}, but each erasure's attempts
   * are run by {@code retry}: for a host that already has a policy for its optimistic writers
   * (the sdk's facade runs erasures under the same retry as its other writes, so that an erasure
   * that keeps losing races to them retries while they wait).
   */
  public Erasure(Storage storage, ErasurePolicy policy, ActivityRules activity, Retry retry) {
    this.storage = requireNonNull(storage, "storage");
    this.policy = requireNonNull(policy, "policy");
    this.activity = requireNonNull(activity, "activity");
    this.retry = requireNonNull(retry, "retry");
  }

  /**
   * How an erasure retries: it runs {@code attempt} until an attempt returns, trying again when one
   * throws {@link CommitConflictException} (another writer changed a profile, an identifier or a
   * merge-log record the erasure writes; nothing of that attempt was written). Every other
   * exception of an attempt must be passed on unchanged. Attempts are made one at a time, on the
   * calling thread, and none after one returned. Implementations must be safe for concurrent use
   * (erasures of different profiles may run at once).
   */
  @FunctionalInterface
  public interface Retry {
    /**
     * Runs {@code attempt} until it does not throw {@link CommitConflictException}, and returns its
     * report. When it gives up, it throws what {@code gaveUp} makes of the number of attempts made
     * and the last conflict (an {@link IllegalStateException}: the profile kept changing, nothing
     * was erased).
     */
    ErasureReport run(
        Supplier<ErasureReport> attempt,
        BiFunction<Integer, CommitConflictException, RuntimeException> gaveUp);
  }

  /**
   * Erases the profile with this id, retrying if it changes meanwhile.
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public ErasureReport erase(ProfileId id) {
    return erase(id, erased -> { });
  }

  /**
   * Erases the profile with this id, then passes the identifiers it erased to {@code onErased}
   * (for the caller to purge its own caches; they must not be logged or kept).
   *
   * <p>{@code onErased} runs when the erasure was committed, also when the backend applied the
   * commit but reported a failure (recognised by reading the erasure back: the profile gone, its
   * first identifier without owner and tombstoned). That read-back cannot tell this erasure's
   * commit from a concurrent erasure of the same profile, so then both calls run {@code onErased}
   * and return a report; and a profile without identifiers is never recognised so (the failure is
   * thrown).
   *
   * <p>A merge-log record of other profiles that holds one of the erased identifiers is redacted in
   * place. That needs a backend that applies {@linkplain Commit#mergeRecordRedactions()
   * redactions} and says so ({@link Storage#redactsMergeRecordsInPlace()}): on any other, an
   * erasure that needs a redaction is refused before anything is written. After the commit the
   * redacted records are read back, so a backend that says so but ignores them is caught too.
   * The erasure reads the whole merge log ({@link Storage#forEachMergeRecord}) once, so its cost
   * grows with the number of merges and splits ever logged; a retry reads it again only if the
   * profile's identifiers or the profiles merged into it changed meanwhile, and otherwise reads
   * by id the records the first read found.
   *
   * @throws NoSuchElementException if there is no such profile
   * @throws dev.clientele.core.spi.StorageException if the backend fails and the erasure was not
   *     applied; erasing again is safe
   * @throws UnsupportedOperationException if the erasure must redact merge-log records of other
   *     profiles and the backend does not apply redactions; nothing was erased
   * @throws IllegalStateException if the profile kept changing (100 attempts, or as the {@link
   *     Retry} given to the constructor decides), nothing erased; or
   *     if the erasure was committed ({@code onErased} has run) but the backend left an erased
   *     identifier in a record it was asked to redact (a backend bug)
   */
  public ErasureReport erase(ProfileId id, java.util.function.Consumer<List<Identifier>> onErased) {
    requireNonNull(id, "id");
    requireNonNull(onErased, "onErased");
    LogScan[] scan = {null}; // the records that held the erased identifiers, from the last full read of the log
    return retry.run(() -> attempt(id, onErased, scan), (attempts, conflict) -> new IllegalStateException(
        "profile " + id + " kept changing during erasure (" + attempts + " attempts): " + conflict.getMessage(), conflict));
  }

  /**
   * The default {@link Retry}: attempts one after another, up to {@link #MAX_ATTEMPTS} in all.
   */
  private static ErasureReport retryAtOnce(
      Supplier<ErasureReport> attempt,
      BiFunction<Integer, CommitConflictException, RuntimeException> gaveUp) {
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (CommitConflictException e) {
        if (n >= MAX_ATTEMPTS) {
          throw gaveUp.apply(n, e);
        }
      }
    }
  }

  /**
   * One attempt of the erasure of profile {@code id}: reads what it erases and commits it.
   * {@code scan} holds the last full read of the merge log, kept across attempts ({@link #scanLog}).
   *
   * @throws CommitConflictException if another writer changed what it read; nothing was written
   */
  private ErasureReport attempt(ProfileId id, java.util.function.Consumer<List<Identifier>> onErased, LogScan[] scan) {
    Profile p = storage.profile(id).orElseThrow(() -> new NoSuchElementException("no profile with id " + id));
    Commit.Builder commit = Commit.builder().deleteProfile(id, p.version());
    Map<String, Integer> byType = new TreeMap<>();
    List<Identifier> identifiers = p.identifiers().stream().map(IdentifierState::identifier).toList();
    List<StoredEvent> own = storage.events(identifiers);
    List<ProfileId> othersChanged = new ArrayList<>();
    long events = own.size() - keepOthersEvents(id, identifiers, own, commit, othersChanged);
    for (Identifier identifier : identifiers) {
      if (storage.owner(identifier).equals(Optional.of(id))) {
        commit.unassign(identifier, id);
      }
      commit.eraseEvents(identifier).tombstone(policy.tombstoneOf(identifier));
      byType.merge(identifier.type().name(), 1, Integer::sum);
    }
    Map<String, MergeRecord> records = new LinkedHashMap<>();
    List<ProfileId> named = new ArrayList<>(List.of(id));
    named.addAll(p.mergedFrom());
    for (ProfileId q : named) {
      commit.eraseMergeRecords(q);
      storage.mergeRecords(q).forEach(r -> records.putIfAbsent(r.id(), r));
    }
    Set<ProfileId> namedSet = new HashSet<>(named);
    Set<Identifier> erasedSet = new HashSet<>(identifiers);
    Set<ProfileId> parties = new java.util.LinkedHashSet<>();
    List<String> keptSplits = new ArrayList<>();
    for (MergeRecord r : records.values()) {
      splitOfTheOthers(r, namedSet, erasedSet).ifPresent(kept -> {
        commit.logMerge(kept);
        keptSplits.add(kept.id());
        parties.add(kept.profile());
        kept.sides().forEach(side -> parties.add(side.id()));
      });
    }
    // The profiles a kept split record names are written again with their versions checked
    // (unchanged but for the version), so that if one of them is erased meanwhile, this erasure
    // retries instead of logging a record naming it.
    for (ProfileId q : parties) {
      if (!othersChanged.contains(q)) {
        storage.profile(q).ifPresent(o -> commit.putProfile(o.toBuilder().version(o.version() + 1).build(), o.version()));
      }
    }
    if (scan[0] == null || !scan[0].identifiers().equals(identifiers) || !scan[0].named().equals(named)) {
      scan[0] = scanLog(named, identifiers);
    }
    List<String> redacted = redactOtherRecords(scan[0], commit);
    if (!redacted.isEmpty() && !storage.redactsMergeRecordsInPlace()) {
      throw new UnsupportedOperationException("erasing profile " + id + " must remove its identifiers from "
          + redacted.size() + " merge-log record(s) of other profiles, but the storage backend "
          + storage.getClass().getName() + " does not apply merge-record redactions"
          + " (Storage.redactsMergeRecordsInPlace() is false); nothing was erased."
          + " Apply Commit.mergeRecordRedactions() in the backend and answer true there");
    }
    commit(commit.build(), id, identifiers);
    onErased.accept(identifiers);
    checkRedacted(id, redacted, erasedSet);
    return new ErasureReport(id, List.copyOf(p.mergedFrom()), byType, events, identifiers.size(), records.size(),
        List.of(), othersChanged, redacted.size(), keptSplits);
  }

  /**
   * Commits the erasure of profile {@code id}. If the backend fails, reads back whether the commit
   * was applied and only its acknowledgement lost (the SPI allows it): the profile is gone, its
   * first identifier has no owner and is tombstoned, all written by that one commit. If so this
   * returns as if committed, so that the caller's post-commit step (forgetting caches and segment
   * history) runs, which no retry could do, the profile being gone. Otherwise it throws
   * {@code failed}.
   */
  private void commit(Commit commit, ProfileId id, List<Identifier> identifiers) {
    try {
      storage.commit(commit);
    } catch (StorageException failed) {
      boolean applied;
      try {
        applied = !identifiers.isEmpty()
            && storage.profile(id).isEmpty()
            && storage.owner(identifiers.get(0)).isEmpty()
            && storage.isTombstoned(policy.tombstoneOf(identifiers.get(0)));
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
   * After a split, events can carry the identifiers of both sides: the event that linked them is
   * stored under one side's identifier only. Adds to {@code commit} what keeps the other people's
   * events while leaving none of the erased values in any of them:
   * <ul>
   *   <li>an event stored under an erased identifier that carries an identifier another profile
   *       now holds, which a split of this profile's merges named, and whose consent or
   *       deliverability change the split carried over to that person ({@link
   *       SplitCarryOver#appliesAcrossSides}), moves to that identifier, without the erased values
   *       and without any data but {@link #CONSENT_KEYS} (anything else in it, a device say, may
   *       be the erased person's). It is then on that person's timeline, so it is applied to their
   *       stored profile as ingestion applies an event: its sighting and count, and its consent
   *       and deliverability changes of their identifiers, which the split had carried over
   *       already; with no data left, it sets no attribute. Their stored profile is what a replay
   *       of their timeline gives. Its identifiers of a third person stay in it, and reach that
   *       person as carried over ({@link SplitCarryOver}) through the split record that {@link
   *       #splitOfTheOthers} keeps;
   *   <li>every other such event (an {@code identify}, an {@code order}, a page view; also a CCPA
   *       opt-in or list subscribe, which a split never carries over since it is not known whose
   *       it was) was, by the split's rule, the erased person's, and is erased with them: moving
   *       it would copy their attributes, device, orders and sightings into another profile, or
   *       make another person's consent less restrictive than the split left it;
   *   <li>an event stored under such an identifier that carries an erased value is stored again
   *       without it (its anchor's events are erased and appended again, redacted).
   * </ul>
   * Each profile that receives or keeps events this way is written again with its version
   * checked, so an ingestion meanwhile makes the erasure retry rather than lose its event; their
   * ids are added to {@code changed} (their timelines change, so what is derived from them must be
   * evaluated again).
   *
   * @return how many of {@code own} are kept (moved), not erased
   */
  private int keepOthersEvents(
      ProfileId id, List<Identifier> identifiers, List<StoredEvent> own, Commit.Builder commit, List<ProfileId> changed) {
    List<MergeRecord> splits = storage.splitsNaming(identifiers);
    if (splits.isEmpty()) {
      return 0;
    }
    Set<Identifier> erased = new HashSet<>(identifiers);
    // The other people of those splits, as they are now: the profiles the splits named that
    // still exist, and the holders of the identifiers the splits gave back or kept (a profile
    // named may have been merged into another since).
    Map<ProfileId, Profile> people = new LinkedHashMap<>();
    for (MergeRecord split : splits) {
      List<ProfileId> named = new ArrayList<>(List.of(split.profile()));
      for (Identifier i : split.links()) {
        if (!erased.contains(i)) {
          storage.owner(i).ifPresent(named::add);
        }
      }
      for (MergeRecord.Side side : split.sides()) {
        named.add(side.id());
        for (Identifier i : side.identifiers()) {
          if (!erased.contains(i)) {
            storage.owner(i).ifPresent(named::add);
          }
        }
      }
      for (ProfileId q : named) {
        if (!q.equals(id) && !people.containsKey(q)) {
          storage.profile(q).ifPresent(profile -> people.put(q, profile));
        }
      }
    }
    Map<Identifier, ProfileId> holders = new LinkedHashMap<>();
    // An erased identifier is nobody else's: a profile read after a concurrent merge or split that
    // also lists one (the commit then conflicts on a version) must not receive events through it.
    people.values().forEach(q -> q.identifiers().forEach(st -> {
      if (!erased.contains(st.identifier())) {
        holders.putIfAbsent(st.identifier(), q.id());
      }
    }));
    Map<ProfileId, Profile.Builder> guarded = new LinkedHashMap<>(); // profile -> its state with what it gains
    for (Map.Entry<Identifier, ProfileId> e : holders.entrySet()) {
      List<StoredEvent> theirs = storage.events(List.of(e.getKey()));
      if (theirs.stream().noneMatch(st -> carriesAny(st.event(), erased))) {
        continue;
      }
      guarded.computeIfAbsent(e.getValue(), q -> people.get(q).toBuilder());
      commit.eraseEvents(e.getKey());
      for (StoredEvent st : theirs) {
        if (!erased.containsAll(st.event().identifiers())) { // one with erased values only goes with them
          commit.append(new StoredEvent(without(st.event(), erased), st.anchor()));
        }
      }
    }
    int moved = 0;
    List<String> ignored = new ArrayList<>();
    for (StoredEvent st : own) {
      if (!SplitCarryOver.appliesAcrossSides(st.event())) {
        continue; // the erased person's: its data (attributes, order, device) must not reach anyone else
      }
      for (Identifier i : st.event().identifiers()) {
        ProfileId holder = holders.get(i);
        if (holder != null) {
          Event kept = consentPartOnly(without(st.event(), erased));
          List<Identifier> theirs = new ArrayList<>(kept.identifiers().size());
          for (Identifier k : kept.identifiers()) {
            if (holder.equals(holders.get(k))) {
              theirs.add(k);
            }
          }
          Profile.Builder b = guarded.computeIfAbsent(holder, q -> people.get(q).toBuilder());
          // A kept event is a consent or deliverability change stripped to channel and list: no order,
          // and no attribute (no identify, no device), so the host's attribute strategies do not
          // matter here; if CONSENT_KEYS ever keeps one, pass them (ProfileChanges' preference).
          ProfileChanges.apply(b, kept, theirs, List.of(), activity.isActive(kept), RevenueRules.anyCurrency(), null, ignored);
          ConsentChanges.apply(b, kept, theirs, ignored, true); // a replay: no opt-out dropped for the list cap
          commit.append(new StoredEvent(kept, i));
          moved++;
          break;
        }
      }
    }
    // Each profile whose events change is written again with the version read above, so an
    // ingestion meanwhile (which could add an event under an anchor erased and appended again
    // here) makes the erasure retry instead of losing that event.
    guarded.forEach((q, b) -> {
      changed.add(q);
      Profile p = people.get(q);
      commit.putProfile(b.version(p.version() + 1).build(), p.version());
    });
    return moved;
  }

  /**
   * The split record {@code record} as it concerns the people it separated who are not erased,
   * when there are two or more of them: a new split record (new id, same time; the note {@link
   * #KEPT_SPLIT_NOTE}, not the operator's free text; the undone merge only if that record is
   * still stored and names no erased profile, so that it never points at an erased record) with
   * the remaining profiles and the identifiers they were given back or kept, without
   * the erased profiles (the {@code named} ones, also in {@code mergedFrom}) or {@code erased}
   * identifiers. The identifiers an erased profile held in the record that it no longer holds
   * (a later split gave them to someone else) are attributed to the profiles holding them now.
   * Empty for any other record, or when fewer than two people remain in it.
   *
   * <p>Its time is the split's, not the erasure's: it records that split, between fewer people.
   * The log is in commit order ({@link dev.clientele.core.spi.MergeLog}), so it comes after records
   * of later times (an automatic merge of a late event does too). Readers that tell what happened
   * when sort by time, and so still see the split before what followed it: {@code explain} of two
   * of its people whom an operator merged again after the split lists the split, then the forced
   * merge, which is their state now; with the erasure's time it would list them split last.
   * Carry-over ({@link SplitCarryOver}) reads neither time nor position.
   *
   * <p>Why: erasure erases every record naming the erased profile (its id is a trace of the person),
   * split records included. Yet a split record is how each side finds what the split carries over
   * to it from the other sides' events ({@link SplitCarryOver}; the stored profiles got it at the
   * split): without it, after a split into three or more profiles and the erasure of one, the
   * others' consent ledgers and replays of profiles over time would lose what the split carried
   * between them, while their stored profiles keep it. The new record names only people who still
   * exist and holds none of the erased values, so it is no trace of the erased person; when the
   * erased profile was the one split, the first remaining side takes its place.
   */
  private Optional<MergeRecord> splitOfTheOthers(MergeRecord record, Set<ProfileId> named, Set<Identifier> erased) {
    if (record.kind() != MergeRecord.Kind.SPLIT) {
      return Optional.empty();
    }
    Map<ProfileId, Set<Identifier>> parties = new LinkedHashMap<>();
    Map<ProfileId, List<ProfileId>> mergedFrom = new LinkedHashMap<>();
    addParty(parties, record.profile(), record.links(), named, erased);
    for (MergeRecord.Side side : record.sides()) {
      addParty(parties, side.id(), side.identifiers(), named, erased);
      if (parties.containsKey(side.id())) {
        mergedFrom.put(side.id(), side.mergedFrom().stream().filter(q -> !named.contains(q)).toList());
      }
    }
    parties.values().removeIf(Set::isEmpty);
    if (parties.size() < 2) {
      return Optional.empty();
    }
    List<MergeRecord.Side> sides = new ArrayList<>(parties.size() - 1);
    ProfileId first = null;
    for (Map.Entry<ProfileId, Set<Identifier>> e : parties.entrySet()) {
      if (first == null) {
        first = e.getKey();
      } else {
        sides.add(new MergeRecord.Side(e.getKey(), e.getValue(), mergedFrom.getOrDefault(e.getKey(), List.of())));
      }
    }
    // The undone merge names the same profiles, so it is normally erased with this record: then no
    // pointer to it is kept. The operator's note is free text that may describe the erased person.
    Optional<String> undoes = record.undoes()
        .filter(m -> storage.mergeRecord(m).filter(r -> named.stream().noneMatch(r::names)).isPresent());
    return Optional.of(new MergeRecord(UUID.randomUUID().toString(), MergeRecord.Kind.SPLIT, record.at(), first,
        sides, Optional.empty(), List.copyOf(parties.get(first)), undoes, KEPT_SPLIT_NOTE));
  }

  /**
   * Adds to {@code parties} the identifiers of {@code identifiers} that are not {@code erased}:
   * under {@code id}, or, when {@code id} is erased, under the profiles holding them now.
   */
  private void addParty(Map<ProfileId, Set<Identifier>> parties, ProfileId id, java.util.Collection<Identifier> identifiers,
      Set<ProfileId> named, Set<Identifier> erased) {
    for (Identifier i : identifiers) {
      if (erased.contains(i)) {
        continue;
      }
      Optional<ProfileId> party = named.contains(id) ? storage.owner(i).filter(q -> !named.contains(q)) : Optional.of(id);
      party.ifPresent(q -> parties.computeIfAbsent(q, k -> new java.util.LinkedHashSet<>()).add(i));
    }
    if (!named.contains(id)) {
      parties.computeIfAbsent(id, k -> new java.util.LinkedHashSet<>());
    }
  }

  /**
   * What one full read of the merge log found for an erasure: the ids of the records that held one
   * of {@code identifiers}, for the profile with its {@code named} profiles (itself and those
   * merged into it) as they were then.
   */
  private record LogScan(List<ProfileId> named, List<Identifier> identifiers, List<String> holding) {}

  /**
   * Reads the whole merge log ({@link Storage#forEachMergeRecord}) for the records that hold one of
   * the {@code erased} identifiers. Following the records from the erased profiles is not enough,
   * because an earlier erasure may have erased the record that linked them to a later one (the
   * split that restored both sides of a merge, when the other side was erased first). Erasure is
   * rare, and the log has a record per merge and split, not per event; but the log grows with every
   * automatic merge, so the cost of an erasure grows with it.
   *
   * <p>A retry of the erasure reads the whole log again only if the profile's identifiers or the
   * profiles merged into it changed meanwhile; otherwise it reads again by id only the records this
   * scan found ({@link #redactOtherRecords}). That finds everything a full read would: a stored
   * record only ever loses identifiers (a redaction) or goes (an erasure), so no record that held
   * none of them can hold one later; and a record logged since holds one of them only if it
   * merged or split the profile that owns it, the erased one, so it names that profile (and is
   * erased, not redacted) and the change of the profile's version fails the erasure's commit.
   */
  private LogScan scanLog(List<ProfileId> named, List<Identifier> erased) {
    Set<Identifier> values = new HashSet<>(erased);
    List<String> ids = new ArrayList<>();
    storage.forEachMergeRecord(r -> {
      if (r.without(values) != r) {
        ids.add(r.id());
      }
    });
    return new LogScan(List.copyOf(named), List.copyOf(erased), ids);
  }

  /**
   * Adds to {@code commit} a redaction of every record of {@code scan}, as stored now, that still
   * holds one of the erased identifiers but names none of the erased profiles (whose records the
   * commit erases).
   *
   * @return the ids of the records redacted
   */
  private List<String> redactOtherRecords(LogScan scan, Commit.Builder commit) {
    Set<Identifier> values = new HashSet<>(scan.identifiers());
    List<String> ids = new ArrayList<>();
    for (String recordId : scan.holding()) {
      storage.mergeRecord(recordId).ifPresent(r -> {
        MergeRecord without = r.without(values);
        if (without != r && scan.named().stream().noneMatch(r::names)) {
          commit.redactMergeRecord(without);
          ids.add(r.id());
        }
      });
    }
    return ids;
  }

  /**
   * Checks, after the erasure of {@code id} was committed, that the {@code redacted} records (few)
   * hold none of the {@code erased} identifiers any more: a backend that says it applies
   * redactions ({@link Storage#redactsMergeRecordsInPlace()}) but ignored them would otherwise leave
   * them in other people's records while the erasure reports success. A record erased meanwhile
   * (another erasure) is fine; another redaction of it can only remove more identifiers.
   *
   * @throws IllegalStateException if one still holds an erased identifier
   */
  private void checkRedacted(ProfileId id, List<String> redacted, Set<Identifier> erased) {
    long left = 0;
    for (String recordId : redacted) {
      Optional<MergeRecord> r = storage.mergeRecord(recordId);
      if (r.isPresent() && r.get().without(erased) != r.get()) {
        left++;
      }
    }
    if (left > 0) {
      throw new IllegalStateException("profile " + id + " was erased, but the storage backend "
          + storage.getClass().getName() + " left its identifiers in " + left + " of the " + redacted.size()
          + " merge-log record(s) of other profiles it was asked to redact: it answers"
          + " Storage.redactsMergeRecordsInPlace() true but does not apply Commit.mergeRecordRedactions()");
    }
  }

  private static boolean carriesAny(Event event, Set<Identifier> erased) {
    for (Identifier i : event.identifiers()) {
      if (erased.contains(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code event} with only the data the rules carried over by a split read ({@link #CONSENT_KEYS}):
   * anything else in it (a device, free text a host added) may be the erased person's.
   */
  static Event consentPartOnly(Event event) {
    if (CONSENT_KEYS.containsAll(event.data().keySet())) {
      return event;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    event.data().forEach((k, v) -> {
      if (CONSENT_KEYS.contains(k)) {
        data.put(k, v);
      }
    });
    return new Event(event.id(), event.type(), event.action(), event.timestamp(), event.identifiers(), data, event.source());
  }

  private static Event without(Event event, Set<Identifier> erased) {
    return carriesAny(event, erased)
        ? event.withIdentifiers(event.identifiers().stream().filter(i -> !erased.contains(i)).toList())
        : event;
  }

  /** Whether {@code identifier} (normalised) was erased and, under {@link ErasurePolicy.Replay#BLOCK}, may not come back. */
  public boolean blocks(Identifier identifier) {
    requireNonNull(identifier, "identifier");
    return policy.replay() == ErasurePolicy.Replay.BLOCK
        && storage.hasTombstones()
        && storage.isTombstoned(policy.tombstoneOf(identifier));
  }
}
