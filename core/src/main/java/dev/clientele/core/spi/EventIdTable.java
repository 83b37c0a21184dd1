package dev.clientele.core.spi;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.util.Arrays;
import java.util.List;

/**
 * The stored events of one stripe of {@link InMemoryStorage} whose ids hash there: a log of the
 * events and their anchors, each at an int position that does not change while it is stored, and
 * an index of their ids for de-duplication.
 *
 * <h2>Layout, for the garbage collector</h2>
 * The index is an open-addressing table (linear probing) of {@code long} words, each holding the
 * low {@value #HASH_BITS} bits of an id's 64-bit {@link #hash} and the event's position in the
 * log ({@value #POSITION_BITS} bits). It holds no references: the collector never scans it, and
 * adding an id stores no reference into a random slot of a large old array (each such store
 * dirties a card that the collector's concurrent refinement and the next young pause must
 * scan). The log is a list of chunks of {@value #CHUNK} event references filled in order, so
 * the references that ingestion stores land side by side, 128 per 512-byte card (compressed
 * references); positions freed by erasures are reused first, so after erasures some appends land
 * in older chunks until the freed positions are used up. Identifier slots refer to events by position
 * ({@code int[]}, not scanned either).
 *
 * <p>A lookup compares the stored hash bits in one {@code long[]} and compares the id itself (in
 * the log) only when they match, so it is exact; a miss, the common case of ingestion, touches one
 * cache line of the table and no string. Memory per event: 8 bytes per table slot (at most 3/4
 * full, at least 3/8 after growing) and 8 for its log entry (the event and its anchor, each a
 * compressed reference in a chunk of its own), against 12 per slot before (a hash and a reference)
 * and about 40 for a node of a {@code ConcurrentHashMap} key set.
 *
 * <p>Positions start at 1 (so no word is 0, the free marker) and are reused after removals, so a
 * table holds at most {@value #MAX_EVENTS} events at a time: {@link #add} refuses more.
 *
 * <p>Not thread-safe for writes: the lock of the storage's stripe that holds the table guards
 * {@link #add} and {@link #remove}; {@link #event} reads under that stripe's lock.
 * {@link #contains} may run concurrently with writes (under an optimistic read that the caller
 * validates afterwards): it never fails or loops then, though its answer may be wrong, which the
 * failed validation tells. So may the read-ahead helpers {@link #homeWord} and {@link #touch}.
 *
 * <h2>Views read without the lock</h2>
 * {@link #view} (under the lock) captures the log as it is: its chunk arrays, the first chunks
 * (the only ones ever replaced, by longer copies) and its end. {@link View#addTo} then reads the
 * positions below that end without the lock while writers go on. Entries are written once per
 * use of a position: above the end, appends write positions the view does not read; below it, a
 * removal only empties a position (the view skips it, or still sees the event, a reference
 * written before the view was taken), and a position freed by a removal is written again only by
 * an {@link #add} that was allowed to reuse it. So while a view may still be read, its writer
 * must not let adds reuse positions (the {@code reuse} argument): then every event and anchor a
 * view reads, as a pair, is one stored before the view was taken.
 */
final class EventIdTable {
  private static final int DEFAULT_CAPACITY = 1 << 10;
  /** Bits of a word that hold the event's position in the log (the low bits). */
  static final int POSITION_BITS = 26;
  /** Bits of a word that hold the low bits of the id's hash (the high bits). */
  static final int HASH_BITS = Long.SIZE - POSITION_BITS;
  /** The most events a table holds at a time: positions 1 to 2^26 - 1. */
  static final int MAX_EVENTS = (1 << POSITION_BITS) - 1;

  private static final int POSITION_MASK = (1 << POSITION_BITS) - 1;
  private static final long HASH_MASK = (1L << HASH_BITS) - 1;
  /** Marks a free slot of the table. */
  private static final long FREE = 0;

  private static final long ZERO_SUBSTITUTE = 0x5DEECE66DL;
  /** Log entries per chunk (a power of two); chunk 0 starts smaller and grows to this. */
  static final int CHUNK = 1 << 10;

  private static final int CHUNK_SHIFT = Integer.numberOfTrailingZeros(CHUNK);
  private static final int FIRST_CHUNK = 16;

