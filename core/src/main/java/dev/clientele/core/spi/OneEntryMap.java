package dev.clientele.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Set;

/**
 * An unmodifiable map of exactly one entry, held in two fields: what {@link
 * InMemoryStorage#ownedProfiles} hands over as the profiles of an event whose identifiers have
 * one owner (most events), one object instead of a {@link SmallMap} and its array. Equality
 * and hash code are those of {@link java.util.Map}; a lookup of null finds nothing (as in
 * {@link SmallMap}); a change that would change it throws {@link UnsupportedOperationException}
 * (removing an absent key returns null, as for {@link SmallMap}).
 */
final class OneEntryMap<K, V> extends CompactMap<K, V> {
  private final K key;
  private final V value;

  OneEntryMap(K key, V value) {
    this.key = requireNonNull(key, "key");
    this.value = requireNonNull(value, "value");
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public boolean isEmpty() {
    return false;
  }

  @Override
  public boolean containsKey(Object k) {
    return key == k || key.equals(k);
  }

  @Override
  public boolean containsValue(Object v) {
    return value == v || value.equals(v);
  }

  @Override
  public V get(Object k) {
    return containsKey(k) ? value : null;
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    // Collections.singleton, not Set.of: contains(null) is false, as for SmallMap's entries.
    return Collections.singleton(new AbstractMap.SimpleImmutableEntry<>(key, value));
  }
}
