package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableSet;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four threads ingest a shuffled interleaving of the events of 50 overlapping people: each person
 * first appears as unrelated fragments (email, customer id, two devices), then bridging events
 * join the fragments, and some devices are shared with a neighbour, so merges race each other.
 * Some events are sent twice. The result must equal the single-threaded one.
 */
class ConcurrentIngestTest {
  private static final int PEOPLE = 50;
  private static final int THREADS = 4;

  static List<Event> history(Random random) {
    List<Event> events = new ArrayList<>();
    AtomicInteger n = new AtomicInteger();
    for (int p = 0; p < PEOPLE; p++) {
      Identifier email = Identifier.of(IdentifierType.EMAIL, "person" + p + "@example.com");
      Identifier cid = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
      Identifier deviceA = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + p);
      Identifier deviceB = Identifier.of(IdentifierType.ANONYMOUS_ID, "b-" + p);
      // A guest (every fifth person, from the second) has no customer id: the email stands in.
      Identifier key = p % 5 == 1 ? email : cid;
      // Fragments: each identifier alone, several times.
      for (Identifier i : List.of(email, key, deviceA, deviceB, deviceA)) {
        events.add(event(n, random, "pageview", i));
      }
      // Bridges: join the fragments (in an order the shuffle will scramble anyway).
      events.add(event(n, random, "login", key, deviceA));
      events.add(event(n, random, "identify", email, deviceB));
      if (key != email) {
        events.add(event(n, random, "order", key, email));
      }
      // Overlap: every fifth person also used the next person's (a guest's) device. The link
      // never joins two customer ids, which the design says must not merge automatically.
      if (p % 5 == 0) {
        Identifier neighbour = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + (p + 1) % PEOPLE);
        events.add(event(n, random, "pageview", neighbour, deviceB));
      }
    }
    // Some events arrive twice.
    List<Event> repeats = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 7) {
      repeats.add(events.get(i));
    }
    events.addAll(repeats);
    Collections.shuffle(events, random);
    return events;
  }

  private static Event event(AtomicInteger n, Random random, String type, Identifier... identifiers) {
    Event.Builder b = Event.builder(
        String.format(Locale.ROOT, "e-%04d", n.incrementAndGet()), type, Fixtures.T0.plusSeconds(random.nextInt(1_000_000)));
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    if (type.equals("identify")) {
      b.data("first_name", "N" + random.nextInt(10));
    }
    if (type.equals("order")) {
      b.data("total", 1 + random.nextInt(100));
    }
    return b.build();
  }

  /** Per block of identifiers: the profile's event count, attributes and revenue. */
  static Map<Set<Identifier>, List<Object>> summary(Clientele c) {
    Map<Set<Identifier>, List<Object>> out = new HashMap<>();
    for (Profile p : Fixtures.profiles(c)) {
      out.put(ImmutableSet.copyOf(Fixtures.identifiersOf(p)),
          List.of(p.eventCount(), p.attributes(), p.orders(), p.createdAt(), p.updatedAt(), p.lastActive()));
    }
    return out;
  }

  private static void checkInvariants(Clientele c, long distinct) {
    List<String> onTimelines = new ArrayList<>();
    long eventCounts = 0;
    for (Profile p : Fixtures.profiles(c)) {
      onTimelines.addAll(Fixtures.timelineIds(c, p.id()));
      eventCounts += p.eventCount();
      for (Identifier i : Fixtures.identifiersOf(p)) {
        assertThat(c.storage().owner(i)).as("owner of %s", i).contains(p.id());
      }
      for (var merged : p.mergedFrom()) {
        assertThat(c.profile(merged)).as("merged-away %s", merged).isEmpty();
      }
    }
    assertThat(onTimelines).hasSize((int) distinct).doesNotHaveDuplicates();
    assertThat(eventCounts).isEqualTo(distinct);
    assertThat(c.storage().eventCount()).isEqualTo(distinct);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void ingest_fourThreadsRacingMerges_sameResultAsOneThread() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      List<Event> events = history(new Random(seed));
      long distinct = events.stream().map(Event::id).distinct().count();

      Clientele single = Fixtures.clientele();
      events.forEach(single::ingest);
      Clientele parallel = Fixtures.clientele();
      ingestConcurrently(parallel, events);

      assertThat(Fixtures.partition(parallel)).as("seed %s", seed).isEqualTo(Fixtures.partition(single));
      assertThat(summary(parallel)).as("seed %s", seed).isEqualTo(summary(single));
      IngestStats stats = parallel.stats();
      assertThat(stats.received()).isEqualTo(events.size());
      assertThat(stats.applied()).isEqualTo(distinct);
      assertThat(stats.duplicates()).isEqualTo(events.size() - distinct);
      assertThat(stats.rejected()).isZero();
      assertThat(stats.profilesCreated() - stats.profilesMerged()).isEqualTo(parallel.storage().profileCount());
      checkInvariants(single, distinct);
      checkInvariants(parallel, distinct);
      // The history joins each person's fragments, and every fifth person to a neighbour.
      assertThat(parallel.storage().profileCount()).isEqualTo(PEOPLE - PEOPLE / 5);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void ingest_sameEventFromFourThreadsAtOnce_appliedOnce() throws Exception {
    Clientele c = Fixtures.clientele();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Event e = Event.builder("e-" + i, "pageview", Fixtures.at(i))
          .identifier(IdentifierType.CUSTOMER_ID, "c-" + (i % 3)).build();
      for (int t = 0; t < THREADS; t++) {
        events.add(e);
      }
    }

    ingestConcurrently(c, events);

    assertThat(c.stats().applied()).isEqualTo(200);
    assertThat(c.stats().duplicates()).isEqualTo(600);
    assertThat(c.storage().profileCount()).isEqualTo(3);
    checkInvariants(c, 200);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void tag_whileEventsAreIngestedToTheSameProfile_neitherIsLost() throws Exception {
    Clientele c = Fixtures.clientele();
    var id = c.ingest(Event.builder("e-0", "login", Fixtures.at(0)).identifier(IdentifierType.CUSTOMER_ID, "c-1").build())
        .profile().orElseThrow();
    List<Event> events = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      events.add(Event.builder("e-" + i, "pageview", Fixtures.at(i)).identifier(IdentifierType.CUSTOMER_ID, "c-1").build());
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> tagging = pool.submit(() -> {
        for (int i = 0; i < 60; i++) {
          c.tag(id, "t" + i);
        }
      });
      Future<?> untagging = pool.submit(() -> {
        for (int i = 0; i < 60; i += 2) {
          c.tag(id, "u" + i);
          c.untag(id, "u" + i);
        }
      });
      ingestConcurrently(c, events);
      tagging.get(9, TimeUnit.SECONDS);
      untagging.get(9, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    Profile p = c.profile(id).orElseThrow();
    assertThat(p.eventCount()).isEqualTo(301);
    assertThat(p.tags()).hasSize(60).allMatch(t -> t.startsWith("t"));
    checkInvariants(c, 301);
  }

  /** Ingests {@code events} from {@link #THREADS} threads taking them from one shared cursor. */
  private static void ingestConcurrently(Clientele c, List<Event> events) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger next = new AtomicInteger();
      List<Callable<Void>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(() -> {
          start.await();
          for (int i = next.getAndIncrement(); i < events.size(); i = next.getAndIncrement()) {
            c.ingest(events.get(i));
          }
          return null;
        });
      }
      List<Future<Void>> running = workers.stream().map(pool::submit).collect(Collectors.toList());
      start.countDown();
      for (Future<Void> f : running) {
        f.get(Duration.ofSeconds(9).toMillis(), TimeUnit.MILLISECONDS); // rethrows a worker's failure
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
