package dev.clientele.core.spi;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An unmodifiable map of a few entries in one array (key, value, key, value, …), looked up by a
 * scan: what {@link InMemoryStorage#ownedProfiles} hands over per event (an event has a handful
 * of identifiers and owners). One object and one array instead of a {@code HashMap}, its table, a
 * node per entry and an unmodifiable view; a scan of up to a few keys compares references first.
 * Equality and hash code are those of {@link Map}. No null keys or values.
 *
 * <p>Past {@value #SCAN_LIMIT} entries a scan costs more than hashing, and a caller may hand over
 * many (a whole ingest batch's identifiers): the map then moves its entries into a {@link
 * LinkedHashMap} (keeping the order of insertion) and answers from it.
 *
 * <p>Built by {@link #add} while the store reads, then only read: every change through the
 * {@code Map} interface throws {@link UnsupportedOperationException}. Not thread-safe while
 * built; shared once handed over in an immutable object, like {@link OwnedProfiles}.
 */
final class SmallMap<K, V> extends CompactMap<K, V> {
  /** The most entries held in the scanned array; more go to {@link #hashed}. */
  static final int SCAN_LIMIT = 8;

  private Object[] kv;
  private int size;
  /** All entries once there are more than {@link #SCAN_LIMIT} (then {@link #kv} is dropped), else null. */
  private Map<K, V> hashed;

  /** An empty map with room for {@code capacity} entries before it grows. */
  SmallMap(int capacity) {
    kv = new Object[2 * Math.max(1, Math.min(capacity, SCAN_LIMIT))];
  }

  /** Whether the entries are held in a hash map (more than {@link #SCAN_LIMIT}); for tests. */
  boolean isHashed() {
    return hashed != null;
  }

  /** Adds an entry whose key (not null) is not in the map yet; only while the map is being built. */
  @SuppressWarnings("unchecked")
  void add(K key, V value) {
    if (hashed != null) {
      Object before = hashed.put(key, value);
      assert before == null : "a key added twice";
      size++;
      return;
    }
    if (size == SCAN_LIMIT) {
      Map<K, V> m = new LinkedHashMap<>(4 * SCAN_LIMIT);
      for (int i = 0; i < 2 * size; i += 2) {
        m.put((K) kv[i], (V) kv[i + 1]);
      }
      m.put(key, value);
      hashed = m;
      kv = null;
      size++;
      return;
    }
    if (2 * size == kv.length) {
      kv = Arrays.copyOf(kv, 2 * kv.length);
    }
    kv[2 * size] = key;
    kv[2 * size + 1] = value;
    size++;
  }

  private int indexOf(Object key) {
    Object[] a = kv;
    for (int i = 0, n = 2 * size; i < n; i += 2) {
      if (a[i] == key) {
        return i;
      }
    }
    if (key == null) {
      return -1;
    }
    for (int i = 0, n = 2 * size; i < n; i += 2) {
      if (a[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean containsKey(Object key) {
    Map<K, V> m = hashed;
    return m != null ? key != null && m.containsKey(key) : indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    Map<K, V> m = hashed;
    if (m != null) {
      return key == null ? null : m.get(key);
    }
    int i = indexOf(key);
    return i < 0 ? null : (V) kv[i + 1];
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    if (hashed != null) {
      return Collections.unmodifiableMap(hashed).entrySet();
    }
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<K, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Entry<K, V> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = 2 * next++;
            return new AbstractMap.SimpleImmutableEntry<>((K) kv[i], (V) kv[i + 1]);
          }
        };
      }
    };
  }
}
