package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link SmallMap} behaves as the {@link Map} of its entries and refuses changes. */
class SmallMapTest {
  @Property(tries = 50)
  void reads_anyEntries_matchALinkedHashMap(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int entries) {
    Random random = new Random(seed);
    SmallMap<String, Integer> map = new SmallMap<>(1 + random.nextInt(3)); // grows past its room
    Map<String, Integer> model = new LinkedHashMap<>();
    while (model.size() < entries) {
      String key = "k" + random.nextInt(60);
      if (!model.containsKey(key)) {
        int value = random.nextInt();
        map.add(new String(key), value); // another instance than the probes below: found by equals
        model.put(key, value);
      }
    }
    assertThat(map).isEqualTo(model);
    assertThat(model).isEqualTo(map);
    assertThat(map.hashCode()).isEqualTo(model.hashCode());
    assertThat(map.entrySet()).containsExactlyElementsOf(model.entrySet()); // in insertion order
    assertThat(map.isHashed()).as("hashed past the scan limit").isEqualTo(entries > SmallMap.SCAN_LIMIT);
    for (int k = 0; k < 60; k++) {
      String key = "k" + k;
      assertThat(map.get(key)).isEqualTo(model.get(key));
      assertThat(map.containsKey(key)).isEqualTo(model.containsKey(key));
    }
    assertThat(map.get(null)).isNull();
  }

  @Test
  void changes_throughTheMapInterface_areRefused() {
    SmallMap<String, Integer> map = new SmallMap<>(2);
    map.add("a", 1);
    assertRefusesChanges(map);
  }

  @Test
  void changes_toAHashedMap_areRefused() {
    SmallMap<String, Integer> map = new SmallMap<>(2);
    map.add("a", 1);
    for (int i = 0; i < SmallMap.SCAN_LIMIT; i++) {
      map.add("x" + i, i);
    }
    assertThat(map.isHashed()).isTrue();
    assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.keySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).hasSize(SmallMap.SCAN_LIMIT + 1).containsEntry("a", 1);
  }

  private static void assertRefusesChanges(SmallMap<String, Integer> map) {
    assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).containsExactly(Map.entry("a", 1));
  }
}
