package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Strings that Java holds but PostgreSQL's text cannot: an unpaired UTF-16 surrogate (which a
 * JSON feed can carry as {@code "\ud800"}) is sent by the driver as {@code ?}, so two different
 * values become one; a NUL is refused by the server. Identifier values and event ids reach the
 * key columns as they are, so on PostgreSQL (not H2, not in memory) two people collide and an
 * event is lost as a "duplicate". The fix belongs in core validation ({@code Identifier} already
 * refuses control characters; it should refuse unpaired surrogates, and {@code Event} ids both),
 * which this review may not edit: see the review report.
 */
class PostgresUnrepresentableTextTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  @Test
  @Disabled("bug, not fixed here: core Identifier/Event validation must refuse unpaired surrogates (and NUL in event ids); "
      + "on PostgreSQL distinct values collide (see the review report)")
  void postgres_distinctIdsWithLoneSurrogates_stayDistinct() {
    HikariDataSource db = TestDatabases.postgres();
    try (Clientele c = Clientele.builder().storage(TestDatabases.openCleared(db))
        .erasurePolicy(ErasurePolicy.builder().salt("text-test-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build()).build()) {
      List<Event> events = List.of(
          Event.builder("e-1", "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, "c-\ud800").build(),
          Event.builder("e-2", "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, "c-\ud801").build(),
          Event.builder("e-\ud800", "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, "c-3").build(),
          Event.builder("e-\ud801", "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, "c-4").build());

      // Today: e-2 fails after 100 attempts (IllegalStateException) and e-\ud801 is a "duplicate".
      for (Event e : events) {
        assertThat(c.ingest(e).outcome()).as(e.id()).isIn(IngestResult.Outcome.APPLIED, IngestResult.Outcome.REJECTED);
      }
      assertThat(c.storage().eventCount() + c.stats().rejected()).isEqualTo(4);
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }
}
