package dev.clientele.segments;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the event-history conditions of the configured segments read from one profile's
 * timeline, kept so that re-evaluation after an event need not read the whole timeline again
 * (see {@link Segments}, "Timeline cache").
 *
 * <p>For each {@link Key} (an event type, optionally an action, and for sums a data field) it
 * holds the times of the matching events sorted (and for sums each event's number), so that a
 * count, sum, first or last within any window ending at any as-of instant is a binary search
 * (and, for sums, a difference of prefix sums). It holds every event of the timeline,
 * whatever its time: the as-of instant is applied when reading, so one index serves any
 * {@code asOf}. It also holds a 64-bit hash of the id of every event on the timeline, so that
 * {@link #mayContain} can tell for sure that an event is <em>not</em> in it.
 *
 * <p>The index is labelled with the profile version, event count and identifiers (anchors) of
 * the profile it was built for; {@link Segments} decides from them whether it still describes
 * the stored timeline. Not thread-safe: used and changed under the profile's lock only.
 */
final class TimelineIndex {
  /** Approximate fixed cost of an index, in bytes (for {@link #bytes()}). */
  private static final long BASE_BYTES = 160;

  /**
   * The least an index holds per event of the timeline: its event-id hash table is at least twice
   * the events, 8 bytes a slot. A profile with more events than a budget allows at this rate
   * cannot be kept.
   */
  static final long MIN_BYTES_PER_EVENT = 16;

  /** Approximate fixed cost of a series, in bytes. */
  private static final long SERIES_BYTES = 96;

  /** Approximate cost of one anchor held, in bytes. */
  private static final long ANCHOR_BYTES = 96;


  /**
   * What one event-history leaf reads: events of {@code type}, of {@code action} unless it is
   * null, with the number in data field {@code field} when it is not null (sums).
   */
  record Key(String type, String action, String field) {
    /** Whether {@code e} is counted under this key. */
    boolean matches(Event e) {
      return e.type().equals(type) && (action == null || e.action().equals(action));
    }
  }

  /** The profile version this index describes. */
  long version;

  /** The {@link dev.clientele.core.Profile#eventCount()} of that version. */
  long eventCount;

  /** The identifiers (anchors) whose events this index holds. */
  final Set<Identifier> anchors;

  private final Map<Key, Series> series;
  private final Series[] all;
  /** Open addressing set of event id hashes; 0 marks a free slot (a zero hash is stored as 1). */
  private long[] ids;

  private int idCount;

  private TimelineIndex(long version, long eventCount, Set<Identifier> anchors, Collection<Key> keys, int expectedEvents) {
    this.version = version;
    this.eventCount = eventCount;
    this.anchors = Set.copyOf(anchors);
    this.series = new HashMap<>();
    for (Key k : keys) {
      series.put(k, new Series(k));
    }
    this.all = series.values().toArray(new Series[0]);
    int cap = 16;
    while (cap < expectedEvents * 2L) {
      cap <<= 1;
    }
    this.ids = new long[cap];
  }

  /**
   * An index of {@code events} (a timeline read whole, any order) for the given keys.
   *
   * @param version the version of the profile whose identifiers were read
   * @param eventCount that profile's event count
   * @param anchors that profile's identifiers
   */
  static TimelineIndex of(long version, long eventCount, Set<Identifier> anchors, Collection<Key> keys, List<StoredEvent> events) {
    TimelineIndex x = new TimelineIndex(version, eventCount, anchors, keys, events.size());
    for (StoredEvent e : events) {
      x.add(e.event());
    }
    return x;
  }

  /** Whether an event with this id may be in the index; false means it certainly is not. */
  boolean mayContain(String eventId) {
    long h = hash(eventId);
    int mask = ids.length - 1;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      long s = ids[i];
      if (s == 0) {
        return false;
      }
      if (s == h) {
        return true;
      }
    }
  }

  /** Adds {@code e} (an event appended to the timeline). */
  void add(Event e) {
    addId(hash(e.id()));
    for (Series s : all) {
      s.addIfMatching(e);
    }
  }

  /** The series of {@code key}, or null if this index does not hold it. */
  Series series(Key key) {
    return series.get(key);
  }

  /** An estimate of the memory this index holds, in bytes (the weight in the cache). */
  long bytes() {
    long b = BASE_BYTES + anchors.size() * ANCHOR_BYTES + ids.length * 8L;
    for (Series s : all) {
      b += s.bytes();
    }
    return b;
  }

  private void addId(long h) {
    if ((idCount + 1) * 2L > ids.length) {
      long[] old = ids;
      ids = new long[old.length * 2];
      for (long s : old) {
        if (s != 0) {
          insert(ids, s);
        }
      }
    }
    if (insert(ids, h)) {
      idCount++;
    }
  }

  private static boolean insert(long[] table, long h) {
    int mask = table.length - 1;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      long s = table[i];
      if (s == 0) {
        table[i] = h;
        return true;
      }
      if (s == h) {
        return false;
      }
    }
  }

  /** A 64-bit FNV-1a hash of the id's chars, mixed; never 0. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  /**
   * The events of one key: their times in ascending order (as epoch seconds and nanoseconds),
   * and for sums their numbers (null where the field holds no number) with prefix sums
   * computed on demand.
   */
  static final class Series {
    private final Key key;
    private final boolean sums;
    private long[] seconds = new long[4];
    private int[] nanos = new int[4];
    private BigDecimal[] values;
    /** {@code prefix[i]} is the sum of {@code values[0..i)}; valid for {@code i <= prefixValid}. */
    private BigDecimal[] prefix;

    private int prefixValid;
    private int size;

    Series(Key key) {
      this.key = key;
      this.sums = key.field() != null;
      if (sums) {
        values = new BigDecimal[4];
        prefix = new BigDecimal[5];
        prefix[0] = BigDecimal.ZERO;
      }
    }

    void addIfMatching(Event e) {
      if (!key.matches(e)) {
        return;
      }
      Instant t = e.timestamp();
      BigDecimal v = sums ? Compiler.amount(e.data().get(key.field())) : null;
      insert(t.getEpochSecond(), t.getNano(), v);
    }

    /** The number of events. */
    int size() {
      return size;
    }

    /** The index of the first event at or after {@code t}. */
    int lowerBound(Instant t) {
      return firstAfter(t, false);
    }

    /** The index of the first event after {@code t}. */
    int upperBound(Instant t) {
      return firstAfter(t, true);
    }

    /** The index of the first event after {@code t} ({@code strictly}) or at or after it. */
    private int firstAfter(Instant t, boolean strictly) {
      long s = t.getEpochSecond();
      int n = t.getNano();
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        int c = compare(mid, s, n);
        if (c < 0 || strictly && c == 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** The time of the event at {@code i}. */
    Instant time(int i) {
      return Instant.ofEpochSecond(seconds[i], nanos[i]);
    }

    /** The number of events at or after {@code from} and at or before {@code asOf}. */
    long count(Instant from, Instant asOf) {
      int lo = lowerBound(from);
      int hi = upperBound(asOf);
      return Math.max(0, hi - lo);
    }

    /** The sum of the numbers of the events at or after {@code from} and at or before {@code asOf}. */
    BigDecimal sum(Instant from, Instant asOf) {
      int lo = lowerBound(from);
      int hi = upperBound(asOf);
      if (hi <= lo) {
        return BigDecimal.ZERO;
      }
      // Exact: every amount has at most EventData.MAX_NUMBER_DIGITS digits before and after the
      // point (Compiler.amount), so prefix sums stay small whatever lies outside the window.
      extendPrefix(hi);
      return lo == 0 ? prefix[hi] : prefix[hi].subtract(prefix[lo]);
    }

    private void extendPrefix(int upTo) {
      for (int i = prefixValid; i < upTo; i++) {
        BigDecimal v = values[i];
        prefix[i + 1] = v == null ? prefix[i] : prefix[i].add(v);
      }
      prefixValid = Math.max(prefixValid, upTo);
    }

    private int compare(int i, long s, int n) {
      int c = Long.compare(seconds[i], s);
      return c != 0 ? c : Integer.compare(nanos[i], n);
    }

    private void insert(long s, int n, BigDecimal v) {
      if (size == seconds.length) {
        int cap = size * 2;
        seconds = Arrays.copyOf(seconds, cap);
        nanos = Arrays.copyOf(nanos, cap);
        if (sums) {
          values = Arrays.copyOf(values, cap);
          prefix = Arrays.copyOf(prefix, cap + 1);
        }
      }
      // After any equal times: in order of arrival among ties (their order does not matter).
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (compare(mid, s, n) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      int at = lo;
      int tail = size - at;
      if (tail > 0) {
        System.arraycopy(seconds, at, seconds, at + 1, tail);
        System.arraycopy(nanos, at, nanos, at + 1, tail);
        if (sums) {
          System.arraycopy(values, at, values, at + 1, tail);
        }
      }
      seconds[at] = s;
      nanos[at] = n;
      if (sums) {
        values[at] = v;
        prefixValid = Math.min(prefixValid, at);
      }
      size++;
    }

    /** An estimate of the memory held, in bytes. */
    long bytes() {
      long b = SERIES_BYTES + seconds.length * 12L;
      if (sums) {
        // The arrays, and the numbers and prefix sums they hold: about 40 bytes each (a BigDecimal
        // with a small unscaled value; numbers read from text are the event's own copies). Prefix
        // sums are counted as if all were built, which a sum over the whole timeline does: the
        // cache weighs an index when it is put, before the sums it will answer are computed.
        b += values.length * 8L + prefix.length * 8L + size * 80L;
      }
      return b;
    }
  }
}