  /** The index: per slot the id's hash bits and its event's position, or {@link #FREE}. */
  private long[] words;
  private int size;
  /**
   * The log: position {@code p} is entry {@code p & (CHUNK - 1)} of chunk {@code p >>> log2(CHUNK)}
   * (null: free, or removed). Chunks are created when the log reaches them; chunk 0 is
   * replaced by a longer copy while it grows, the others never are.
   */
  private Event[][] chunks = new Event[1][];
  /**
   * The anchors of the events, chunked like {@link #chunks}: position {@code p} of the log is the
   * event at {@code p} of {@link #chunks} with its anchor at {@code p} of these (null where the
   * event is null).
   */
  private Identifier[][] anchorChunks = new Identifier[1][];
  /** The next position never used yet (positions below it are used or {@link #free}). */
  private int end = 1;
  /** Positions freed by removals, reused before {@link #end} grows; the first {@link #freeCount}. */
  private int[] free = NO_POSITIONS;

  private int freeCount;
  private static final int[] NO_POSITIONS = {};

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
    words = new long[capacity];
  }

  /**
   * The 64-bit hash of an event id (FNV-1a over the characters, then a final avalanche so the
   * low bits that pick a slot depend on every character); never 0.
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
    return h == 0 ? ZERO_SUBSTITUTE : h;
  }

  /** The number of events held. */
  int size() {
    return size;
  }

  /** How many positions of the log were never used: what {@link #add} without reuse has left. */
  int freshPositions() {
    return MAX_EVENTS + 1 - end;
  }

  /** Whether {@code word} (not free) stands for an id whose {@link #hash} is {@code hash}. */
  private static boolean sameHash(long word, long hash) {
    return word >>> POSITION_BITS == (hash & HASH_MASK);
  }

  /** Whether an event with this id (whose {@link #hash} is {@code hash}) is held. */
  boolean contains(long hash, String id) {
    return positionOf(hash, id) >= 0;
  }

  /**
   * Whether an event with this id (whose {@link #hash} is {@code hash}) is held anchored at
   * {@code anchor}: {@link #contains} that also compares the anchor kept with it. Safe for an
   * unlocked reader as {@link #contains} is (a racing writer gives an answer to discard).
   */
  boolean containsAt(long hash, String id, Identifier anchor) {
    int position = positionOf(hash, id);
    return position >= 0 && anchor.equals(anchorOrNull(position));
  }

  /**
   * The position of the event with this id (whose {@link #hash} is {@code hash}), or -1 if it is
   * not held; never an exception, so an unlocked reader may call it (a racing writer gives an
   * answer to discard).
   */
  private int positionOf(long hash, String id) {
    long[] w = words;
    int mask = w.length - 1;
    int i = (int) hash & mask;
    for (int probes = 0; probes < w.length; probes++, i = (i + 1) & mask) {
      long stored = w[i];
      if (stored == FREE) {
        return -1;
      }
      if (sameHash(stored, hash)) {
        int position = (int) stored & POSITION_MASK;
        Event held = eventOrNull(position);
        if (held != null && held.id().equals(id)) {
          return position;
        }
      }
    }
    return -1;
  }

  /** The anchor of the event at {@code position}, or null; never an exception (as {@link #eventOrNull}). */
  private Identifier anchorOrNull(int position) {
    Identifier[][] c = anchorChunks;
    int k = position >>> CHUNK_SHIFT;
    if (k >= c.length) {
      return null;
    }
    Identifier[] chunk = c[k];
    int at = position & (CHUNK - 1);
    return chunk == null || at >= chunk.length ? null : chunk[at];
  }

  /**
   * The event at {@code position} (returned by {@link #add}), or null if none is there; also
   * null, never an exception, for a position the log has not reached, so that an unlocked reader
   * racing a writer gets an answer its validation then discards.
   */
  Event eventOrNull(int position) {
    Event[][] c = chunks;
    int k = position >>> CHUNK_SHIFT;
    if (k >= c.length) {
      return null;
    }
    Event[] chunk = c[k];
    int at = position & (CHUNK - 1);
    return chunk == null || at >= chunk.length ? null : chunk[at];
  }

  /** The event at {@code position}, which holds one; called under the stripe's lock. */
  Event event(int position) {
    Event e = eventOrNull(position);
    if (e == null) {
      throw new IllegalStateException("no event at position " + position);
    }
    return e;
  }

  /**
   * For a read-ahead ({@link InMemoryStorage#readAhead}): the word of the table at which a lookup
   * of {@code hash} starts probing, read so that its cache line is on its way. Safe without the
   * lock; the answer means nothing.
   */
  long homeWord(long hash) {
    long[] w = words;
    return w[(int) hash & (w.length - 1)];
  }

  /**
   * For a read-ahead ({@link InMemoryStorage#readAhead}): reads the memory that {@link #contains}
   * and {@link #add} of an id whose {@link #hash} is {@code hash} touch: the probe run of the
   * table, and for the first word with the id's hash bits its event in the log. Returns the
   * number of probes to a free slot (not negative) when it found no such word, else the
   * complement of the probes plus the length of the id it read (negative). Safe without the lock like {@link #contains}, bounded
   * by the table's length.
   */
  int touch(long hash) {
    long[] w = words;
    int mask = w.length - 1;
    int i = (int) hash & mask;
    for (int probes = 0; probes < w.length; probes++, i = (i + 1) & mask) {
      long stored = w[i];
      if (stored == FREE) {
        return probes;
      }
      if (sameHash(stored, hash)) {
        Event e = eventOrNull((int) stored & POSITION_MASK);
        return e == null ? ~probes : ~(probes + e.id().length());
      }
    }
    return w.length;
  }

  /**
   * Adds {@code event}, whose id hashes to {@code hash} and is not held yet, anchored at {@code
   * anchor}; returns its position in the log (from 1 on). With {@code reuse} false it takes a
   * position never used yet even if removals freed some (while a {@link View} may be read).
   *
   * @throws IllegalStateException if the table holds {@value #MAX_EVENTS} events already, or if
   *     {@code reuse} is false and the log has no position left that was never used
   */
  int add(long hash, Event event, Identifier anchor, boolean reuse) {
    if (size >= MAX_EVENTS || (!reuse && end > MAX_EVENTS)) {
      throw new IllegalStateException("an event table holds at most " + MAX_EVENTS + " events");
    }
    if (size + 1 > words.length - (words.length >>> 2)) {
      resize(words.length * 2);
    }
    int position = store(event, anchor, reuse);
    insert(words, hash, position);
    size++;
    return position;
  }

  /**
   * Makes room for {@code adds} more {@link #add}s with this {@code reuse}, so that they allocate
   * nothing: the index grows now if it would, and the log's chunks that the positions they take
   * will lie in are made now. Changes nothing a reader sees (the index is rebuilt with the same
   * words, chunk 0 replaced by a longer copy, chunks created empty). Called under the stripe's
   * lock before a commit changes anything, so that an allocation that fails (out of memory)
   * fails before the commit's first change. The caller has checked that the positions exist
   * (at most {@value #MAX_EVENTS} events, {@link #freshPositions} without reuse).
   */
  void reserve(int adds, boolean reuse) {
    if (adds <= 0) {
      return;
    }
    int need = size + adds;
    int capacity = words.length;
    while (need > capacity - (capacity >>> 2)) {
      capacity *= 2;
    }
    if (capacity != words.length) {
      resize(capacity);
    }
    int fresh = reuse ? Math.max(0, adds - freeCount) : adds;
    if (fresh == 0) {
      return;
    }
    int last = end + fresh - 1; // the last position never used yet that the adds take
    int lastChunk = last >>> CHUNK_SHIFT;
    if (lastChunk >= chunks.length) {
      int length = Math.max(2, chunks.length + (chunks.length >>> 1));
      length = Math.max(length, lastChunk + 1);
      Event[][] c = Arrays.copyOf(chunks, length); // both made before either is kept
      Identifier[][] a = Arrays.copyOf(anchorChunks, length);
      chunks = c;
      anchorChunks = a;
    }
    for (int k = end >>> CHUNK_SHIFT; k <= lastChunk; k++) {
      Event[] chunk = chunks[k];
      int length = k == 0 ? Math.min(CHUNK, Math.max(FIRST_CHUNK, Integer.highestOneBit(Math.min(last, CHUNK - 1)) * 2)) : CHUNK;
      if (chunk == null) {
        Event[] e = new Event[length];
        Identifier[] a = new Identifier[length];
        chunks[k] = e;
        anchorChunks[k] = a;
      } else if (chunk.length < length) { // chunk 0, growing (a view may hold the shorter one)
        Event[] e = Arrays.copyOf(chunk, length);
        Identifier[] a = Arrays.copyOf(anchorChunks[k], length);
        chunks[k] = e;
        anchorChunks[k] = a;
      }
    }
  }

  /**
   * Makes room for {@code removals} more {@link #remove}s, so that they allocate nothing (the list
   * of freed positions grows now if it would); changes nothing a reader sees.
   */
  void reserveRemovals(int removals) {
    if (removals > 0 && freeCount + removals > free.length) {
      free = Arrays.copyOf(free, Math.max(8, Math.max(freeCount + removals, free.length * 2)));
    }
  }

  /** The log's next position never used ({@code end}) and its count of freed positions, packed, for {@link #undoAdd}. */
  long mark() {
    return (long) end << 32 | freeCount;
  }

  /**
   * Undoes the last {@link #add} (of the id whose {@link #hash} is {@code hash}, at {@code position}),
   * given the {@link #mark} taken just before it: the table is as before that add (the words may
   * lie in other slots of the index). Allocates nothing.
   */
  void undoAdd(long hash, int position, long mark) {
    long[] w = words;
    int mask = w.length - 1;
    int i = (int) hash & mask;
    while (w[i] != FREE && ((int) w[i] & POSITION_MASK) != position) {
      i = (i + 1) & mask;
    }
    if (w[i] == FREE) {
      throw new IllegalStateException("no event at position " + position + " to undo");
    }
    deleteAt(i);
    size--;
    chunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = null;
    anchorChunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = null;
    int freedBefore = (int) mark;
    if (freeCount < freedBefore) { // the add took the last freed position: it is freed again
      free[freedBefore - 1] = position; // (a removal since, undone by now, may have written there)
    }
    end = (int) (mark >>> 32);
    freeCount = freedBefore;
  }

  /**
   * Undoes the last {@link #remove}, of {@code event} (whose id's {@link #hash} is {@code hash})
   * anchored at {@code anchor}, which was at {@code position}: it is there again, and the position
   * leaves the freed ones. Allocates nothing (the index has room: it held the event before).
   */
  void undoRemove(long hash, int position, Event event, Identifier anchor) {
    if (freeCount == 0 || free[freeCount - 1] != position) {
      throw new IllegalStateException("position " + position + " was not the last one freed");
    }
    freeCount--;
    chunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = event;
    anchorChunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = anchor;
    insert(words, hash, position);
    size++;
  }

  /**
   * If the table holds no event any more, lets its log start again: its chunks go (views keep
   * theirs). Allocates nothing; a commit calls it after its last change, as the log is the same
   * either way.
   */
  void compactIfEmpty() {
    if (size == 0 && end > 1) {
      chunks = NO_CHUNKS;
      anchorChunks = NO_ANCHOR_CHUNKS;
      end = 1;
      free = NO_POSITIONS;
      freeCount = 0;
    }
  }

  /** The chunks of a log that starts again: none (an add makes the arrays it needs). */
  private static final Event[][] NO_CHUNKS = {};

  private static final Identifier[][] NO_ANCHOR_CHUNKS = {};

  /**
   * Writes {@code event} and its anchor to a free position of the log (a freed one first, if
   * {@code reuse}) and returns it.
   */
  private int store(Event event, Identifier anchor, boolean reuse) {
    int position;
    if (reuse && freeCount > 0) {
      position = free[--freeCount];
    } else {
      position = end;
      int k = position >>> CHUNK_SHIFT;
      int at = position & (CHUNK - 1);
      if (k == chunks.length) {
        int length = Math.max(2, chunks.length + (chunks.length >>> 1));
        chunks = Arrays.copyOf(chunks, length);
        anchorChunks = Arrays.copyOf(anchorChunks, length);
      }
      Event[] chunk = chunks[k];
      if (chunk == null) {
        int length = k == 0 ? FIRST_CHUNK : CHUNK;
        chunks[k] = new Event[length];
        anchorChunks[k] = new Identifier[length];
      } else if (at == chunk.length) { // chunk 0, growing (a view may hold the shorter one)
        int length = Math.min(CHUNK, chunk.length * 2);
        chunks[k] = Arrays.copyOf(chunk, length);
        anchorChunks[k] = Arrays.copyOf(anchorChunks[k], length);
      }
      end = position + 1;
    }
    int k = position >>> CHUNK_SHIFT;
    int at = position & (CHUNK - 1);
    chunks[k][at] = event;
    anchorChunks[k][at] = anchor;
    return position;
  }

  /**
   * The log as it is now, to be read by {@link View#addTo} after the lock is released; called
   * under the stripe's lock. Takes a constant time: it copies no entry.
   */
  View view() {
    Event[] chunk0 = chunks.length == 0 ? null : chunks[0]; // none: the log is empty (end 1)
    Identifier[] anchorChunk0 = anchorChunks.length == 0 ? null : anchorChunks[0];
    return new View(chunks, chunk0, anchorChunks, anchorChunk0, end);
  }

  /**
   * The log of an {@link EventIdTable} as it was under its stripe's lock (see the class comment:
   * its writer must not reuse positions while this may be read).
   *
   * @param chunks the log's chunks then (their entries below {@code end} are read; chunk 0 from
   *     {@code chunk0})
   * @param chunk0 chunk 0 then (later replaced by a longer copy, which need not be visible to
   *     another thread)
   * @param anchorChunks the anchors' chunks then
   * @param anchorChunk0 the anchors' chunk 0 then
   * @param end the first position never used then
   */
  record View(Event[][] chunks, Event[] chunk0, Identifier[][] anchorChunks, Identifier[] anchorChunk0, int end) {
    /**
     * Adds the events of the log below {@link #end} to {@code out}, each with its anchor,
     * skipping positions that are free or were emptied since the view was taken; safe without
     * the lock.
     */
    void addTo(List<StoredEvent> out) {
      for (int p = 1; p < end; p++) {
        int k = p >>> CHUNK_SHIFT;
        int at = p & (CHUNK - 1);
        Event e = (k == 0 ? chunk0 : chunks[k])[at];
        if (e == null) {
          continue;
        }
        Identifier anchor = (k == 0 ? anchorChunk0 : anchorChunks[k])[at];
        if (anchor != null) { // null: removed since the view was taken, between the two reads
          out.add(new StoredEvent(e, anchor));
        }
      }
    }
  }

  /** Removes the event with this id (whose {@link #hash} is {@code hash}); false if it is not held. */
  boolean remove(long hash, String id) {
    long[] w = words;
    int mask = w.length - 1;
    int i = (int) hash & mask;
    while (w[i] != FREE) {
      if (sameHash(w[i], hash)) {
        int position = (int) w[i] & POSITION_MASK;
        if (event(position).id().equals(id)) {
          deleteAt(i);
          size--;
          release(position);
          return true;
        }
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  /**
   * Empties {@code position} of the log (its event is no longer referenced) for reuse. The log
   * does not start again here when the table empties ({@link #compactIfEmpty} does, after the
   * commit), so that a commit that fails after this can {@link #undoRemove}.
   */
  private void release(int position) {
    chunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = null;
    anchorChunks[position >>> CHUNK_SHIFT][position & (CHUNK - 1)] = null; // an erased anchor is not kept
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, Math.max(8, free.length * 2));
    }
    free[freeCount++] = position;
  }

  /**
   * Empties slot {@code i} and moves later entries of its probe run back into the gap (backward
   * shift deletion), so lookups never need markers of deleted entries.
   */
  private void deleteAt(int i) {
    long[] w = words;
    int mask = w.length - 1;
    int gap = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (w[j] == FREE) {
        break;
      }
      if (KeyedTable.mayFillGap(gap, j, home(w[j], mask))) {
        w[gap] = w[j];
        gap = j;
      }
    }
    w[gap] = FREE;
  }

  /** The slot where the lookup of the id of {@code word} starts, in a table of {@code mask + 1} slots. */
  private static int home(long word, int mask) {
    return (int) (word >>> POSITION_BITS) & mask;
  }

  private void resize(int capacity) {
    long[] w = new long[capacity];
    int mask = capacity - 1;
    for (long word : words) {
      if (word != FREE) {
        int i = home(word, mask);
        while (w[i] != FREE) {
          i = (i + 1) & mask;
        }
        w[i] = word;
      }
    }
    words = w;
  }

  private static void insert(long[] w, long hash, int position) {
    int mask = w.length - 1;
    int i = (int) hash & mask;
    while (w[i] != FREE) {
      i = (i + 1) & mask;
    }
    w[i] = (hash & HASH_MASK) << POSITION_BITS | position;
  }

  /**
   * For tests: leaves the log as an unlocked reader may see it while a writer adds: the table
   * refers to positions that the log it reads does not reach yet (chunks not created, chunk 0
   * shorter). Only unlocked reads may follow.
   */
  void tearForTest() {
    chunks = new Event[1][];
    anchorChunks = new Identifier[1][];
  }
}
