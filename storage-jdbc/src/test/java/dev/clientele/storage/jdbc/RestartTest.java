package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestStats;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data outlives the process: ingest through the real pipeline, close everything, reopen the
 * same database with a new pool and a new Clientele, and find the same profiles, timelines and
 * merge log; replaying the events changes nothing.
 */
class RestartTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  @Test
  void h2File_ingestCloseReopen_sameProfiles(@TempDir Path dir) {
    String path = dir.resolve("clientele").toString();
    assertSurvivesRestart(() -> TestDatabases.h2File(path), HikariDataSource::close);
  }

  @Test
  void postgres_ingestCloseReopen_sameProfiles() {
    HikariDataSource first = TestDatabases.postgres();
    String schema = first.getSchema();
    String url = TestDatabases.postgresUrl().orElseThrow();
    first.close();
    try {
      assertSurvivesRestart(() -> TestDatabases.pool(url, 4, schema), HikariDataSource::close);
    } finally {
      TestDatabases.dropPostgres(TestDatabases.pool(url, 1, schema));
    }
  }

  private static void assertSurvivesRestart(Supplier<HikariDataSource> pools,
      java.util.function.Consumer<HikariDataSource> close) {
    List<Event> events = events();
    Snapshot before;
    HikariDataSource pool = pools.get();
    try (Clientele clientele = Clientele.builder().storage(JdbcStorage.open(pool)).erasurePolicy(salted()).build()) {
      IngestStats stats = clientele.ingestAll(events);
      assertThat(stats.applied()).isEqualTo(events.size());
      assertThat(stats.profilesMerged()).as("the data must exercise merges").isPositive();
      before = snapshot(clientele);
    } finally {
      close.accept(pool);
    }
    assertThat(before.profiles()).isNotEmpty();

    HikariDataSource again = pools.get();
    try (Clientele clientele = Clientele.builder().storage(JdbcStorage.open(again)).erasurePolicy(salted()).build()) {
      assertThat(snapshot(clientele)).isEqualTo(before);

      IngestStats replay = clientele.ingestAll(events);

      assertThat(replay.duplicates()).isEqualTo(events.size());
      assertThat(replay.applied()).isZero();
      assertThat(snapshot(clientele)).isEqualTo(before);
    } finally {
      close.accept(again);
    }
  }

  /**
   * {@code ingestAll} on a database commits a batch at a time (the default batch size); the
   * result must be what the in-memory store gives event by event.
   */
  @Test
  void h2_batchedIngest_sameAsInMemoryEventByEvent(@TempDir Path dir) {
    List<Event> events = events();
    HikariDataSource pool = TestDatabases.h2File(dir.resolve("batch").toString());
    try (Clientele memory = Clientele.builder().profileIds(sequential()).build();
        Clientele h2 = Clientele.builder().storage(JdbcStorage.open(pool)).erasurePolicy(salted()).profileIds(sequential()).build()) {
      events.forEach(memory::ingest);

      IngestStats stats = h2.ingestAll(events);

      assertThat(stats.applied()).isEqualTo(events.size());
      assertThat(comparable(snapshot(h2))).isEqualTo(comparable(snapshot(memory)));
    } finally {
      pool.close();
    }
  }

  private static java.util.function.Supplier<ProfileId> sequential() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return () -> ProfileId.of("p-" + n.incrementAndGet());
  }

  /** A snapshot without what legitimately differs: profile versions and merge-record ids. */
  private static List<Object> comparable(Snapshot s) {
    List<Object> out = new ArrayList<>();
    s.profiles().values().stream().sorted(java.util.Comparator.comparing(p -> p.id().value()))
        .forEach(p -> out.add(p.toBuilder().version(1).build()));
    out.add(new java.util.TreeMap<>(s.timelines()));
    s.mergeRecords().forEach((id, records) -> records.forEach(r -> out.add(
        List.of(id, r.kind(), r.profile(), r.eventId(), r.sides(), r.links()))));
    out.add(s.events());
    return out;
  }

  /** The same salt on both sides of the restart, as a host keeps it in its secret store. */
  private static ErasurePolicy salted() {
    return ErasurePolicy.builder().salt("restart-test-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build();
  }

  /** Profiles, their timelines and their merge records, by id. */
  private record Snapshot(Map<ProfileId, Profile> profiles, Map<ProfileId, List<String>> timelines,
      Map<ProfileId, List<MergeRecord>> mergeRecords, long events) {}

  private static Snapshot snapshot(Clientele clientele) {
    Storage storage = clientele.storage();
    Map<ProfileId, Profile> profiles = new LinkedHashMap<>();
    Map<ProfileId, List<String>> timelines = new LinkedHashMap<>();
    Map<ProfileId, List<MergeRecord>> records = new LinkedHashMap<>();
    storage.forEachProfile(p -> {
      profiles.put(p.id(), p);
      timelines.put(p.id(), clientele.timeline(p.id(), TimelineQuery.all()).stream().map(Event::id).toList());
      records.put(p.id(), storage.mergeRecords(p.id()));
    });
    return new Snapshot(profiles, timelines, records, storage.eventCount());
  }

  /**
   * 40 people seen first anonymously on a device, then logging in with an email, some later
   * with a customer id and orders; every fifth person's device is later used with the email of
   * the next, so profiles merge.
   */
  private static List<Event> events() {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Instant t = T0.plusSeconds(3600L * i);
      String email = "person" + i + "@example.com";
      String device = "dev-" + i;
      out.add(Event.builder("pv-" + i, "pageview", t).identifier(IdentifierType.ANONYMOUS_ID, device)
          .data("page", "/home").build());
      out.add(Event.builder("login-" + i, "login", t.plusSeconds(60)).action("login")
          .identifier(IdentifierType.ANONYMOUS_ID, device).identifier(IdentifierType.EMAIL, email).build());
      out.add(Event.builder("id-" + i, "identify", t.plusSeconds(120)).identifier(IdentifierType.EMAIL, email)
          .data("first_name", "Name" + i).data("city", i % 2 == 0 ? "İzmir" : "Zürich").build());
      if (i % 3 == 0) {
        out.add(Event.builder("order-" + i, "order", t.plusSeconds(600)).action("purchase")
            .identifier(IdentifierType.EMAIL, email).identifier(IdentifierType.CUSTOMER_ID, "c-" + i)
            .data("order_id", "o-" + i).data("total", new BigDecimal("19.99").add(BigDecimal.valueOf(i))).build());
      }
      if (i % 5 == 4) {
        out.add(Event.builder("link-" + i, "pageview", t.plusSeconds(900)).identifier(IdentifierType.ANONYMOUS_ID, device)
            .identifier(IdentifierType.EMAIL, "person" + (i - 1) + "@example.com").build());
      }
    }
    out.add(Event.builder("consent-1", "consent", T0.plusSeconds(50_000)).action("opt_out")
        .identifier(IdentifierType.EMAIL, "person1@example.com").data("channel", "email").build());
    return out;
  }

}
