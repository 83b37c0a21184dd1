package dev.clientele;

import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.spi.InMemoryStorage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ingestion asks the backend whether it has any tombstone with {@link
 * dev.clientele.core.spi.TombstoneStore#hasTombstones()}, never with {@code tombstoneCount()},
 * which may scan every tombstone (a {@code COUNT(*)} per new identifier made events on a
 * PostgreSQL store with 2 M tombstones six times slower).
 */
class TombstoneCheckTest {
  /** A backend whose count must not be asked on the write path. */
  private static final class NoCountStorage extends ForwardingStorage {
    final AtomicInteger asked = new AtomicInteger();
    private final InMemoryStorage inner;

    NoCountStorage() {
      this(new InMemoryStorage());
    }

    private NoCountStorage(InMemoryStorage inner) {
      super(inner);
      this.inner = inner;
    }

    @Override
    public long tombstoneCount() {
      throw new AssertionError("tombstoneCount() on the write path");
    }

    @Override
    public boolean hasTombstones() {
      asked.incrementAndGet();
      return inner.hasTombstones();
    }
  }

  @Test
  void ingest_newIdentifiers_askHasTombstones_notTheCount_andErasedOnesStayBlocked() {
    NoCountStorage storage = new NoCountStorage();
    try (Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).build()) {
      assertThat(c.ingest(event("e-1", "pageview", 1).identifier(IdentifierType.EMAIL, "ann@example.com").build()).outcome())
          .isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(storage.asked).as("asked before the first erasure").hasPositiveValue();

      c.delete(c.profile(Fixtures.email("ann@example.com")).orElseThrow().id());
      IngestResult replay = c.ingest(event("e-2", "pageview", 2).identifier(IdentifierType.EMAIL, "ann@example.com").build());
      IngestResult other = c.ingest(event("e-3", "pageview", 3).identifier(IdentifierType.EMAIL, "bob@example.com").build());

      assertThat(replay.outcome()).as("the erased email is blocked").isEqualTo(IngestResult.Outcome.REJECTED);
      assertThat(other.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }
}
