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
        table.add(hash, stored(id), ANCHOR, true);
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
    table.add(42, stored("e-a"), ANCHOR, true);
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
      table.add(EventIdTable.hash("evt-" + i), stored("evt-" + i), ANCHOR, true);
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
      table.add(EventIdTable.hash(id), stored(id), ANCHOR, true);
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

  /*
   * This replaces touch_onATableTornByAResize_neverThrows: the table no longer has two parallel
   * arrays that a resize replaces one after the other (hashes and events), so that tear cannot
   * happen any more. What an unlocked reader can now see half-written is the log: words of the
   * table referring to positions that the log it reads does not reach (chunks not yet created,
   * chunk 0 not yet grown).
   */
  @Test
  void containsAndTouch_onALogBehindTheTable_neverThrow() {
    EventIdTable table = new EventIdTable();
    for (int i = 0; i < 3_000; i++) { // several chunks
      String id = "e-" + i;
      table.add(EventIdTable.hash(id), stored(id), ANCHOR, true);
    }
    table.tearForTest();
    for (int i = 0; i < 3_000; i++) {
      String id = "e-" + i;
      long hash = EventIdTable.hash(id);
      table.homeWord(hash);
      assertThat(table.contains(hash, id)).as("an event the log does not show is not found").isFalse();
      table.touch(hash);
      assertThat(table.eventOrNull(i + 1)).isNull();
    }
  }

  @Test
  void add_positionsAreStableAndReusedAfterRemoval() {
    EventIdTable table = new EventIdTable(4);
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < 2_500; i++) {
      String id = "e-" + i;
      positions.put(id, table.add(EventIdTable.hash(id), stored(id), ANCHOR, true));
    }
    assertThat(positions.values()).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isPositive());
    positions.forEach((id, p) -> assertThat(table.event(p).id()).isEqualTo(id)); // after growing
    int freed = positions.get("e-7");
    assertThat(table.remove(EventIdTable.hash("e-7"), "e-7")).isTrue();
    assertThat(table.eventOrNull(freed)).as("a removed event is not referenced").isNull();
    assertThat(table.add(EventIdTable.hash("e-x"), stored("e-x"), ANCHOR, true)).as("the freed position is reused").isEqualTo(freed);
    assertThat(table.event(freed).id()).isEqualTo("e-x");
    assertThat(positions.get("e-8")).satisfies(p -> assertThat(table.event(p).id()).isEqualTo("e-8"));
  }

  @Test
  void remove_all_emptiesTheLog() {
    EventIdTable table = new EventIdTable();
    for (int i = 0; i < 1_500; i++) {
      table.add(EventIdTable.hash("e-" + i), stored("e-" + i), ANCHOR, true);
    }
    for (int i = 0; i < 1_500; i++) {
      assertThat(table.remove(EventIdTable.hash("e-" + i), "e-" + i)).isTrue();
    }
    assertThat(table.size()).isZero();
    table.compactIfEmpty(); // what a commit does after its last change
    assertThat(table.add(EventIdTable.hash("e-0"), stored("e-0"), ANCHOR, true)).as("a log started again").isEqualTo(1);
    assertThat(table.contains(EventIdTable.hash("e-0"), "e-0")).isTrue();
    assertThat(table.contains(EventIdTable.hash("e-1"), "e-1")).isFalse();
  }

  /**
   * A view reads the log as it was when taken: appends after it (which take positions never used
   * while the writer passes {@code reuse = false}, even with freed ones at hand) are not in it, and
   * chunk 0 growing into a longer copy leaves the view its own chunk (so a removal after that,
   * which empties the position in the new chunk, may still show in the view: an event erased after
   * the view was taken may be returned); each event comes with its anchor.
   */
  @Test
  void view_seesTheLogAsItWas_andAddsWithoutReuseGoPastItsEnd() {
    EventIdTable table = new EventIdTable(4);
    Identifier other = Identifier.of(IdentifierType.EMAIL, "a@b.test");
    for (int i = 0; i < 10; i++) { // within chunk 0 (16 entries at first)
      String id = "e-" + i;
      table.add(EventIdTable.hash(id), i % 2 == 0 ? stored(id) : Event.builder(id, "pageview", T0).identifier(ANCHOR)
          .identifier(other).build(), i % 2 == 0 ? ANCHOR : other, true);
    }
    assertThat(table.remove(EventIdTable.hash("e-3"), "e-3")).isTrue(); // a freed position
    EventIdTable.View view = table.view();
    int fresh = table.add(EventIdTable.hash("e-new"), stored("e-new"), ANCHOR, false);
    assertThat(fresh).as("a position never used, not the freed one").isEqualTo(11);
    for (int i = 0; i < 40; i++) { // chunk 0 grows into longer copies, chunk 1 starts
      table.add(EventIdTable.hash("f-" + i), stored("f-" + i), ANCHOR, false);
    }
    assertThat(table.remove(EventIdTable.hash("e-4"), "e-4")).isTrue();
    List<StoredEvent> seen = new ArrayList<>();
    view.addTo(seen);
    assertThat(seen).extracting(e -> e.event().id()).filteredOn(id -> !id.equals("e-4"))
        .containsExactly("e-0", "e-1", "e-2", "e-5", "e-6", "e-7", "e-8", "e-9");
    List<StoredEvent> again = new ArrayList<>();
    table.view().addTo(again);
    assertThat(again).extracting(e -> e.event().id()).as("a new view: without e-4, with the later events")
        .doesNotContain("e-3", "e-4").contains("e-new", "f-39").hasSize(8 + 1 + 40);
    assertThat(seen).allSatisfy(e -> assertThat(e.anchor()).isEqualTo(
        Integer.parseInt(e.event().id().substring(2)) % 2 == 0 ? ANCHOR : other));
    assertThat(table.add(EventIdTable.hash("e-x"), stored("e-x"), ANCHOR, true)).as("reuse allowed again")
        .isIn(4, 5);
  }
}
