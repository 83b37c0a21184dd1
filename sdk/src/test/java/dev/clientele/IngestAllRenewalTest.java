package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One {@code ingestAll} call over many more than {@link Clientele#RENEW_GROUPS} read-ahead groups (its
 * group and outcome holder are replaced every so many groups) equals a loop of {@code ingest}.
 */
class IngestAllRenewalTest {
  private static Clientele.Builder builder() {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build());
  }

  @Test
  void ingestAll_acrossGroupRenewals_sameAsLoop() {
    for (long seed = 1; seed <= 4; seed++) {
      Random r = new Random(seed);
      List<Event> events = new ArrayList<>();
      int n = Clientele.READ_AHEAD * Clientele.RENEW_GROUPS * 3 + 17;
      for (int i = 0; i < n; i++) {
        int id = r.nextInt(n + n / 10); // some duplicates
        int type = r.nextInt(BatchIngestEquivalenceTest.TYPES.length);
        events.add(BatchIngestEquivalenceTest.event(String.format(Locale.ROOT, "e-%05d", id), r.nextInt(40), r.nextInt(32), type, i));
      }
      try (Clientele loop = builder().build(); Clientele grouped = builder().build(); Clientele counted = builder().build()) {
        List<IngestResult> singly = new ArrayList<>();
        events.forEach(e -> singly.add(loop.ingest(e)));
        List<IngestResult> each = new ArrayList<>();
        IngestStats stats = grouped.ingestAll(events, each::add);
        assertThat(each).isEqualTo(singly);
        assertThat(stats).isEqualTo(loop.stats());
        assertThat(BatchIngestEquivalenceTest.state(grouped)).isEqualTo(BatchIngestEquivalenceTest.state(loop));
        IngestStats statsCounted = counted.ingestAll(events);
        assertThat(statsCounted).isEqualTo(stats);
        assertThat(BatchIngestEquivalenceTest.state(counted)).isEqualTo(BatchIngestEquivalenceTest.state(loop));
        assertThat(Fixtures.partition(counted)).isEqualTo(Fixtures.partition(loop));
      }
    }
  }
}
