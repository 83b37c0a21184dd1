package dev.clientele.core.spi;

import dev.clientele.core.Event;

/**
 * The ids of the stored events of {@link InMemoryStorage}, for de-duplication: an open-addressing
 * table (linear probing) of 64-bit hashes of the ids, beside the stored event each hash stands
 * for. A lookup compares hashes in one {@code long[]} and compares the id itself only when a hash
 * matches, so it is exact; a miss, the common case of ingestion, touches one cache line of the
 * hash array and no string. About 24 bytes per id at the table's fill (8 for the hash and 4 for
 * the reference, at most 3/4 full, at least 3/8 after growing), against about 40 for a node of a
 * {@code ConcurrentHashMap} key set.
 *
 * <p>Not thread-safe for writes: the lock of the storage's stripe that holds the table guards
 * {@link #add} and {@link #remove}.
 * {@link #contains} may run concurrently with writes (under an optimistic read that the caller
 * validates afterwards): it never fails or loops then, though its answer may be wrong, which the
 * failed validation tells. So may the read-ahead helpers {@link #homeWord} and {@link #touch}.
 */
final class EventIdTable {
  private static final int DEFAULT_CAPACITY = 1 << 10;
  /** Marks a free slot; a real hash of 0 is stored as {@link #ZERO_SUBSTITUTE}. */
  private static final long FREE = 0;

  private static final long ZERO_SUBSTITUTE = 0x5DEECE66DL;

  private long[] hashes;
  private Event[] events;
  private int size;

  /** An empty table of the default capacity (1,024 slots). */
  EventIdTable() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * An empty table with {@code capacity} slots to start with (a power of two, at least 4): the
   * in-memory store keeps one small table per lock stripe, grown as events arrive.
   */
  EventIdTable(int capacity) {
    if (capacity < 4 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 4: " + capacity);
    }
    hashes = new long[capacity];
    events = new Event[capacity];
  }

  /**
   * The 64-bit hash of an event id (FNV-1a over the characters, then a final avalanche so the
   * low bits that pick a slot depend on every character); never {@link #FREE}.
   */
  static long hash(String id) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0, n = id.length(); i < n; i++) {
      h = (h ^ id.charAt(i)) * 0x100000001B3L;
    }
    // fmix64 of MurmurHash3 (a published avalanche step).
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h == FREE ? ZERO_SUBSTITUTE : h;
  }

  /** The number of ids held. */
  int size() {
    return size;
  }

  /** Whether an event with this id (whose {@link #hash} is {@code hash}) is held. */
  boolean contains(long hash, String id) {
    long[] h = hashes;
    Event[] e = events;
    if (h.length != e.length) {
      return false; // a write is resizing the table: the caller's validation fails
    }
    int mask = h.length - 1;
    int i = (int) hash & mask;
    for (int probes = 0; probes < h.length; probes++, i = (i + 1) & mask) {
      long stored = h[i];
      if (stored == FREE) {
        return false;
      }
      if (stored == hash) {
        Event held = e[i];
        if (held != null && held.id().equals(id)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * For a read-ahead ({@link InMemoryStorage#readAhead}): the word of the hash array at which a
   * lookup of {@code hash} starts probing, read so that its cache line is on its way. Safe without
   * the lock; the answer means nothing.
   */
  long homeWord(long hash) {
    long[] h = hashes;
    return h[(int) hash & (h.length - 1)];
  }

  /**
   * For a read-ahead ({@link InMemoryStorage#readAhead}): reads the memory that {@link #contains}
   * and {@link #add} of an id whose {@link #hash} is {@code hash} touch: the probe run of the hash
   * array, and the event slot where the run ends (the first matching hash, or the free slot
   * where {@code add} would write). Returns a number made of what it read, meaningless. Safe
   * without the lock like {@link #contains}: gives up when a write is resizing the table, bounded
   * by the table's length.
   */
  int touch(long hash) {
    long[] h = hashes;
    Event[] e = events;
    if (h.length != e.length) {
      return 0;
    }
    int mask = h.length - 1;
    int i = (int) hash & mask;
    for (int probes = 0; probes < h.length; probes++, i = (i + 1) & mask) {
      long stored = h[i];
      if (stored == hash || stored == FREE) {
        return e[i] == null ? probes : ~probes;
      }
    }
    return -1;
  }

  /** Adds {@code event}, whose id hashes to {@code hash} and is not held yet. */
  void add(long hash, Event event) {
    if (size + 1 > hashes.length - (hashes.length >>> 2)) {
      resize(hashes.length * 2);
    }
    insert(hashes, events, hash, event);
    size++;
  }

  /** Removes the event with this id (whose {@link #hash} is {@code hash}); false if it is not held. */
  boolean remove(long hash, String id) {
    long[] h = hashes;
    Event[] e = events;
    int mask = h.length - 1;
    int i = (int) hash & mask;
    while (h[i] != FREE) {
      if (h[i] == hash && e[i].id().equals(id)) {
        deleteAt(i);
        size--;
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /**
   * Empties slot {@code i} and moves later entries of its probe run back into the gap (backward
   * shift deletion), so lookups never need markers of deleted entries.
   */
  private void deleteAt(int i) {
    long[] h = hashes;
    Event[] e = events;
    int mask = h.length - 1;
    int gap = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (h[j] == FREE) {
        break;
      }
      if (KeyedTable.mayFillGap(gap, j, (int) h[j] & mask)) {
        h[gap] = h[j];
        e[gap] = e[j];
        gap = j;
      }
    }
    h[gap] = FREE;
    e[gap] = null;
  }

  /**
   * For tests: leaves the table as an unlocked reader may see it in the middle of a resize, one
   * array already twice as long and the other not ({@code hashesGrown}: the hash array). Only
   * unlocked reads may follow.
   */
  void tearForTest(boolean hashesGrown) {
    if (hashesGrown) {
      hashes = java.util.Arrays.copyOf(hashes, hashes.length * 2);
    } else {
      events = java.util.Arrays.copyOf(events, events.length * 2);
    }
  }

  private void resize(int capacity) {
    long[] h = new long[capacity];
    Event[] e = new Event[capacity];
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] != FREE) {
        insert(h, e, hashes[i], events[i]);
      }
    }
    // Events first, hashes last: a concurrent contains() that sees the new hashes with the old
    // events sees different lengths and gives up.
    events = e;
    hashes = h;
  }

  private static void insert(long[] h, Event[] e, long hash, Event event) {
    int mask = h.length - 1;
    int i = (int) hash & mask;
    while (h[i] != FREE) {
      i = (i + 1) & mask;
    }
    e[i] = event;
    h[i] = hash;
  }
}
