package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.ProfileChange;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.Segments;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Incremental segment re-evaluation per ingested event with {@value #SEGMENTS} segments
 * defined, beside re-evaluating the same profile against all of them (what a hook without the
 * input analysis would do) and beside ingesting an event with no segments defined.
 *
 * <p>Setup (untimed): a Clientele ingests {@value #PEOPLE} people's histories
 * (identify with tier/country, a list subscription, consent, 2–12 pageviews, logins and orders
 * over 120 days, about 14 events each); a {@link Segments} over its store, which the benchmark
 * drives itself ({@code Clientele.segments()} does not offer the hooks), takes its memberships
 * with one refresh. Segments: 60 over profile state (attributes, lists,
 * consent, reachability, orders), 30 over event counts and sums in windows, 10 over activity
 * status and last occurrences. The timed calls replay a fixed cycle of already-ingested events
 * (mostly pageviews, some orders and logins) as {@link ProfileChange}s of existing profiles, so
 * the store does not grow and the score is the hook's cost alone:
 * <ul>
 *   <li>{@code incremental}: {@link Segments#onCommitted}, as after each ingested event;
 *   <li>{@code allSegments}: the same profile evaluated against all 100 segments (as a created
 *       or merged profile is);
 *   <li>{@code ingestWithoutSegments}: for scale, ingesting a new pageview of an existing
 *       profile into a Clientele with no segments.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SegmentIncrementalBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SegmentIncrementalBenchmark {
  static final int SEGMENTS = 100;
  static final int PEOPLE = 10_000;
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  private Clientele clientele;
  private Segments segments;
  private Clientele plain;
  private ProfileChange[] changes;
  private ProfileChange[] created;
  private int next;
  private long ingested;

  static List<Segment> segments() {
    List<Segment> out = new ArrayList<>();
    String[] countries = {"DE", "FR", "GB", "US", "ES"};
    for (int i = 0; i < 60; i++) {
      Condition c = switch (i % 6) {
        case 0 -> Condition.attribute("country", Condition.AttributeOp.EQ, countries[i % 5]);
        case 1 -> Condition.attribute("tier", Condition.AttributeOp.EQ, i % 2 == 0 ? "gold" : "silver")
            .and(Condition.reachable(Channel.EMAIL));
        case 2 -> Condition.inList("news").and(Condition.consent(Channel.EMAIL, Consent.OPT_IN));
        case 3 -> Condition.orders(Condition.OrderMeasure.REVENUE, Comparison.GE, BigDecimal.valueOf(50 + i));
        case 4 -> Condition.hasDeliverable(IdentifierType.EMAIL).and(Condition.attributeKnown("first_name"));
        default -> Condition.orders(Condition.OrderMeasure.COUNT, Comparison.GE, BigDecimal.valueOf(1 + i % 4))
            .and(Condition.not(Condition.attribute("country", Condition.AttributeOp.EQ, countries[i % 5])));
      };
      out.add(Segment.of("profile-" + i, c));
    }
    for (int i = 0; i < 30; i++) {
      Condition c = switch (i % 3) {
        case 0 -> Condition.eventCount("order", Comparison.GE, 1 + i % 3).within(Duration.ofDays(30 + i));
        case 1 -> Condition.eventSum("order", "total", Comparison.GE, BigDecimal.valueOf(100 + i)).within(Duration.ofDays(90));
        default -> Condition.eventCount("order", Comparison.GE, 2)
            .and(Condition.not(Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(20 + i))));
      };
      out.add(Segment.of("history-" + i, c));
    }
    for (int i = 0; i < 10; i++) {
      Condition c = i % 2 == 0
          ? Condition.activity(ActivityStatus.values()[i % 4]).and(Condition.reachable(Channel.EMAIL))
          : Condition.occurred("login", Condition.Which.LAST, Duration.ofDays(3 + i));
      out.add(Segment.of("activity-" + i, c));
    }
    return out;
  }

  static List<Event> history(int person, SplittableRandom random) {
    List<Event> out = new ArrayList<>();
    String email = "person" + person + "@example.com";
    String id = "h" + person + "-";
    int n = 0;
    String[] countries = {"DE", "FR", "GB", "US", "ES"};
    Instant start = NOW.minus(Duration.ofDays(120));
    out.add(Event.builder(id + n++, "identify", start).identifier(IdentifierType.EMAIL, email)
        .data("first_name", "P" + person).data("country", countries[random.nextInt(5)])
        .data("tier", random.nextBoolean() ? "gold" : "silver").build());
    if (random.nextBoolean()) {
      out.add(Event.builder(id + n++, "list", start.plusSeconds(60)).action("subscribe").identifier(IdentifierType.EMAIL, email)
          .data("list", "news").build());
    }
    if (random.nextInt(3) == 0) {
      out.add(Event.builder(id + n++, "consent", start.plusSeconds(120)).action("opt_in").identifier(IdentifierType.EMAIL, email).build());
    }
    int pageviews = 2 + random.nextInt(11);
    for (int k = 0; k < pageviews; k++) {
      out.add(Event.builder(id + n++, "pageview", NOW.minusSeconds(random.nextInt(120 * 86_400))).identifier(IdentifierType.EMAIL, email).build());
    }
    int logins = random.nextInt(4);
    for (int k = 0; k < logins; k++) {
      out.add(Event.builder(id + n++, "login", NOW.minusSeconds(random.nextInt(120 * 86_400))).identifier(IdentifierType.EMAIL, email).build());
    }
    int orders = random.nextInt(4);
    for (int k = 0; k < orders; k++) {
      out.add(Event.builder(id + n++, "order", NOW.minusSeconds(random.nextInt(120 * 86_400))).action("purchase")
          .identifier(IdentifierType.EMAIL, email).data("total", BigDecimal.valueOf(5 + random.nextInt(100))).build());
    }
    return out;
  }

  /** Ingests the histories. */
  @Setup(Level.Trial)
  public void fill() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    clientele = Clientele.builder().clock(clock).build();
    plain = Clientele.builder().clock(clock).build();
    // The hooks are not on Clientele.segments() (a host must not call them): the benchmark drives
    // its own instance over the same store, with the defaults Clientele would give it.
    segments = Segments.over(clientele.storage(), SegmentConfig.builder().defineAll(segments()).build(),
        ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), clock);
    SplittableRandom random = new SplittableRandom(20261120);
    List<ProfileChange> replay = new ArrayList<>();
    List<ProfileChange> all = new ArrayList<>();
    for (int p = 0; p < PEOPLE; p++) {
      for (Event e : history(p, random)) {
        IngestResult r = clientele.ingest(e);
        plain.ingest(e);
        ProfileId id = r.profile().orElseThrow();
        if (random.nextInt(10) == 0 && !e.type().equals("identify")) {
          replay.add(new ProfileChange(e, id, false, List.of()));
          all.add(new ProfileChange(e, id, true, List.of()));
        }
      }
    }
    java.util.Collections.shuffle(replay, new java.util.Random(1));
    java.util.Collections.shuffle(all, new java.util.Random(1));
    changes = replay.toArray(new ProfileChange[0]);
    created = all.toArray(new ProfileChange[0]);
    segments.refresh(NOW); // the memberships incremental evaluation would have left
    if (segments.triggerStats().transitions() == 0) {
      throw new IllegalStateException("the fixture put nobody in any segment");
    }
  }

  /** Closes the instances. */
  @TearDown(Level.Trial)
  public void close() {
    segments.close();
    clientele.close();
    plain.close();
  }

  /** The hook after one committed event. */
  @Benchmark
  public int incremental() {
    int i = next++ % changes.length;
    segments.onCommitted(changes[i]);
    return i;
  }

  /** The same profile against all 100 segments. */
  @Benchmark
  public int allSegments() {
    int i = next++ % created.length;
    segments.onCommitted(created[i]);
    return i;
  }

  /** Ingesting one pageview of an existing person with no segments defined. */
  @Benchmark
  public IngestResult ingestWithoutSegments() {
    long k = ingested++;
    return plain.ingest(Event.builder("bench-" + k, "pageview", NOW.minusSeconds(k % 86_400))
        .identifier(IdentifierType.EMAIL, "person" + (k % PEOPLE) + "@example.com").build());
  }
}
