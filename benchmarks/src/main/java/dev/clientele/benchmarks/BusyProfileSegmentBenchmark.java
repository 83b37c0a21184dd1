package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentsReference;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ingestion onto one busy profile (a bot, a shared device) with segments over its event
 * history: {@value #EVENTS} pageviews (parameter {@code events}), one identifier, ingested one
 * by one with {@link Clientele#ingest} into a fresh in-memory {@code Clientele}; one invocation
 * is the whole run (single shot), so the score divided by the number of events is the cost per
 * event.
 *
 * <p>Modes ({@code mode}):
 * <ul>
 *   <li>{@code none}: no segments (the baseline);
 *   <li>{@code cached}: two segments, {@code eventCount("pageview", GE, 3)} and a windowed sum
 *       (the "seconds" of pageviews in the last day {@code >= 5000}), re-evaluated after every
 *       event with the timeline cache (the default);
 *   <li>{@code fullReread}: the same segments with the timeline cache's reference path, which
 *       reads the profile's whole timeline on every re-evaluation (the behaviour before the
 *       cache): quadratic, about 7 s per invocation at 20,000 events on the 2-core VM.
 * </ul>
 * The events are one every 10 seconds ending at the clock's instant, so the one-day window holds
 * the last 8,640 of them (at 20,000 events); every 50th is out of order (an hour late). Each
 * invocation checks that both segments were entered, once each.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BusyProfileSegmentBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BusyProfileSegmentBenchmark {
  static final int EVENTS = 20_000;
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  /** {@code none}, {@code cached} or {@code fullReread}: see the class comment. */
  @Param({"none", "cached", "fullReread"})
  public String mode;

  /** How many events the one profile gets ({@value #EVENTS} by default; e.g. {@code -p events=5000} to see the growth). */
  @Param({"20000"})
  public int events;

  private Event[] timeline;
  private Clientele clientele;

  /** The events (once). */
  @Setup(Level.Trial)
  public void makeEvents() {
    timeline = new Event[events];
    for (int i = 0; i < events; i++) {
      Instant at = NOW.minusSeconds(10L * (events - i));
      if (i % 50 == 49) {
        at = at.minus(Duration.ofHours(1));
      }
      timeline[i] = Event.builder("pv-" + i, "pageview", at).identifier(Identifier.of("customer_id", "bot-1"))
          .data("seconds", BigDecimal.valueOf(1 + i % 7)).build();
    }
  }

  /** A fresh instance per invocation. */
  @Setup(Level.Invocation)
  public void open() {
    Clientele.Builder b = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC));
    if (!mode.equals("none")) {
      SegmentConfig.Builder config = SegmentConfig.builder()
          .define(Segment.of("three-pageviews", Condition.eventCount("pageview", Comparison.GE, 3)))
          .define(Segment.of("busy-today",
              Condition.eventSum("pageview", "seconds", Comparison.GE, BigDecimal.valueOf(5_000)).within(Duration.ofDays(1))));
      if (mode.equals("fullReread")) {
        SegmentsReference.fullReread(config);
      }
      b.segments(config.build());
    }
    clientele = b.build();
  }

  /** Checks the run and closes the instance. */
  @TearDown(Level.Invocation)
  public void close() {
    if (!mode.equals("none")) {
      long transitions = clientele.segments().triggerStats().transitions();
      if (transitions != 2) {
        throw new IllegalStateException("expected both segments entered once, got " + transitions + " transitions");
      }
    }
    clientele.close();
  }

  /** Ingests all the events, one by one. */
  @Benchmark
  public Clientele ingestOneBusyProfile() {
    for (Event e : timeline) {
      clientele.ingest(e);
    }
    return clientele;
  }
}
