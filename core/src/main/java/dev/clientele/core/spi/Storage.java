package dev.clientele.core.spi;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The storage SPI: everything Clientele keeps, behind one narrow interface a host can implement.
 *
 * <p>Reads come from {@link ProfileStore}, {@link IdentityIndex}, {@link EventStore} and
 * {@link TombstoneStore} and {@link MergeLog}; every
 * write goes through {@link #commit(Commit)}. {@link InMemoryStorage} is the embedded default;
 * a host backend proves itself by passing the conformance tests that the in-memory store
 * passes ({@code dev.clientele.tck.StorageContract} in the {@code clientele-tck} artifact).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Atomicity.</b> {@code commit} applies all of a commit or nothing. A reader never
 *       sees part of a commit: after a merge, either both profiles and the old index entries,
 *       or the surviving profile and the re-pointed entries.
 *   <li><b>Optimistic concurrency.</b> Every write states what it expects (profile version,
 *       current owner of an identifier, event id not yet stored, for a merge-record redaction a
 *       stored record it {@linkplain MergeRecord#redacts redacts}). If any expectation fails,
 *       {@code commit} throws {@link CommitConflictException} and applies nothing.
 *   <li><b>Visibility.</b> Once {@code commit} returns, every later read on any thread sees it.
 *   <li><b>Ordering.</b> Commits are linearizable: there is one order of commits consistent
 *       with each thread's order, and each read reflects a prefix of it.
 *   <li><b>Failure.</b> If the backend fails, {@code commit} throws {@link StorageException}
 *       and the stored state is the one before the commit or the one after it, never between.
 *   <li><b>Erasure.</b> Erased events leave no trace: not in {@code events}, {@code allEvents},
 *       {@code eventCount}, {@code containsEvent}, {@code containedEvents} or {@code containsEventAt}; a backend that keeps logs or replicas must
 *       purge them too.
 *   <li><b>Concurrency.</b> All methods may be called from any number of threads at once.
 *   <li><b>Null arguments.</b> Every method throws {@link NullPointerException} when an argument is
 *       null, or when a collection argument of a read holds null, with a message naming the
 *       argument (a lookup that answered "absent" for a null key, as a {@code HashMap} does, would
 *       hide the caller's bug); no method returns null. The {@link #readAhead} hint, which reads
 *       nothing for the caller, may skip null elements instead.
 *   <li><b>Redaction.</b> A backend must apply {@linkplain Commit#mergeRecordRedactions()
 *       merge-record redactions} and say so with {@link #redactsMergeRecordsInPlace()}; erasure
 *       refuses to run on one that does not, where it would have to redact.
 * </ul>
 */
public interface Storage extends ProfileStore, IdentityIndex, EventStore, TombstoneStore, MergeLog, AutoCloseable {
  /**
   * Applies {@code commit} atomically.
   *
   * @throws CommitConflictException if an expectation no longer holds; nothing was applied
   * @throws StorageException if the backend failed; nothing or everything was applied
   */
  void commit(Commit commit);

  /**
   * The owners of those {@code identifiers} that have one ({@link #owners}) and the owners'
   * profiles ({@link #profile}), in one call: what resolving an event reads first.
   *
   * <p>An implementation that overrides this method must read both from one consistent state:
   * the answer is then exactly what {@code owners} followed by {@code profile} for each owner
   * would return with no commit in between (an owner is missing from {@link
   * OwnedProfiles#profiles()} only if that state holds no profile with its id). The conformance
   * kit checks this of every backend that overrides it. The in-memory store answers with one
   * lookup per identifier; the JDBC store with one query.
   *
   * <p>The default makes the two reads one after the other: {@code owners} is one consistent
   * state as {@link #owners} promises, and each profile is read after it, so a profile deleted
   * in between (a merge's loser) is missing and one changed in between is in its newer version.
   * Callers that need every owner's profile treat a {@linkplain OwnedProfiles#missingProfile()
   * missing} one as a concurrent change and read again; commits check versions and owners in
   * any case.
   *
   * @param identifiers the identifiers to look up (duplicates are ignored)
   * @throws NullPointerException if {@code identifiers} or one of them is null
   */
  default OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
    for (Identifier i : identifiers) { // checked here too, for an owners() that does not (see Contract)
      java.util.Objects.requireNonNull(i, "identifiers must not contain null");
    }
    Map<Identifier, ProfileId> owners = owners(identifiers);
    Map<ProfileId, Profile> profiles = new LinkedHashMap<>();
    for (ProfileId owner : owners.values()) {
      if (!profiles.containsKey(owner)) {
        profile(owner).ifPresent(p -> profiles.put(owner, p));
      }
    }
    return OwnedProfiles.of(owners, profiles);
  }

  /**
   * A hint that the caller is about to read the owners and profiles of {@code identifiers}
   * ({@link #ownedProfiles}) and whether {@code eventIds} are stored ({@link #containsEvent}),
   * for several events in a row: bulk ingestion calls it once per group of events before
   * resolving them one by one.
   *
   * <p>It must not change anything a read returns, commits may run concurrently with it, and it
   * may do nothing; the default does nothing. A backend can use it to overlap work that the reads
   * would otherwise do one after the other: the in-memory store reads the memory those entries
   * live in, so that the cache misses of many events overlap instead of adding up; a remote
   * backend could load them into a short-lived cache with one round trip (it must then still
   * answer each later read as of that read, as the contract above says).
   *
   * <p>The collections are the caller's and valid only during the call (bulk ingestion reuses
   * them for the next group): copy what must outlive it. Bulk ingestion ignores an exception
   * thrown here and goes on with its reads.
   *
   * @param identifiers normalised identifiers (duplicates allowed)
   * @param eventIds event ids (duplicates allowed)
   * @throws NullPointerException if an argument is null (an implementation may skip null elements)
   */
  default void readAhead(Collection<Identifier> identifiers, Collection<String> eventIds) {
    java.util.Objects.requireNonNull(identifiers, "identifiers");
    java.util.Objects.requireNonNull(eventIds, "eventIds");
  }

  /**
   * Whether {@link #commit} applies {@linkplain Commit#mergeRecordRedactions() merge-record
   * redactions}: replaces each redacted record in place, and treats a redaction of a record that
   * is missing or changed as a conflict, as {@link Commit#mergeRecordRedactions()} says.
   *
   * <p><b>A backend that applies them must override this method to answer {@code true}.</b> The
   * default answers {@code false}, which is what a backend written before redactions existed
   * answers without being changed: its {@code commit} would silently ignore the redactions, so
   * erasure ({@code dev.clientele.consent.Erasure}) refuses to commit an erasure that needs one on
   * such a backend and fails loudly instead of leaving an erased person's identifiers in other
   * people's merge records. A backend that wraps or forwards to another must answer what the
   * backend doing the writes answers. The in-memory and JDBC stores answer {@code true}; the
   * conformance kit ({@code StorageContract}) checks that a backend answering {@code true} applies
   * redactions as required.
   *
   * @return whether redactions in a commit take effect
   */
  default boolean redactsMergeRecordsInPlace() {
    return false;
  }

  /** Releases resources; the in-memory store has none. */
  @Override
  default void close() {}
}
