package dev.clientele.core.spi;

import static java.util.Objects.requireNonNull;

import java.util.AbstractMap;
import java.util.Set;

/**
 * An unmodifiable map of exactly one entry, held in two fields: what {@link
 * InMemoryStorage#ownedProfiles} hands over as the profiles of an event whose identifiers have
 * one owner (most events), one object instead of a {@link SmallMap} and its array. Equality
 * and hash code are those of {@link java.util.Map}; a lookup of null finds nothing (as in
 * {@link SmallMap}); every change throws {@link UnsupportedOperationException}.
 */
final class OneEntryMap<K, V> extends AbstractMap<K, V> {
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
    return Set.of(new SimpleImmutableEntry<>(key, value));
  }
}
