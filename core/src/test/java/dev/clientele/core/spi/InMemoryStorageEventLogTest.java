package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The events of {@link InMemoryStorage} sit in per-stripe logs ({@link EventIdTable}) and
 * identifier slots refer to them by stripe and position. Against a model of plain maps, with
 * positions freed by erasures reused (the logs stay within their first chunk here; positions
 * past it are {@link #events_withPositionsPastTheFirstChunk_matchAModel}'s) and
 * one identifier's events lie in many stripes' logs: the events by identifier (one and several
 * at once), the event ids, the count and the whole store agree after erasures, replays of erased
 * ids (under the same or another identifier) and identifiers moving between profiles (which
 * moves no event: events stay keyed by their anchor).
 */
class InMemoryStorageEventLogTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 12)
  void events_afterAppendsErasuresReplaysAndMoves_matchAModel(
      @ForAll long seed, @ForAll @IntRange(min = 500, max = 6000) int steps) {
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    Map<String, StoredEvent> model = new LinkedHashMap<>();
    Map<Identifier, ProfileId> owners = new LinkedHashMap<>();
    List<String> erased = new ArrayList<>();
    List<Identifier> pool = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      pool.add(Identifier.of(i % 3 == 0 ? IdentifierType.EMAIL : IdentifierType.ANONYMOUS_ID, "v-" + i + "@x.test"));
    }
    int next = 0;
    for (int step = 0; step < steps; step++) {
      Identifier anchor = pool.get(random.nextInt(pool.size()));
      Commit.Builder commit = Commit.builder();
      int kind = random.nextInt(100);
      if (kind < 3) { // erase an anchor's events
        commit.eraseEvents(anchor);
        model.values().removeIf(e -> {
          boolean gone = e.anchor().equals(anchor);
          if (gone) {
            erased.add(e.event().id());
          }
          return gone;
        });
      } else if (kind < 8) { // move the identifier to another profile (no event moves)
        ProfileId to = ProfileId.of("p-" + random.nextInt(5));
        commit.assign(anchor, Optional.ofNullable(owners.get(anchor)), to);
        owners.put(anchor, to);
      } else {
        boolean replay = kind < 15 && !erased.isEmpty();
        String id = replay ? erased.remove(random.nextInt(erased.size())) : "evt-" + next++;
        int events = 1 + random.nextInt(3); // several appends per commit, also to other anchors
        for (int k = 0; k < events; k++) {
          String eventId = k == 0 ? id : "evt-" + next++;
          Identifier at = k == 0 ? anchor : pool.get(random.nextInt(pool.size()));
          StoredEvent e = new StoredEvent(
              Event.builder(eventId, "pageview", T0.plusSeconds(random.nextInt(100_000))).identifier(at).build(), at);
          commit.append(e);
          model.put(eventId, e);
        }
      }
      storage.commit(commit.build());
      if (step % 500 == 499) {
        assertAgrees(storage, model, pool, erased, random);
      }
    }
    assertAgrees(storage, model, pool, erased, random);
  }

  private static void assertAgrees(
      InMemoryStorage storage, Map<String, StoredEvent> model, List<Identifier> pool, List<String> erased, Random random) {
    for (Identifier id : pool) {
      assertThat(storage.events(List.of(id))).as("events of %s", id)
          .containsExactlyElementsOf(expected(model, List.of(id)));
    }
    List<Identifier> several = List.of(pool.get(random.nextInt(pool.size())), pool.get(random.nextInt(pool.size())),
        pool.get(random.nextInt(pool.size())));
    assertThat(storage.events(several)).usingElementComparator(InMemoryStorageEventLogTest::sameEvent)
        .containsExactlyInAnyOrderElementsOf(expected(model, several));
    assertThat(storage.eventCount()).isEqualTo(model.size());
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all.collect(Collectors.toList())).containsExactlyInAnyOrderElementsOf(model.values());
    }
    for (String id : model.keySet()) {
      assertThat(storage.containsEvent(id)).as(id).isTrue();
    }
    for (String id : erased) {
      assertThat(storage.containsEvent(id)).as("erased %s", id).isFalse();
    }
  }

  private static int sameEvent(StoredEvent a, StoredEvent b) {
    return a.equals(b) ? 0 : 1;
  }

  private static List<StoredEvent> expected(Map<String, StoredEvent> model, List<Identifier> anchors) {
    return model.values().stream().filter(e -> anchors.contains(e.anchor()))
        .sorted(StoredEvent.TIMELINE_ORDER).collect(Collectors.toList());
  }

  /**
   * A reader of one identifier's events while commits append to it (event ids in every stripe)
   * and to other identifiers: each read is a whole number of commits (pairs of events are
   * appended together), never fewer events than a read before, and never fails. (Each commit
   * here also locks the watched anchor's stripe, so this does not show whether {@code events}
   * locks the stripes of the logs it reads: on x86 a missing lock would not show reliably.)
   */
  @Test
  void events_readWhileAppending_seeWholeCommitsOnly() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    Identifier watched = Identifier.of(IdentifierType.CUSTOMER_ID, "watched");
    Identifier other = Identifier.of(IdentifierType.CUSTOMER_ID, "other");
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> reader = pool.submit(() -> {
        int last = 0;
        boolean finished;
        do {
          finished = done.get(); // a read after the last commit ends the loop
          List<StoredEvent> seen = storage.events(List.of(watched, other));
          long mine = seen.stream().filter(e -> e.anchor().equals(watched)).count();
          assertThat(mine % 2).as("a commit appends two events to the watched identifier").isZero();
          assertThat(seen).hasSize((int) (mine + mine / 2)); // and one to the other
          assertThat((int) mine).isGreaterThanOrEqualTo(last);
          last = (int) mine;
        } while (!finished);
        return last;
      });
      for (int i = 0; i < 4_000; i++) {
        Commit.Builder c = Commit.builder();
        for (int k = 0; k < 2; k++) {
          c.append(new StoredEvent(Event.builder("w-" + i + "-" + k, "pageview", T0.plusSeconds(i)).identifier(watched).build(), watched));
        }
        c.append(new StoredEvent(Event.builder("o-" + i, "pageview", T0.plusSeconds(i)).identifier(other).build(), other));
        storage.commit(c.build());
      }
      done.set(true);
      assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(8_000);
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  /**
   * 150,000 events (about 2,300 per stripe: positions in chunks 0 to 2), then erasures that free
   * positions in every chunk, then replays into the freed positions and new events past the end:
   * events by anchor, the count, the whole store and the event ids agree with a model. Packing a
   * position in 10 bits instead of 26 fails it.
   */
  @Test
  void events_withPositionsPastTheFirstChunk_matchAModel() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> anchors = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      anchors.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i));
    }
    Map<String, StoredEvent> model = new LinkedHashMap<>();
    int next = 0;
    for (int c = 0; c < 3_000; c++) { // 150,000 events: about 2,300 per stripe, chunks 0 to 2
      Commit.Builder b = Commit.builder();
      for (int k = 0; k < 50; k++) {
        Identifier at = anchors.get((c + k) % anchors.size());
        String id = "e-" + next++;
        StoredEvent e = new StoredEvent(Event.builder(id, "pageview", T0.plusSeconds(next)).identifier(at).build(), at);
        b.append(e);
        model.put(id, e);
      }
      storage.commit(b.build());
    }
    List<String> erased = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // free positions in every chunk of every stripe
      Identifier gone = anchors.get(i * 3);
      storage.commit(Commit.builder().eraseEvents(gone).build());
      model.values().removeIf(e -> {
        boolean g = e.anchor().equals(gone);
        if (g) {
          erased.add(e.event().id());
        }
        return g;
      });
    }
    for (int c = 0; c < 400; c++) { // replays (reused positions) and new events (past the end)
      Commit.Builder b = Commit.builder();
      for (int k = 0; k < 50; k++) {
        Identifier at = anchors.get((c * 7 + k) % anchors.size());
        String id = (k % 2 == 0 && !erased.isEmpty()) ? erased.remove(erased.size() - 1) : "n-" + next++;
        StoredEvent e = new StoredEvent(Event.builder(id, "click", T0.plusSeconds(next + k)).identifier(at).build(), at);
        b.append(e);
        model.put(id, e);
      }
      storage.commit(b.build());
    }
    for (Identifier a : anchors) {
      List<StoredEvent> expected = model.values().stream().filter(e -> e.anchor().equals(a))
          .sorted(StoredEvent.TIMELINE_ORDER).collect(Collectors.toList());
      assertThat(storage.events(List.of(a))).as("events of %s", a).containsExactlyElementsOf(expected);
    }
    assertThat(storage.eventCount()).isEqualTo(model.size());
    try (Stream<StoredEvent> all = storage.allEvents()) {
      assertThat(all.collect(Collectors.toSet())).isEqualTo(Set.copyOf(model.values()));
    }
    for (String id : model.keySet()) {
      assertThat(storage.containsEvent(id)).as(id).isTrue();
    }
    for (String id : erased) {
      assertThat(storage.containsEvent(id)).as("erased %s", id).isFalse();
    }
  }
}
