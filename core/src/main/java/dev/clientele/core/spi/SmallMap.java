package dev.clientele.core.spi;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
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
 * <p>Built by {@link #add} while the store reads, then only read: every change through the
 * {@code Map} interface throws {@link UnsupportedOperationException}. Not thread-safe while
 * built; shared once handed over in an immutable object, like {@link OwnedProfiles}.
 */
final class SmallMap<K, V> extends AbstractMap<K, V> {
  private Object[] kv;
  private int size;

  /** An empty map with room for {@code capacity} entries before it grows. */
  SmallMap(int capacity) {
    kv = new Object[2 * Math.max(1, capacity)];
  }

  /** Adds an entry whose key (not null) is not in the map yet; only while the map is being built. */
  void add(K key, V value) {
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
    return indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : (V) kv[i + 1];
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
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
            return new SimpleImmutableEntry<>((K) kv[i], (V) kv[i + 1]);
          }
        };
      }
    };
  }
}
