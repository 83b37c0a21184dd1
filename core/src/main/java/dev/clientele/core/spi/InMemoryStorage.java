package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link Storage}: everything on the heap, nothing persisted.
 *
 * <p>Thread-safe. Every commit is validated in full before anything is applied, so a conflicting
 * commit changes nothing. A commit is also failure-atomic: everything it allocates (new entries,
 * room in the tables and logs it grows) is allocated before its first change, and if it still
 * fails part-way (an {@link OutOfMemoryError} in a map of tombstones or merge records, a stack
 * overflow, a bug) its changes are taken back before its locks are released, so readers never see
 * them and the same commit can be made again. Optional ceilings on the events and profiles held
 * ({@link #builder()}) refuse a commit with a {@link StorageException} before the heap runs out. Readers of a single key ({@link #profile}, {@link #owner}, {@link #isTombstoned}) read
 * optimistically and wait only while a commit is applying to that key's stripe (so a thread that
 * has seen a commit never reads a key it has not reached yet); {@link #owners}, {@link #ownedProfiles}, {@link #containsEvent}, each page of {@link
 * #profiles}, {@link #profileCount()}, {@link #tombstoneCount()} and the event reads see one consistent state. {@link
 * #allEvents()} returns the events stored when it is called, less any that an erasure committed
 * while it copies them may take out (it never returns an event appended after the call or erased
 * before it, nor leaves out one that an erasure which failed took back); it holds the locks of all
 * stripes only to take the length of each event log and, after the copy, to learn whether an
 * erasure that ran meanwhile failed, not while it copies (unless two copies in a row were spoiled
 * by failed erasures: then the third copies holding them).
 *
 * <h2>Locking: stripes</h2>
 * The state is divided into {@value #STRIPES} stripes, each with its own {@link StampedLock}: an
 * identifier (its owner and the events anchored at it) belongs to the stripe its hash picks, a
 * profile to the stripe of its id, an event id to the stripe of its 64-bit hash. Each stripe owns
 * the tables of its keys ({@link KeyedTable}s of identifier slots and of profile cells, an {@link
 * EventIdTable}), its event count and its log of created and deleted profiles, and only a
 * holder of its write lock changes them. The merge log has one more lock of its own.
 * <ul>
 *   <li>A commit takes the write locks of every stripe it touches, always in ascending stripe
 *       order (then the merge-log lock if it writes or erases records), validates everything,
 *       applies everything, and releases them. Commits over disjoint stripes run in parallel;
 *       a merge takes the stripes of both profiles and of every identifier it moves, so it
 *       excludes every commit touching any of them. A commit erasing events takes every stripe
 *       (the erased ids may lie in any). Holding all of its locks at once before changing
 *       anything (two-phase locking) makes commits linearizable.
 *   <li>Multi-key reads ({@link #owners}, {@link #ownedProfiles}, {@link #containsEvent},
 *       {@link #profileCount()}, {@link #eventCount()}) are optimistic: they take a stamp of each
 *       stripe before reading from it and validate all stamps at the end; if any stripe was
 *       written meanwhile they retry (a retry first waits a few microseconds, spinning, for the
 *       commit it met). A read that validates saw, in every stripe it read, the state between the same
 *       two commits, so it never sees part of a commit. After a few failures it reads under the
 *       read locks of just the stripes it reached ({@link #profileCount()} and {@link
 *       #eventCount()}: of all stripes), adding any stripe it then finds it needs and reading again.
 *       The tables tolerate such unlocked reads during writes (see {@link KeyedTable}).
 *   <li>Single-key reads ({@link #profile}, {@link #owner}, {@link #isTombstoned}) stamp the key's stripe, read and
 *       validate, then, after spinning briefly for the commit they met, try once more before
 *       falling back to that stripe's read lock: an unlocked read could see one key of
 *       a commit still being applied and then another key it has not reached, which no order of
 *       whole commits produces.
 *   <li>Pages of {@link #profiles} and the other whole-store reads hold the read locks of all
 *       stripes (in ascending order, like commits); {@link #allEvents()} holds them only to take
 *       a view of each event log (its end: a time independent of the number of events) and
 *       copies the events after releasing them; {@link #events} holds those
 *       of its anchors' stripes and of the stripes whose event logs hold their events.
 * </ul>
 *
 * <h2>Layout</h2>
 * Ingestion touches few large structures per event, since each is a cache miss:
 * <ul>
 *   <li>per stripe, one identifier table: per identifier one slot holding its owner and the
 *       events anchored at it (without a wrapper per event), so resolving an event and appending
 *       it touch the same entry; the owner is held as the owner's profile cell, so identifier →
 *       profile ({@link #ownedProfiles}) needs no second lookup. The tables are open-addressing
 *       arrays with each key's hash in an {@code int[]} beside the entries ({@link KeyedTable});
 *       a slot holds its identifier's parts, so a lookup does not read the identifier object;
 *   <li>per stripe, profile cells by id, each holding the current profile, for {@link #profile}
 *       and the version checks of commits;
 *   <li>the stored events and their anchors in append-only logs, one per stripe (of the event
 *       id's hash), beside their ids in a compact open-addressing table of hash bits and log positions ({@link
 *       EventIdTable}), exact because a hash hit compares the id. Identifier slots refer to their
 *       events by stripe and position, in {@code int}s (the first inline, the others in an
 *       {@code int[]}). So storing an event writes no reference into a random place of the old
 *       generation: the garbage collector (G1) tracks every reference stored into an old object
 *       by dirtying its 512-byte card, which its concurrent refinement threads and the next young
 *       pause then scan; appends to a log dirty cards in order, 128 references per card (positions
 *       freed by an erasure are reused first, so after erasures some appends land in older chunks);
 *       a stripe's log holds at most 2<sup>26</sup>&nbsp;&minus;&nbsp;1 events at a time (about
 *       4.3 billion in the store), beyond which {@link #commit} refuses a commit with a
 *       {@link StorageException} before changing anything;
 *   <li>the sorted order that paging needs in {@link SortedIds}, a sorted array of ids brought
 *       up to date by a page once enough profiles were created or deleted since the last one;
 *       commits only append to their stripes' logs of created and deleted ids.
 * </ul>
 */
public final class InMemoryStorage implements Storage {
  /**
   * A builder of an empty store, for the optional ceilings: {@code new InMemoryStorage()} is
   * {@code builder().build()}.
   *
   * <pre>{@code
   * Storage storage = InMemoryStorage.builder().maxEvents(50_000_000).maxProfiles(5_000_000).build();
   * }</pre>
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an {@link InMemoryStorage}. The in-memory store keeps everything ingested on the heap
   * (no retention); a ceiling makes it refuse a commit that would take it past a number of events
   * or of profiles, with a {@link StorageException} before anything changes, rather than fill the
   * heap until an {@link OutOfMemoryError}. Commits that erase or delete make room again. Without
   * ceilings (the default) nothing is counted. Each setting may be set once; not thread-safe.
   */
  public static final class Builder {
    private long maxEvents = Long.MAX_VALUE;
    private long maxProfiles = Long.MAX_VALUE;
    private boolean maxEventsSet;
    private boolean maxProfilesSet;

    private Builder() {}

    /**
     * The most events the store holds (default: no ceiling). A commit whose appends (less the
     * events it erases) would take it past this is refused with a {@link StorageException}, and
     * changes nothing. A commit in progress holds its share until it ends, so near the ceiling a
     * concurrent commit may be refused for room that a commit about to fail then gives back.
     * Only events and profiles are bounded, not identifiers, merge records or tombstones.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     * @throws IllegalStateException if already set
     */
    public Builder maxEvents(long value) {
      checkArgument(value >= 0, "maxEvents must be >= 0: %s", value);
      com.google.common.base.Preconditions.checkState(!maxEventsSet, "maxEvents was already set to %s", maxEvents);
      this.maxEvents = value;
      this.maxEventsSet = true;
      return this;
    }

    /**
     * The most profiles the store holds (default: no ceiling). A commit whose new profiles (less
     * those it deletes) would take it past this is refused with a {@link StorageException}, and
     * changes nothing.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     * @throws IllegalStateException if already set
     */
    public Builder maxProfiles(long value) {
      checkArgument(value >= 0, "maxProfiles must be >= 0: %s", value);
      com.google.common.base.Preconditions.checkState(!maxProfilesSet, "maxProfiles was already set to %s", maxProfiles);
      this.maxProfiles = value;
      this.maxProfilesSet = true;
      return this;
    }

    /** An empty store with these settings. */
    public InMemoryStorage build() {
      return new InMemoryStorage(1024, maxEvents, maxProfiles);
    }
  }

  /** The ceiling on stored events ({@link Long#MAX_VALUE}: none). */
  private final long maxEvents;
  /** The ceiling on stored profiles ({@link Long#MAX_VALUE}: none). */
  private final long maxProfiles;
  /** Whether a ceiling is set: only then are {@link #storedEvents} and {@link #storedProfiles} kept. */
  private final boolean limited;
  /** The events stored and those that commits being applied add (with a ceiling only). */
  private final java.util.concurrent.atomic.AtomicLong storedEvents = new java.util.concurrent.atomic.AtomicLong();
  /** The profiles stored and those that commits being applied add (with a ceiling only). */
  private final java.util.concurrent.atomic.AtomicLong storedProfiles = new java.util.concurrent.atomic.AtomicLong();

  /** The number of lock stripes: one bit each in a {@code long} mask. */
  static final int STRIPES = 64;
  /** Optimistic attempts of a multi-key read before it takes the read locks of the stripes it reached. */
  private static final int OPTIMISTIC_ATTEMPTS = 4;
  /**
   * How many rounds of {@link Thread#onSpinWait} a commit waits for a stripe another commit holds
   * (and a failed optimistic read for the commit it met) before blocking: a few microseconds. With
   * two ingesting threads a commit meets the other thread's in one of its stripes thousands of
   * times per million events; blocking at once parked the waiter and made the holder unpark it,
   * each a system call, for a wait of about a microsecond.
   */
  private static final int SPINS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryStorage.class);
  /**
   * The ids of the live profiles in order, for paging. Commits note changes in their stripes'
   * logs ({@link Stripe#created}, {@link Stripe#deleted}); whoever holds the monitor of this
   * object and then the read locks of all stripes takes the logs: pages, and a commit that
   * finds its stripe's log overdue, after releasing its own locks ({@link #foldLogs}, which
   * rebuilds after releasing the stripes again). Guarded by its own monitor.
   */
  private final SortedIds sortedIds = new SortedIds();
  /** The least number of changes a stripe's log holds before a commit folds the logs in (1024; tests set less). */
  private final int foldFloor;
  /**
   * The number of changes in one stripe's log at which the committing thread folds the logs in:
   * {@code max(1024, 2 × sorted ids / stripes)}, so over all stripes about {@code max(65536,
   * 2 × ids)}: the amortised cost of a fold is then a few comparisons per change. Set by each
   * fold; 0 after a fold failed, so the next change retries it.
   */
  private volatile int foldLimit;
  /** Set while a thread folds the logs for a commit: one such fold at a time, the others skip theirs. */
  private final AtomicBoolean folding = new AtomicBoolean();
  /** For tests: the number of rebuilds of {@link #sortedIds}. */
  private int rebuilds;
  /** For tests only: run by a commit's fold while it holds the locks (null: nothing), e.g. to make it fail. */
  Runnable beforeFold;
  /**
   * For tests only: run by a commit's fold after it took the stripes' logs and released their
   * locks, before it rebuilds the sorted ids (null: nothing); commits may run in it.
   */
  Runnable afterFoldTook;
  /**
   * For tests only: run by a commit's fold right after it read whether an id deleted before the
   * fold exists (null: nothing); commits may run in it, so a test can change the id just read.
   */
  Consumer<ProfileId> afterFoldLookup;
  /**
   * For tests only: run by a commit after it wrote its profiles and before it moves identifiers,
   * holding its locks, so a test can catch a commit half-applied; null (the default) runs nothing.
   */
  Runnable afterProfileWrites;
  /**
   * For tests only: run by {@link #allEvents()} after it took the views of the logs and released
   * the locks, before it copies the events (null: nothing); commits may run in it.
   */
  Runnable duringScan;
  /**
   * The number of {@link #allEvents()} calls copying the logs now. Raised under the read locks of
   * all stripes and lowered after the copy; while it is above 0, appends take positions of the
   * logs never used rather than positions freed by erasures, so that the entries a copy reads
   * (below its views' ends) are only ever emptied, never rewritten with another event.
   */
  private final AtomicInteger scans = new AtomicInteger();
  /**
   * Commits with event erasures that failed part-way and were taken back: raised by the failing
   * commit before it releases its locks (all stripes), so that {@link #allEvents()}, which copies
   * without locks and may have read the positions such a commit emptied for a moment, can tell
   * that one ran during its copy and copy again.
   */
  private final java.util.concurrent.atomic.AtomicLong failedErasures = new java.util.concurrent.atomic.AtomicLong();
  private final Stripe[] stripes = new Stripe[STRIPES];
  /** The mask of all stripes: whole-store reads and commits that erase events lock it. */
  private static final long ALL_STRIPES = -1L;
  private final Set<String> tombstones = ConcurrentHashMap.newKeySet();
  /** Guards the merge log; taken after the stripes by commits that write, erase or redact records. */
  private final StampedLock logLock = new StampedLock();
  // Merge log: records in commit order, guarded by logLock.
  private final LinkedHashMap<String, MergeRecord> mergeRecords = new LinkedHashMap<>();
  /**
   * The records of each profile, for {@link #mergeRecords(ProfileId)} and erasures, both rare: so
   * a commit does not index its records here, it only lists them in {@link #unindexed}, and the
   * first read or erasure that needs this map indexes them (under the write lock of the log). On
   * ingestion a merge then costs one list append instead of a hash lookup, list and node per
   * profile of the record, each a cache miss in a map of every merged profile.
   */
  private final Map<ProfileId, List<MergeRecord>> mergeRecordsByProfile = new HashMap<>();
  /** Records logged but not yet in {@link #mergeRecordsByProfile}, in commit order, from {@link #indexedUpTo} on. */
  private ArrayList<MergeRecord> unindexed = new ArrayList<>();
  /** How many of {@link #unindexed} are in {@link #mergeRecordsByProfile} already (an indexing that failed half-way). */
  private int indexedUpTo;
  /** Split records by the identifiers they name: indexed at once, as ingestion asks {@link #splitsNaming}. */
  private final Map<Identifier, List<MergeRecord>> splitsByIdentifier = new HashMap<>();
  /**
   * The commit order of each split record in the log (by record id; a redaction keeps the id and so
   * its place): {@link #splitsNaming} sorts what it found by it, instead of walking the whole log
   * to learn the order, which made every possible merge cost a pass over every merge record of the
   * store once one split existed. Guarded by {@link #logLock}; an entry leaves with its record.
   */
  private final Map<String, Long> splitOrder = new HashMap<>();
  /** The order {@link #splitOrder} gives the next split record logged; guarded by {@link #logLock}. */
  private long nextSplitOrder;
  /**
   * Per thread, shared by all stores: the stamps of its optimistic reads and the profile cells its
   * last reads found. One per thread (not per store), so a dropped store leaves at most a few
   * cells behind in each thread that read it, until the thread reads another store.
   */
  private static final ThreadLocal<ReadScratch> SCRATCH = ThreadLocal.withInitial(ReadScratch::new);
  /** Names this store to the per-thread scratch (the store itself is not kept there). */
  private final Object scratchOwner = new Object();

  /** Whether this thread's scratch still refers to {@code id} (equal, in its read arrays); for tests. */
  static boolean scratchRefersTo(Identifier id) {
    return Arrays.asList(SCRATCH.get().readIds).contains(id);
  }

  /**
   * Whether this thread's reusable commit lookups hold a reference to a cell or slot, or are
   * marked in use; for tests (both must be false between commits).
   */
  static boolean lookupsHeld() {
    Lookups l = SCRATCH.get().lookups;
    if (l.inUse) {
      return true;
    }
    for (Object[] a : new Object[][] {l.appendSlots, l.writeCells, l.deleteCells, l.indexSlots, l.ownerCells, l.jA, l.jB, l.jC}) {
      for (Object o : a) {
        if (o != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** The length of the longest array of this thread's reusable commit lookups; for tests. */
  static int lookupsCapacity() {
    Lookups l = SCRATCH.get().lookups;
    return Math.max(Math.max(l.appendHashes.length, l.writeCells.length), Math.max(l.deleteCells.length, l.indexSlots.length));
  }

  /** This thread's scratch, emptied of another store's cells. */
  private ReadScratch scratch() {
    ReadScratch sc = SCRATCH.get();
    if (sc.owner != scratchOwner) {
      sc.owner = scratchOwner;
      Arrays.fill(sc.recent, null);
      sc.forgetRead();
    }
    return sc;
  }

  /**
   * What one thread's reads leave for its next read or commit. Ingestion reads an event's owners
   * ({@link #ownedProfiles}) and then commits a write of the same profiles: the commit finds
   * their cells among the few cells remembered here instead of looking the ids up again in
   * {@link #profiles}, whose table entry and node are cache misses by then. A remembered cell is
   * only a hint, checked like any cell found before the lock (see {@link #liveCell}).
   */
  private static final class ReadScratch {
    /**
     * After how many of its commits a thread's scratch is replaced by a copy ({@link
     * #ReadScratch(ReadScratch)}). A reference stored into an object the collector has promoted
     * out of the young generation costs G1's write barrier a memory fence, and every read and
     * commit stores several into the scratch and its lookups; a copy made every few dozen commits
     * is practically always young, where the barrier is a compare and a branch. The copy shares
     * the old one's arrays of numbers and makes new arrays of references (a few hundred bytes).
     */
    static final int RENEW_AFTER = 64;
    /** Stamps of an optimistic read, by stripe (the read's mask says which are set). */
    final long[] stamps;
    /** The stripes a multi-key read that must be repeated had reached (see {@link #reach}). */
    long needed;
    /** The store whose cells {@link #recent} holds. */
    Object owner;
    private final ProfileCell[] recent;
    private int next;
    /**
     * The identifiers of the last {@link #ownedProfiles} read (the first {@link #readCount}), the
     * {@link KeyedTable#spread} hash of each and the slot the read found (null: none): the commit
     * that follows appends at one of them and assigns some, so it takes their hashes and slots from
     * here (matched by reference) instead of looking them up again. Hints, like {@link #recent}.
     * Reads of more than {@value #READ_MEMORY} identifiers are not remembered.
     */
    Identifier[] readIds;
    int[] readHashes;
    IdentifierSlot[] readSlots;
    int readCount;
    /** How many leading entries of {@link #readIds} and {@link #readSlots} may be set. */
    int written;

    /** The most identifiers of a read that the scratch remembers. */
    static final int READ_MEMORY = 64;
    /** What this thread's commits look up before locking; reused (see {@link Lookups}). */
    final Lookups lookups;
    /** How many commits used {@link #lookups}; the scratch is replaced at {@link #RENEW_AFTER}. */
    int commits;

    ReadScratch() {
      stamps = new long[STRIPES];
      recent = new ProfileCell[4];
      readIds = new Identifier[4];
      readHashes = new int[4];
      readSlots = new IdentifierSlot[4];
      lookups = new Lookups();
    }

    /**
     * A young copy of {@code old}, made between two commits (its lookups released): the same
     * store, remembered cells and last read, its arrays of numbers shared, its arrays of
     * references new.
     */
    ReadScratch(ReadScratch old) {
      assert !old.lookups.inUse : "replaced during a commit";
      stamps = old.stamps;
      needed = old.needed;
      owner = old.owner;
      recent = old.recent.clone();
      next = old.next;
      readIds = old.readIds.clone();
      readHashes = old.readHashes;
      readSlots = old.readSlots.clone();
      readCount = old.readCount;
      written = old.written;
      lookups = new Lookups(old.lookups.counts);
    }

    /** Makes room for a read of {@code n} identifiers; false if it is too large to remember. */
    boolean roomForRead(int n) {
      readCount = 0;
      if (n > READ_MEMORY) {
        return false;
      }
      if (n > readIds.length) {
        int size = Math.max(n, 2 * readIds.length);
        forgetRead(); // the old arrays go, so nothing is left to clear in them
        readIds = new Identifier[size];
        readHashes = new int[size];
        readSlots = new IdentifierSlot[size];
      }
      return true;
    }

    /** Forgets the last read's identifiers and slots (they belong to another store). */
    void forgetRead() {
      Arrays.fill(readIds, 0, written, null);
      Arrays.fill(readSlots, 0, written, null);
      written = 0;
      readCount = 0;
    }

    /** The index of {@code id} (this very object) among the last read's identifiers, or -1. */
    int readIndexOf(Identifier id) {
      Identifier[] a = readIds;
      for (int i = 0, n = readCount; i < n; i++) {
        if (a[i] == id) {
          return i;
        }
      }
      return -1;
    }

    void remember(ProfileCell cell) {
      recent[next] = cell;
      next = (next + 1) & (recent.length - 1);
    }

    /**
     * A remembered cell of profile {@code id} that held a profile when read, or null. By reference
     * first (a commit writes the profiles it read, under the ids it read), then by hash and id:
     * never reading the ids of the other cells, which are cache misses by now.
     */
    ProfileCell recentCell(ProfileId id) {
      for (ProfileCell c : recent) {
        if (c != null && c.key == id && c.profile != null) {
          return c;
        }
      }
      int h = KeyedTable.spread(id);
      for (ProfileCell c : recent) {
        if (c != null && c.hash == h && c.key.equals(id) && c.profile != null) {
          return c;
        }
      }
      return null;
    }
  }

  /**
   * One lock stripe: its lock; the profile cells and identifier slots whose keys hash here; the
   * ids and number of the stored events whose id hashes here.
   */
  private static final class Stripe {
    final StampedLock lock = new StampedLock();
    /** The live profiles of this stripe: every cell here holds a profile. Guarded by {@link #lock}; read optimistically. */
    final KeyedTable<ProfileId, ProfileCell> cells = new KeyedTable<>(16);
    /** Identifiers of this stripe that have an owner or anchor events (or both). Guarded like {@link #cells}. */
    final KeyedTable<Identifier, IdentifierSlot> slots = new KeyedTable<>(64);
    /** Guarded by {@link #lock}; read optimistically by {@link #containsEvent}. */
    final EventIdTable eventIds = new EventIdTable(64);
    /** Guarded by {@link #lock}. */
    long eventCount;
    /**
     * Profiles of this stripe created since the logs were last folded into {@link #sortedIds};
     * written under {@link #lock}'s write lock, drained under the monitor of the sorted ids and
     * the read locks of all stripes.
     */
    ArrayList<ProfileId> created = new ArrayList<>();
    /** Profiles of this stripe deleted since then; guarded like {@link #created}. */
    ArrayList<ProfileId> deleted = new ArrayList<>();

    /** Whether this stripe's log of changes holds more than {@code limit} entries. */
    boolean logOver(int limit) {
      return created.size() + deleted.size() > limit;
    }
  }

  /**
   * A profile id (the key) and its current profile. Identifier slots point at the cell of their
   * owner. A deleted profile's cell leaves its stripe's {@link Stripe#cells} and holds null; a slot
   * can still point at it (when a commit deletes a profile and keeps its index entries), so readers
   * going through a slot look the id up again when the cell is empty.
   */
  private static final class ProfileCell extends KeyedTable.Entry<ProfileId> {
    /**
     * Written under the write lock of the id's stripe. Not volatile: every read is under that
     * stripe's lock or an optimistic read of it that is validated afterwards (which fails if a
     * commit wrote meanwhile), or a hint checked again under the lock, like the tables' plain
     * arrays; a volatile write would add a full fence per profile a commit writes. A profile's
     * state is in final fields (the list and map it makes on first read are immutable and made
     * again when absent), so a racy read never sees one half-built.
     */
    Profile profile;

    /**
     * The key's {@link KeyedTable#spread} hash, so that a reader reaching the cell through a slot
     * finds its stripe without reading the id and its string (two cache misses).
     */
    final int hash;

    ProfileCell(ProfileId id, Profile profile) {
      this(id, KeyedTable.spread(id), profile);
    }

    /** A cell of {@code id}, whose {@link KeyedTable#spread} hash is {@code hash}. */
    ProfileCell(ProfileId id, int hash, Profile profile) {
      super(id);
      this.profile = profile;
      this.hash = hash;
    }
  }

  /**
   * One identifier (the key): its owner (null: none) and the events anchored at it. The events are
   * held as references into the stripes' event logs ({@link EventIdTable}), ints that the
   * collector never scans: appending one stores no reference into this (mostly old) slot, and
   * there is no {@link StoredEvent} wrapper per event either; reads look the events up and wrap
   * them again.
   */
  private static final class IdentifierSlot extends KeyedTable.Entry<Identifier> {
    /** Written under the stripe's write lock; read like {@link ProfileCell#profile} (not volatile either). */
    ProfileCell owner;
    /**
     * The first event, as an {@link #eventRef} (the stripe of its id and its position in that
     * stripe's log), valid while {@link #eventCount} is at least 1. Held inline: most identifiers
     * anchor few events, and an array stored into an old slot is a reference store that the
     * collector must track. Guarded by the stripe's lock, like the fields below.
     */
    int firstEvent;
    /**
     * The events after the first (its first {@code eventCount - 1} entries), or null: grown by
     * doubling from 4, so a slot stores a new array at its 2nd, 6th, 10th, 18th… event.
     */
    int[] moreEvents;
    /** The number of events; {@link #REMOVED} once the slot left its table (a new slot may take its place). */
    int eventCount;

    static final int REMOVED = Integer.MIN_VALUE;

    /** The key's parts, so that a lookup compares them without reading the key object. */
    private final IdentifierType type;

    private final String value;

    IdentifierSlot(Identifier id) {
      super(id);
      this.type = id.type();
      this.value = id.value();
    }

    @Override
    boolean hasKey(Object other) {
      Identifier id = (Identifier) other;
      String v = id.value();
      IdentifierType t = id.type();
      return (value == v || value.equals(v)) && (type == t || type.equals(t));
    }

    /** Whether the slot left its table (set under the stripe's lock). */
    boolean removed() {
      return eventCount == REMOVED;
    }

    /**
     * A slot of {@code id} made before a commit's first change, for the commit to add to its
     * table: marked {@link #REMOVED} (not in a table) until then.
     */
    static IdentifierSlot detached(Identifier id) {
      IdentifierSlot slot = new IdentifierSlot(id);
      slot.eventCount = REMOVED;
      return slot;
    }

    /**
     * Makes room for {@code extra} more {@link #append}s, so that they allocate nothing: the
     * array of later events grows now if it would (its first {@code eventCount - 1} entries kept,
     * so readers see the same events). A slot not in a table counts as empty.
     */
    void reserveEvents(int extra) {
      int n = Math.max(eventCount, 0) + extra; // the events then
      if (n < 2) {
        return; // the first event is inline
      }
      int[] more = moreEvents;
      int length = more == null ? 0 : more.length;
      if (length >= n - 1) {
        return;
      }
      int size = more == null ? 4 : length * 2;
      while (size < n - 1) {
        size *= 2;
      }
      moreEvents = more == null ? new int[size] : Arrays.copyOf(more, size);
    }

    /** Marks the slot as gone from its table; it holds no events then. */
    void markRemoved() {
      assert eventCount == 0 : "a slot leaves its table without events";
      eventCount = REMOVED;
    }

    /** The {@link #eventRef} of event {@code i} (below {@link #eventCount}). */
    int eventRefAt(int i) {
      return i == 0 ? firstEvent : moreEvents[i - 1];
    }

    void append(int eventRef) {
      int n = eventCount;
      if (n == 0) {
        firstEvent = eventRef;
      } else {
        int at = n - 1;
        if (moreEvents == null) {
          moreEvents = new int[4];
        } else if (at == moreEvents.length) {
          moreEvents = Arrays.copyOf(moreEvents, at * 2);
        }
        moreEvents[at] = eventRef;
      }
      eventCount = n + 1;
    }

    /** Forgets the events (erased). */
    void clearEvents() {
      firstEvent = 0;
      moreEvents = null;
      eventCount = 0;
    }

    /** The stripes whose logs hold this slot's events, as a mask. */
    long eventStripes() {
      long mask = 0;
      for (int i = 0; i < eventCount; i++) {
        mask |= 1L << refStripe(eventRefAt(i));
      }
      return mask;
    }

    /** Adds this slot's events to {@code out}; the caller holds the locks of their {@link #eventStripes}. */
    void addEventsTo(Stripe[] stripes, List<StoredEvent> out) {
      for (int i = 0; i < eventCount; i++) {
        out.add(new StoredEvent(eventAt(stripes, eventRefAt(i)), key));
      }
    }
  }

  /** The reference to the event at {@code position} of the log of stripe {@code stripe}. */
  private static int eventRef(int stripe, int position) {
    return stripe << EventIdTable.POSITION_BITS | position;
  }

  /** The stripe of an {@link #eventRef}. */
  private static int refStripe(int ref) {
    return ref >>> EventIdTable.POSITION_BITS;
  }

  /** The event of an {@link #eventRef}; called holding the lock of its stripe. */
  private static Event eventAt(Stripe[] stripes, int ref) {
    return stripes[refStripe(ref)].eventIds.event(ref & EventIdTable.MAX_EVENTS);
  }

  /** Creates an empty store without ceilings (see {@link #builder()}). */
  public InMemoryStorage() {
    this(1024);
  }

  /** An empty store whose commits fold the logs in once a stripe's log holds {@code foldFloor} changes (tests: small). */
  InMemoryStorage(int foldFloor) {
    this(foldFloor, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /** An empty store with these ceilings ({@link Long#MAX_VALUE}: none). */
  InMemoryStorage(int foldFloor, long maxEvents, long maxProfiles) {
    this.maxEvents = maxEvents;
    this.maxProfiles = maxProfiles;
    this.limited = maxEvents != Long.MAX_VALUE || maxProfiles != Long.MAX_VALUE;
    this.foldFloor = foldFloor;
    this.foldLimit = foldFloor;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** The stripe of an identifier, profile id or tombstone: the top bits of its {@link KeyedTable#spread} hash. */
  static int stripeOf(Object key) {
    return stripeOfHash(KeyedTable.spread(key));
  }

  /** The stripe of a key whose {@link KeyedTable#spread} hash is {@code hash} (whose low bits pick the slot). */
  private static int stripeOfHash(int hash) {
    return hash >>> (Integer.SIZE - Integer.numberOfTrailingZeros(STRIPES));
  }

  /** The cell of {@code id} in its stripe's table (null if it has no profile): exact under the stripe's lock. */
  private ProfileCell cellOf(ProfileId id) {
    int h = KeyedTable.spread(id);
    return stripes[stripeOfHash(h)].cells.get(h, id);
  }

  /** The slot of {@code id} in its stripe's table, or null: exact under the stripe's lock. */
  private IdentifierSlot slotOf(Identifier id) {
    return slotOf(KeyedTable.spread(id), id);
  }

  /** {@link #slotOf(Identifier)} given the identifier's {@link KeyedTable#spread} hash. */
  private IdentifierSlot slotOf(int hash, Identifier id) {
    return stripes[stripeOfHash(hash)].slots.get(hash, id);
  }

  /** For tests: how many occupied slots a lookup of {@code id} passes in its stripe's table (unlocked). */
  int identifierProbeLength(Identifier id) {
    int h = KeyedTable.spread(id);
    return stripes[stripeOfHash(h)].slots.probeLength(h);
  }

  /** For tests: the identifier slots and profile cells held in the tables' overflow maps (unlocked). */
  long overflowSize() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.slots.overflowSize() + s.cells.overflowSize();
    }
    return n;
  }

  /** The stripe of an event id, from its {@link EventIdTable#hash} (whose low bits pick the slot). */
  static int stripeOfEvent(long eventIdHash) {
    return (int) (eventIdHash >>> (Long.SIZE - Integer.numberOfTrailingZeros(STRIPES)));
  }

  @Override
  public Optional<Profile> profile(ProfileId id) {
    return Optional.ofNullable(readInStripe(stripeOf(requireNonNull(id, "id")), () -> profileOrNull(id)));
  }

  /**
   * A read of one key in {@code stripe}: optimistic (a second time after waiting a few
   * microseconds for a commit it met), or under the stripe's read lock while a commit is
   * applying to it, so the read sees what that commit leaves rather than part of it.
   */
  private <T> T readInStripe(int stripe, Supplier<T> read) {
    StampedLock l = stripes[stripe].lock;
    for (int attempt = 0; attempt < 2; attempt++) {
      long stamp = l.tryOptimisticRead();
      if (stamp != 0) {
        T value = read.get();
        if (l.validate(stamp)) {
          return value;
        }
      }
      awaitWriter(l);
    }
    long stamp = l.readLock();
    try {
      return read.get();
    } finally {
      l.unlockRead(stamp);
    }
  }

  private Profile profileOrNull(ProfileId id) {
    ProfileCell cell = cellOf(id);
    return cell == null ? null : cell.profile;
  }

  /** The current profile of the owner held in {@code cell}, or null if it has none. */
  private Profile profileOf(ProfileCell cell) {
    Profile p = cell.profile;
    return p != null ? p : profileOrNull(cell.key); // an emptied cell: the id may live again
  }

  @Override
  public List<Profile> profiles(Optional<ProfileId> after, int limit) {
    requireNonNull(after, "after");
    checkArgument(limit >= 1, "limit must be >= 1: %s", limit);
    // One consistent state per page: a page never shows half of a commit (e.g. a merge's
    // survivor next to the loser it deletes), as it holds the read locks of all stripes. The
    // sorted ids keep each profile's cell beside its id, so that a page of an unchanged store is
    // a walk along an array instead of a hash lookup per profile; cells missing since the last
    // changes are looked up once, by the next page. Pages and folds share the sorted ids (and
    // drain the stripes' logs), so they hold its monitor, taken before the read locks: a thread
    // waiting for the monitor holds no stripe, so that commits get in between pages (readers
    // waiting for the monitor while holding read locks would keep a writer out for good, as
    // StampedLock lets new readers in while a writer waits).
    synchronized (sortedIds) {
      readLock(ALL_STRIPES);
      try {
        drainLogs();
        if (sortedIds.needsRebuild()) {
          rebuildSorted();
        }
        sortedIds.fillCells(this::cellOf);
        return sortedIds.page(after, limit, this::profileOrNull, c -> profileOf((ProfileCell) c));
      } finally {
        unlockRead(ALL_STRIPES);
      }
    }
  }

  /**
   * Moves the stripes' logs of created and deleted profiles into {@link #sortedIds}; called
   * holding the monitor of {@link #sortedIds} and the read locks of all stripes.
   */
  private void drainLogs() {
    for (Stripe s : stripes) {
      if (!s.created.isEmpty()) {
        sortedIds.created(s.created);
        s.created = drained(s.created);
      }
      if (!s.deleted.isEmpty()) {
        sortedIds.deleted(s.deleted);
        s.deleted = drained(s.deleted);
      }
    }
  }

  /**
   * {@code log} emptied, or a new list instead when it grew far past the fold limit (a burst of
   * changes), so that its capacity is not kept for good.
   */
  private ArrayList<ProfileId> drained(ArrayList<ProfileId> log) {
    if (log.size() > 2 * foldLimit + 16) {
      return new ArrayList<>();
    }
    log.clear();
    return log;
  }

  /** Rebuilds {@link #sortedIds} and sets the next {@link #foldLimit}; called like {@link #drainLogs}. */
  private void rebuildSorted() {
    rebuildSorted(this::profileOrNull);
  }

  /**
   * Rebuilds {@link #sortedIds}, asking {@code stored} whether an id deleted since the last rebuild
   * exists now, and sets the next {@link #foldLimit}; called holding the monitor of the sorted ids.
   */
  private void rebuildSorted(Function<ProfileId, Object> stored) {
    sortedIds.rebuild(stored);
    rebuilds++;
    foldLimit = Math.max(foldFloor, 2 * sortedIds.sortedSize() / STRIPES);
  }

  /**
   * Folds the logs of all stripes into {@link #sortedIds} and rebuilds it, for a commit that found
   * its stripe's log overdue: so the logs stay bounded when a store is written for long and never
   * paged. Skips when another thread is folding, and when no stripe's log is over the limit any
   * more (a fold or page that ran meanwhile took them).
   *
   * <p>Holds the monitor of the sorted ids throughout (pages wait for it), but keeps commits out
   * only while it takes the logs: under the read locks of all stripes (taken after the commit
   * released its own) it hands each stripe's log over to the sorted ids whole and gives the
   * stripe a new one, a few stores per stripe; the copying, sorting and merging of the rebuild
   * run after those locks are released, while commits go on. What a page shows stays exact: a
   * page drains the logs under all read locks again, a commit made during the rebuild is noted
   * in a stripe's new log, and the rebuild asks whether an id deleted before the fold exists at
   * that moment, by an exact single-key read ({@link #readInStripe}), so an id it drops was
   * absent then and a later creation of it is in a newer log. The cells the rebuild carries over
   * are only shortcuts that a page checks (see {@link #profileOf}).
   */
  void foldLogs() {
    if (!folding.compareAndSet(false, true)) {
      return; // that fold takes this commit's changes, or a later commit's fold does
    }
    try {
      synchronized (sortedIds) { // first, like pages (see profiles())
        sortedIds.reserveLogs(STRIPES); // so that taking the logs below stores into it without allocating
        readLock(ALL_STRIPES);
        try {
          Runnable hook = beforeFold;
          if (hook != null) {
            hook.run();
          }
          if (!anyLogOver(foldLimit)) {
            return; // a fold that ran meanwhile took the changes
          }
          for (Stripe s : stripes) {
            // The new log first: if that allocation fails, this stripe keeps its log, and the
            // logs taken so far are the sorted ids' (nothing is lost either way).
            if (!s.created.isEmpty()) {
              ArrayList<ProfileId> fresh = new ArrayList<>();
              sortedIds.takeCreated(s.created);
              s.created = fresh;
            }
            if (!s.deleted.isEmpty()) {
              ArrayList<ProfileId> fresh = new ArrayList<>();
              sortedIds.takeDeleted(s.deleted);
              s.deleted = fresh;
            }
          }
        } finally {
          unlockRead(ALL_STRIPES);
        }
        Runnable hook = afterFoldTook;
        if (hook != null) {
          hook.run();
        }
        rebuildSorted(this::profileNow);
      }
    } finally {
      folding.set(false);
    }
  }

  /** The profile of {@code id} at this moment, or null: a single-key read for a fold, which holds no stripe lock. */
  private Object profileNow(ProfileId id) {
    Object p = readInStripe(stripeOf(id), () -> profileOrNull(id));
    Consumer<ProfileId> hook = afterFoldLookup;
    if (hook != null) {
      hook.accept(id);
    }
    return p;
  }

  /** Whether a stripe's log holds more than {@code limit} changes; called like {@link #drainLogs}. */
  private boolean anyLogOver(int limit) {
    for (Stripe s : stripes) {
      if (s.logOver(limit)) {
        return true;
      }
    }
    return false;
  }

  /** For tests: whether a lock of a stripe or of the merge log is held now. */
  boolean locksHeld() {
    for (Stripe s : stripes) {
      if (s.lock.isWriteLocked() || s.lock.isReadLocked()) {
        return true;
      }
    }
    return logLock.isWriteLocked() || logLock.isReadLocked();
  }

  /** For tests: the rebuilds of the sorted ids so far. */
  int rebuilds() {
    synchronized (sortedIds) {
      return rebuilds;
    }
  }

  /** For tests: the most changes held in one stripe's log, and those folded but not yet sorted (unlocked). */
  int[] pendingLogChanges() {
    int most = 0;
    for (Stripe s : stripes) {
      most = Math.max(most, s.created.size() + s.deleted.size());
    }
    synchronized (sortedIds) {
      return new int[] {most, sortedIds.pendingChanges()};
    }
  }

  /** For tests: the current fold limit of a stripe's log. */
  int foldLimit() {
    return foldLimit;
  }

  @Override
  public long profileCount() {
    return countAcrossStripes(() -> {
      long n = 0;
      for (Stripe s : stripes) {
        n += s.cells.size();
      }
      return n;
    });
  }

  @Override
  public Optional<ProfileId> owner(Identifier identifier) {
    return Optional.ofNullable(readInStripe(stripeOf(requireNonNull(identifier, "identifier")), () -> ownerOrNull(identifier)));
  }

  private ProfileId ownerOrNull(Identifier identifier) {
    IdentifierSlot slot = slotOf(identifier);
    ProfileCell owner = slot == null ? null : slot.owner;
    return owner == null ? null : owner.key;
  }

  /**
   * {@inheritDoc} The owners part of {@link #ownedProfiles}: one read function, one consistent
   * state. Unlike {@code ownedProfiles}, it leaves nothing of the read in the calling thread for a
   * commit to reuse: no commit follows this read (erasure by a {@code gdpr_delete} event reads the
   * owners of the erased identifiers once more after erasing them, and the thread may then idle).
   */
  @Override
  public Map<Identifier, ProfileId> owners(Collection<Identifier> identifiers) {
    // (It reads the owners' profiles too, as ownedProfiles does; its callers are off the ingest path.)
    try {
      return ownedProfiles(identifiers).owners();
    } finally {
      forgetThreadRead();
    }
  }

  /**
   * Drops the identifiers and slots that the calling thread's last read of this store left for
   * the commit that usually follows: that read's values must not stay reachable from the thread
   * when no such commit comes (they may be an erased person's).
   */
  private void forgetThreadRead() {
    ReadScratch sc = SCRATCH.get();
    if (sc.owner == scratchOwner) {
      sc.forgetRead();
    }
  }

  /**
   * {@link #readOwnedProfiles} of {@code identifiers} from one consistent state: optimistic a few times, then
   * under the read locks of the stripes the read needs, adding each stripe it then finds it lacks
   * (the mask only grows, so at most {@value #STRIPES} rounds).
   */
  private OwnedProfiles readIdentifiers(Collection<Identifier> identifiers) {
    // Copied first, so that no caller code (the collection's size() and iterator) runs while the
    // read uses this thread's scratch: a collection that read another store from its iterator
    // would move the scratch to that store in the middle of this read, mixing this store's slots
    // and stamps into the other's. An ImmutableList (what ingestion passes) is not copied: no
    // class outside Guava can extend it, so its size() and get() run no caller code.
    List<Identifier> ids = identifiers instanceof ImmutableList<Identifier> trusted
        ? trusted // (holds no null)
        : dev.clientele.core.internal.Arguments.noNulls(Arrays.asList(identifiers.toArray(new Identifier[0])), "identifiers");
    ReadScratch sc = scratch();
    long needed = 0;
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      OwnedProfiles found = readOwnedProfiles(ids, sc.stamps, 0, sc);
      if (found != null) {
        return found;
      }
      needed |= sc.needed;
      awaitWriters(needed);
    }
    while (true) {
      readLock(needed);
      try {
        OwnedProfiles found = readOwnedProfiles(ids, null, needed, sc);
        if (found != null) {
          return found;
        }
      } finally {
        unlockRead(needed);
      }
      needed |= sc.needed;
    }
  }

  /**
   * {@inheritDoc} One lookup per identifier, from one consistent state: optimistic, and when
   * commits keep interfering, under the read locks of just the stripes the read reaches.
   */
  @Override
  public OwnedProfiles ownedProfiles(Collection<Identifier> identifiers) {
    return readIdentifiers(requireNonNull(identifiers, "identifiers"));
  }

  /**
   * The owners of {@code ids} and their profiles. With {@code stamps}: optimistically, each stripe
   * stamped before its first read (an owner's profile stripe included) and all validated at the
   * end. Without: under the read locks the caller holds of the stripes in {@code locked}. Either way
   * null if the read must be repeated (a stripe was written meanwhile, or is not locked), with the
   * stripes reached until then in {@link ReadScratch#needed}. The owners' cells are remembered in
   * {@code sc} for the commit that usually follows.
   */
  private OwnedProfiles readOwnedProfiles(List<Identifier> ids, long[] stamps, long locked, ReadScratch sc) {
    assert sc.owner == scratchOwner : "the scratch moved to another store during a read";
    SmallMap<Identifier, ProfileId> owners = null;
    // The owners' profiles: the first one in two locals (most events have one owner), a map
    // from the second one on.
    ProfileId firstOwner = null;
    Profile firstProfile = null;
    SmallMap<ProfileId, Profile> owned = null;
    long held = 0;
    // First every identifier's slot, in a loop that does nothing else: the lookups of different
    // identifiers do not depend on each other, so the processor runs into the next one's cache
    // misses while the previous one's are still outstanding, instead of one after the other
    // (behind the owner and profile reads of the previous identifier). The slots also stay in
    // the scratch for the commit that follows.
    int n = ids.size();
    Identifier[] idsRead;
    IdentifierSlot[] slots;
    int[] hashes;
    boolean remembered = sc.roomForRead(n);
    if (remembered) {
      sc.written = Math.max(sc.written, n); // before writing any: a read that is retried stops half-way
      idsRead = sc.readIds;
      slots = sc.readSlots;
      hashes = sc.readHashes;
    } else {
      idsRead = new Identifier[n];
      slots = new IdentifierSlot[n];
      hashes = new int[n];
    }
    int k = 0;
    for (int j = 0; j < n; j++) { // by index: no iterator
      Identifier id = ids.get(j);
      int h = KeyedTable.spread(id);
      if ((held = reach(stamps, locked, held, stripeOfHash(h), sc)) == 0) {
        return null;
      }
      idsRead[k] = id;
      hashes[k] = h;
      slots[k++] = slotOf(h, id);
    }
    if (remembered) {
      sc.readCount = k;
    }
    for (int i = 0; i < k; i++) {
      Identifier id = idsRead[i];
      IdentifierSlot slot = slots[i];
      ProfileCell owner = slot == null ? null : slot.owner;
      if (owner == null) {
        continue;
      }
      if (owners == null) {
        owners = new SmallMap<>(n);
      }
      if (owners.containsKey(id)) {
        continue; // asked twice
      }
      owners.add(id, owner.key);
      boolean read = owned != null
          ? owned.containsKey(owner.key)
          : firstOwner != null && (firstOwner == owner.key || firstOwner.equals(owner.key));
      if (!read) {
        if ((held = reach(stamps, locked, held, stripeOfHash(owner.hash), sc)) == 0) {
          return null;
        }
        Profile p = profileOf(owner);
        if (p != null) {
          if (firstOwner == null) {
            firstOwner = owner.key;
            firstProfile = p;
          } else {
            if (owned == null) { // a second profile (a merge ahead): from now on a map
              owned = new SmallMap<>(2);
              owned.add(firstOwner, firstProfile);
            }
            owned.add(owner.key, p);
          }
          sc.remember(owner);
        }
      }
    }
    if (!validated(stamps, held, sc)) {
      return null;
    }
    if (owners == null) {
      return OwnedProfiles.none();
    }
    Map<ProfileId, Profile> profiles = owned != null
        ? owned
        : firstOwner != null ? new OneEntryMap<>(firstOwner, firstProfile) : Collections.emptyMap();
    return OwnedProfiles.handOver(owners, profiles);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The in-memory store reads ahead the memory that {@link #containsEvent}, {@link
   * #ownedProfiles} and the commits of those events will read, one level at a time over the whole
   * group, so that the cache misses of different events overlap instead of adding up: the hash
   * words where each lookup starts, then the entries the probes stop at, then the identifier slots
   * (owner, value, events), then their owners' cells and values, the profiles, the profiles'
   * arrays, and in each owner's profile the state of each identifier of the group it holds, with
   * its identifier and times, which resolving and applying the event compare (no other state). It
   * takes no lock and allocates nothing per element; it writes nothing shared but a sink field
   * that a practically impossible
   * sum of what it read would set (so the compiler cannot drop the reads), and a stored value's
   * cached string hash, which storing it computed already. A commit running meanwhile only makes
   * some of the reads useless. Null elements are skipped.
   */
  @Override
  public void readAhead(Collection<Identifier> identifiers, Collection<String> eventIds) {
    requireNonNull(identifiers, "identifiers");
    requireNonNull(eventIds, "eventIds");
    if (identifiers.isEmpty() && eventIds.isEmpty()) {
      return;
    }
    Lookahead a = LOOKAHEAD.get();
    if (++a.calls >= Lookahead.RENEW_AFTER) {
      try {
        a = new Lookahead(a);
        LOOKAHEAD.set(a);
      } catch (OutOfMemoryError e) {
        // Only a speed-up: the old arrays do the same work (and an Error out of a hint would
        // make bulk ingestion lose the group it had taken).
        a.calls = 0;
      }
    }
    if (a.read(stripes, identifiers, eventIds) == Lookahead.NEVER) {
      Lookahead.touched = Lookahead.NEVER;
    }
  }

  private static final ThreadLocal<Lookahead> LOOKAHEAD = ThreadLocal.withInitial(Lookahead::new);

  /**
   * How many references this thread's read-ahead state holds between calls (fields of object
   * type that are set, and the set elements of object arrays); for tests. Read by reflection, so
   * that a field added later is counted too.
   */
  static int lookaheadReferences() {
    Lookahead a = LOOKAHEAD.get();
    int n = 0;
    for (java.lang.reflect.Field f : Lookahead.class.getDeclaredFields()) {
      Class<?> t = f.getType();
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || t.isPrimitive()
          || (t.isArray() && t.getComponentType().isPrimitive())) {
        continue;
      }
      Object v;
      try {
        v = f.get(a);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (v instanceof Object[] array) {
        for (Object o : array) {
          n += o != null ? 1 : 0;
        }
      } else if (v != null) {
        n++;
      }
    }
    return n;
  }

  /** How many identifier states this thread's read-ahead has read so far; for tests. */
  static long lookaheadStatesRead() {
    return LOOKAHEAD.get().statesRead;
  }

  /**
   * One thread's working arrays of {@link #readAhead}: per identifier of a chunk, its hash and what
   * each level found, for the next level to read. Emptied of references after each call, so
   * that an erased identifier's slot or profile is not kept reachable by an idle thread.
   * Replaced by a new one every {@link #RENEW_AFTER} calls: storing a reference into an object
   * that the collector has promoted out of the young generation costs G1's write barrier a
   * memory fence, and a call stores several per identifier; a new one is practically always
   * young, where the barrier is a compare and a branch (and storing null costs nothing).
   */
  private static final class Lookahead {
    /** Identifiers (and event ids) read ahead per round of levels; a larger group takes several rounds. */
    static final int CHUNK = 64;
    /**
     * Profiles with more identifiers than this have only their arrays read ahead, not the states
     * of the group's identifiers: above it a profile's search for an identifier is a binary search
     * over the states (Profile's identifier keys are scanned only up to this size), a chain of
     * dependent misses that reading ahead would only run twice.
     */
    static final int STATES_LIMIT = 256;
    /** How many identifier states this thread's read-ahead has read (levels 7-9); for tests. */
    long statesRead;
    /**
     * Written only when a call's reads sum to {@code NEVER} (practically never), so the compiler
     * must do every read to decide, while threads reading ahead do not all write one shared field
     * (a cache line moved between cores, and a fence, per call).
     */
    @SuppressWarnings("unused")
    static volatile int touched;

    static final int NEVER = 0x5A5A_4321;

    /** After how many calls a thread's read-ahead arrays are replaced (a few hundred events of ingestion). */
    static final int RENEW_AFTER = 16;
    /** Calls that used these arrays. */
    int calls;
    final int[] hashes;
    final long[] eventHashes;
    /** Per identifier of the chunk: the {@link KeyedTable#probeSlot} answer (level 2), read by level 3. */
    final int[] probes;
    /** Per identifier of the chunk: its slot (level 3), or null. */
    final IdentifierSlot[] slots = new IdentifierSlot[CHUNK];
    /** Per identifier of the chunk: its owner's profile (level 4), or null. */
    final Profile[] profiles = new Profile[CHUNK];
    /** Per identifier of the chunk: its state in its owner's profile (level 7), or null. */
    final dev.clientele.core.IdentifierState[] states = new dev.clientele.core.IdentifierState[CHUNK];

    Lookahead() {
      hashes = new int[CHUNK];
      eventHashes = new long[CHUNK];
      probes = new int[CHUNK];
    }

    /** A replacement for {@code old} between calls: its arrays of numbers and its count of states read, new arrays of references. */
    Lookahead(Lookahead old) {
      hashes = old.hashes;
      eventHashes = old.eventHashes;
      probes = old.probes;
      statesRead = old.statesRead;
    }

    /** Reads ahead for all of {@code identifiers} and {@code eventIds}, a chunk at a time; a sum of what it read. */
    int read(Stripe[] stripes, Collection<Identifier> identifiers, Collection<String> eventIds) {
      List<Identifier> idList = identifiers instanceof List<Identifier> l && identifiers instanceof java.util.RandomAccess ? l : null;
      java.util.Iterator<Identifier> idIter = idList == null ? identifiers.iterator() : null;
      List<String> evList = eventIds instanceof List<String> l && eventIds instanceof java.util.RandomAccess ? l : null;
      java.util.Iterator<String> evIter = evList == null ? eventIds.iterator() : null;
      int idPos = 0;
      int evPos = 0;
      int idSize = idList == null ? 0 : idList.size();
      int evSize = evList == null ? 0 : evList.size();
      int sum = 0;
      try {
        while (true) {
          // Level 1, while taking the next chunk: hash every identifier and event id and read the
          // word of its table's hash array where its lookup starts.
          int n = 0;
          while (n < CHUNK && (idList != null ? idPos < idSize : idIter.hasNext())) {
            Identifier id = idList != null ? idList.get(idPos++) : idIter.next();
            if (id != null) {
              int h = KeyedTable.spread(id);
              hashes[n++] = h;
              sum += stripes[stripeOfHash(h)].slots.homeWord(h);
            }
          }
          int m = 0;
          while (m < CHUNK && (evList != null ? evPos < evSize : evIter.hasNext())) {
            String eventId = evList != null ? evList.get(evPos++) : evIter.next();
            if (eventId != null) {
              long h = EventIdTable.hash(eventId);
              eventHashes[m++] = h;
              sum += (int) stripes[stripeOfEvent(h)].eventIds.homeWord(h);
            }
          }
          if (n == 0 && m == 0) {
            return sum;
          }
          sum += levels(stripes, n, m);
        }
      } finally {
        Arrays.fill(slots, null);
        Arrays.fill(profiles, null);
        Arrays.fill(states, null);
      }
    }

    /** Levels 2 and up for the {@code n} identifiers and {@code m} event ids of this chunk. */
    private int levels(Stripe[] stripes, int n, int m) {
      int sum = 0;
      // Level 2: the probes, up to the entry reference where each lookup stops (in the entry
      // arrays); for event ids also the event slot (its contains and the commit's add).
      for (int k = 0; k < n; k++) {
        int h = hashes[k];
        probes[k] = stripes[stripeOfHash(h)].slots.probeSlot(h);
      }
      for (int j = 0; j < m; j++) {
        long h = eventHashes[j];
        sum += stripes[stripeOfEvent(h)].eventIds.touch(h);
      }
      // Level 3: the identifier slots: owner, stored value, events. (Later levels read the owner
      // and the value again from the slot, in the cache by then.)
      for (int k = 0; k < n; k++) {
        int p = probes[k];
        IdentifierSlot slot = p >= 0 ? stripes[stripeOfHash(hashes[k])].slots.entryAt(p) : null;
        slots[k] = slot; // written for absent identifiers too: a later chunk must not read an earlier one's
        if (slot != null) {
          sum += slot.eventCount;
        }
      }
      // Level 4: the stored values' strings (compared by the lookups), the events arrays (where
      // the commit appends) and the owners' cells (their profiles).
      for (int k = 0; k < n; k++) {
        IdentifierSlot slot = slots[k];
        ProfileCell cell = null;
        if (slot != null) {
          String v = slot.value;
          if (v != null) {
            sum += v.hashCode();
          }
          int[] more = slot.moreEvents;
          if (more != null && more.length > 0) {
            int at = Math.min(Math.max(slot.eventCount - 1, 0), more.length - 1);
            sum += more[at];
          }
          cell = slot.owner;
        }
        Profile p = cell == null ? null : cell.profile;
        profiles[k] = p; // per identifier: level 7 looks each one up in its own owner's profile
        if (p != null) {
          sum += cell.hash;
        }
      }
      // Level 5: the values' bytes; the slots' identifiers (what the profile's state of the
      // identifier most often holds, the very instance, so finding the state compares references);
      // the profiles (each once where neighbours share one).
      for (int k = 0; k < n; k++) {
        IdentifierSlot slot = slots[k];
        if (slot != null) {
          String v = slot.value;
          if (v != null) {
            sum += v.length();
          }
          sum += slot.key.value() == v ? 1 : 0;
        }
        Profile p = profiles[k];
        if (p != null && (k == 0 || profiles[k - 1] != p)) {
          sum += (int) p.version() + (int) p.eventCount();
        }
      }
      // Level 6: each profile's arrays: identifier states (their length), identifier keys (the
      // type codes isAnonymous reads), attributes. A profile with more than STATES_LIMIT
      // identifiers is not looked into further (see there).
      for (int k = 0; k < n; k++) {
        Profile p = profiles[k];
        if (p != null && (k == 0 || profiles[k - 1] != p)) {
          sum += (p.isAnonymous() ? 1 : 0) + p.identifierCount() + p.attributeCount();
        }
      }
      // Levels 7 to 9: of each profile, only the states of the group's identifiers it holds: what
      // resolving and applying an event read of a single owner (Profile.Builder.seeIdentifier
      // finds an event identifier's state through the identifier keys and widens its seen times;
      // the link planner counts types on the keys). Level 7 runs that search (the keys, the state
      // found and its identifier, compared with the slot's), level 8 reads the state's
      // identifier and times, level 9 the last-seen time. Every other state stays unread.
      for (int k = 0; k < n; k++) {
        Profile p = profiles[k];
        dev.clientele.core.IdentifierState s = null;
        if (p != null && p.identifierCount() <= STATES_LIMIT) {
          s = p.identifier(slots[k].key).orElse(null);
          if (s != null) {
            statesRead++;
          }
        }
        states[k] = s;
      }
      for (int k = 0; k < n; k++) {
        dev.clientele.core.IdentifierState s = states[k];
        if (s != null) {
          sum += s.identifier().value().length() + s.firstSeen().getNano() + (s.lastSeen().isPresent() ? 1 : 0);
        }
      }
      for (int k = 0; k < n; k++) {
        dev.clientele.core.IdentifierState s = states[k];
        if (s != null) {
          Optional<java.time.Instant> last = s.lastSeen();
          if (last.isPresent()) {
            sum += last.get().getNano();
          }
        }
      }
      return sum;
    }
  }

  @Override
  public boolean containsEvent(String eventId) {
    long hash = EventIdTable.hash(requireNonNull(eventId, "eventId"));
    Stripe stripe = stripes[stripeOfEvent(hash)];
    // readInStripe() without the lambda: asked once per ingested event.
    StampedLock l = stripe.lock;
    for (int attempt = 0; attempt < 2; attempt++) {
      long stamp = l.tryOptimisticRead();
      if (stamp != 0) {
        boolean held = stripe.eventIds.contains(hash, eventId);
        if (l.validate(stamp)) {
          return held;
        }
      }
      awaitWriter(l);
    }
    long stamp = l.readLock();
    try {
      return stripe.eventIds.contains(hash, eventId);
    } finally {
      l.unlockRead(stamp);
    }
  }

  /** One lookup by event id in the event's stripe, as {@link #containsEvent}; the anchor's timeline is not read. */
  @Override
  public boolean containsEventAt(String eventId, Identifier anchor) {
    requireNonNull(anchor, "anchor");
    long hash = EventIdTable.hash(requireNonNull(eventId, "eventId"));
    Stripe stripe = stripes[stripeOfEvent(hash)];
    return readInStripe(stripeOfEvent(hash), () -> stripe.eventIds.containsAt(hash, eventId, anchor));
  }

  @Override
  public List<StoredEvent> events(Collection<Identifier> anchors) {
    dev.clientele.core.internal.Arguments.noNulls(anchors, "anchors");
    Set<Identifier> distinct = new HashSet<>(anchors);
    long mask = 0;
    for (Identifier anchor : distinct) {
      mask |= 1L << stripeOf(anchor);
    }
    // The anchors' stripes, and the stripes whose logs hold their events (those of the event ids):
    // found under the anchors' locks; if some are missing, all of them again in ascending order.
    List<StoredEvent> out = new ArrayList<>();
    while (true) {
      long locked = mask;
      long needed = locked;
      readLock(locked);
      try {
        List<IdentifierSlot> slots = new ArrayList<>(distinct.size());
        for (Identifier anchor : distinct) {
          IdentifierSlot slot = slotOf(anchor);
          if (slot != null && slot.eventCount > 0) {
            slots.add(slot);
            needed |= slot.eventStripes();
          }
        }
        if (needed == locked) {
          for (IdentifierSlot slot : slots) {
            slot.addEventsTo(stripes, out);
          }
          break;
        }
      } finally {
        unlockRead(locked);
      }
      mask = needed;
    }
    out.sort(StoredEvent.TIMELINE_ORDER); // after unlocking: the commits need not wait for it
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns every event stored when it was called, except that an event erased by a commit
   * that runs while it copies may be left out (or still be returned); never an event appended
   * after it was called, nor one erased before. Under the read locks of all stripes it only takes
   * a {@link EventIdTable#view} of each stripe's log, in a time independent of the number of
   * events; it copies the events after releasing them, while commits go on: appends go past the
   * views' ends (positions freed by erasures are not reused meanwhile, see {@link #scans}) and an
   * erasure only empties positions. An erasure that fails part-way empties positions too before it
   * takes its changes back, and never happened as far as every other read can tell: so after the
   * copy it takes the read locks of all stripes once more, which waits for an erasure still
   * running (an erasure holds every stripe), and copies again if one failed since the views were
   * taken ({@link #failedErasures}); after two such copies the third holds the read locks while it
   * copies, so that a run of failing erasures cannot keep it going. The list is complete when the
   * stream is returned (holding nothing open), in the order of the logs.
   */
  @Override
  public Stream<StoredEvent> allEvents() {
    for (int attempt = 1; ; attempt++) {
      // Copies spoiled by erasures that failed are rare (an OutOfMemoryError, a bug); should they
      // keep coming, the last attempt copies holding the locks, so that allEvents() ends.
      List<StoredEvent> snapshot = copyLogs(attempt >= UNLOCKED_SCANS);
      if (snapshot != null) {
        return snapshot.stream();
      }
    }
  }

  /** How many times {@link #allEvents()} copies without locks before it copies holding them. */
  private static final int UNLOCKED_SCANS = 3;

  /**
   * One attempt of {@link #allEvents()}: the events of the logs' views, or null if an erasure that
   * failed and was taken back ran while it copied them. With {@code holdLocks} it copies under the
   * read locks of all stripes (commits wait), so it never returns null.
   */
  private List<StoredEvent> copyLogs(boolean holdLocks) {
    EventIdTable.View[] views = new EventIdTable.View[STRIPES];
    long count;
    long failedBefore;
    List<StoredEvent> snapshot;
    boolean counted = false;
    try {
      readLock(ALL_STRIPES);
      try {
        scans.incrementAndGet(); // under the locks: a commit after them sees it
        counted = true;
        failedBefore = failedErasures.get();
        for (int i = 0; i < STRIPES; i++) {
          views[i] = stripes[i].eventIds.view();
        }
        count = sumEventCounts();
        if (holdLocks) {
          return copyViews(views, count);
        }
      } finally {
        unlockRead(ALL_STRIPES);
      }
      Runnable hook = duringScan;
      if (hook != null) {
        hook.run();
      }
      snapshot = copyViews(views, count);
    } finally {
      if (counted) {
        scans.decrementAndGet();
      }
    }
    // An erasure running now holds every stripe: these locks wait for it to end, applied or taken back.
    long failedAfter;
    readLock(ALL_STRIPES);
    try {
      failedAfter = failedErasures.get();
    } finally {
      unlockRead(ALL_STRIPES);
    }
    return failedAfter == failedBefore ? snapshot : null;
  }

  /** The events of {@code views}, in order, in a list sized for {@code count}. */
  private static List<StoredEvent> copyViews(EventIdTable.View[] views, long count) {
    List<StoredEvent> snapshot = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, count));
    for (EventIdTable.View view : views) {
      view.addTo(snapshot);
    }
    return snapshot;
  }

  @Override
  public long eventCount() {
    return countAcrossStripes(this::sumEventCounts);
  }

  /**
   * A count over the whole store from one consistent state: optimistically with stamps of every
   * stripe, or under all their read locks when commits keep interfering.
   */
  private long countAcrossStripes(LongSupplier count) {
    long[] stamps = scratch().stamps;
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      if (stampAll(stamps)) {
        long n = count.getAsLong();
        if (validate(stamps, -1L)) {
          return n;
        }
      }
      Thread.onSpinWait();
    }
    readLock(ALL_STRIPES);
    try {
      return count.getAsLong();
    } finally {
      unlockRead(ALL_STRIPES);
    }
  }

  private long sumEventCounts() {
    long n = 0;
    for (Stripe s : stripes) {
      n += s.eventCount;
    }
    return n;
  }

  /**
   * {@inheritDoc} Read like {@link #owner}: from the tombstone's stripe, never half a commit. A
   * tombstone found also drops what the calling thread's last read left for a commit ({@link
   * #ownedProfiles}): a caller asks after reading an identifier without owner, and one that
   * turns out erased is refused (a blocked replay), so no commit follows that would clear the
   * read, and the erased person's values must not stay reachable from an idle thread. (A caller
   * that re-creates the person commits without the hint: its lookups are made again.)
   */
  @Override
  public boolean isTombstoned(String hash) {
    boolean found = readInStripe(stripeOf(requireNonNull(hash, "hash")), () -> tombstones.contains(hash));
    if (found) {
      forgetThreadRead();
    }
    return found;
  }

  /**
   * {@inheritDoc} Read like {@link #profileCount}: one consistent state. Tombstones are never
   * removed, so an empty set is an exact answer without stamping every stripe (what ingestion
   * asks, per identifier without an owner, until the first erasure).
   */
  @Override
  public long tombstoneCount() {
    return tombstones.isEmpty() ? 0 : countAcrossStripes(tombstones::size);
  }

  /**
   * {@inheritDoc} Constant-time without any lock: tombstones are never removed, so once the set
   * is not empty it stays so; a tombstone of a commit still being applied may or may not be seen
   * (also of one that then fails and is taken back: the answer may then turn false again, which
   * only cost its caller a look-up).
   */
  @Override
  public boolean hasTombstones() {
    return !tombstones.isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Stripe locks. A mask has bit i set for stripe i; locks are always taken in ascending order.

  /**
   * {@code held} (the stripes a multi-key read has reached) with {@code stripe} added. With
   * {@code stamps} (an optimistic read) the stripe is stamped first unless {@code held} has it
   * already; without, it must be among the {@code locked} stripes whose read locks the caller
   * holds. 0 if the read must be repeated (the stripe is write-locked now, or not locked), with
   * the stripes it needs so far in {@code sc.needed} (a held mask is never 0: it has this stripe).
   */
  private long reach(long[] stamps, long locked, long held, int stripe, ReadScratch sc) {
    long bit = 1L << stripe;
    if ((held & bit) != 0) {
      return held;
    }
    if (stamps != null ? stamp(stamps, bit) : (locked & bit) != 0) {
      return held | bit;
    }
    sc.needed = held | bit;
    return 0;
  }

  /**
   * Whether a read that reached the stripes of {@code held} saw one consistent state: always under
   * locks ({@code stamps} null), else if none was written since its stamp; if not, the stripes
   * go to {@code sc.needed}.
   */
  private boolean validated(long[] stamps, long held, ReadScratch sc) {
    if (stamps == null || validate(stamps, held)) {
      return true;
    }
    sc.needed = held;
    return false;
  }

  /** Takes the optimistic stamp of the stripe of {@code bit}; false if it is write-locked now. */
  private boolean stamp(long[] stamps, long bit) {
    int i = Long.numberOfTrailingZeros(bit);
    long s = stripes[i].lock.tryOptimisticRead();
    stamps[i] = s;
    return s != 0;
  }

  /** Takes the optimistic stamps of all stripes; false if one is write-locked now. */
  private boolean stampAll(long[] stamps) {
    for (int i = 0; i < STRIPES; i++) {
      long s = stripes[i].lock.tryOptimisticRead();
      if (s == 0) {
        return false;
      }
      stamps[i] = s;
    }
    return true;
  }

  /** Whether no stripe of {@code mask} was write-locked since its stamp in {@code stamps}. */
  private boolean validate(long[] stamps, long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      int i = Long.numberOfTrailingZeros(m);
      if (!stripes[i].lock.validate(stamps[i])) {
        return false;
      }
    }
    return true;
  }

  private void readLock(long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      stripes[Long.numberOfTrailingZeros(m)].lock.readLock();
    }
  }

  private void unlockRead(long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      stripes[Long.numberOfTrailingZeros(m)].lock.tryUnlockRead();
    }
  }

  /**
   * Takes the write locks of {@code mask}. A stripe held by another thread is waited for by
   * spinning a while before blocking: commits hold a stripe for a microsecond or two, less than
   * parking and being woken costs both threads (see {@link #SPINS}).
   */
  private void writeLock(long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      StampedLock l = stripes[Long.numberOfTrailingZeros(m)].lock;
      if (l.tryWriteLock() == 0) {
        writeLockSpinning(l);
      }
    }
  }

  private static void writeLockSpinning(StampedLock l) {
    for (int spin = 0; spin < SPINS; spin++) {
      Thread.onSpinWait();
      if (!l.isWriteLocked() && !l.isReadLocked() && l.tryWriteLock() != 0) {
        return;
      }
    }
    l.writeLock();
  }

  /**
   * Spins while a stripe of {@code mask} is write-locked, at most {@link #SPINS} rounds: what a
   * failed optimistic read waits for before it reads again, rather than taking read locks and
   * blocking behind the commit.
   */
  private void awaitWriters(long mask) {
    for (int spin = 0; spin < SPINS; spin++) {
      if (!anyWriteLocked(mask)) {
        return;
      }
      Thread.onSpinWait();
    }
  }

  /** {@link #awaitWriters} of one stripe's lock. */
  private static void awaitWriter(StampedLock l) {
    for (int spin = 0; spin < SPINS && l.isWriteLocked(); spin++) {
      Thread.onSpinWait();
    }
  }

  private boolean anyWriteLocked(long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      if (stripes[Long.numberOfTrailingZeros(m)].lock.isWriteLocked()) {
        return true;
      }
    }
    return false;
  }

  private void unlockWrite(long mask) {
    for (long m = mask; m != 0; m &= m - 1) {
      stripes[Long.numberOfTrailingZeros(m)].lock.tryUnlockWrite();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Commits

  /** {@code true}: this store applies merge-record redactions in place. */
  @Override
  public boolean redactsMergeRecordsInPlace() {
    return true;
  }

  @Override
  public void commit(Commit commit) {
    requireNonNull(commit, "commit");
    // Everything that needs no lock happens before taking the stripes: hashing the event ids,
    // finding the stripes, and looking up the cells and slots the commit touches (the lookups
    // are the cache misses). Under the locks a looked-up object is used if it is still the live
    // one, else looked up again.
    ReadScratch sc = scratch();
    if (!sc.lookups.inUse && sc.commits >= ReadScratch.RENEW_AFTER) {
      // Before anything changes: if making the copy fails (out of memory), nothing was applied.
      sc = new ReadScratch(sc);
      SCRATCH.set(sc);
    }
    Lookups seen = sc.lookups.inUse ? new Lookups() : sc.lookups; // in use: a commit from inside a commit
    boolean foldDue;
    try {
      seen.fill(this, commit, sc);
      foldDue = commitLooked(commit, seen);
    } finally {
      seen.release();
    }
    if (seen == sc.lookups) {
      sc.commits++;
    }
    if (foldDue) {
      // The commit stands whatever the fold does; a fold that fails leaves the sorted ids as they
      // were (with the changes it took pending) and the next change or page folds again. An Error
      // (e.g. OutOfMemoryError) still propagates, the store stays consistent.
      try {
        foldLogs();
      } catch (RuntimeException e) {
        foldLimit = 0;
        LOG.warn("Folding the in-memory store's sorted profile ids failed ({}); the next change retries it",
            e.getClass().getName());
      } catch (Error e) {
        foldLimit = 0;
        throw e;
      }
    }
  }

  /**
   * The part of {@link #commit} after the lookups: takes the locks, validates and applies;
   * true if the stripes' logs are due for folding.
   */
  private boolean commitLooked(Commit commit, Lookups seen) {
    boolean filed = !commit.mergeRecordErasures().isEmpty() || !commit.mergeRecordRedactions().isEmpty();
    boolean logs = !commit.mergeRecords().isEmpty() || filed;
    if (filed) {
      // File the merge records logged since the last by-profile read now, under the log's lock
      // alone: an erasure locks every stripe, and a long backlog must not be filed behind them.
      // (Under the locks below only what is logged in between is left to file.)
      long stamp = logLock.writeLock();
      try {
        indexUnindexed();
      } finally {
        logLock.unlockWrite(stamp);
      }
    }
    writeLock(seen.lockMask);
    try {
      long logStamp = logs ? logLock.writeLock() : 0;
      try {
        if (filed) {
          indexUnindexed(); // before anything changes: it changes no state a reader sees
        }
        validate(commit, seen);
        prepare(commit, seen);
        boolean foldDue;
        try {
          foldDue = apply(commit, seen);
        } catch (Throwable failed) { // out of memory, a stack overflow, a bug: the commit is taken back
          undo(seen, failed);
          if (!commit.eventErasures().isEmpty()) {
            failedErasures.incrementAndGet(); // under the locks of every stripe: see allEvents()
          }
          throw failed;
        }
        finish(commit, seen);
        return foldDue;
      } finally {
        if (logs) {
          logLock.unlockWrite(logStamp);
        }
      }
    } finally {
      unlockWrite(seen.lockMask);
    }
  }

  /**
   * What a commit looked up before taking its locks (each cell or slot may be stale or null), and
   * the stripes it touches. One per thread (a new one every {@link ReadScratch#RENEW_AFTER} commits),
   * reused by its commits ({@link ReadScratch#lookups}):
   * its arrays grow on demand and hold the current commit's entries in their first
   * {@link #appendCount}, {@link #writeCount}, {@link #deleteCount} and {@link #indexCount}
   * places. Valid only during {@link #commit}: {@link #release} drops every reference it took
   * (an erased identifier's slot must not stay reachable from an idle pool thread). A commit made
   * while the thread's lookups are in use (from a test hook inside {@link #apply}, say) gets a
   * new one of its own.
   */
  private static final class Lookups {
    long[] appendHashes;
    /** The {@link KeyedTable#spread} hash of each append's anchor. */
    int[] anchorHashes;
    IdentifierSlot[] appendSlots;
    ProfileCell[] writeCells;
    ProfileCell[] deleteCells;
    IdentifierSlot[] indexSlots;
    /** The {@link KeyedTable#spread} hash of each index write's identifier. */
    int[] indexHashes;
    int appendCount;
    int writeCount;
    int deleteCount;
    int indexCount;
    /** The stripes to lock: of every profile written or deleted, identifier moved, event stored, tombstone added. */
    long lockMask;
    /** Whether a commit of this thread is using these lookups now. */
    boolean inUse;
    /** Per index write with a new owner: the owner's cell (set by prepare()). */
    ProfileCell[] ownerCells;
    /** Per stripe, what prepare() counts (see {@link #NEW_CELLS} and the others); all 0 between commits. */
    int[] counts;
    /** Whether {@link #counts} may hold counts of a prepare() that failed. */
    boolean countsDirty;
    /** Whether the commit's appends may reuse freed positions (read once, by prepare()). */
    boolean reuse;
    /** The commit's change of the number of events and of profiles (set by prepare()). */
    long netEvents;
    long netProfiles;
    /** The merge-log plan of a commit that erases or redacts records, or null. */
    RarePlan rare;
    // The journal of apply(): per change, its kind, up to three objects, an int and a long.
    int[] jOp;
    Object[] jA;
    Object[] jB;
    Object[] jC;
    int[] jI;
    long[] jN;
    int jCount;

    Lookups() {
      this(new int[5 * STRIPES]);
    }

    /**
     * New lookups like released ones ({@link #release}) that used {@code counts} (all 0 between
     * commits, so they are shared), for {@link ReadScratch#ReadScratch(ReadScratch)}: every other
     * array new, at its first length (they grow again on demand).
     */
    Lookups(int[] counts) {
      this.counts = counts;
      appendHashes = new long[2];
      anchorHashes = new int[2];
      indexHashes = new int[4];
      jOp = new int[16];
      jI = new int[16];
      jN = new long[16];
      appendSlots = new IdentifierSlot[2];
      writeCells = new ProfileCell[2];
      deleteCells = new ProfileCell[2];
      indexSlots = new IdentifierSlot[4];
      ownerCells = new ProfileCell[4];
      jA = new Object[16];
      jB = new Object[16];
      jC = new Object[16];
    }

    /** Makes room for {@code n} journal entries (all arrays made before any is kept). */
    void reserveJournal(int n) {
      if (n > jOp.length) {
        int size = Math.max(n, 2 * jOp.length);
        int[] op = new int[size];
        Object[] a = new Object[size];
        Object[] b = new Object[size];
        Object[] c = new Object[size];
        int[] i = new int[size];
        long[] l = new long[size];
        jOp = op;
        jA = a;
        jB = b;
        jC = c;
        jI = i;
        jN = l;
      }
    }

    /** Notes a change of apply(); room was reserved by prepare(). */
    void note(int op, Object a, Object b, Object c, int i, long n) {
      int k = jCount;
      jOp[k] = op;
      jA[k] = a;
      jB[k] = b;
      jC[k] = c;
      jI[k] = i;
      jN[k] = n;
      jCount = k + 1;
    }

    /** Looks up what {@code commit} touches in {@code store}, with the hints of {@code sc}. */
    void fill(InMemoryStorage store, Commit commit, ReadScratch sc) {
      inUse = true;
      long mask = 0;
      int n = commit.appendCount();
      if (n > appendHashes.length) {
        // All three made before any is kept: an Error between two allocations (out of memory)
        // must not leave arrays of different lengths for this thread's later commits.
        long[] hashes = new long[n];
        int[] anchors = new int[n];
        IdentifierSlot[] slots = new IdentifierSlot[n];
        appendHashes = hashes;
        anchorHashes = anchors;
        appendSlots = slots;
      }
      appendCount = n;
      for (int i = 0; i < n; i++) {
        StoredEvent e = commit.appendAt(i);
        long hash = EventIdTable.hash(e.event().id());
        appendHashes[i] = hash;
        int read = sc.readIndexOf(e.anchor());
        int h = read >= 0 ? sc.readHashes[read] : KeyedTable.spread(e.anchor());
        anchorHashes[i] = h;
        // A hint, checked under the lock: the slot the read found (null: none, looked up there).
        appendSlots[i] = read >= 0 ? sc.readSlots[read] : store.slotOf(h, e.anchor());
        mask |= 1L << stripeOfEvent(hash) | 1L << stripeOfHash(h);
      }
      n = commit.profileWriteCount();
      if (n > writeCells.length) {
        writeCells = new ProfileCell[n];
      }
      writeCount = n;
      for (int i = 0; i < n; i++) {
        Commit.ProfileWrite w = commit.profileWriteAt(i);
        ProfileId id = w.profile().id();
        // A new profile (expected version 0) was not read: look it up, under the lock at the latest.
        ProfileCell recent = w.expectedVersion() == 0 ? null : sc.recentCell(id);
        writeCells[i] = recent != null ? recent : store.cellOf(id);
        mask |= 1L << stripeOf(id);
      }
      List<Commit.ProfileDelete> deletes = commit.profileDeletes();
      n = deletes.size();
      if (n > deleteCells.length) {
        deleteCells = new ProfileCell[n];
      }
      deleteCount = n;
      for (int i = 0; i < n; i++) {
        ProfileId id = deletes.get(i).id();
        ProfileCell recent = sc.recentCell(id);
        deleteCells[i] = recent != null ? recent : store.cellOf(id);
        mask |= 1L << stripeOf(id);
      }
      n = commit.indexWriteCount();
      if (n > indexSlots.length) {
        IdentifierSlot[] slots = new IdentifierSlot[n]; // both made before either is kept (as above)
        int[] hashes = new int[n];
        indexSlots = slots;
        indexHashes = hashes;
      }
      indexCount = n;
      for (int i = 0; i < n; i++) {
        Commit.IndexWrite w = commit.indexWriteAt(i);
        int read = sc.readIndexOf(w.identifier());
        int h = read >= 0 ? sc.readHashes[read] : KeyedTable.spread(w.identifier());
        indexHashes[i] = h;
        indexSlots[i] = read >= 0 ? sc.readSlots[read] : store.slotOf(h, w.identifier());
        mask |= 1L << stripeOfHash(h);
        if (w.newOwner().isPresent()) { // apply() looks the new owner's cell up
          mask |= 1L << stripeOf(w.newOwner().get());
        }
      }
      if (!commit.tombstones().isEmpty()) { // (iterating even an empty list allocates)
        for (String tombstone : commit.tombstones()) {
          mask |= 1L << stripeOf(tombstone);
        }
      }
      if (!commit.eventErasures().isEmpty()) { // the erased events' ids may lie in any stripe
        mask = -1L;
      }
      this.lockMask = mask;
      // Used: the read's identifiers and slots are not kept in the thread any longer than this
      // (an erased identifier must not stay reachable from an idle pool thread).
      sc.forgetRead();
    }

    /**
     * The longest arrays kept from one commit to the next: a larger commit (a batch, an erasure)
     * lets its arrays go, so a pool thread does not hold the largest commit's arrays forever.
     */
    static final int KEEP = 64;

    /** Drops the references the last {@link #fill} took, and frees these lookups for the next commit. */
    void release() {
      Arrays.fill(appendSlots, 0, appendCount, null);
      Arrays.fill(writeCells, 0, writeCount, null);
      Arrays.fill(deleteCells, 0, deleteCount, null);
      Arrays.fill(indexSlots, 0, indexCount, null);
      Arrays.fill(ownerCells, 0, Math.min(indexCount, ownerCells.length), null);
      int used = Math.max(jCount, 0);
      Arrays.fill(jA, 0, used, null);
      Arrays.fill(jB, 0, used, null);
      Arrays.fill(jC, 0, used, null);
      jCount = 0;
      rare = null;
      if (countsDirty) {
        Arrays.fill(counts, 0);
        countsDirty = false;
      }
      if (jOp.length > 8 * KEEP) {
        jOp = new int[16];
        jA = new Object[16];
        jB = new Object[16];
        jC = new Object[16];
        jI = new int[16];
        jN = new long[16];
      }
      if (ownerCells.length > KEEP) {
        ownerCells = new ProfileCell[4];
      }
      if (appendHashes.length > KEEP) {
        appendHashes = new long[2];
        anchorHashes = new int[2];
        appendSlots = new IdentifierSlot[2];
      }
      if (writeCells.length > KEEP) {
        writeCells = new ProfileCell[2];
      }
      if (deleteCells.length > KEEP) {
        deleteCells = new ProfileCell[2];
      }
      if (indexSlots.length > KEEP) {
        indexSlots = new IdentifierSlot[4];
        indexHashes = new int[4];
      }
      appendCount = 0;
      writeCount = 0;
      deleteCount = 0;
      indexCount = 0;
      inUse = false;
    }
  }

  /**
   * The live cell of {@code id} (null if it has no profile), given the one looked up before the
   * lock; called under the lock of the id's stripe. A cell holds a profile exactly while it is in
   * its stripe's {@link Stripe#cells}, so a looked-up (or remembered) cell of this id that still
   * holds one is the live cell.
   */
  private ProfileCell liveCell(ProfileCell seen, ProfileId id) {
    return seen != null && seen.profile != null ? seen : cellOf(id);
  }

  /**
   * The live slot of {@code id} (null if none), given the one looked up before the lock; called
   * under the lock of the identifier's stripe. A slot is in its stripe's {@link Stripe#slots}
   * until it is marked removed.
   */
  private IdentifierSlot liveSlot(IdentifierSlot seen, Identifier id) {
    return seen != null && !seen.removed() ? seen : slotOf(id);
  }

  /** {@link #liveSlot(IdentifierSlot, Identifier)} given the identifier's {@link KeyedTable#spread} hash. */
  private IdentifierSlot liveSlot(IdentifierSlot seen, int hash, Identifier id) {
    return seen != null && !seen.removed() ? seen : slotOf(hash, id);
  }

  /** Adds {@code slot}, whose key's {@link KeyedTable#spread} hash is {@code hash}, to its stripe's table. */
  private void addSlot(int hash, IdentifierSlot slot) {
    stripes[stripeOfHash(hash)].slots.put(hash, slot);
  }

  private void removeSlot(IdentifierSlot slot) {
    int h = KeyedTable.spread(slot.key);
    if (!stripes[stripeOfHash(h)].slots.remove(h, slot)) { // a live slot is in its table
      throw new IllegalStateException("a live identifier slot was not in its table");
    }
    slot.markRemoved();
  }

  /**
   * The ids of the stored events anchored at the commit's {@link Commit#eventErasures()}, which
   * it erases before its appends; called under the commit's locks (every stripe, when there are
   * erasures).
   */
  private Set<String> idsErasedBy(Commit commit) {
    Set<String> ids = new HashSet<>();
    for (Identifier anchor : commit.eventErasures()) {
      IdentifierSlot slot = slotOf(anchor);
      if (slot != null) {
        for (int i = 0; i < slot.eventCount; i++) {
          ids.add(eventAt(stripes, slot.eventRefAt(i)).id());
        }
      }
    }
    return ids;
  }

  private void validate(Commit commit, Lookups seen) {
    for (int i = 0; i < seen.writeCount; i++) {
      Commit.ProfileWrite w = commit.profileWriteAt(i);
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
    for (int i = 0; i < seen.indexCount; i++) {
      Commit.IndexWrite w = commit.indexWriteAt(i);
      IdentifierSlot slot = liveSlot(seen.indexSlots[i], seen.indexHashes[i], w.identifier());
      seen.indexSlots[i] = slot;
      ProfileCell owner = slot == null ? null : slot.owner;
      boolean expected = owner == null
          ? w.expectedOwner().isEmpty()
          : w.expectedOwner().isPresent() && w.expectedOwner().get().equals(owner.key);
      if (!expected) {
        throw new CommitConflictException(
            "identifier " + w.identifier() + " is owned by " + (owner == null ? "nobody" : owner.key.value())
                + ", expected " + w.expectedOwner().map(ProfileId::value).orElse("nobody"));
      }
    }
    Set<String> erasedIds = null; // made only when an append's id is stored already
    for (int i = 0; i < seen.appendCount; i++) {
      String id = commit.appendAt(i).event().id();
      long hash = seen.appendHashes[i];
      EventIdTable table = stripes[stripeOfEvent(hash)].eventIds;
      if (table.contains(hash, id)) {
        if (erasedIds == null) {
          erasedIds = idsErasedBy(commit);
        }
        if (!erasedIds.contains(id)) { // an event the commit erases first may be appended again
          throw new CommitConflictException("event " + id + " is already stored");
        }
      }
      if (table.size() > EventIdTable.MAX_EVENTS - seen.appendCount) { // before apply() changes anything
        throw new StorageException("the in-memory store is full: a stripe holds at most "
            + EventIdTable.MAX_EVENTS + " events (about 4.3 billion in all)");
      }
      // While a whole-store read copies the logs, appends take positions never used (see
      // allEvents()); the count cannot rise before apply(), as a read takes it under this lock.
      if (scans.get() > 0 && table.freshPositions() < seen.appendCount) {
        throw new StorageException("the in-memory store is full while a whole-store read runs: a stripe's log"
            + " has no position left that was never used (of " + EventIdTable.MAX_EVENTS + "); retry after it");
      }
    }
    for (MergeRecord r : commit.mergeRecords()) {
      if (mergeRecords.containsKey(r.id())) {
        throw new CommitConflictException("merge record " + r.id() + " is already stored");
      }
    }
    for (MergeRecord r : commit.mergeRecordRedactions()) {
      MergeRecord stored = mergeRecords.get(r.id());
      if (stored == null || namesAny(stored, commit.mergeRecordErasures())) {
        throw new CommitConflictException("merge record " + r.id() + " is not stored (or this commit erases it)");
      }
      if (!r.redacts(stored)) {
        throw new CommitConflictException("merge record " + r.id() + " changed since it was read: the replacement does not redact it");
      }
    }
  }

  private static boolean namesAny(MergeRecord r, List<ProfileId> profiles) {
    for (ProfileId p : profiles) {
      if (r.names(p)) {
        return true;
      }
    }
    return false;
  }

  private static long versionOf(ProfileCell cell) {
    Profile p = cell == null ? null : cell.profile;
    return p == null ? 0 : p.version();
  }

  // ---------------------------------------------------------------------------------------------
  // Applying a commit, failure-atomically. prepare() makes every allocation the commit needs
  // (new cells and slots, room in the tables, logs and arrays, the journal) before the first
  // change; apply() then changes the store without allocating (but for the tombstone set and the
  // merge log's maps, whose nodes cannot be made ahead) and notes each change in the journal; if
  // anything throws there (out of memory, a stack overflow, a bug), undo() takes the changes back
  // from the journal, newest first, allocating nothing, before the locks are released: readers
  // never see the commit's part, and the same commit can be made again. finish() does what
  // cannot fail and has no undo: removals from the merge log, which keeps commit order, and
  // starting emptied event logs again.

  /** A journal entry: what undo() does to take one change of apply() back. */
  private static final int SET_PROFILE = 1;
  private static final int PUT_CELL = 2;
  private static final int LOG_CREATED = 3;
  private static final int SET_OWNER = 4;
  private static final int ADD_SLOT = 5;
  private static final int REMOVE_SLOT = 6;
  private static final int REMOVE_CELL = 7;
  private static final int LOG_DELETED = 8;
  private static final int ERASE_EVENT = 9;
  private static final int CLEAR_EVENTS = 10;
  private static final int EVENT_ADD = 11;
  private static final int SLOT_APPEND = 12;
  private static final int TOMBSTONE = 13;
  private static final int RECORD_PUT = 14;
  private static final int UNINDEXED_ADD = 15;
  private static final int SPLIT_ADD = 16;
  private static final int RECORD_REPLACED = 17;
  private static final int LIST_SET = 18;
  /** A record taken out of a list of {@link #mergeRecordsByProfile} (C: the profile). */
  private static final int PROFILE_LIST_REMOVE = 19;
  /** A record taken out of a list of {@link #splitsByIdentifier} (C: the identifier). */
  private static final int SPLIT_LIST_REMOVE = 20;
  /** A record to take out of {@link #mergeRecords} in finish(): nothing to undo. */
  private static final int DEFERRED_UNLOG = 21;

  /** Index of each count kind in {@link Lookups#counts}, per stripe. */
  private static final int NEW_CELLS = 0;
  private static final int DELETES = STRIPES;
  private static final int NEW_SLOTS = 2 * STRIPES;
  private static final int ADDS = 3 * STRIPES;
  private static final int REMOVALS = 4 * STRIPES;

  /** For tests only: called at each allocation and each change of a commit, so a test can make it fail there. */
  interface FaultHook {
    /** Called before the step named {@code step} (a constant); may throw to fail the commit there. */
    void at(String step);
  }

  /** For tests only: see {@link FaultHook}; null (the default) runs nothing. */
  FaultHook faultHook;

  /**
   * For tests only: when set, {@link #splitsNaming} adds the number of records it examined (the
   * work it did, which must not grow with the merge log); null (the default) counts nothing.
   */
  java.util.concurrent.atomic.LongAdder splitRecordsExamined;

  private void step(String name) {
    FaultHook hook = faultHook;
    if (hook != null) {
      hook.at(name);
    }
  }

  /**
   * The merge-log parts of a commit that erases or redacts records, worked out by prepare()
   * (profiles and identifiers of each record), so apply() need not allocate for them.
   */
  private static final class RarePlan {
    final List<MergeRecord> unlog = new ArrayList<>();
    final List<Set<ProfileId>> unlogProfiles = new ArrayList<>();
    final List<Set<Identifier>> unlogIdentifiers = new ArrayList<>();
    final List<MergeRecord> relogStored = new ArrayList<>();
    final List<Set<ProfileId>> relogProfiles = new ArrayList<>();
    final List<Set<Identifier>> relogStoredIdentifiers = new ArrayList<>();
    final List<Set<Identifier>> relogKeptIdentifiers = new ArrayList<>();
    final List<Set<Identifier>> splitIdentifiers = new ArrayList<>();
  }

  /**
   * Makes every allocation a validated commit needs before its first change, and takes its part
   * of the configured ceilings (refusing the commit beyond them): called under the commit's locks
   * after {@link #validate}. What it changes no reader can tell (tables and arrays grown with the
   * same contents, objects not yet reachable); if it throws, the commit changed nothing.
   */
  private void prepare(Commit commit, Lookups seen) {
    int[] counts = seen.counts;
    seen.countsDirty = true;
    int journal = 0;
    int newCells = 0;
    for (int i = 0; i < seen.writeCount; i++) {
      if (seen.writeCells[i] == null) {
        ProfileId id = commit.profileWriteAt(i).profile().id();
        int h = KeyedTable.spread(id);
        step("new profile cell");
        seen.writeCells[i] = new ProfileCell(id, h, null); // holds no profile until apply() puts it
        counts[NEW_CELLS + stripeOfHash(h)]++;
        newCells++;
        journal += 2;
      } else {
        journal++;
      }
    }
    int deletes = 0;
    for (int i = 0; i < seen.deleteCount; i++) {
      ProfileId id = commit.profileDeletes().get(i).id();
      counts[DELETES + stripeOf(id)]++;
      if (seen.deleteCells[i] != null) {
        deletes++;
      }
      journal += 2;
    }
    if (seen.indexCount > seen.ownerCells.length) {
      step("owner cells");
      seen.ownerCells = new ProfileCell[seen.indexCount];
    }
    for (int i = 0; i < seen.indexCount; i++) {
      Commit.IndexWrite w = commit.indexWriteAt(i);
      journal += 2;
      if (w.newOwner().isEmpty()) {
        continue;
      }
      ProfileId ownerId = w.newOwner().get();
      ProfileCell owner = writtenCell(commit, seen, ownerId); // mostly a profile this commit writes
      if (owner == null) {
        owner = cellOf(ownerId);
      }
      if (owner == null) { // an owner without a profile (yet): readers find it by id later
        step("owner cell");
        owner = new ProfileCell(ownerId, null);
      }
      seen.ownerCells[i] = owner;
      if (seen.indexSlots[i] == null) {
        step("new index slot");
        seen.indexSlots[i] = IdentifierSlot.detached(w.identifier());
        counts[NEW_SLOTS + stripeOfHash(seen.indexHashes[i])]++;
      }
    }
    long erased = 0;
    if (!commit.eventErasures().isEmpty()) {
      for (Identifier anchor : commit.eventErasures()) {
        IdentifierSlot slot = slotOf(anchor);
        if (slot != null && slot.eventCount > 0) {
          for (int i = 0; i < slot.eventCount; i++) {
            counts[REMOVALS + refStripe(slot.eventRefAt(i))]++;
          }
          erased += slot.eventCount;
          journal += slot.eventCount + 2;
        }
      }
    }
    for (int i = 0; i < seen.appendCount; i++) {
      StoredEvent e = commit.appendAt(i);
      int h = seen.anchorHashes[i];
      IdentifierSlot slot = liveSlot(seen.appendSlots[i], h, e.anchor());
      if (slot == null) {
        slot = slotMadeFor(commit, seen, i, h, e.anchor());
      }
      if (slot == null) {
        step("new event slot");
        slot = IdentifierSlot.detached(e.anchor());
        counts[NEW_SLOTS + stripeOfHash(h)]++;
      }
      seen.appendSlots[i] = slot;
      int earlier = 0; // appends of this commit to the same slot before this one
      for (int j = 0; j < i; j++) {
        if (seen.appendSlots[j] == slot) {
          earlier++;
        }
      }
      step("slot events");
      slot.reserveEvents(earlier + 1);
      counts[ADDS + stripeOfEvent(seen.appendHashes[i])]++;
      journal += 3;
    }
    journal += commit.tombstones().size();
    if (!commit.mergeRecords().isEmpty()) {
      step("merge log");
      reserveList(unindexed, commit.mergeRecords().size());
      for (MergeRecord r : commit.mergeRecords()) {
        journal += 2;
        if (r.kind() == MergeRecord.Kind.SPLIT) {
          journal += identifiersOf(r).size();
        }
      }
    }
    seen.rare = null;
    if (!commit.mergeRecordErasures().isEmpty() || !commit.mergeRecordRedactions().isEmpty()) {
      step("merge log plan");
      seen.rare = planRare(commit);
      journal += rareJournal(seen.rare);
    }
    // Room in each stripe touched (all are in the lock mask), then the counts go back to 0.
    boolean reuse = scans.get() == 0;
    seen.reuse = reuse;
    for (long m = seen.lockMask; m != 0; m &= m - 1) {
      int s = Long.numberOfTrailingZeros(m);
      Stripe stripe = stripes[s];
      int cells = counts[NEW_CELLS + s];
      if (cells > 0) {
        step("reserve cells");
        stripe.cells.reserve(cells);
        reserveList(stripe.created, cells);
      }
      if (counts[DELETES + s] > 0) {
        step("reserve deletes");
        reserveList(stripe.deleted, counts[DELETES + s]);
      }
      if (counts[NEW_SLOTS + s] > 0) {
        step("reserve slots");
        stripe.slots.reserve(counts[NEW_SLOTS + s]);
      }
      if (counts[ADDS + s] > 0) {
        step("reserve events");
        stripe.eventIds.reserve(counts[ADDS + s], reuse);
      }
      if (counts[REMOVALS + s] > 0) {
        step("reserve removals");
        stripe.eventIds.reserveRemovals(counts[REMOVALS + s]);
      }
      counts[NEW_CELLS + s] = 0;
      counts[DELETES + s] = 0;
      counts[NEW_SLOTS + s] = 0;
      counts[ADDS + s] = 0;
      counts[REMOVALS + s] = 0;
    }
    seen.countsDirty = false;
    step("journal");
    seen.reserveJournal(journal);
    // Last: a share of the ceilings taken here is given back by undo() if apply() fails.
    seen.netEvents = seen.appendCount - erased;
    seen.netProfiles = newCells - deletes;
    if (limited) {
      takeShare(storedEvents, seen.netEvents, maxEvents, "events");
      try {
        takeShare(storedProfiles, seen.netProfiles, maxProfiles, "profiles");
      } catch (RuntimeException refused) {
        if (seen.netEvents > 0) {
          storedEvents.addAndGet(-seen.netEvents);
        }
        throw refused;
      }
    }
  }

  /**
   * Makes room in {@code list} for {@code n} more adds. An empty list made without a capacity
   * ignores {@link ArrayList#ensureCapacity} up to its default capacity (10) and would allocate
   * at its first add: so an empty list is given 11 places at least.
   */
  private static void reserveList(ArrayList<?> list, int n) {
    int size = list.size();
    list.ensureCapacity(size == 0 ? Math.max(n, 11) : size + n);
  }

  /**
   * Adds {@code net} to {@code stored} if that stays within {@code max}; a negative {@code net}
   * waits for finish() (the commit may still fail).
   *
   * @throws StorageException if it would not stay within {@code max}
   */
  private static void takeShare(java.util.concurrent.atomic.AtomicLong stored, long net, long max, String what) {
    if (net <= 0) {
      return;
    }
    while (true) {
      long now = stored.get();
      if (now + net > max) {
        throw new StorageException("the in-memory store is at its configured ceiling of " + max + " " + what
            + " (" + now + " stored, the commit adds " + net + "); nothing was changed");
      }
      if (stored.compareAndSet(now, now + net)) {
        return;
      }
    }
  }

  /**
   * The slot a commit's earlier part makes for {@code anchor}, the anchor of append {@code i}
   * (whose {@link KeyedTable#spread} hash is {@code hash}): the new slot of an index write of the
   * same identifier, or of an earlier append; null if none.
   */
  private static IdentifierSlot slotMadeFor(Commit commit, Lookups seen, int i, int hash, Identifier anchor) {
    for (int j = 0; j < seen.indexCount; j++) {
      IdentifierSlot s = seen.indexSlots[j];
      if (s != null && seen.indexHashes[j] == hash && s.key.equals(anchor)) {
        return s;
      }
    }
    for (int j = 0; j < i; j++) {
      if (seen.anchorHashes[j] == hash && seen.appendSlots[j].key.equals(anchor)) {
        return seen.appendSlots[j];
      }
    }
    return null;
  }

  /** The plan of a commit's merge-record erasures and redactions; under the log's lock, every record indexed. */
  private RarePlan planRare(Commit commit) {
    RarePlan plan = new RarePlan();
    Set<String> planned = new HashSet<>();
    for (ProfileId erased : commit.mergeRecordErasures()) {
      for (MergeRecord r : mergeRecordsByProfile.getOrDefault(erased, List.of())) {
        if (planned.add(r.id())) {
          plan.unlog.add(r);
          plan.unlogProfiles.add(profilesOf(r));
          plan.unlogIdentifiers.add(identifiersOf(r));
        }
      }
    }
    for (MergeRecord r : commit.mergeRecordRedactions()) {
      MergeRecord stored = mergeRecords.get(r.id());
      plan.relogStored.add(stored);
      plan.relogProfiles.add(profilesOf(stored));
      boolean split = stored.kind() == MergeRecord.Kind.SPLIT;
      plan.relogStoredIdentifiers.add(split ? identifiersOf(stored) : Set.of());
      plan.relogKeptIdentifiers.add(split ? identifiersOf(r) : Set.of());
    }
    return plan;
  }

  /** An upper bound of the journal entries the merge-log parts of {@code plan} write. */
  private int rareJournal(RarePlan plan) {
    int n = 0;
    for (int k = 0; k < plan.unlog.size(); k++) {
      n += plan.unlogProfiles.get(k).size() + plan.unlogIdentifiers.get(k).size() + 1;
    }
    for (int k = 0; k < plan.relogStored.size(); k++) {
      n++;
      for (ProfileId p : plan.relogProfiles.get(k)) {
        n += mergeRecordsByProfile.getOrDefault(p, List.of()).size();
      }
      for (Identifier id : plan.relogStoredIdentifiers.get(k)) {
        n += splitsByIdentifier.getOrDefault(id, List.of()).size();
      }
    }
    return n;
  }

  /**
   * Applies a prepared commit, noting each change in the journal of {@code seen}; true if a
   * stripe's log of profile changes is now overdue for folding. If it throws, the caller undoes
   * the changes noted ({@link #undo}).
   */
  private boolean apply(Commit commit, Lookups seen) {
    seen.jCount = 0;
    boolean foldDue = false;
    // The merge log first: its maps allocate (the rest does not), and no reader sees it before
    // the commit's locks are released.
    // A change that may allocate is noted before it is made: a JDK map inserts and then grows,
    // so an OutOfMemoryError can come after the change (undoing one never made does nothing).
    for (MergeRecord r : commit.mergeRecords()) {
      seen.note(RECORD_PUT, r, null, null, 0, 0);
      step("log record");
      mergeRecords.put(r.id(), r);
      if (r.kind() == MergeRecord.Kind.SPLIT) {
        splitOrder.put(r.id(), nextSplitOrder++); // undone with the put (RECORD_PUT)
      }
      step("logged record");
      unindexed.add(r); // room reserved
      seen.note(UNINDEXED_ADD, null, null, null, 0, 0);
      if (r.kind() == MergeRecord.Kind.SPLIT) {
        for (Identifier id : identifiersOf(r)) {
          seen.note(SPLIT_ADD, r, null, id, 0, 0);
          step("log split");
          splitsByIdentifier.computeIfAbsent(id, k -> new ArrayList<>(1)).add(r);
          step("logged split");
        }
      }
    }
    // Index entries move before losers are deleted, so a reader going identifier -> owner ->
    // profile never lands on a profile that is already gone. The cells and slots validate()
    // found are live: nothing changed since, as the stripes' write locks are held.
    for (int i = 0; i < seen.writeCount; i++) {
      Profile profile = commit.profileWriteAt(i).profile();
      ProfileCell cell = seen.writeCells[i];
      step("write profile");
      if (cell.profile == null) { // made by prepare(): a new profile
        Stripe stripe = stripes[stripeOfHash(cell.hash)];
        cell.profile = profile;
        seen.note(PUT_CELL, cell, null, null, 0, 0);
        step("put cell");
        stripe.cells.put(cell.hash, cell); // room reserved, but for the overflow of colliding keys
        step("log created");
        stripe.created.add(cell.key);
        seen.note(LOG_CREATED, stripe, null, null, 0, 0);
        foldDue |= stripe.logOver(foldLimit);
      } else {
        Profile old = cell.profile;
        cell.profile = profile;
        seen.note(SET_PROFILE, cell, old, null, 0, 0);
      }
    }
    Runnable pause = afterProfileWrites;
    if (pause != null) {
      pause.run();
    }
    for (int i = 0; i < seen.indexCount; i++) {
      Commit.IndexWrite w = commit.indexWriteAt(i);
      IdentifierSlot slot = seen.indexSlots[i];
      step("index write");
      if (w.newOwner().isPresent()) {
        ProfileCell owner = seen.ownerCells[i];
        if (slot.removed()) { // made by prepare()
          slot.owner = owner;
          seen.note(ADD_SLOT, slot, null, null, 0, 0);
          step("add slot");
          insertSlot(seen.indexHashes[i], slot); // room reserved, but for the overflow
          step("added slot");
        } else {
          ProfileCell old = slot.owner;
          slot.owner = owner;
          seen.note(SET_OWNER, slot, old, null, 0, 0);
        }
      } else if (slot != null) {
        ProfileCell old = slot.owner;
        slot.owner = null;
        seen.note(SET_OWNER, slot, old, null, 0, 0);
        if (slot.eventCount == 0) {
          step("remove slot");
          removeSlot(slot);
          seen.note(REMOVE_SLOT, slot, null, null, 0, 0);
        }
      }
    }
    List<Commit.ProfileDelete> deletes = commit.profileDeletes();
    if (!deletes.isEmpty()) {
      for (int i = 0; i < deletes.size(); i++) {
        ProfileId id = deletes.get(i).id();
        ProfileCell cell = seen.deleteCells[i];
        int h = KeyedTable.spread(id);
        Stripe stripe = stripes[stripeOfHash(h)];
        if (cell != null) {
          step("delete profile");
          if (stripe.cells.remove(h, cell)) { // a live cell is in its table
            Profile old = cell.profile;
            cell.profile = null;
            seen.note(REMOVE_CELL, cell, old, null, 0, 0);
          } else {
            throw new IllegalStateException("a live profile cell was not in its table");
          }
        }
        step("log deleted");
        stripe.deleted.add(id); // room reserved
        seen.note(LOG_DELETED, stripe, null, null, 0, 0);
        foldDue |= stripe.logOver(foldLimit);
      }
    }
    if (!commit.eventErasures().isEmpty()) {
      for (Identifier anchor : commit.eventErasures()) { // the commit holds every stripe
        IdentifierSlot slot = slotOf(anchor);
        if (slot != null && slot.eventCount > 0) {
          for (int i = 0; i < slot.eventCount; i++) {
            int ref = slot.eventRefAt(i);
            Stripe stripe = stripes[refStripe(ref)];
            Event event = eventAt(stripes, ref);
            String id = event.id();
            step("erase event");
            if (!stripe.eventIds.remove(EventIdTable.hash(id), id)) { // room reserved
              throw new IllegalStateException("an anchored event's id was not in its table");
            }
            stripe.eventCount--;
            seen.note(ERASE_EVENT, stripe, event, slot.key, ref & EventIdTable.MAX_EVENTS, 0);
          }
          step("clear events");
          int[] more = slot.moreEvents;
          long firstAndCount = (long) slot.firstEvent << 32 | slot.eventCount;
          slot.clearEvents();
          seen.note(CLEAR_EVENTS, slot, more, null, 0, firstAndCount);
          if (slot.owner == null) {
            removeSlot(slot);
            seen.note(REMOVE_SLOT, slot, null, null, 0, 0);
          }
        }
      }
    }
    RarePlan plan = seen.rare;
    if (plan != null) {
      unlogAll(plan, seen);
      for (int k = 0; k < plan.relogStored.size(); k++) {
        relog(plan, k, commit.mergeRecordRedactions().get(k), seen);
      }
    }
    boolean reuse = seen.reuse;
    for (int i = 0; i < seen.appendCount; i++) {
      StoredEvent e = commit.appendAt(i); // by index: appends() would make a list per commit
      long hash = seen.appendHashes[i];
      int eventStripe = stripeOfEvent(hash);
      Stripe stripe = stripes[eventStripe];
      int h = seen.anchorHashes[i];
      IdentifierSlot slot = seen.appendSlots[i];
      if (slot.removed()) { // made by prepare(), or taken out of its table by this commit
        IdentifierSlot live = slotOf(h, e.anchor()); // added by this commit meanwhile
        if (live != null) {
          slot = live;
        } else {
          seen.note(ADD_SLOT, slot, null, null, 0, 0);
          step("event slot");
          insertSlot(h, slot); // room reserved, but for the overflow
          step("added event slot");
        }
      }
      step("append event");
      long mark = stripe.eventIds.mark();
      int position = stripe.eventIds.add(hash, e.event(), e.anchor(), reuse); // room reserved
      stripe.eventCount++;
      seen.note(EVENT_ADD, stripe, null, null, position, mark);
      step("slot event");
      slot.append(eventRef(eventStripe, position)); // room reserved (unless erased by this commit)
      seen.note(SLOT_APPEND, slot, null, null, 0, 0);
    }
    // Last, as the set is read without locks by hasTombstones().
    if (!commit.tombstones().isEmpty()) {
      for (String t : commit.tombstones()) {
        step("tombstone");
        if (!tombstones.contains(t)) { // a commit adding t holds t's stripe: no other adds it meanwhile
          seen.note(TOMBSTONE, t, null, null, 0, 0);
          tombstones.add(t);
          step("added tombstone");
        }
      }
    }
    step("applied");
    return foldDue;
  }

  /** Takes the records of {@code plan} out of the lists by profile and identifier; out of the log in finish(). */
  private void unlogAll(RarePlan plan, Lookups seen) {
    for (int k = 0; k < plan.unlog.size(); k++) {
      MergeRecord r = plan.unlog.get(k);
      for (ProfileId p : plan.unlogProfiles.get(k)) {
        takeOut(mergeRecordsByProfile.get(p), r, p, PROFILE_LIST_REMOVE, seen);
      }
      for (Identifier id : plan.unlogIdentifiers.get(k)) {
        takeOut(splitsByIdentifier.get(id), r, id, SPLIT_LIST_REMOVE, seen);
      }
      seen.note(DEFERRED_UNLOG, r, null, null, 0, 0);
    }
  }

  /** Removes {@code r} from {@code list} (the list of {@code key}; may be null), noting it; an emptied list leaves its map in finish(). */
  private void takeOut(List<MergeRecord> list, MergeRecord r, Object key, int op, Lookups seen) {
    if (list == null) {
      return;
    }
    int at = list.indexOf(r);
    if (at >= 0) {
      step("unlog record");
      list.remove(at);
      seen.note(op, list, r, key, at, 0);
    }
  }

  /**
   * Puts redaction {@code k} of {@code plan}, {@code replacement}, where the stored record is: in the
   * log (a {@link LinkedHashMap} keeps a key's position when its value is replaced), in the
   * records of each profile, and in the splits of each identifier it still holds; noting each
   * change. The replacement names the same profiles ({@link MergeRecord#redacts}).
   */
  private void relog(RarePlan plan, int k, MergeRecord replacement, Lookups seen) {
    MergeRecord stored = plan.relogStored.get(k);
    step("redact record");
    mergeRecords.put(replacement.id(), replacement);
    seen.note(RECORD_REPLACED, stored, null, null, 0, 0);
    for (ProfileId p : plan.relogProfiles.get(k)) {
      replaceIn(mergeRecordsByProfile.get(p), stored, replacement, seen);
    }
    Set<Identifier> kept = plan.relogKeptIdentifiers.get(k);
    for (Identifier id : plan.relogStoredIdentifiers.get(k)) {
      if (kept.contains(id)) {
        replaceIn(splitsByIdentifier.get(id), stored, replacement, seen);
      } else {
        takeOut(splitsByIdentifier.get(id), stored, id, SPLIT_LIST_REMOVE, seen);
      }
    }
  }

  private void replaceIn(List<MergeRecord> list, MergeRecord stored, MergeRecord replacement, Lookups seen) {
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).equals(stored)) {
          step("redact in list");
          list.set(i, replacement);
          seen.note(LIST_SET, list, stored, null, i, 0);
        }
      }
    }
  }

  /** Adds {@code slot} (not in its table: made by prepare(), or removed by this commit) to its table. */
  private void insertSlot(int hash, IdentifierSlot slot) {
    slot.eventCount = 0;
    addSlot(hash, slot);
  }

  /**
   * Takes back the changes noted in the journal of {@code seen}, newest first, allocating
   * nothing (the room each change used is still there), and gives back the commit's share of the
   * ceilings: the store is as before the commit. Called under the commit's locks when
   * {@link #apply} threw {@code failure}; anything undo itself throws is added to it.
   */
  private void undo(Lookups seen, Throwable failure) {
    int failedEntries = 0;
    for (int k = seen.jCount - 1; k >= 0; k--) {
      try {
        undoOne(seen, k);
      } catch (Throwable alsoFailed) { // each entry on its own: one failure leaves the others undone
        if (failedEntries++ == 0) {
          failure.addSuppressed(alsoFailed);
        }
      }
    }
    if (limited) {
      if (seen.netEvents > 0) {
        storedEvents.addAndGet(-seen.netEvents);
      }
      if (seen.netProfiles > 0) {
        storedProfiles.addAndGet(-seen.netProfiles);
      }
    }
    if (failedEntries > 0) {
      LOG.error("Taking back a failed commit of the in-memory store failed for {} of its {} changes; the store may hold part"
          + " of it", failedEntries, seen.jCount);
    }
  }

  @SuppressWarnings("unchecked")
  private void undoOne(Lookups seen, int k) {
    Object a = seen.jA[k];
    Object b = seen.jB[k];
    switch (seen.jOp[k]) {
      case SET_PROFILE -> ((ProfileCell) a).profile = (Profile) b;
      case PUT_CELL -> {
        ProfileCell cell = (ProfileCell) a;
        stripes[stripeOfHash(cell.hash)].cells.remove(cell.hash, cell); // false: the put never happened
        cell.profile = null;
      }
      case LOG_CREATED -> {
        ArrayList<ProfileId> log = ((Stripe) a).created;
        log.remove(log.size() - 1);
      }
      case SET_OWNER -> ((IdentifierSlot) a).owner = (ProfileCell) b;
      case ADD_SLOT -> { // the insert may never have happened: then removing finds nothing
        IdentifierSlot slot = (IdentifierSlot) a;
        slot.eventCount = 0;
        slot.markRemoved();
        int h = KeyedTable.spread(slot.key);
        stripes[stripeOfHash(h)].slots.remove(h, slot);
      }
      case REMOVE_SLOT -> {
        IdentifierSlot slot = (IdentifierSlot) a;
        insertSlot(KeyedTable.spread(slot.key), slot);
      }
      case REMOVE_CELL -> {
        ProfileCell cell = (ProfileCell) a;
        cell.profile = (Profile) b;
        stripes[stripeOfHash(cell.hash)].cells.put(cell.hash, cell);
      }
      case LOG_DELETED -> {
        ArrayList<ProfileId> log = ((Stripe) a).deleted;
        log.remove(log.size() - 1);
      }
      case ERASE_EVENT -> {
        Stripe stripe = (Stripe) a;
        Event event = (Event) b;
        stripe.eventIds.undoRemove(EventIdTable.hash(event.id()), seen.jI[k], event, (Identifier) seen.jC[k]);
        stripe.eventCount++;
      }
      case CLEAR_EVENTS -> {
        IdentifierSlot slot = (IdentifierSlot) a;
        long firstAndCount = seen.jN[k];
        slot.firstEvent = (int) (firstAndCount >>> 32);
        slot.moreEvents = (int[]) b;
        slot.eventCount = (int) firstAndCount;
      }
      case EVENT_ADD -> {
        Stripe stripe = (Stripe) a;
        int position = seen.jI[k];
        stripe.eventIds.undoAdd(EventIdTable.hash(stripe.eventIds.event(position).id()), position, seen.jN[k]);
        stripe.eventCount--;
      }
      case SLOT_APPEND -> ((IdentifierSlot) a).eventCount--;
      case TOMBSTONE -> tombstones.remove((String) a); // absent if the add never happened
      case RECORD_PUT -> { // absent if the put never happened
        mergeRecords.remove(((MergeRecord) a).id());
        splitOrder.remove(((MergeRecord) a).id());
      }
      case UNINDEXED_ADD -> unindexed.remove(unindexed.size() - 1);
      case SPLIT_ADD -> removeFrom(splitsByIdentifier, (Identifier) seen.jC[k], (MergeRecord) a);
      case RECORD_REPLACED -> mergeRecords.put(((MergeRecord) a).id(), (MergeRecord) a);
      case LIST_SET -> ((List<MergeRecord>) a).set(seen.jI[k], (MergeRecord) b);
      case PROFILE_LIST_REMOVE, SPLIT_LIST_REMOVE -> ((List<MergeRecord>) a).add(seen.jI[k], (MergeRecord) b);
      case DEFERRED_UNLOG -> { }
      default -> throw new IllegalStateException("journal entry " + seen.jOp[k]);
    }
  }

  /**
   * After {@link #apply} succeeded: what cannot fail and needs no undo. Records erased leave the
   * log (kept until now: the log keeps commit order, which putting a record back would not),
   * emptied lists of records leave their maps, emptied event logs start again, and a commit that
   * shrank the store gives back its share of the ceilings.
   */
  private void finish(Commit commit, Lookups seen) {
    // The commit is applied: the ceilings' shares are settled first, and each tidying step stands
    // on its own, so that a failure in one (an OutOfMemoryError in a map's bucket) neither skips
    // the others nor reaches the caller as if the commit had failed. Most of what a failure leaves
    // is only untidy (an emptied list kept in its map, an event log not restarted); but a merge
    // record that an erasure took out of every list and could not take out of the log stays
    // readable by id and in the log (a removal allocates only when ~8 record ids collide in one
    // bucket): that is logged as such.
    if (limited) {
      if (seen.netEvents < 0) {
        storedEvents.addAndGet(seen.netEvents);
      }
      if (seen.netProfiles < 0) {
        storedProfiles.addAndGet(seen.netProfiles);
      }
    }
    int failed = 0;
    int erasedRecordsKept = 0;
    if (seen.rare != null) {
      for (int k = 0; k < seen.jCount; k++) {
        try {
          switch (seen.jOp[k]) {
            case DEFERRED_UNLOG -> {
              try {
                mergeRecords.remove(((MergeRecord) seen.jA[k]).id());
                splitOrder.remove(((MergeRecord) seen.jA[k]).id());
              } catch (Throwable kept) {
                erasedRecordsKept++;
              }
            }
            case PROFILE_LIST_REMOVE -> dropIfEmpty(mergeRecordsByProfile, (ProfileId) seen.jC[k], seen.jA[k]);
            case SPLIT_LIST_REMOVE -> dropIfEmpty(splitsByIdentifier, (Identifier) seen.jC[k], seen.jA[k]);
            default -> { }
          }
        } catch (Throwable untidy) {
          failed++;
        }
      }
    }
    if (!commit.eventErasures().isEmpty()) {
      for (Stripe s : stripes) {
        try {
          s.eventIds.compactIfEmpty();
        } catch (Throwable untidy) {
          failed++;
        }
      }
    }
    if (failed > 0) {
      LOG.error("Tidying up after an applied commit of the in-memory store failed {} time(s); the commit stands", failed);
    }
    if (erasedRecordsKept > 0) {
      LOG.error("An applied erasure of the in-memory store could not take {} merge record(s) out of the merge log: they"
          + " remain readable there until the process ends", erasedRecordsKept);
    }
  }

  private static <K> void dropIfEmpty(Map<K, List<MergeRecord>> map, K key, Object list) {
    List<MergeRecord> now = map.get(key);
    if (now == list && now.isEmpty()) {
      map.remove(key);
    }
  }

  /**
   * The cell of {@code id} if this commit writes its profile (null before prepare() for a new
   * profile), else null.
   */
  private static ProfileCell writtenCell(Commit commit, Lookups seen, ProfileId id) {
    for (int i = 0; i < seen.writeCount; i++) {
      ProfileId written = commit.profileWriteAt(i).profile().id();
      if (written == id || written.equals(id)) {
        return seen.writeCells[i];
      }
    }
    return null;
  }

  /**
   * Files the records of {@link #unindexed} under their profiles; called holding the write lock of
   * the log. Each record is counted as indexed right after it is filed, so an indexing that fails
   * half-way (out of memory) is taken up where it stopped; a record it had filed under some of its
   * profiles is last in their lists (records are filed in commit order), so it is not filed twice.
   */
  private void indexUnindexed() {
    ArrayList<MergeRecord> pending = unindexed;
    while (indexedUpTo < pending.size()) {
      MergeRecord r = pending.get(indexedUpTo);
      for (ProfileId p : profilesOf(r)) {
        List<MergeRecord> list = mergeRecordsByProfile.computeIfAbsent(p, k -> new ArrayList<>(2));
        if (list.isEmpty() || list.get(list.size() - 1) != r) {
          list.add(r);
        }
      }
      indexedUpTo++;
    }
    if (!pending.isEmpty()) {
      if (pending.size() > 1024) {
        unindexed = new ArrayList<>(); // do not keep a burst's capacity
      } else {
        pending.clear();
      }
      indexedUpTo = 0;
    }
  }

  /** For tests: the logged records not yet indexed by profile. */
  int unindexedMergeRecords() {
    long stamp = logLock.readLock();
    try {
      return unindexed.size() - indexedUpTo;
    } finally {
      logLock.unlockRead(stamp);
    }
  }

  /** For tests: the split records whose commit order {@link #splitsNaming} keeps (one per split record in the log). */
  int splitOrderEntries() {
    long stamp = logLock.readLock();
    try {
      return splitOrder.size();
    } finally {
      logLock.unlockRead(stamp);
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
    long stamp = logLock.readLock();
    try {
      if (unindexed.isEmpty()) {
        return List.copyOf(mergeRecordsByProfile.getOrDefault(profile, List.of()));
      }
    } finally {
      logLock.unlockRead(stamp);
    }
    stamp = logLock.writeLock(); // records to index first
    try {
      indexUnindexed();
      return List.copyOf(mergeRecordsByProfile.getOrDefault(profile, List.of()));
    } finally {
      logLock.unlockWrite(stamp);
    }
  }

  @Override
  public Optional<MergeRecord> mergeRecord(String id) {
    requireNonNull(id, "id");
    long stamp = logLock.readLock();
    try {
      return Optional.ofNullable(mergeRecords.get(id));
    } finally {
      logLock.unlockRead(stamp);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the split records indexed under {@code identifiers} and sorts them by the order they
   * were logged: the work grows with the records found, not with the merge log (every merge of
   * the store), so ingestion, which asks before every possible merge, does not slow down as the
   * log grows once a split exists.
   */
  @Override
  public List<MergeRecord> splitsNaming(Collection<Identifier> identifiers) {
    if (!(identifiers instanceof com.google.common.collect.ImmutableCollection<?>)) { // (which holds no null)
      dev.clientele.core.internal.Arguments.noNulls(identifiers, "identifiers");
    }
    // Ingestion asks this before every possible merge, and most stores hold no split: an
    // optimistic look at the empty index first, so that such a call writes nothing shared (a
    // read lock is a compare-and-set on the merge log's lock, which concurrent ingest threads
    // would hand back and forth between their cores).
    long optimistic = logLock.tryOptimisticRead();
    if (optimistic != 0 && splitsByIdentifier.isEmpty() && logLock.validate(optimistic)) {
      return List.of();
    }
    long stamp = logLock.readLock();
    try {
      if (splitsByIdentifier.isEmpty()) {
        return List.of();
      }
      // By record id (a record's own hash code walks its sides' identifiers), then in commit
      // order: work in the records found, not in the size of the log.
      Map<String, MergeRecord> found = new HashMap<>();
      long examined = 0;
      for (Identifier id : identifiers) {
        for (MergeRecord r : splitsByIdentifier.getOrDefault(id, List.of())) {
          found.putIfAbsent(r.id(), r);
          examined++;
        }
      }
      java.util.concurrent.atomic.LongAdder counter = splitRecordsExamined;
      if (counter != null) {
        counter.add(examined);
      }
      List<MergeRecord> out = new ArrayList<>(found.values());
      out.sort(java.util.Comparator.comparingLong(r -> splitOrder.get(r.id())));
      return out;
    } finally {
      logLock.unlockRead(stamp);
    }
  }

  @Override
  public void forEachMergeRecord(Consumer<MergeRecord> action) {
    requireNonNull(action, "action");
    List<MergeRecord> snapshot;
    long stamp = logLock.readLock();
    try {
      snapshot = List.copyOf(mergeRecords.values());
    } finally {
      logLock.unlockRead(stamp);
    }
    snapshot.forEach(action);
  }
}
