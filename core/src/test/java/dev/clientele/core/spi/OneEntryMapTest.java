package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link OneEntryMap}: a {@link Map} of one entry by the interface's contract, unmodifiable. */
class OneEntryMapTest {
  private final Map<String, Integer> map = new OneEntryMap<>(new String("k"), 1);

  @Test
  void lookups_byEqualKey_andNullFindsNothing() {
    assertThat(map.get("k")).isEqualTo(1);
    assertThat(map.containsKey("k")).isTrue();
    assertThat(map.containsValue(1)).isTrue();
    assertThat(map.get("x")).isNull();
    assertThat(map.get(null)).isNull();
    assertThat(map.containsKey(null)).isFalse();
    assertThat(map.containsValue(null)).isFalse();
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.isEmpty()).isFalse();
    assertThat(map.getOrDefault("x", 7)).isEqualTo(7);
  }

  @Test
  void equalsAndHashCode_asAnyMapOfTheSameEntry() {
    Map<String, Integer> hashed = new HashMap<>(Map.of("k", 1));
    assertThat(map).isEqualTo(hashed);
    assertThat(hashed).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(hashed.hashCode());
    assertThat(map).isNotEqualTo(Map.of("k", 2)).isNotEqualTo(Map.of("k", 1, "j", 2));
    assertThat(map.keySet()).containsExactly("k");
    assertThat(map.values()).containsExactly(1);
    assertThat(map).hasToString("{k=1}");
  }

  @Test
  void changes_throw() {
    assertThatThrownBy(() -> map.put("j", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("k")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).containsEntry("k", 1);
  }

  @Test
  void entrySet_containsNull_false() {
    assertThat(map.entrySet().contains(null)).isFalse();
    assertThat(map.entrySet()).containsExactly(Map.entry("k", 1));
  }

  @Test
  void nulls_refused() {
    assertThatThrownBy(() -> new OneEntryMap<>(null, 1)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> new OneEntryMap<>("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
  }

  @Test
  void changesThatChangeNothing_doNothing_asInAnUnmodifiableAbstractMap() {
    assertThat(map.remove("x")).isNull();
    map.putAll(Map.of());
    assertThatThrownBy(() -> map.putAll(Map.of("j", 2))).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map.keySet().contains("k")).isTrue();
    assertThat(map.values().contains(1)).isTrue();
    assertThat(map.values().contains(null)).isFalse();
    assertThat(map).isEqualTo(map).isNotEqualTo(Map.of(1, "k")).isNotEqualTo(java.util.List.of());
    assertThat(new java.util.TreeMap<>(Map.of("k", 1))).isEqualTo(map);
    assertThat(map).isNotEqualTo(new java.util.TreeMap<>(Map.of(7, 1)));
  }
}
