package dev.clientele.core.spi;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * One lock stripe's table of {@link InMemoryStorage}: entries that carry their own key (an
 * identifier slot, a profile cell), in an open-addressing table (linear probing) with each key's
 * 32-bit {@link #spread} hash in an {@code int[]} beside the entries.
 *
 * <p>Why not a {@code ConcurrentHashMap} per store: a lookup there reads the bucket, then a node
 * (its hash, key and value), then the key to compare, then the value: four or more cache misses on
 * a cold table. Here a lookup reads the hash array, then the entry array, then the entry and its
 * key. A miss mostly ends at the hash array: all keys of one stripe share the top bits of their
 * hash (they pick the stripe), so a stored hash of another key matches with odds of about one in
 * 2^26 per comparison, or always for keys whose {@code hashCode()} collides. A
 * node is 32 bytes per entry; this table costs 8 bytes per slot, at most 3/4 full (at least 3/8
 * after growing). And a table only ever grows under its own stripe's write lock, copying that
 * stripe's entries, instead of a whole-map transfer that every writer helps with.
 *
 * <p>Not thread-safe for writes: the lock of the stripe that holds the table guards {@link #put}
 * and {@link #remove}. {@link #get} may run concurrently with them (an optimistic read that the
 * caller validates afterwards, or a hint that the caller checks again under the lock): it never
 * throws or loops then, but may miss an entry or find one that was just removed, which the failed
 * validation or the later check under the lock tells. An entry it returns always has a key equal
 * to the one asked for (keys are final fields of the entries).
 *
 * <p>Hash flooding: {@code hashCode()} of a string (and so of an identifier) is easy to collide on
 * purpose ("Aa" and "BB" share one, and so do all their concatenations), and colliding keys would
 * all land in one probe run, each lookup scanning all of them. So a key whose insertion finds
 * {@value #SAME_HASH_LIMIT} or more entries of its very hash in its probe run goes to an overflow
 * map ordered by key (a {@link ConcurrentSkipListMap}, safe for the unlocked readers), consulted
 * only by lookups that miss in the table while it exists: probe runs stay short and the colliding
 * keys cost a logarithmic number of comparisons, with no extra read on the common path.
 *
 * @param <K> the key type
 * @param <E> the entry type
 */
final class KeyedTable<K extends Comparable<? super K>, E extends KeyedTable.Entry<K>> {
  /** Entries of one full hash in a probe run beyond which further keys of that hash overflow. */
  static final int SAME_HASH_LIMIT = 8;

  /** Marks a free slot; a spread hash of 0 is stored as {@link #ZERO_SUBSTITUTE}. */
  private static final int FREE = 0;

  private static final int ZERO_SUBSTITUTE = 0x2545F491;

  /**
   * Mixed into every {@link #spread} hash, different in each JVM: without it the finaliser is
   * invertible, so keys could be chosen whose hashes differ (escaping the same-hash overflow)
   * but share their stripe and slot bits, piling into one probe run.
   */
  private static final int SEED = new java.security.SecureRandom().nextInt();

  /** An entry of a table: it holds its key, so the table needs no array of keys. */
  abstract static class Entry<K> {
    /** The key, never null. */
    final K key;

    Entry(K key) {
      this.key = key;
    }

    /**
     * Whether this entry's key equals {@code other} (not null, of the table's key type); only
     * asked when the hashes match. An entry may answer from copies of the key's parts that it
     * holds, so that a hit need not read the key object (one cache miss less).
     */
    boolean hasKey(Object other) {
      return key == other || key.equals(other);
    }
  }

  /**
   * The stored hash of each slot ({@link #FREE}: empty). Written before {@link #entries} on a
   * resize; readers give up when the two lengths differ.
   */
  private int[] hashes;

  private Entry<?>[] entries;
  /** The entries held in the table arrays (not in {@link #overflow}). */
  private int size;

  /**
   * Keys that found {@value #SAME_HASH_LIMIT} or more of their hash in their probe run, or null
   * (never had any). Created under the lock; volatile for the unlocked readers.
   */
  private volatile ConcurrentSkipListMap<K, E> overflow;

  /** The number of entries in {@link #overflow}; guarded like the table. */
  private int overflowSize;

  /** An empty table of {@code capacity} slots (a power of two, at least 4). */
  KeyedTable(int capacity) {
    if (capacity < 4 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 4: " + capacity);
    }
    hashes = new int[capacity];
    entries = new Entry<?>[capacity];
  }

  /**
   * The hash a table files {@code key} under, from {@link Object#hashCode()} and this JVM's
   * {@link #SEED} with every bit mixed
   * (the 32-bit finaliser of MurmurHash3, a published avalanche step): the storage picks the stripe
   * from the top bits, a table the slot from the low bits; never {@link #FREE}.
   */
  static int spread(Object key) {
    int h = key.hashCode() ^ SEED;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h == FREE ? ZERO_SUBSTITUTE : h;
  }

  /** The number of entries held (in the table and its overflow). */
  int size() {
    return size + overflowSize;
  }

  /** The number of entries held in the overflow map; for tests. */
  int overflowSize() {
    return overflowSize;
  }

  /**
   * The number of occupied slots a lookup of {@code hash} passes before reaching a free one (what
   * a miss costs); for tests.
   */
  int probeLength(int hash) {
    int[] h = hashes;
    int mask = h.length - 1;
    int n = 0;
    for (int i = hash & mask; h[i] != FREE && n < h.length; i = (i + 1) & mask) {
      n++;
    }
    return n;
  }

  /**
   * The entry whose key equals {@code key} (whose {@link #spread} is {@code hash}), or null. Safe
   * to call without the lock, with the caveats in the class comment.
   */
  @SuppressWarnings("unchecked")
  E get(int hash, Object key) {
    int[] h = hashes;
    Entry<?>[] e = entries;
    if (h.length != e.length) {
      return null; // a write is resizing the table: the caller's validation fails
    }
    int mask = h.length - 1;
    int i = hash & mask;
    for (int probes = 0; probes < h.length; probes++, i = (i + 1) & mask) {
      int stored = h[i];
      if (stored == FREE) {
        break;
      }
      if (stored == hash) {
        Entry<?> held = e[i];
        if (held != null && held.hasKey(key)) {
          return (E) held;
        }
      }
    }
    ConcurrentSkipListMap<K, E> o = overflow;
    return o == null ? null : o.get(key);
  }

  /**
   * For a read-ahead ({@link InMemoryStorage#readAhead}): the word of the hash array at which a
   * lookup of {@code hash} starts probing, read so that its cache line is on its way. Safe without
   * the lock; the answer means nothing.
   */
  int homeWord(int hash) {
    int[] h = hashes;
    return h[hash & (h.length - 1)];
  }

  /**
   * For a read-ahead: where a lookup of {@code hash} stops in the table, reading the entry
   * reference there (not the entry): the slot of the first entry whose stored hash matches, or the
   * free slot that ends the probe run (where {@link #put} would add the key). Returns that slot's
   * index, or its complement ({@code ~index}, negative) if it holds no entry; {@link
   * Integer#MIN_VALUE} if the run has no end or a write is resizing the table. Safe without the
   * lock: bounded by the table's length, never throws; a concurrent write makes the answer stale,
   * which only makes a later {@link #entryAt} read a useless entry.
   */
  int probeSlot(int hash) {
    int[] h = hashes;
    Entry<?>[] e = entries;
    if (h.length != e.length) {
      return Integer.MIN_VALUE;
    }
    int mask = h.length - 1;
    int i = hash & mask;
    for (int probes = 0; probes < h.length; probes++, i = (i + 1) & mask) {
      int stored = h[i];
      if (stored == hash || stored == FREE) {
        return e[i] == null ? ~i : i;
      }
    }
    return Integer.MIN_VALUE;
  }

  /**
   * For a read-ahead: the entry at slot {@code index} of the table now (a {@link #probeSlot}
   * answer, possibly stale), or null if the table has no such slot any more. The entry may be of
   * another key: a hint to read, never to use. Safe without the lock.
   */
  @SuppressWarnings("unchecked")
  E entryAt(int index) {
    Entry<?>[] e = entries;
    return index >= 0 && index < e.length ? (E) e[index] : null;
  }

  /**
   * Makes room for {@code puts} more {@link #put}s into the table arrays, so that they do not
   * resize it (a put that overflows still allocates in the overflow map): grows the table now if
   * it would. Changes nothing a reader sees; the in-memory store calls it before a commit's
   * first change, so that the allocation fails (out of memory) before anything changed.
   */
  void reserve(int puts) {
    int capacity = hashes.length;
    while (size + puts > capacity - (capacity >>> 2)) {
      capacity *= 2;
    }
    if (capacity != hashes.length) {
      resize(capacity);
    }
  }

  /** Adds {@code entry}, whose key's {@link #spread} is {@code hash} and which has no entry yet. */
  void put(int hash, E entry) {
    if (size + 1 > hashes.length - (hashes.length >>> 2)) {
      resize(hashes.length * 2);
    }
    int[] h = hashes;
    int mask = h.length - 1;
    int i = hash & mask;
    int same = 0;
    while (h[i] != FREE) {
      if (h[i] == hash && ++same >= SAME_HASH_LIMIT) {
        ConcurrentSkipListMap<K, E> o = overflow;
        if (o == null) {
          o = new ConcurrentSkipListMap<>();
          overflow = o;
        }
        overflowSize++;
        try {
          o.put(entry.key, entry);
        } catch (RuntimeException | Error failed) { // the skip list may link the entry, then fail
          if (o.get(entry.key) != entry) {
            overflowSize--;
          }
          throw failed;
        }
        return;
      }
      i = (i + 1) & mask;
    }
    entries[i] = entry;
    h[i] = hash;
    size++;
  }

  /**
   * Removes {@code entry} (this very object), whose key's {@link #spread} is {@code hash}, from
   * the table or its overflow; false if it is not held.
   */
  boolean remove(int hash, E entry) {
    int[] h = hashes;
    Entry<?>[] e = entries;
    int mask = h.length - 1;
    int i = hash & mask;
    while (h[i] != FREE) {
      if (e[i] == entry) {
        deleteAt(i);
        size--;
        return true;
      }
      i = (i + 1) & mask;
    }
    ConcurrentSkipListMap<K, E> o = overflow;
    if (o != null && o.remove(entry.key, entry)) { // entries do not override equals: this very one
      overflowSize--;
      return true;
    }
    return false;
  }

  /** Calls {@code action} with each entry (of the table, then of the overflow), in no particular order; not during writes. */
  @SuppressWarnings("unchecked")
  void forEach(Consumer<? super E> action) {
    Entry<?>[] e = entries;
    for (Entry<?> entry : e) {
      if (entry != null) {
        action.accept((E) entry);
      }
    }
    ConcurrentSkipListMap<K, E> o = overflow;
    if (o != null) {
      o.values().forEach(action);
    }
  }

  /**
   * Empties slot {@code i} and moves later entries of its probe run back into the gap (backward
   * shift deletion), so lookups never need markers of deleted entries.
   */
  private void deleteAt(int i) {
    int[] h = hashes;
    Entry<?>[] e = entries;
    int mask = h.length - 1;
    int gap = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (h[j] == FREE) {
        break;
      }
      if (mayFillGap(gap, j, h[j] & mask)) {
        // Plain writes: an unlocked reader may see them in either order, so the moved hash
        // beside the gap's old entry (or null), or the moved entry beside the old hash. Readers
        // compare the key of any entry whose hash matches and skip nulls, so such a reader at
        // worst misses the moving entry, which the caller's validation (or check under the
        // lock) catches.
        e[gap] = e[j];
        h[gap] = h[j];
        gap = j;
      }
    }
    h[gap] = FREE;
    e[gap] = null;
  }

  /**
   * Whether, in backward-shift deletion, the entry at slot {@code j} whose home slot is
   * {@code home} may move back into the free slot {@code gap}: when its home is not cyclically
   * inside {@code (gap, j]} (else a lookup from its home would no longer reach it). Shared with
   * {@link EventIdTable}.
   */
  static boolean mayFillGap(int gap, int j, int home) {
    return gap <= j ? !(gap < home && home <= j) : !(gap < home || home <= j);
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
      entries = java.util.Arrays.copyOf(entries, entries.length * 2);
    }
  }

  private void resize(int capacity) {
    int[] h = new int[capacity];
    Entry<?>[] e = new Entry<?>[capacity];
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] != FREE) {
        insert(h, e, hashes[i], entries[i]);
      }
    }
    // Entries first, hashes last: a concurrent get() that sees the new hashes with the old
    // entries, or the reverse, sees different lengths and gives up.
    entries = e;
    hashes = h;
  }

  private static void insert(int[] h, Entry<?>[] e, int hash, Entry<?> entry) {
    int mask = h.length - 1;
    int i = hash & mask;
    while (h[i] != FREE) {
      i = (i + 1) & mask;
    }
    e[i] = entry;
    h[i] = hash;
  }
}
