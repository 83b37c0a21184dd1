package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.IngestStats;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two threads run batched {@code ingestAll} at once on one database, over halves of a shuffled
 * history whose people arrive as fragments that later merge (so batches of both threads race on
 * the same rows, conflict, and fall back to event-by-event ingestion): the profiles are exactly
 * those the in-memory store gives event by event on one thread, and no event is lost or doubled.
 */
class ConcurrentBatchIngestTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  private static final int PEOPLE = 20;

  @Test
  void h2_twoThreadsIngestAll_sameAsOneThreadInMemory() throws Exception {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      check(db);
    }
  }

  @Test
  void postgres_twoThreadsIngestAll_sameAsOneThreadInMemory() throws Exception {
    HikariDataSource db = TestDatabases.postgres();
    try {
      check(db);
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  private static void check(HikariDataSource db) throws Exception {
    List<Event> events = history(new Random(7));
    long distinct = events.stream().map(Event::id).distinct().count();
    Clientele memory = Clientele.builder().build();
    events.forEach(memory::ingest);

    try (Clientele jdbc = Clientele.builder().storage(TestDatabases.openCleared(db)).ingestBatchSize(15)
        .erasurePolicy(ErasurePolicy.builder().salt("concurrent-batch-salt".getBytes(StandardCharsets.UTF_8)).build())
        .build()) {
      List<List<Event>> halves = List.of(new ArrayList<>(), new ArrayList<>());
      for (int i = 0; i < events.size(); i++) {
        halves.get(i % 2).add(events.get(i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<String>>> running = new ArrayList<>();
      try {
        for (List<Event> half : halves) {
          running.add(pool.submit(() -> {
            start.await();
            List<String> reported = new ArrayList<>();
            jdbc.ingestAll(half, (IngestResult r) -> reported.add(r.eventId()));
            return reported;
          }));
        }
        start.countDown();
        for (int t = 0; t < 2; t++) {
          assertThat(running.get(t).get(60, TimeUnit.SECONDS)).as("each event of the half reported once, in order")
              .isEqualTo(halves.get(t).stream().map(Event::id).toList());
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(summary(jdbc)).isEqualTo(summary(memory));
      IngestStats stats = jdbc.stats();
      assertThat(stats.applied()).isEqualTo(distinct);
      assertThat(stats.duplicates()).isEqualTo(events.size() - distinct);
      assertThat(jdbc.storage().eventCount()).isEqualTo(distinct);
      long onTimelines = 0;
      for (Profile p : profiles(jdbc)) {
        onTimelines += p.eventCount();
        for (IdentifierState s : p.identifiers()) {
          assertThat(jdbc.storage().owner(s.identifier())).contains(p.id());
        }
      }
      assertThat(onTimelines).isEqualTo(distinct);
    }
  }

  /** Per block of identifiers: the profile's event count and attributes. */
  private static Map<Set<Identifier>, List<Object>> summary(Clientele c) {
    Map<Set<Identifier>, List<Object>> out = new HashMap<>();
    for (Profile p : profiles(c)) {
      Set<Identifier> ids = p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet());
      out.put(ids, List.of(p.eventCount(), p.attributes(), p.createdAt(), p.lastActive()));
    }
    return out;
  }

  private static List<Profile> profiles(Clientele c) {
    List<Profile> out = new ArrayList<>();
    c.storage().forEachProfile(out::add);
    return out;
  }

  /**
   * Each person: an email, a customer id (not guests) and two devices, seen alone first, then
   * joined by bridging events; every fifth person also used the next one's (a guest's) device.
   * Some events arrive twice.
   */
  private static List<Event> history(Random random) {
    List<Event> events = new ArrayList<>();
    int[] n = {0};
    for (int p = 0; p < PEOPLE; p++) {
      Identifier email = Identifier.of(IdentifierType.EMAIL, "person" + p + "@example.com");
      Identifier cid = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
      Identifier a = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + p);
      Identifier b = Identifier.of(IdentifierType.ANONYMOUS_ID, "b-" + p);
      // Every fifth person from the second is a guest: the email stands in for a customer id.
      Identifier key = p % 5 == 1 ? email : cid;
      for (Identifier i : List.of(email, key, a, b)) {
        events.add(event(n, random, "pageview", i));
      }
      events.add(event(n, random, "login", key, a));
      events.add(event(n, random, "identify", email, b));
      if (key != email) {
        events.add(event(n, random, "order", cid, email));
      }
      // The shared device joins a person to a guest, never two customer ids (which must not
      // merge, so the outcome would depend on arrival order).
      if (p % 5 == 0) {
        events.add(event(n, random, "pageview", Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + (p + 1)), b));
      }
    }
    Set<Integer> again = new HashSet<>();
    for (int i = 0; i < events.size(); i += 9) {
      again.add(i);
    }
    List<Event> repeats = again.stream().sorted().map(events::get).toList();
    events.addAll(repeats);
    Collections.shuffle(events, random);
    return events;
  }

  private static Event event(int[] n, Random random, String type, Identifier... identifiers) {
    Event.Builder b = Event.builder(String.format(Locale.ROOT, "e-%04d", ++n[0]), type,
        T0.plusSeconds(random.nextInt(1_000_000)));
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    if (type.equals("identify")) {
      b.data("first_name", "N" + random.nextInt(10));
    }
    if (type.equals("order")) {
      b.action("purchase").data("total", 1 + random.nextInt(100));
    }
    return b.build();
  }
}
