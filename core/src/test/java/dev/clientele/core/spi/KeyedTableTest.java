package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KeyedTable} against a hash map (puts, removals, growth, colliding hashes), and its
 * unlocked reads during writes: never an exception, never an entry of another key, and exact
 * whenever the stripe-style stamp validates.
 */
class KeyedTableTest {
  /** A test entry: a key and the step that put it. */
  private static final class Item extends KeyedTable.Entry<String> {
    final int step;

    Item(String key, int step) {
      super(key);
      this.step = step;
    }
  }

  @Property(tries = 30)
  void probeSlotAndEntryAt_findWhereGetWouldStop(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 600) int keys, @ForAll @IntRange(min = 0, max = 32) int hashBits) {
    Random random = new Random(seed);
    KeyedTable<String, Item> table = new KeyedTable<>(4);
    Map<String, Item> model = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      String key = "k-" + random.nextInt(1000);
      int hash = hashOf(key, hashBits);
      if (model.containsKey(key)) {
        if (random.nextBoolean()) {
          table.remove(hash, model.remove(key));
        }
      } else {
        Item item = new Item(key, i);
        table.put(hash, item);
        model.put(key, item);
      }
    }
    for (int k = 0; k < 1000; k++) {
      String key = "k-" + k;
      int hash = hashOf(key, hashBits);
      int slot = table.probeSlot(hash);
      table.homeWord(hash); // any hash: never throws
      Item first = slot >= 0 ? table.entryAt(slot) : null;
      if (model.containsKey(key) && first != null && first.key.equals(key)) {
        assertThat(table.get(hash, key)).isSameAs(first);
      } else if (!model.containsKey(key)) {
        // No entry of this key: the probe stops at a free slot or at another key of its hash.
        assertThat(first == null || !first.key.equals(key)).isTrue();
      }
      if (first != null) {
        assertThat(hashOf(first.key, hashBits)).as("the entry the probe stops at has the asked hash").isEqualTo(hash);
      }
    }
    assertThat(table.entryAt(-1)).isNull();
    assertThat(table.entryAt(Integer.MAX_VALUE)).isNull();
  }

  /** The table's hash of {@code key} cut to {@code bits} bits (0: one hash for all), never 0. */
  private static int hashOf(String key, int bits) {
    int h = KeyedTable.spread(key);
    int kept = bits == 0 ? 7 : bits >= 32 ? h : h & ((1 << bits) - 1);
    return kept == 0 ? 1 : kept;
  }

  @Property(tries = 40)
  void putRemoveGet_anyOrderAndCollidingHashes_matchAMap(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6000) int steps, @ForAll @IntRange(min = 0, max = 32) int hashBits) {
    Random random = new Random(seed);
    KeyedTable<String, Item> table = new KeyedTable<>(4); // small: many resizes
    Map<String, Item> model = new HashMap<>();
    // Few hash bits: many keys share a hash, long probe runs wrap and are cut by removals.
    int pool = hashBits == 0 ? 300 : 1 + random.nextInt(8000);
    int effectiveSteps = hashBits == 0 ? Math.min(steps, 1500) : steps;
    for (int i = 0; i < effectiveSteps; i++) {
      String key = "k-" + random.nextInt(pool);
      int hash = hashOf(key, hashBits);
      Item held = model.get(key);
      if (held != null) {
        if (random.nextInt(3) == 0) {
          assertThat(table.remove(hash, held)).isTrue();
          model.remove(key);
          assertThat(table.remove(hash, held)).as("removed twice").isFalse();
        }
      } else {
        Item item = new Item(key, i);
        table.put(hash, item);
        model.put(key, item);
      }
      if (random.nextInt(50) == 0) {
        String probe = "k-" + random.nextInt(pool);
        // A fresh String: found by equals, not by identity.
        assertThat(table.get(hashOf(probe, hashBits), new String(probe))).as(probe).isSameAs(model.get(probe));
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    for (int k = 0; k < pool; k++) {
      String key = "k-" + k;
      assertThat(table.get(hashOf(key, hashBits), key)).as(key).isSameAs(model.get(key));
    }
    Set<Item> all = new HashSet<>();
    table.forEach(all::add);
    assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
  }

  /**
   * Keys with forced hash codes, all drawn from a few hashes (the shape of a hash-flooding
   * attack): puts, removals and growth match a hash map, and no probe run ever holds more than
   * {@value KeyedTable#SAME_HASH_LIMIT} entries of one hash (the rest overflow).
   */
  @Property(tries = 60)
  void putRemoveGet_keysOfFewForcedHashes_matchAMapWithBoundedProbeRuns(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int steps, @ForAll @IntRange(min = 1, max = 4) int distinctHashes) {
    Random random = new Random(seed);
    KeyedTable<Forced, ForcedItem> table = new KeyedTable<>(4);
    Map<Forced, ForcedItem> model = new HashMap<>();
    int pool = 1 + random.nextInt(600);
    for (int i = 0; i < steps; i++) {
      Forced key = new Forced("k-" + random.nextInt(pool), 1 + random.nextInt(distinctHashes));
      int hash = KeyedTable.spread(key);
      ForcedItem held = model.get(key);
      if (held != null) {
        if (random.nextInt(3) == 0) {
          assertThat(table.remove(hash, held)).isTrue();
          model.remove(key);
          assertThat(table.remove(hash, held)).as("removed twice").isFalse();
        }
      } else {
        ForcedItem item = new ForcedItem(key);
        table.put(hash, item);
        model.put(key, item);
      }
      Forced probe = new Forced("k-" + random.nextInt(pool), 1 + random.nextInt(distinctHashes));
      assertThat(table.get(KeyedTable.spread(probe), probe)).as(probe.name).isSameAs(model.get(probe));
      assertThat(table.size()).isEqualTo(model.size());
    }
    for (int forced = 1; forced <= distinctHashes; forced++) {
      // Runs of different hashes may touch, so a run holds at most the limit per hash.
      assertThat(table.probeLength(KeyedTable.spread(new Forced("x", forced))))
          .isLessThanOrEqualTo(distinctHashes * KeyedTable.SAME_HASH_LIMIT);
    }
    Set<ForcedItem> all = new HashSet<>();
    table.forEach(all::add);
    assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
  }

  @Test
  void put_manyKeysOfOneHash_overflowInsteadOfOneLongProbeRun() {
    KeyedTable<Forced, ForcedItem> table = new KeyedTable<>(4);
    int n = 5000;
    for (int i = 0; i < n; i++) {
      Forced key = new Forced("k-" + i, 99);
      table.put(KeyedTable.spread(key), new ForcedItem(key));
    }
    int hash = KeyedTable.spread(new Forced("any", 99));
    assertThat(table.probeLength(hash)).isEqualTo(KeyedTable.SAME_HASH_LIMIT);
    assertThat(table.overflowSize()).isEqualTo(n - KeyedTable.SAME_HASH_LIMIT);
    assertThat(table.size()).isEqualTo(n);
    assertThat(table.get(hash, new Forced("k-4321", 99)).key.name).isEqualTo("k-4321");
    assertThat(table.get(hash, new Forced("k-" + n, 99))).isNull();
  }

  /** A key whose hash code is forced, whatever its name; equal by name and forced hash. */
  private record Forced(String name, int forcedHash) implements Comparable<Forced> {
    @Override
    public int hashCode() {
      return forcedHash;
    }

    @Override
    public int compareTo(Forced o) {
      int c = name.compareTo(o.name);
      return c != 0 ? c : Integer.compare(forcedHash, o.forcedHash);
    }
  }

  private static final class ForcedItem extends KeyedTable.Entry<Forced> {
    ForcedItem(Forced key) {
      super(key);
    }
  }

  @Test
  void remove_otherEntryWithEqualKey_keepsTheHeldOne() {
    KeyedTable<String, Item> table = new KeyedTable<>(4);
    Item held = new Item("k", 1);
    table.put(hashOf("k", 32), held);
    assertThat(table.remove(hashOf("k", 32), new Item("k", 2))).isFalse();
    assertThat(table.get(hashOf("k", 32), "k")).isSameAs(held);
  }

  @Test
  void get_sameHashOtherKey_isNull() {
    KeyedTable<String, Item> table = new KeyedTable<>(4);
    table.put(42, new Item("a", 0));
    assertThat(table.get(42, "b")).isNull();
    assertThat(table.get(43, "a")).as("another hash is another key").isNull();
  }

  @Test
  void constructor_capacityNotAPowerOfTwo_isRefused() {
    assertThatThrownBy(() -> new KeyedTable<String, Item>(6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6");
    assertThatThrownBy(() -> new KeyedTable<String, Item>(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void spread_isNeverTheFreeMarker() {
    assertThat(KeyedTable.spread(0)).isNotZero(); // Integer 0 hashes to 0, which the mix keeps at 0
  }

  /**
   * One writer puts keys 0, 1, 2, … (growing the table many times from 4 slots, and with a weak
   * hash half the keys share 64 hash values, so probe runs are long) and removes each odd key
   * {@value #REMOVE_LAG} steps after putting it, under a {@link StampedLock}'s write lock, the way a
   * stripe is written. Readers look keys up optimistically, as the storage's readers do. An
   * unvalidated answer may be anything but an exception or an entry of another key; a validated
   * one must be exactly the state after the number of steps the reader saw.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void get_optimisticReadersDuringPutsRemovesAndResizes_areExactWhenValidated() throws Exception {
    KeyedTable<String, Item> table = new KeyedTable<>(4);
    StampedLock lock = new StampedLock();
    int steps = 40_000;
    int[] done = new int[1]; // written under the write lock; read inside optimistic reads
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicLong validated = new AtomicLong();
    AtomicLong[] positives = {new AtomicLong()};
    try {
      List<Future<?>> readers = new ArrayList<>();
      Object stop = new Object();
      boolean[] stopped = new boolean[1];
      for (int r = 0; r < 2; r++) {
        int readerSeed = r;
        readers.add(pool.submit(() -> {
          Random random = new Random(readerSeed);
          while (true) {
            synchronized (stop) {
              if (stopped[0]) {
                return null;
              }
            }
            for (int n = 0; n < 1000; n++) {
              long stamp = lock.tryOptimisticRead();
              int d = done[0];
              int k = random.nextInt(Math.max(1, d + 10)); // now and then a key not put yet
              String key = "k-" + k;
              Item found = table.get(weakHash(k), key);
              if (found != null) {
                assertThat(found.key).isEqualTo(key); // even unvalidated
              }
              if (stamp != 0 && lock.validate(stamp)) {
                validated.incrementAndGet();
                boolean present = k < d && !(k % 2 == 1 && k + REMOVE_LAG < d);
                assertThat(found != null).as("key %s after %s steps", k, d).isEqualTo(present);
                if (present) {
                  positives[0].incrementAndGet();
                  assertThat(found.step).isEqualTo(k);
                }
              }
            }
          }
        }));
      }
      Map<Integer, Item> live = new HashMap<>();
      for (int i = 0; i < steps; i++) {
        long stamp = lock.writeLock();
        try {
          Item item = new Item("k-" + i, i);
          table.put(weakHash(i), item);
          live.put(i, item);
          int old = i - REMOVE_LAG;
          if (old >= 0 && old % 2 == 1) {
            assertThat(table.remove(weakHash(old), live.remove(old))).isTrue();
          }
          done[0] = i + 1;
        } finally {
          lock.unlockWrite(stamp);
        }
        if (i % 64 == 0) {
          Thread.yield(); // give the readers a chance on a busy machine
        }
      }
      synchronized (stop) {
        stopped[0] = true;
      }
      for (Future<?> f : readers) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(table.size()).isEqualTo(live.size());
    } finally {
      pool.shutdownNow();
    }
    assertThat(validated.get()).as("validated reads").isPositive();
    assertThat(positives[0].get()).as("validated reads that found a key").isPositive();
  }

  private static final int REMOVE_LAG = 1000;

  /** Even keys: their own hash; odd keys: one of 64 hashes, so they collide in long runs. */
  private static int weakHash(int k) {
    return k % 2 == 0 ? KeyedTable.spread("k-" + k) : 1 + (k % 64);
  }

  @Test
  void readAheadHelpers_onATableTornByAResize_neverThrow() {
    for (boolean hashesGrown : new boolean[] {true, false}) {
      KeyedTable<String, Item> table = new KeyedTable<>(8);
      for (int i = 0; i < 5; i++) {
        String key = "k" + i;
        table.put(KeyedTable.spread(key), new Item(key, 0));
      }
      table.tearForTest(hashesGrown);
      for (int hash = -4096; hash < 4096; hash++) { // every home slot of either length, free or not
        int h = hash == 0 ? 1 : hash;
        table.homeWord(h);
        assertThat(table.probeSlot(h)).as("a resizing table is given up on").isEqualTo(Integer.MIN_VALUE);
        assertThat(table.get(h, "k0")).isNull();
      }
      for (int index = -2; index < 40; index++) {
        table.entryAt(index); // any index, in bounds of either array or not
      }
    }
  }
}
