package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemoryStorage#allEvents()} holds the stripes' locks only to take views of the event
 * logs and copies the events after releasing them: commits (appends and erasures) complete while
 * it copies, and what it returns is the events stored when it was called, less events erased
 * while it copies; never an event appended after the call (even one that took a position an
 * erasure freed) nor one erased before it.
 */
class InMemoryStorageScanTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Identifier anchor(int i) {
    return Identifier.of(i % 2 == 0 ? IdentifierType.EMAIL : IdentifierType.ANONYMOUS_ID, "scan-" + i + "@x.test");
  }

  private static StoredEvent event(String id, Identifier anchor) {
    return new StoredEvent(Event.builder(id, "pageview", T0.plusSeconds(id.hashCode() & 0xFFFF)).identifier(anchor).build(), anchor);
  }

  private static Set<StoredEvent> all(InMemoryStorage storage) {
    try (Stream<StoredEvent> s = storage.allEvents()) {
      List<StoredEvent> list = s.toList();
      Set<StoredEvent> set = new HashSet<>(list);
      assertThat(set).as("no event twice").hasSameSizeAs(list);
      return set;
    }
  }

  /**
   * While {@code allEvents} copies (its hook runs after it took the views and before it copies),
   * another thread commits an erasure and then appends 500 events, which find positions freed by
   * an earlier erasure in every stripe: both commits complete (with the locks still held they
   * would wait for the scan, which waits for them: the future would not complete), the copy
   * leaves out the events erased meanwhile, and none of the new events is in it although they
   * sit below the logs' ends had they reused the freed positions.
   */
  @Test
  void allEvents_commitsCompleteWhileItCopies_andItsResultIsTheStateAtTheCall() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    Identifier gone = anchor(0);
    Identifier erasedDuring = anchor(1);
    Identifier kept = anchor(2);
    Commit.Builder setup = Commit.builder();
    Set<StoredEvent> keptEvents = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      setup.append(event("gone-" + i, gone));
      StoredEvent k = event("kept-" + i, kept);
      setup.append(k);
      keptEvents.add(k);
      setup.append(event("during-" + i, erasedDuring));
    }
    storage.commit(setup.build());
    storage.commit(Commit.builder().eraseEvents(gone).build()); // ~15 freed positions per stripe
    Commit.Builder late = Commit.builder();
    List<StoredEvent> lateEvents = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      StoredEvent e = event("late-" + i, i % 2 == 0 ? kept : anchor(3));
      late.append(e);
      lateEvents.add(e);
    }
    ExecutorService writer = Executors.newSingleThreadExecutor();
    AtomicBoolean hookRan = new AtomicBoolean();
    try {
      storage.duringScan = () -> {
        hookRan.set(true);
        Future<?> commits = writer.submit(() -> {
          storage.commit(Commit.builder().eraseEvents(erasedDuring).build());
          storage.commit(late.build());
        });
        try {
          commits.get(60, TimeUnit.SECONDS); // a failure here means the commits waited for the scan
        } catch (Exception e) {
          throw new AssertionError("a commit did not complete while allEvents copied", e);
        }
      };
      Set<StoredEvent> seen = all(storage);
      storage.duringScan = null;
      assertThat(hookRan).isTrue();
      assertThat(seen).as("the kept events, not those erased meanwhile nor the later ones").isEqualTo(keptEvents);
      Set<StoredEvent> now = new HashSet<>(keptEvents);
      now.addAll(lateEvents);
      assertThat(all(storage)).as("a later call sees the later commits").isEqualTo(now);
      assertThat(storage.eventCount()).isEqualTo(now.size());
    } finally {
      storage.duringScan = null;
      writer.shutdownNow();
    }
  }

  /**
   * Single-threaded, against a model: random commits of appends (new ids and replays of erased
   * ones, at random anchors) and erasures of anchors; {@code allEvents} equals the model. Some
   * calls run random commits inside the hook (after the views are taken, before the copy), and
   * then return a set between the model at the call less what those commits erased and the model
   * at the call: never an event only appended in the hook, including replays of ids erased before
   * the call, which may take freed positions below the views' ends were reuse allowed.
   */
  @Property(tries = 15)
  void allEvents_equalsTheModel_andCommitsDuringItsCopyChangeNothingButErasures(
      @ForAll long seed, @ForAll @IntRange(min = 200, max = 2500) int steps) {
    Random random = new Random(seed);
    InMemoryStorage storage = new InMemoryStorage();
    Map<String, StoredEvent> model = new LinkedHashMap<>();
    List<String> erased = new ArrayList<>();
    int[] next = {0};
    for (int step = 0; step < steps; step++) {
      randomCommit(storage, model, erased, random, next);
      if (random.nextInt(40) == 0) {
        assertThat(all(storage)).isEqualTo(new HashSet<>(model.values()));
      }
      if (random.nextInt(60) == 0) {
        Set<StoredEvent> atCall = new HashSet<>(model.values());
        int during = 1 + random.nextInt(20);
        Set<String> erasedDuring = new HashSet<>();
        storage.duringScan = () -> {
          for (int k = 0; k < during; k++) {
            int before = erased.size();
            randomCommit(storage, model, erased, random, next);
            if (erased.size() > before) { // an erasure: its ids were appended to the list
              erasedDuring.addAll(erased.subList(before, erased.size()));
            }
          }
        };
        Set<StoredEvent> seen;
        try {
          seen = all(storage);
        } finally {
          storage.duringScan = null;
        }
        Set<StoredEvent> survived = new HashSet<>(atCall); // not erased during the copy (even if replayed)
        survived.removeIf(e -> erasedDuring.contains(e.event().id()));
        assertThat(atCall).containsAll(seen);
        assertThat(seen).containsAll(survived);
      }
    }
    assertThat(all(storage)).isEqualTo(new HashSet<>(model.values()));
  }

  /** One random commit applied to the store and to the model. */
  private static void randomCommit(
      InMemoryStorage storage, Map<String, StoredEvent> model, List<String> erased, Random random, int[] next) {
    Identifier at = anchor(random.nextInt(12));
    Commit.Builder commit = Commit.builder();
    if (random.nextInt(100) < 6) {
      commit.eraseEvents(at);
      model.values().removeIf(e -> {
        if (e.anchor().equals(at)) {
          erased.add(e.event().id());
          return true;
        }
        return false;
      });
    } else {
      int n = 1 + random.nextInt(4);
      for (int k = 0; k < n; k++) {
        boolean replay = random.nextInt(4) == 0 && !erased.isEmpty();
        String id = replay ? erased.remove(random.nextInt(erased.size())) : "e-" + next[0]++;
        StoredEvent e = event(id, k == 0 ? at : anchor(random.nextInt(12)));
        commit.append(e);
        model.put(id, e);
      }
    }
    storage.commit(commit.build());
  }

  /**
   * Concurrently: one thread makes 20,000 commits appending events with fresh ids (to anchors
   * some of which it erases now and then) while another calls {@code allEvents} until it is done. Each result holds only
   * events that were appended (as appended, with their anchor), none whose erasure had committed
   * before the call, and every event of the never-erased anchors whose append had committed
   * before it.
   */
  @Test
  void allEvents_whileCommitsRun_returnsOnlyStoredEvents_andNothingErasedBefore() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    Map<String, StoredEvent> appended = new ConcurrentHashMap<>(); // put before the commit
    Set<String> erasedDone = ConcurrentHashMap.newKeySet(); // added after the erasing commit returned
    Set<String> permanentDone = ConcurrentHashMap.newKeySet(); // appended (committed) to never-erased anchors
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> writer = pool.submit(() -> {
        Random random = new Random(7);
        Map<Identifier, List<String>> live = new LinkedHashMap<>();
        int next = 0;
        for (int commits = 0; commits < 20_000 && !stop.get(); commits++) {
          int a = random.nextInt(8); // anchors 0-3 are erased now and then, 4-7 never
          Identifier at = anchor(a);
          if (a < 4 && random.nextInt(50) == 0) {
            storage.commit(Commit.builder().eraseEvents(at).build());
            List<String> ids = live.remove(at);
            if (ids != null) {
              erasedDone.addAll(ids);
            }
          } else {
            Commit.Builder commit = Commit.builder();
            List<String> ids = new ArrayList<>();
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
              StoredEvent e = event("c-" + next++, at);
              appended.put(e.event().id(), e);
              commit.append(e);
              ids.add(e.event().id());
            }
            storage.commit(commit.build());
            live.computeIfAbsent(at, x -> new ArrayList<>()).addAll(ids);
            if (a >= 4) {
              permanentDone.addAll(ids);
            }
          }
        }
        return null;
      });
      int rounds = 0;
      while (!writer.isDone() || rounds == 0) { // reads until the writer made all its commits
        rounds++;
        Set<String> erasedBefore = Set.copyOf(erasedDone);
        Set<String> mustHave = Set.copyOf(permanentDone);
        Set<StoredEvent> seen = all(storage);
        Set<String> ids = new HashSet<>();
        List<StoredEvent> wrong = new ArrayList<>();
        for (StoredEvent e : seen) {
          ids.add(e.event().id());
          if (!e.equals(appended.get(e.event().id())) || erasedBefore.contains(e.event().id())) {
            wrong.add(e);
          }
        }
        assertThat(wrong).as("not appended so (with that anchor), or erased before the call").isEmpty();
        assertThat(ids).containsAll(mustHave);
      }
      writer.get(60, TimeUnit.SECONDS);
      assertThat(erasedDone).as("the writer erased some events").isNotEmpty();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }
}
