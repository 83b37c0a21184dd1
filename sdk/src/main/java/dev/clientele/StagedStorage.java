package dev.clientele;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.OwnedProfiles;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A private overlay on a backend for the batch path of ingestion: the pipeline commits each
 * event here, reads see the backend with those commits on top, and {@link #flush()} writes the
 * net effect of the whole batch to the backend as one commit. Not thread-safe: one per batch on
 * one thread.
 *
 * <p>The combined commit carries the expectations of the first read of everything the batch
 * touched (each profile's version and each identifier's owner as the batch first saw them, and
 * event ids not stored), so a concurrent writer makes it fail as a whole and nothing of the
 * batch is applied. Base reads are remembered, so a profile or identifier the batch touches
 * again costs no further round trip. Because they are remembered, a read that disagrees with
 * what the overlay already holds (a commit of the batch expecting an owner or version the
 * overlay does not have, or an identifier owned by a profile the overlay has not got) means the
 * backend changed under the batch, and reading again would give the same stale answer: such a
 * conflict is thrown as {@link Stale}, which the pipeline does not retry, so the caller can
 * abandon the batch and apply its events one by one. Only what ingestion uses is supported:
 * the overlay has no view of the events, merge log or profile pages beyond what it staged, and
 * those reads throw.
 */
final class StagedStorage implements Storage {
  /** A profile as the batch first saw it in the backend and as it is now in the batch. */
  private static final class StagedProfile {
    final long baseVersion;
    Profile current; // null: deleted (or never existed)

    StagedProfile(long baseVersion, Profile current) {
      this.baseVersion = baseVersion;
      this.current = current;
    }
  }

  /** An identifier's owner as the batch first saw it and as it is now. */
  private static final class StagedOwner {
    final Optional<ProfileId> base;
    Optional<ProfileId> current;

    StagedOwner(Optional<ProfileId> base) {
      this.base = base;
      this.current = base;
    }
  }

  /**
   * The backend changed under the batch in a way the overlay noticed before {@link #flush()}: a
   * retry on this overlay would fail the same way, so the batch must be abandoned. Deliberately
   * not a {@link CommitConflictException}, which the ingest pipeline retries on the same storage.
   */
  static final class Stale extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stale(String message) {
      super(message, null, false, false);
    }
  }

  private final Storage base;
  private final Map<ProfileId, StagedProfile> profiles = new LinkedHashMap<>();
  private final Map<Identifier, StagedOwner> owners = new LinkedHashMap<>();
  private final Set<String> storedInBase = new HashSet<>();
  private final Set<String> staged = new HashSet<>();
  private final List<StoredEvent> appends = new ArrayList<>();
  private final List<MergeRecord> records = new ArrayList<>();
  private int commits;

  StagedStorage(Storage base) {
    this.base = requireNonNull(base, "base");
  }

  /**
   * Reads the owners of {@code identifiers} with their profiles ({@link Storage#ownedProfiles},
   * one read on a backend that implements it so) and which of {@code eventIds} are stored.
   */
  void prefetch(Collection<Identifier> identifiers, Collection<String> eventIds) {
    List<Identifier> unknown = new ArrayList<>();
    for (Identifier id : identifiers) {
      if (!owners.containsKey(id)) {
        unknown.add(id);
      }
    }
    if (!unknown.isEmpty()) {
      OwnedProfiles found = base.ownedProfiles(unknown);
      for (Identifier id : unknown) {
        owners.putIfAbsent(id, new StagedOwner(Optional.ofNullable(found.owners().get(id))));
      }
      // A profile deleted between the two reads of a default implementation is missing here;
      // it is looked up again when the batch reaches it.
      found.profiles().forEach((id, p) -> profiles.putIfAbsent(id, new StagedProfile(p.version(), p)));
    }
    if (!eventIds.isEmpty()) {
      storedInBase.addAll(base.containedEvents(eventIds));
    }
  }

  /** How many commits the batch staged. */
  int commits() {
    return commits;
  }

  /**
   * Writes the batch's net effect to the backend as one commit and empties the overlay.
   *
   * @throws CommitConflictException if the backend changed since the batch read it; nothing applied
   */
  void flush() {
    Commit.Builder out = Commit.builder();
    // A profile the batch merged away may have its id restored by a split later: the profiles
    // the batch writes go above its version, as a merge's survivor does (Commit.ProfileWrite).
    long deletedAt = 0;
    for (StagedProfile s : profiles.values()) {
      if (s.current == null) {
        deletedAt = Math.max(deletedAt, s.baseVersion);
      }
    }
    for (Map.Entry<ProfileId, StagedProfile> e : profiles.entrySet()) {
      StagedProfile s = e.getValue();
      if (s.current != null) {
        if (s.current.version() != s.baseVersion || s.baseVersion == 0) {
          long next = Math.max(s.baseVersion, deletedAt) + 1;
          out.putProfile(s.current.version() == next ? s.current : s.current.toBuilder().version(next).build(), s.baseVersion);
        }
      } else if (s.baseVersion > 0) {
        out.deleteProfile(e.getKey(), s.baseVersion);
      }
    }
    for (Map.Entry<Identifier, StagedOwner> e : owners.entrySet()) {
      StagedOwner o = e.getValue();
      if (o.current.equals(o.base)) {
        continue;
      }
      if (o.current.isPresent()) {
        out.assign(e.getKey(), o.base, o.current.get());
      } else {
        out.unassign(e.getKey(), o.base.get());
      }
    }
    records.forEach(out::logMerge);
    appends.forEach(out::append);
    Commit commit = out.build();
    if (!commit.isEmpty()) {
      base.commit(commit);
    }
    clear();
  }

  /** Forgets everything staged (after a flush, or to abandon the batch). */
  void clear() {
    profiles.clear();
    owners.clear();
    storedInBase.clear();
    staged.clear();
    appends.clear();
    records.clear();
    commits = 0;
  }

  /** {@code false}: a batch stages no erasure, so no redaction either ({@link #commit} refuses them). */
  @Override
  public boolean redactsMergeRecordsInPlace() {
    return false;
  }

  @Override
  public void commit(Commit commit) {
    requireNonNull(commit, "commit");
    checkSupported(commit);
    for (Commit.ProfileWrite w : commit.profileWrites()) {
      expectVersion(w.profile().id(), w.expectedVersion());
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      expectVersion(d.id(), d.expectedVersion());
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      Optional<ProfileId> now = ownerEntry(w.identifier()).current;
      if (!now.equals(w.expectedOwner())) {
        throw new Stale("identifier is owned by " + now.map(ProfileId::value).orElse("nobody")
            + " in this batch, expected " + w.expectedOwner().map(ProfileId::value).orElse("nobody"));
      }
    }
    for (StoredEvent e : commit.appends()) {
      if (containsEvent(e.event().id())) {
        throw new Stale("event " + e.event().id() + " is already stored");
      }
    }
    for (Commit.ProfileWrite w : commit.profileWrites()) {
      profileEntry(w.profile().id()).current = w.profile();
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      ownerEntry(w.identifier()).current = w.newOwner();
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      profileEntry(d.id()).current = null;
    }
    records.addAll(commit.mergeRecords());
    for (StoredEvent e : commit.appends()) {
      staged.add(e.event().id());
      appends.add(e);
    }
    commits++;
  }

  private static void checkSupported(Commit commit) {
    if (!commit.eventErasures().isEmpty() || !commit.tombstones().isEmpty() || !commit.mergeRecordErasures().isEmpty()
        || !commit.mergeRecordRedactions().isEmpty()) {
      throw new UnsupportedOperationException("erasures are not staged in a batch");
    }
  }

  private void expectVersion(ProfileId id, long expected) {
    Profile p = profileEntry(id).current;
    long now = p == null ? 0 : p.version();
    if (now != expected) {
      throw new Stale("profile " + id + " is at version " + now + " in this batch, expected " + expected);
    }
  }

  private StagedProfile profileEntry(ProfileId id) {
    StagedProfile s = profiles.get(id);
    if (s == null) {
      Profile p = base.profile(id).orElse(null);
      s = new StagedProfile(p == null ? 0 : p.version(), p);
      profiles.put(id, s);
    }
    return s;
  }

  private StagedOwner ownerEntry(Identifier id) {
    StagedOwner o = owners.get(id);
    if (o == null) {
      o = new StagedOwner(base.owner(id));
      owners.put(id, o);
    }
    return o;
  }

  @Override
  public Optional<Profile> profile(ProfileId id) {
    return Optional.ofNullable(profileEntry(requireNonNull(id, "id")).current);
  }

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    return ownerEntry(requireNonNull(identifier, "identifier")).current;
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    prefetch(identifiers, List.of());
    Map<Identifier, ProfileId> out = new HashMap<>();
    for (Identifier id : identifiers) {
      ownerEntry(id).current.ifPresent(p -> out.put(id, p));
    }
    return out;
  }

  /**
   * {@inheritDoc} From the overlay: owners as {@link #owners} gives them and each owner's
   * profile as {@link #profile} does, so the two always agree with what the batch staged.
   *
   * @throws Stale if an owner's profile is not in the overlay (the backend changed between the
   *     batch's reads of the index and of that profile)
   */
  @Override
  public OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
    Map<Identifier, ProfileId> found = owners(identifiers);
    Map<ProfileId, Profile> held = new LinkedHashMap<>();
    for (ProfileId owner : found.values()) {
      if (!held.containsKey(owner)) {
        Profile p = profileEntry(owner).current;
        if (p == null) {
          throw new Stale("an identifier is owned by profile " + owner + ", which this batch does not hold");
        }
        held.put(owner, p);
      }
    }
    return OwnedProfiles.of(found, held);
  }

  @Override
  public boolean containsEvent(String eventId) {
    requireNonNull(eventId, "eventId");
    if (staged.contains(eventId) || storedInBase.contains(eventId)) {
      return true;
    }
    if (base.containsEvent(eventId)) {
      storedInBase.add(eventId);
      return true;
    }
    return false;
  }

  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    // Ingestion stages merges only, never splits: the backend's splits are all there are.
    return base.splitsNaming(identifiers);
  }

  @Override
  public boolean isTombstoned(String hash) {
    return base.isTombstoned(hash);
  }

  @Override
  public long tombstoneCount() {
    return base.tombstoneCount();
  }

  @Override
  public boolean hasTombstones() {
    return base.hasTombstones();
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    throw unsupported("profile pages");
  }

  @Override
  public long profileCount() {
    throw unsupported("profileCount");
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    throw unsupported("events");
  }

  @Override
  public Stream<StoredEvent> allEvents() {
    throw unsupported("allEvents");
  }

  @Override
  public long eventCount() {
    throw unsupported("eventCount");
  }

  @Override
  public List<MergeRecord> mergeRecords(ProfileId profile) {
    throw unsupported("mergeRecords");
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    throw unsupported("mergeRecord");
  }

  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    throw unsupported("forEachMergeRecord");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " is not read through a batch overlay");
  }
}
