package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.spi.InMemoryStorage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ingestAll} without a consumer reuses one record of an applied event's outcome from event
 * to event; an event whose commit conflicts and is retried must count its problems once, as
 * with a consumer. (Not clearing the record at the start of each attempt counted 20 problems
 * for 10 events here.)
 */
class IngestAllRetryTest {
  private static final byte[] SALT = new byte[16];
  /** Refuses the first commit of every event once (a concurrent writer), then passes. */
  static final class ConflictOnce extends ForwardingStorage {
    final Set<String> refused = new HashSet<>();

    ConflictOnce() {
      super(new InMemoryStorage());
    }

    @Override
    public void commit(Commit commit) {
      String id = commit.appends().get(0).event().id();
      if (refused.add(id)) {
        throw new CommitConflictException("concurrent change (test)");
      }
      super.commit(commit);
    }
  }

  private static List<Event> events() {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // an order without a total: one problem per applied event
      out.add(Fixtures.event("o-" + i, "order", i).identifier(customerId("c-" + (i % 3))).build());
    }
    return out;
  }

  private static Clientele conflictingOnce() {
    return Clientele.builder()
        .profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(SALT).build())
        .storage(new ConflictOnce())
        .ingestBatchSize(1)
        .build();
  }

  @Test
  void retriedEvents_sameStatsWithAndWithoutEach() {
    try (Clientele withEach = conflictingOnce();
        Clientele without = conflictingOnce()) {
      IngestStats a = withEach.ingestAll(events(), r -> { });
      IngestStats b = without.ingestAll(events());
      assertThat(a.problems()).isEqualTo(10);
      assertThat(withEach.stats().retries()).isEqualTo(10);
      assertThat(b).isEqualTo(a);
      assertThat(without.stats()).isEqualTo(withEach.stats());
    }
  }
}
