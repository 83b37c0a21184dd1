package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The embedded default {@link Storage}: everything on the heap, nothing persisted.
 *
 * <p>Thread-safe. Commits are serialised by one lock and validated in full before anything is
 * applied, so a conflicting commit changes nothing. Profiles are held in a hash map by id, so
 * the reads and version checks of ingestion are hash lookups; the sorted order that paging
 * needs comes from a sorted array of ids that a page brings up to date once enough profiles
 * were created or deleted since the last one. Readers of a single key never block;
 * {@link #owners}, each page of {@link #profiles}, {@link #profileCount()} and the event reads
 * see one consistent state ({@link #owners} and {@link #profileCount()} by an optimistic read
 * that falls back to a shared lock when a commit ran meanwhile, the others under the shared
 * lock). {@link #allEvents()} streams a snapshot taken when it is called.
 */
public final class InMemoryStorage implements Storage {
  private final ConcurrentHashMap<ProfileId, Profile> profiles = new ConcurrentHashMap<>();
  /** The ids of {@link #profiles} in order, for paging; guarded by {@link #lock}. */
  private final SortedIds sortedIds = new SortedIds();
  private final ConcurrentHashMap<Identifier, ProfileId> index = new ConcurrentHashMap<>();
  private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
  private final Set<String> tombstones = ConcurrentHashMap.newKeySet();
  private final Map<Identifier, List<StoredEvent>> eventsByAnchor = new HashMap<>();
  private final StampedLock lock = new StampedLock();
  // Merge log: records in commit order, guarded by the lock like the events.
  private final LinkedHashMap<String, MergeRecord> mergeRecords = new LinkedHashMap<>();
  private final Map<ProfileId, List<MergeRecord>> mergeRecordsByProfile = new HashMap<>();
  private final Map<Identifier, List<MergeRecord>> splitsByIdentifier = new HashMap<>();
  private long eventCount;

  /** Creates an empty store. */
  public InMemoryStorage() {}

  @Override
  public Optional<Profile> profile(ProfileId id) {
    return Optional.ofNullable(profiles.get(requireNonNull(id, "id")));
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(limit >= 1, "limit must be >= 1: %s", limit);
    // One consistent state per page: a page never shows half of a commit (e.g. a merge's
    // survivor next to the loser it deletes). The sorted ids are folded in under the write
    // lock when many changed since the last page; the page itself is read under the read lock.
    long stamp = lock.readLock();
    try {
      if (!sortedIds.needsRebuild()) {
        return sortedIds.page(after, limit, profiles::get);
      }
    } finally {
      lock.unlockRead(stamp);
    }
    stamp = lock.writeLock();
    try {
      sortedIds.rebuild(profiles::get);
      return sortedIds.page(after, limit, profiles::get);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public long profileCount() {
    return consistentRead(() -> (long) profiles.size());
  }

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    return Optional.ofNullable(index.get(requireNonNull(identifier, "identifier")));
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    return consistentRead(
        () -> {
          Map<Identifier, ProfileId> found = new HashMap<>();
          for (Identifier id : identifiers) {
            ProfileId owner = index.get(id);
            if (owner != null) {
              found.put(id, owner);
            }
          }
          return found;
        });
  }

  @Override
  public boolean containsEvent(String eventId) {
    return eventIds.contains(requireNonNull(eventId, "eventId"));
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    requireNonNull(anchors, "anchors");
    List<StoredEvent> out = new ArrayList<>();
    long stamp = lock.readLock();
    try {
      for (Identifier anchor : new HashSet<>(anchors)) {
        List<StoredEvent> list = eventsByAnchor.get(anchor);
        if (list != null) {
          out.addAll(list);
        }
      }
    } finally {
      lock.unlockRead(stamp);
    }
    out.sort(StoredEvent.TIMELINE_ORDER);
    return out;
  }

  @Override
  public Stream<StoredEvent> allEvents() {
    List<StoredEvent> snapshot;
    long stamp = lock.readLock();
    try {
      snapshot = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, eventCount));
      for (List<StoredEvent> list : eventsByAnchor.values()) {
        snapshot.addAll(list);
      }
    } finally {
      lock.unlockRead(stamp);
    }
    return snapshot.stream();
  }

  @Override
  public long eventCount() {
    long stamp = lock.readLock();
    try {
      return eventCount;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public boolean isTombstoned(String hash) {
    return tombstones.contains(requireNonNull(hash, "hash"));
  }

  @Override
  public long tombstoneCount() {
    return tombstones.size();
  }

  @Override
  public void commit(Commit commit) {
    requireNonNull(commit, "commit");
    long stamp = lock.writeLock();
    try {
      validate(commit);
      apply(commit);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void validate(Commit commit) {
    for (Commit.ProfileWrite w : commit.profileWrites()) {
      long current = versionOf(w.profile().id());
      if (current != w.expectedVersion()) {
        throw new CommitConflictException(
            "profile " + w.profile().id() + " is at version " + current + ", expected " + w.expectedVersion());
      }
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      long current = versionOf(d.id());
      if (current != d.expectedVersion()) {
        throw new CommitConflictException(
            "profile " + d.id() + " is at version " + current + ", expected " + d.expectedVersion());
      }
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      Optional<ProfileId> current = Optional.ofNullable(index.get(w.identifier()));
      if (!current.equals(w.expectedOwner())) {
        throw new CommitConflictException(
            "identifier " + w.identifier() + " is owned by " + current.map(ProfileId::value).orElse("nobody")
                + ", expected " + w.expectedOwner().map(ProfileId::value).orElse("nobody"));
      }
    }
    for (StoredEvent e : commit.appends()) {
      if (eventIds.contains(e.event().id())) {
        throw new CommitConflictException("event " + e.event().id() + " is already stored");
      }
    }
    for (MergeRecord r : commit.mergeRecords()) {
      if (mergeRecords.containsKey(r.id())) {
        throw new CommitConflictException("merge record " + r.id() + " is already stored");
      }
    }
  }

  private long versionOf(ProfileId id) {
    Profile p = profiles.get(id);
    return p == null ? 0 : p.version();
  }

  private void apply(Commit commit) {
    // Index entries move before losers are deleted, so a reader going identifier -> owner ->
    // profile never lands on a profile that is already gone.
    for (Commit.ProfileWrite w : commit.profileWrites()) {
      if (profiles.put(w.profile().id(), w.profile()) == null) {
        sortedIds.created(w.profile().id());
      }
    }
    for (Commit.IndexWrite w : commit.indexWrites()) {
      if (w.newOwner().isPresent()) {
        index.put(w.identifier(), w.newOwner().get());
      } else {
        index.remove(w.identifier());
      }
    }
    for (Commit.ProfileDelete d : commit.profileDeletes()) {
      profiles.remove(d.id());
      sortedIds.deleted(d.id());
    }
    if (sortedIds.isOverdue()) {
      sortedIds.rebuild(profiles::get);
    }
    for (Identifier anchor : commit.eventErasures()) {
      List<StoredEvent> erased = eventsByAnchor.remove(anchor);
      if (erased != null) {
        erased.forEach(e -> eventIds.remove(e.event().id()));
        eventCount -= erased.size();
      }
    }
    tombstones.addAll(commit.tombstones());
    for (ProfileId erased : commit.mergeRecordErasures()) {
      for (MergeRecord r : List.copyOf(mergeRecordsByProfile.getOrDefault(erased, List.of()))) {
        unlog(r);
      }
    }
    for (MergeRecord r : commit.mergeRecords()) {
      log(r);
    }
    for (StoredEvent e : commit.appends()) {
      eventIds.add(e.event().id());
      eventsByAnchor.computeIfAbsent(e.anchor(), k -> new ArrayList<>(4)).add(e);
      eventCount++;
    }
  }

  private void log(MergeRecord r) {
    mergeRecords.put(r.id(), r);
    for (ProfileId p : profilesOf(r)) {
      mergeRecordsByProfile.computeIfAbsent(p, k -> new ArrayList<>(2)).add(r);
    }
    if (r.kind() == MergeRecord.Kind.SPLIT) {
      for (Identifier id : identifiersOf(r)) {
        splitsByIdentifier.computeIfAbsent(id, k -> new ArrayList<>(1)).add(r);
      }
    }
  }

  private void unlog(MergeRecord r) {
    mergeRecords.remove(r.id());
    for (ProfileId p : profilesOf(r)) {
      removeFrom(mergeRecordsByProfile, p, r);
    }
    for (Identifier id : identifiersOf(r)) {
      removeFrom(splitsByIdentifier, id, r);
    }
  }

  private static <K> void removeFrom(Map<K, List<MergeRecord>> map, K key, MergeRecord r) {
    List<MergeRecord> list = map.get(key);
    if (list != null) {
      list.remove(r);
      if (list.isEmpty()) {
        map.remove(key);
      }
    }
  }

  private static Set<ProfileId> profilesOf(MergeRecord r) {
    Set<ProfileId> out = new LinkedHashSet<>();
    out.add(r.profile());
    r.sides().forEach(s -> out.add(s.id()));
    return out;
  }

  private static Set<Identifier> identifiersOf(MergeRecord r) {
    Set<Identifier> out = new LinkedHashSet<>(r.links());
    r.sides().forEach(s -> out.addAll(s.identifiers()));
    return out;
  }

  @Override
  public List<MergeRecord> mergeRecords(ProfileId profile) {
    requireNonNull(profile, "profile");
    long stamp = lock.readLock();
    try {
      return List.copyOf(mergeRecordsByProfile.getOrDefault(profile, List.of()));
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    requireNonNull(id, "id");
    long stamp = lock.readLock();
    try {
      return Optional.ofNullable(mergeRecords.get(id));
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    long stamp = lock.readLock();
    try {
      if (splitsByIdentifier.isEmpty()) {
        return List.of();
      }
      Set<MergeRecord> found = new LinkedHashSet<>();
      for (Identifier id : identifiers) {
        found.addAll(splitsByIdentifier.getOrDefault(id, List.of()));
      }
      List<MergeRecord> out = new ArrayList<>();
      for (MergeRecord r : mergeRecords.values()) {
        if (found.contains(r)) {
          out.add(r);
        }
      }
      return out;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    requireNonNull(action, "action");
    List<MergeRecord> snapshot;
    long stamp = lock.readLock();
    try {
      snapshot = List.copyOf(mergeRecords.values());
    } finally {
      lock.unlockRead(stamp);
    }
    snapshot.forEach(action);
  }

  private <T> T consistentRead(Supplier<T> read) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      T value = read.get();
      if (lock.validate(stamp)) {
        return value;
      }
    }
    stamp = lock.readLock();
    try {
      return read.get();
    } finally {
      lock.unlockRead(stamp);
    }
  }
}
