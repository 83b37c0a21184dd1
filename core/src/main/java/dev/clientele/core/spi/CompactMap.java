package dev.clientele.core.spi;

import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The base of the store's small unmodifiable maps ({@link SmallMap}, {@link OneEntryMap}): the
 * {@link Map} contract in terms of {@link #size}, {@link #containsKey}, {@link #get} and {@link
 * #entrySet}, with no field of its own. {@link java.util.AbstractMap} would do the same but
 * holds two fields (its cached key set and values view) in every map, and these maps are made per
 * ingested event: eight bytes each (their key set and values are views made when asked, which
 * ingestion never does).
 *
 * <p>Behaves as an unmodifiable {@code AbstractMap} whose entry iterator cannot remove: every
 * change that would change the map throws {@link UnsupportedOperationException}, one that would
 * not (removing an absent key, clearing an empty map, putting all of an empty map) does nothing.
 * Equality, hash code and text are those of {@link Map} and {@code AbstractMap}. No null keys or
 * values are held; a lookup of null finds nothing.
 */
abstract class CompactMap<K, V> implements Map<K, V> {
  /** Whether the map has no entry. */
  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  /** Whether some entry has a value equal to {@code value}; false for null (none is held). */
  @Override
  public boolean containsValue(Object value) {
    if (value == null) {
      return false; // no null values held
    }
    for (Entry<K, V> e : entrySet()) {
      if (value.equals(e.getValue())) {
        return true;
      }
    }
    return false;
  }

  /** Always throws: the map is unmodifiable. */
  @Override
  public V put(K key, V value) {
    throw new UnsupportedOperationException("unmodifiable map");
  }

  /** Returns null for an absent key; throws for a present one: the map is unmodifiable. */
  @Override
  public V remove(Object key) {
    if (containsKey(key)) {
      throw new UnsupportedOperationException("unmodifiable map");
    }
    return null;
  }

  /** Does nothing for an empty {@code m}; throws otherwise: the map is unmodifiable. */
  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    if (!m.isEmpty()) {
      throw new UnsupportedOperationException("unmodifiable map");
    }
  }

  /** Does nothing if the map is empty; throws otherwise: the map is unmodifiable. */
  @Override
  public void clear() {
    if (!isEmpty()) {
      throw new UnsupportedOperationException("unmodifiable map");
    }
  }

  /** The keys, a view made on each call; unmodifiable. */
  @Override
  public Set<K> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<K> iterator() {
        return parts(Entry::getKey);
      }

      @Override
      public int size() {
        return CompactMap.this.size();
      }

      @Override
      public boolean contains(Object k) {
        return containsKey(k);
      }

      @Override
      public void clear() {
        CompactMap.this.clear();
      }
    };
  }

  /** The values, a view made on each call; unmodifiable. */
  @Override
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        return parts(Entry::getValue);
      }

      @Override
      public int size() {
        return CompactMap.this.size();
      }

      @Override
      public boolean contains(Object v) {
        return containsValue(v);
      }

      @Override
      public void clear() {
        CompactMap.this.clear();
      }
    };
  }

  /** One part of each entry, in the entries' order: the iterator of the key and value views. */
  private <T> Iterator<T> parts(java.util.function.Function<Entry<K, V>, T> part) {
    Iterator<Entry<K, V>> entries = entrySet().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return entries.hasNext();
      }

      @Override
      public T next() {
        return part.apply(entries.next());
      }
    };
  }

  /** Whether {@code o} is a {@link Map} of the same entries. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Map<?, ?> other) || other.size() != size()) {
      return false;
    }
    try {
      for (Entry<K, V> e : entrySet()) {
        // No null values here: an equal value in the other map is also there.
        if (!e.getValue().equals(other.get(e.getKey()))) {
          return false;
        }
      }
    } catch (ClassCastException | NullPointerException unlikeKeys) {
      return false; // the other map refuses our keys: it does not hold them
    }
    return true;
  }

  /** The sum of the entries' hash codes, as for every {@link Map}. */
  @Override
  public int hashCode() {
    int h = 0;
    for (Entry<K, V> e : entrySet()) {
      h += e.getKey().hashCode() ^ e.getValue().hashCode();
    }
    return h;
  }

  /** {@code {key=value, …}} in iteration order, as {@code AbstractMap} writes it. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    boolean first = true;
    for (Entry<K, V> e : entrySet()) {
      if (!first) {
        s.append(", ");
      }
      first = false;
      s.append(e.getKey()).append('=').append(e.getValue());
    }
    return s.append('}').toString();
  }
}
