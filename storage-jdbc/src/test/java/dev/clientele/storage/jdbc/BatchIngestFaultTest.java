package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Batched {@code ingestAll} on H2 whose connection breaks at every statement of the run in turn
 * (reads, the batch's writes, its {@code COMMIT}): the run fails with a {@link StorageException},
 * the store then holds whole batches only (those before the failing one, and the failing one
 * only when the break came after its commit), every reported event is stored, and running the
 * same events again ends exactly where the in-memory store ends event by event.
 */
class BatchIngestFaultTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  private static final int BATCH = 4;

  @Test
  void ingestAll_connectionBreaksAtAnyStep_wholeBatchesOnly_andARetryCompletes() throws SQLException {
    List<Event> events = events();
    Clientele memory = Clientele.builder().build();
    events.forEach(memory::ingest);
    Map<Set<Identifier>, Long> expected = summary(memory);

    boolean reachedTheEnd = false;
    String url = "jdbc:h2:mem:batch-fault;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    // An in-memory database lives while a connection does.
    try (Connection keepAlive = DriverManager.getConnection(url)) {
      assertThat(keepAlive.isValid(1)).isTrue();
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      FaultyDataSource faulty = new FaultyDataSource(h2, Connection::close);
      for (int step = 1; step < 400 && !reachedTheEnd; step++) {
        JdbcStorage storage = JdbcStorage.open(faulty);
        TestDatabases.clear(h2);
        try (Clientele c = Clientele.builder().storage(storage).ingestBatchSize(BATCH)
            .erasurePolicy(ErasurePolicy.builder().salt("fault-test-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build())
            .build()) {
          List<String> reported = new ArrayList<>();
          faulty.dropAt(step);
          try {
            c.ingestAll(events, (IngestResult r) -> reported.add(r.eventId()));
            reachedTheEnd = true; // the run needs fewer steps than this one: every step was tried
          } catch (StorageException expectedFailure) {
            // checked below
          }
          faulty.heal();

          Set<String> stored = storedIds(c);
          assertThat(stored).as("step %s: every reported event is stored", step).containsAll(reported);
          // Batches end after every BATCH events and at the end of the run.
          int end = stored.size() == events.size() ? events.size() : stored.size() / BATCH * BATCH;
          Set<String> prefix = events.subList(0, end).stream().map(Event::id).collect(Collectors.toSet());
          if (!stored.equals(prefix)) {
            fail("step %s: the store holds part of a batch: %s", step, stored);
          }

          c.ingestAll(events);

          assertThat(summary(c)).as("step %s: after the retry", step).isEqualTo(expected);
          assertThat(c.storage().eventCount()).isEqualTo(events.size());
        }
      }
    }
    assertThat(reachedTheEnd).as("the fault walked through the whole run").isTrue();
  }

  private static Set<String> storedIds(Clientele c) {
    try (var all = c.storage().allEvents()) {
      return all.map(e -> e.event().id()).collect(Collectors.toCollection(HashSet::new));
    }
  }

  /** Per block of identifiers: the profile's event count. */
  private static Map<Set<Identifier>, Long> summary(Clientele c) {
    Map<Set<Identifier>, Long> out = new HashMap<>();
    c.storage().forEachProfile((Profile p) -> out.put(
        p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet()), p.eventCount()));
    return out;
  }

  /** Two people seen first as fragments (device, email, customer id), then joined. */
  private static List<Event> events() {
    List<Event> out = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      Instant t = T0.plusSeconds(3600L * p);
      out.add(Event.builder("pv-" + p, "pageview", t).identifier(IdentifierType.ANONYMOUS_ID, "dev-" + p).build());
      out.add(Event.builder("id-" + p, "identify", t.plusSeconds(60)).identifier(IdentifierType.EMAIL, "p" + p + "@example.com")
          .data("first_name", "N" + p).build());
      out.add(Event.builder("login-" + p, "login", t.plusSeconds(120)).identifier(IdentifierType.ANONYMOUS_ID, "dev-" + p)
          .identifier(IdentifierType.EMAIL, "p" + p + "@example.com").identifier(IdentifierType.CUSTOMER_ID, "c-" + p).build());
    }
    return out;
  }
}
