package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The segments' timeline cache under concurrent ingestion onto the same few profiles (four
 * threads, single events and batches): once all writers are done, every profile's stored
 * membership equals an evaluation from scratch as of the clock's instant (the last
 * re-evaluation after the last commit decides, as without the cache).
 */
class SegmentsTimelineCacheConcurrencyTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  private static List<Segment> segments() {
    return List.of(
        Segment.of("window-count", Condition.eventCount("pageview", Comparison.LE, 600).within(Duration.ofDays(3))),
        Segment.of("many", Condition.eventCount("pageview", Comparison.GE, 700)),
        Segment.of("sum", Condition.eventSum("pageview", "n", Comparison.GE, BigDecimal.valueOf(1_600)).within(Duration.ofDays(2))),
        Segment.of("last", Condition.occurred("pageview", Condition.Which.LAST, Duration.ofHours(1))));
  }

  @RepeatedTest(3)
  void storedMembershipEqualsAFreshEvaluation() throws Exception {
    SegmentConfig.Builder config = SegmentConfig.builder();
    segments().forEach(config::define);
    try (Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).ingestBatchSize(5).segments(config.build()).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          List<Event> batch = new ArrayList<>();
          for (int i = 0; i < 600; i++) {
            int n = thread * 1_000_000 + i;
            Event e = Event.builder("e-" + n, "pageview", NOW.minusSeconds((n * 7919L) % (4 * 86_400)))
                .identifier(Identifier.of("customer_id", "busy-" + (i % 3))).data("n", BigDecimal.valueOf(i % 9)).build();
            if (i % 4 == 0) {
              batch.add(e);
              if (batch.size() == 5) {
                c.ingestAll(batch);
                batch.clear();
              }
            } else {
              c.ingest(e);
            }
          }
          c.ingestAll(batch);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      var s = c.segments(); // Segments here, a narrower view of it on later mains
      for (int k = 0; k < 3; k++) {
        Profile p = c.profile(Identifier.of("customer_id", "busy-" + k)).orElseThrow();
        for (Segment seg : segments()) {
          assertThat(s.memberships(p.id()).contains(seg.name())).as("%s in %s", p.id(), seg.name()).isEqualTo(s.matches(seg, p, NOW));
        }
        assertThat(s.memberships(p.id())).contains("many"); // 800 events each
      }
    }
  }
}
