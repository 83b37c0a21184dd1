package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link EventIdTable} against a hash map: whatever mix of adds and removes, {@code contains}
 * answers exactly, also when ids share a hash (a hash hit compares the id) and when probe runs
 * wrap around the end of the table and are cut by removals.
 */
class EventIdTableTest {
  private static final Identifier ANCHOR = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 40)
  void addRemoveContains_anyOrderAndCollidingHashes_matchAMap(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6000) int steps, @ForAll @IntRange(min = 0, max = 40) int hashBits) {
    Random random = new Random(seed);
    EventIdTable table = new EventIdTable();
    Map<String, Long> model = new HashMap<>();
    // With few hash bits many ids share a hash and long probe runs form; 0 bits: one hash for all
    // (kept small so the run stays quick), 40: practically the real hash.
    int pool = hashBits == 0 ? 300 : 1 + random.nextInt(8000);
    int effectiveSteps = hashBits == 0 ? Math.min(steps, 1500) : steps;
    for (int i = 0; i < effectiveSteps; i++) {
      String id = "e-" + random.nextInt(pool);
      long hash = hashOf(id, hashBits);
      if (model.containsKey(id)) {
        if (random.nextInt(3) == 0) {
          assertThat(table.remove(hash, id)).isTrue();
          model.remove(id);
          assertThat(table.remove(hash, id)).as("removed twice").isFalse();
        }
      } else {
        table.add(hash, stored(id));
        model.put(id, hash);
      }
      if (random.nextInt(50) == 0) {
        String probe = "e-" + random.nextInt(pool);
        assertThat(table.contains(hashOf(probe, hashBits), probe)).as(probe).isEqualTo(model.containsKey(probe));
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    for (int k = 0; k < pool; k++) {
      String id = "e-" + k;
      assertThat(table.contains(hashOf(id, hashBits), id)).as(id).isEqualTo(model.containsKey(id));
    }
  }

  @Test
  void contains_sameHashOtherId_isFalse() {
    EventIdTable table = new EventIdTable();
    table.add(42, stored("e-a"));
    assertThat(table.contains(42, "e-a")).isTrue();
    assertThat(table.contains(42, "e-b")).isFalse();
    table.remove(42, "e-b");
    assertThat(table.contains(42, "e-a")).isTrue();
    table.remove(42, "e-a");
    assertThat(table.contains(42, "e-a")).isFalse();
    assertThat(table.size()).isZero();
  }

  @Test
  void touch_stopsAtTheHeldIdsEvent_orAtAFreeSlotForAnAbsentOne() {
    EventIdTable table = new EventIdTable(4);
    for (int i = 0; i < 2_000; i++) {
      table.add(EventIdTable.hash("evt-" + i), stored("evt-" + i));
    }
    for (int i = 0; i < 2_000; i++) {
      long held = EventIdTable.hash("evt-" + i);
      assertThat(table.touch(held)).as("held: stops at its event (negative)").isNegative();
      long absent = EventIdTable.hash("other-" + i);
      assertThat(table.touch(absent)).as("absent: the probes to a free slot").isNotNegative();
      table.homeWord(absent);
    }
  }

  @Test
  void add_manyIds_growsAndKeepsThemAll() {
    EventIdTable table = new EventIdTable();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      String id = "evt-" + i;
      ids.add(id);
      table.add(EventIdTable.hash(id), stored(id));
    }
    assertThat(table.size()).isEqualTo(ids.size());
    assertThat(ids).allSatisfy(id -> assertThat(table.contains(EventIdTable.hash(id), id)).isTrue());
    assertThat(table.contains(EventIdTable.hash("evt-50000"), "evt-50000")).isFalse();
  }

  @Test
  void hash_isNeverTheFreeMarker_andDependsOnEveryCharacter() {
    assertThat(EventIdTable.hash("")).isNotZero();
    assertThat(EventIdTable.hash("evt-0001")).isNotEqualTo(EventIdTable.hash("evt-0002"));
    assertThat(EventIdTable.hash("ab")).isNotEqualTo(EventIdTable.hash("ba"));
  }

  private static long hashOf(String id, int bits) {
    long h = EventIdTable.hash(id);
    long kept = bits == 0 ? 7 : h & ((1L << bits) - 1);
    return kept == 0 ? 1 : kept;
  }

  private static Event stored(String id) {
    return Event.builder(id, "pageview", T0).identifier(ANCHOR).build();
  }

  @Test
  void touch_onATableTornByAResize_neverThrows() {
    for (boolean hashesGrown : new boolean[] {true, false}) {
      EventIdTable table = new EventIdTable();
      for (int i = 0; i < 5; i++) {
        String id = "e-" + i;
        table.add(EventIdTable.hash(id), stored(id));
      }
      table.tearForTest(hashesGrown);
      for (long hash = -5000; hash < 5000; hash++) { // every home slot of either length, free or not
        table.homeWord(hash == 0 ? 1 : hash);
        assertThat(table.touch(hash == 0 ? 1 : hash)).as("a resizing table is given up on").isZero();
      }
    }
  }
}
