package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The small immutable maps of the in-memory store's reads, on their field-less {@code CompactMap} base. */
class CompactMapViewsTest {
  /** {@code m} against {@code ref}, which holds the same entries in the same order. */
  private static void compareMaps(Map<String, Integer> m, Map<String, Integer> ref) {
    assertThat(m).isEqualTo(ref);
    assertThat(ref).isEqualTo(m);
    assertThat(m.hashCode()).isEqualTo(ref.hashCode());
    assertThat(m.toString()).isEqualTo(ref.toString());
    assertThat(m.keySet()).isEqualTo(ref.keySet());
    assertThat(m.keySet().hashCode()).isEqualTo(ref.keySet().hashCode());
    assertThat(new ArrayList<>(m.keySet())).isEqualTo(new ArrayList<>(ref.keySet()));
    assertThat(new ArrayList<>(m.values())).isEqualTo(new ArrayList<>(ref.values()));
    assertThat(m.entrySet()).isEqualTo(ref.entrySet());
    assertThat(m.values().toString()).isEqualTo(ref.values().toString());
    assertThat(m.keySet().toString()).isEqualTo(ref.keySet().toString());
    assertThat(m.containsKey(null)).isFalse();
    assertThat(m.get(null)).isNull();
    assertThat(m.containsValue(null)).isFalse();
    assertThat(m.remove(null)).isNull();
    assertThat(m.remove("nope")).isNull();
    assertThat(m.getOrDefault("nope", -1)).isEqualTo(-1);
    assertThat(m.keySet().remove("nope")).isFalse();
    assertThat(m.values().remove(12345)).isFalse();
    for (String k : ref.keySet()) {
      assertThatThrownBy(() -> m.remove(k)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.keySet().remove(k)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.put(k, 1)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.keySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.values().clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.entrySet().iterator().next().setValue(3)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.computeIfPresent(k, (a, b) -> b)).isInstanceOf(UnsupportedOperationException.class);
    }
    assertThat(m).isNotEqualTo(null);
    assertThat(m.equals(Map.of(1, 2))).isFalse();
  }

  /**
   * {@link OneEntryMap} and {@link SmallMap} (below and above the size where it starts hashing)
   * behave as the {@code AbstractMap} they were based on before: equal to a {@code LinkedHashMap}
   * of the same entries both ways, same hash code, text and view contents, no nulls, unmodifiable
   * through every view.
   */
  @Test
  void compactMaps_behaveLikeALinkedHashMap_andAreUnmodifiable() {
    compareMaps(new OneEntryMap<>("k", 1), new LinkedHashMap<>(Map.of("k", 1)));
    for (int n = 0; n <= 12; n++) {
      SmallMap<String, Integer> s = new SmallMap<>(3);
      LinkedHashMap<String, Integer> ref = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        s.add("k" + i, i);
        ref.put("k" + i, i);
      }
      compareMaps(s, ref);
      assertThat(s.isEmpty()).isEqualTo(n == 0);
      if (n == 0) {
        s.clear();
        s.putAll(Map.of());
      }
    }
    // A TreeMap of other key types: unequal, not a ClassCastException.
    SmallMap<Object, Integer> s = new SmallMap<>(2);
    s.add(1, 1);
    assertThat(s.equals(new TreeMap<>(Map.of("a", 1)))).isFalse();
  }

}
