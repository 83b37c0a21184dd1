package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.Arrays;
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
 * applied, so a conflicting commit changes nothing. Readers of a single key never block;
 * {@link #owners}, {@link #ownedProfiles}, {@link #containsEvent}, each page of
 * {@link #profiles}, {@link #profileCount()} and the event reads see one consistent state
 * ({@link #owners}, {@link #ownedProfiles}, {@link #containsEvent} and {@link #profileCount()} by
 * an optimistic read that falls back to a shared lock when a commit ran meanwhile, the others
 * under the shared lock). {@link #allEvents()} streams a snapshot taken when it is called.
 *
 * <h2>Layout</h2>
 * Ingestion touches few large structures per event, since each is a cache miss:
 * <ul>
 *   <li>one identifier table: per identifier one slot holding its owner and the events anchored
 *       at it, so resolving an event and appending it touch the same entry; the owner is held as
 *       the owner's profile cell, so identifier → profile ({@link #ownedProfiles}) needs no
 *       second lookup;
 *   <li>profile cells by id, each holding the current profile, for {@link #profile} and the
 *       version checks of commits;
 *   <li>the event ids in a compact open-addressing table of 64-bit hashes ({@link EventIdTable})
 *       beside the stored events, exact because a hash hit compares the id;
 *   <li>the sorted order that paging needs in {@link SortedIds}, a sorted array of ids brought
 *       up to date by a page once enough profiles were created or deleted since the last one.
 * </ul>
 */
public final class InMemoryStorage implements Storage {
  /** The live profiles: every cell here holds a profile. */
  private final ConcurrentHashMap<ProfileId, ProfileCell> profiles = new ConcurrentHashMap<>();
  /** The ids of {@link #profiles} in order, for paging; guarded by {@link #lock}. */
  private final SortedIds sortedIds = new SortedIds();
  /** Identifiers that have an owner or anchor events (or both). */
  private final ConcurrentHashMap<Identifier, IdentifierSlot> identifiers = new ConcurrentHashMap<>();
  /** Guarded by {@link #lock}; read optimistically by {@link #containsEvent}. */
  private final EventIdTable eventIds = new EventIdTable();
  private final Set<String> tombstones = ConcurrentHashMap.newKeySet();
  private final StampedLock lock = new StampedLock();
  // Merge log: records in commit order, guarded by the lock like the events.
  private final LinkedHashMap<String, MergeRecord> mergeRecords = new LinkedHashMap<>();
  private final Map<ProfileId, List<MergeRecord>> mergeRecordsByProfile = new HashMap<>();
  private final Map<Identifier, List<MergeRecord>> splitsByIdentifier = new HashMap<>();
  private long eventCount;

  /**
   * A profile id and its current profile. Identifier slots point at the cell of their owner. A
   * deleted profile's cell leaves {@link #profiles} and holds null; a slot can still point at it
   * (when a commit deletes a profile and keeps its index entries), so readers going through a
   * slot look the id up again when the cell is empty.
   */
  private static final class ProfileCell {
    final ProfileId id;
    /** Written under the write lock; volatile for the lock-free single-key reads. */
    volatile Profile profile;

    ProfileCell(ProfileId id, Profile profile) {
      this.id = id;
      this.profile = profile;
    }
  }

  /** One identifier: its owner (null: none) and the events anchored at it. */
  private static final class IdentifierSlot {
    /** Written under the write lock; volatile for the lock-free single-key reads. */
    volatile ProfileCell owner;
    /** Set, under the lock, when the slot leaves the table; a new slot may take its place. */
    boolean removed;
    /** Guarded by the lock; the first {@link #eventCount} entries are the events. */
    StoredEvent[] events;
    int eventCount;

    void append(StoredEvent e) {
      if (events == null) {
        events = new StoredEvent[2];
      } else if (eventCount == events.length) {
        events = Arrays.copyOf(events, eventCount * 2);
      }
      events[eventCount++] = e;
    }

    void addEventsTo(List<StoredEvent> out) {
      for (int i = 0; i < eventCount; i++) {
        out.add(events[i]);
      }
    }
  }

  /** Creates an empty store. */
  public InMemoryStorage() {}

  @Override
  public Optional<Profile> profile(ProfileId id) {
    return Optional.ofNullable(profileOrNull(requireNonNull(id, "id")));
  }

  private Profile profileOrNull(ProfileId id) {
    ProfileCell cell = profiles.get(id);
    return cell == null ? null : cell.profile;
  }

  /** The current profile of the owner held in {@code cell}, or null if it has none. */
  private Profile profileOf(ProfileCell cell) {
    Profile p = cell.profile;
    return p != null ? p : profileOrNull(cell.id); // an emptied cell: the id may live again
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(limit >= 1, "limit must be >= 1: %s", limit);
    // One consistent state per page: a page never shows half of a commit (e.g. a merge's
    // survivor next to the loser it deletes). The sorted ids are folded in under the write
    // lock when many changed since the last page; the page itself is read under the read lock.
    // The sorted ids keep each profile's cell beside its id, so that a page of an unchanged
    // store is a walk along an array instead of a hash lookup per profile; cells missing since
    // the last changes are looked up once, under the write lock, by the next page.
    long stamp = lock.readLock();
    try {
      if (!sortedIds.needsRebuild() && sortedIds.hasAllCells()) {
        return sortedIds.page(after, limit, this::profileOrNull, c -> profileOf((ProfileCell) c));
      }
    } finally {
      lock.unlockRead(stamp);
    }
    stamp = lock.writeLock();
    try {
      if (sortedIds.needsRebuild()) {
        sortedIds.rebuild(this::profileOrNull);
      }
      sortedIds.fillCells(profiles::get);
      return sortedIds.page(after, limit, this::profileOrNull, c -> profileOf((ProfileCell) c));
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
    IdentifierSlot slot = identifiers.get(requireNonNull(identifier, "identifier"));
    ProfileCell owner = slot == null ? null : slot.owner;
    return owner == null ? Optional.empty() : Optional.of(owner.id);
  }

  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    return consistentRead(
        () -> {
          Map<Identifier, ProfileId> found = new HashMap<>();
          for (Identifier id : identifiers) {
            IdentifierSlot slot = this.identifiers.get(id);
            ProfileCell owner = slot == null ? null : slot.owner;
            if (owner != null) {
              found.put(id, owner.id);
            }
          }
          return found;
        });
  }

  /** {@inheritDoc} One lookup per identifier, from one consistent state. */
  @Override
  public OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
    requireNonNull(identifiers, "identifiers");
    return consistentRead(
        () -> {
          Map<Identifier, ProfileId> owners = null;
          Map<ProfileId, Profile> owned = null;
          for (Identifier id : identifiers) {
            IdentifierSlot slot = this.identifiers.get(id);
            ProfileCell owner = slot == null ? null : slot.owner;
            if (owner == null) {
              continue;
            }
            if (owners == null) {
              owners = new HashMap<>(4);
              owned = new HashMap<>(2);
            }
            owners.put(id, owner.id);
            if (!owned.containsKey(owner.id)) {
              Profile p = profileOf(owner);
              if (p != null) {
                owned.put(owner.id, p);
              }
            }
          }
          return owners == null ? OwnedProfiles.none() : OwnedProfiles.handOver(owners, owned);
        });
  }

  @Override
  public boolean containsEvent(String eventId) {
    long hash = EventIdTable.hash(requireNonNull(eventId, "eventId"));
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      boolean found = eventIds.contains(hash, eventId);
      if (lock.validate(stamp)) {
        return found;
      }
    }
    stamp = lock.readLock();
    try {
      return eventIds.contains(hash, eventId);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    requireNonNull(anchors, "anchors");
    List<StoredEvent> out = new ArrayList<>();
    long stamp = lock.readLock();
    try {
      for (Identifier anchor : new HashSet<>(anchors)) {
        IdentifierSlot slot = identifiers.get(anchor);
        if (slot != null) {
          slot.addEventsTo(out);
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
      for (IdentifierSlot slot : identifiers.values()) {
        slot.addEventsTo(snapshot);
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
    // Everything that needs no lock happens before taking it: hashing the event ids and looking
    // up the cells and slots the commit touches (the lookups are the cache misses). Under the
    // lock a looked-up object is used if it is still the live one, else looked up again.
    Lookups seen = new Lookups(commit);
    long stamp = lock.writeLock();
    try {
      validate(commit, seen);
      apply(commit, seen);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private static final ProfileCell[] NO_CELLS = {};
  private static final IdentifierSlot[] NO_SLOTS = {};

  /** What a commit looked up before taking the lock; each entry may be stale or null. */
  private final class Lookups {
    final long[] appendHashes;
    final IdentifierSlot[] appendSlots;
    final ProfileCell[] writeCells;
    final ProfileCell[] deleteCells;
    final IdentifierSlot[] indexSlots;

    Lookups(Commit commit) {
      List<StoredEvent> appends = commit.appends();
      appendHashes = new long[appends.size()];
      appendSlots = new IdentifierSlot[appends.size()];
      for (int i = 0; i < appendHashes.length; i++) {
        StoredEvent e = appends.get(i);
        appendHashes[i] = EventIdTable.hash(e.event().id());
        appendSlots[i] = identifiers.get(e.anchor());
      }
      List<Commit.ProfileWrite> writes = commit.profileWrites();
      writeCells = new ProfileCell[writes.size()];
      for (int i = 0; i < writeCells.length; i++) {
        writeCells[i] = profiles.get(writes.get(i).profile().id());
      }
      List<Commit.ProfileDelete> deletes = commit.profileDeletes();
      deleteCells = deletes.isEmpty() ? NO_CELLS : new ProfileCell[deletes.size()];
      for (int i = 0; i < deleteCells.length; i++) {
        deleteCells[i] = profiles.get(deletes.get(i).id());
      }
      List<Commit.IndexWrite> index = commit.indexWrites();
      indexSlots = index.isEmpty() ? NO_SLOTS : new IdentifierSlot[index.size()];
      for (int i = 0; i < indexSlots.length; i++) {
        indexSlots[i] = identifiers.get(index.get(i).identifier());
      }
    }
  }

  /**
   * The live cell of {@code id} (null if it has no profile), given the one looked up before the
   * lock; called under the write lock. A cell holds a profile exactly while it is in {@link
   * #profiles}, so a looked-up cell that still holds one is the live cell.
   */
  private ProfileCell liveCell(ProfileCell seen, ProfileId id) {
    return seen != null && seen.profile != null ? seen : profiles.get(id);
  }

  /**
   * The live slot of {@code id} (null if none), given the one looked up before the lock; called
   * under the write lock. A slot is in {@link #identifiers} until it is marked removed.
   */
  private IdentifierSlot liveSlot(IdentifierSlot seen, Identifier id) {
    return seen != null && !seen.removed ? seen : identifiers.get(id);
  }

  private void removeSlot(Identifier id, IdentifierSlot slot) {
    slot.removed = true;
    identifiers.remove(id);
  }

  private void validate(Commit commit, Lookups seen) {
    List<Commit.ProfileWrite> writes = commit.profileWrites();
    for (int i = 0; i < writes.size(); i++) {
      Commit.ProfileWrite w = writes.get(i);
      seen.writeCells[i] = liveCell(seen.writeCells[i], w.profile().id());
      long current = versionOf(seen.writeCells[i]);
      if (current != w.expectedVersion()) {
        throw new CommitConflictException(
            "profile " + w.profile().id() + " is at version " + current + ", expected " + w.expectedVersion());
      }
    }
    List<Commit.ProfileDelete> deletes = commit.profileDeletes();
    for (int i = 0; i < deletes.size(); i++) {
      Commit.ProfileDelete d = deletes.get(i);
      seen.deleteCells[i] = liveCell(seen.deleteCells[i], d.id());
      long current = versionOf(seen.deleteCells[i]);
      if (current != d.expectedVersion()) {
        throw new CommitConflictException(
            "profile " + d.id() + " is at version " + current + ", expected " + d.expectedVersion());
      }
    }
    List<Commit.IndexWrite> index = commit.indexWrites();
    for (int i = 0; i < index.size(); i++) {
      Commit.IndexWrite w = index.get(i);
      IdentifierSlot slot = liveSlot(seen.indexSlots[i], w.identifier());
      seen.indexSlots[i] = slot;
      ProfileCell owner = slot == null ? null : slot.owner;
      boolean expected = owner == null
          ? w.expectedOwner().isEmpty()
          : w.expectedOwner().isPresent() && w.expectedOwner().get().equals(owner.id);
      if (!expected) {
        throw new CommitConflictException(
            "identifier " + w.identifier() + " is owned by " + (owner == null ? "nobody" : owner.id.value())
                + ", expected " + w.expectedOwner().map(ProfileId::value).orElse("nobody"));
      }
    }
    List<StoredEvent> appends = commit.appends();
    for (int i = 0; i < seen.appendHashes.length; i++) {
      String id = appends.get(i).event().id();
      if (eventIds.contains(seen.appendHashes[i], id)) {
        throw new CommitConflictException("event " + id + " is already stored");
      }
    }
    for (MergeRecord r : commit.mergeRecords()) {
      if (mergeRecords.containsKey(r.id())) {
        throw new CommitConflictException("merge record " + r.id() + " is already stored");
      }
    }
  }

  private static long versionOf(ProfileCell cell) {
    Profile p = cell == null ? null : cell.profile;
    return p == null ? 0 : p.version();
  }

  private void apply(Commit commit, Lookups seen) {
    // Index entries move before losers are deleted, so a reader going identifier -> owner ->
    // profile never lands on a profile that is already gone. The cells and slots validate()
    // found are live: nothing changed since, as the write lock is held.
    List<Commit.ProfileWrite> writes = commit.profileWrites();
    for (int i = 0; i < writes.size(); i++) {
      Profile profile = writes.get(i).profile();
      ProfileCell cell = seen.writeCells[i];
      if (cell == null) {
        profiles.put(profile.id(), new ProfileCell(profile.id(), profile));
        sortedIds.created(profile.id());
      } else {
        cell.profile = profile;
      }
    }
    List<Commit.IndexWrite> index = commit.indexWrites();
    for (int i = 0; i < index.size(); i++) {
      Commit.IndexWrite w = index.get(i);
      IdentifierSlot slot = seen.indexSlots[i];
      if (w.newOwner().isPresent()) {
        ProfileId ownerId = w.newOwner().get();
        ProfileCell owner = profiles.get(ownerId); // mostly a profile this commit just wrote
        if (owner == null) { // an owner without a profile (yet): readers find it by id later
          owner = new ProfileCell(ownerId, null);
        }
        if (slot == null) {
          slot = new IdentifierSlot();
          slot.owner = owner;
          identifiers.put(w.identifier(), slot);
        } else {
          slot.owner = owner;
        }
      } else if (slot != null) {
        slot.owner = null;
        if (slot.eventCount == 0) {
          removeSlot(w.identifier(), slot);
        }
      }
    }
    List<Commit.ProfileDelete> deletes = commit.profileDeletes();
    for (int i = 0; i < deletes.size(); i++) {
      ProfileId id = deletes.get(i).id();
      ProfileCell cell = seen.deleteCells[i];
      if (cell != null) {
        profiles.remove(id);
        cell.profile = null;
      }
      sortedIds.deleted(id);
    }
    if (sortedIds.isOverdue()) {
      sortedIds.rebuild(this::profileOrNull);
    }
    for (Identifier anchor : commit.eventErasures()) {
      IdentifierSlot slot = identifiers.get(anchor);
      if (slot != null && slot.eventCount > 0) {
        for (int i = 0; i < slot.eventCount; i++) {
          String id = slot.events[i].event().id();
          eventIds.remove(EventIdTable.hash(id), id);
        }
        eventCount -= slot.eventCount;
        slot.events = null;
        slot.eventCount = 0;
        if (slot.owner == null) {
          removeSlot(anchor, slot);
        }
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
    List<StoredEvent> appends = commit.appends();
    for (int i = 0; i < seen.appendHashes.length; i++) {
      StoredEvent e = appends.get(i);
      eventIds.add(seen.appendHashes[i], e);
      IdentifierSlot slot = liveSlot(seen.appendSlots[i], e.anchor());
      if (slot == null) {
        slot = new IdentifierSlot();
        identifiers.put(e.anchor(), slot);
      }
      slot.append(e);
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
