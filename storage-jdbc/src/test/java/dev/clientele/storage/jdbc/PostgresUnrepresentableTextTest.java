package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Strings that Java holds but PostgreSQL's text cannot: an unpaired UTF-16 surrogate (which a
 * JSON feed can carry as {@code "\ud800"}) is sent by the driver as {@code ?}, so two different
 * values would become one, and a NUL is refused by the server. The model refuses both in
 * identifier values, event ids, sources and event data, so they never reach a key column; text
 * with paired surrogates (emoji) is stored as it is and stays distinct.
 */
class PostgresUnrepresentableTextTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  private static Event event(String id, String customerId) {
    return Event.builder(id, "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, customerId).build();
  }

  @Test
  void loneSurrogatesAndNul_areRefusedBeforeTheyReachTheDatabase() {
    assertThatIllegalArgumentException().isThrownBy(() -> event("e-1", "c-\ud800")).withMessageContaining("identifier value");
    assertThatIllegalArgumentException().isThrownBy(() -> event("e-\ud801", "c-1")).withMessageContaining("event id");
    assertThatIllegalArgumentException().isThrownBy(() -> event("e-\u0000", "c-1")).withMessageContaining("event id");
  }

  @Test
  void postgres_distinctIdsWithPairedSurrogates_stayDistinct() {
    HikariDataSource db = TestDatabases.postgres();
    try (Clientele c = Clientele.builder().storage(TestDatabases.openCleared(db))
        .erasurePolicy(ErasurePolicy.builder().salt("text-test-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build()).build()) {
      List<Event> events = List.of(
          event("e-1", "c-\ud83d\ude00"),
          event("e-2", "c-\ud83d\ude01"),
          event("e-\ud83d\ude00", "c-3"),
          event("e-\ud83d\ude01", "c-4"));

      for (Event e : events) {
        assertThat(c.ingest(e).outcome()).as(e.id()).isEqualTo(IngestResult.Outcome.APPLIED);
      }
      assertThat(c.storage().eventCount()).isEqualTo(4);
      assertThat(c.storage().profileCount()).as("four customers, none glued").isEqualTo(4);
      assertThat(c.storage().owner(Identifier.of(IdentifierType.CUSTOMER_ID, "c-\ud83d\ude01"))).isPresent();
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }
}
