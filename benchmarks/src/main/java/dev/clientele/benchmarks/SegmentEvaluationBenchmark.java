package dev.clientele.benchmarks;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityEvaluator;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.Segments;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Full evaluation of a 5-predicate segment over {@value #PROFILES} profiles, beside a bare loop
 * that applies the same five predicates, hand-written, to the same profile objects. The score
 * is time per profile.
 *
 * <p>The segment: first name known, country = "DE", reachable by email, at least two orders,
 * subscribed to "news" (each true for roughly 50–90 % of profiles, so short-circuiting does
 * not hide the later predicates). {@code matcher} runs the compiled segment over a list of the
 * profiles; {@code count} is {@link Segments#count}, which also pages through the store;
 * {@code bareLoop} is the hand-written loop over the same list.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SegmentEvaluationBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx8g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SegmentEvaluationBenchmark.PROFILES)
public class SegmentEvaluationBenchmark {
  /** Profiles evaluated. */
  public static final int PROFILES = 1_000_000;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant AS_OF = Instant.parse("2026-11-20T00:00:00Z");

  static final Segment SEGMENT = Segment.of("five", Condition.all(
      Condition.attributeKnown("first_name"),
      Condition.attribute("country", Condition.AttributeOp.EQ, "DE"),
      Condition.reachable(Channel.EMAIL),
      Condition.orders(Condition.OrderMeasure.COUNT, Comparison.GE, BigDecimal.valueOf(2)),
      Condition.inList("news")));

  private List<Profile> profiles;
  private Segments segments;
  private Predicate<Profile> matcher;
  private ReachabilityEvaluator reachability;

  /** Builds the profiles and stores them. */
  @Setup(Level.Trial)
  public void fill() {
    InMemoryStorage storage = new InMemoryStorage();
    SplittableRandom random = new SplittableRandom(20261123);
    String[] countries = {"DE", "DE", "DE", "FR", "GB"};
    profiles = new ArrayList<>(PROFILES);
    for (int i = 0; i < PROFILES; i++) {
      Profile.Builder b = Profile.builder(ProfileId.of(String.format(Locale.ROOT, "p-%08d", i)), T0).version(1);
      Instant seen = T0.plusSeconds(random.nextInt(10_000_000));
      Consent consent = random.nextInt(10) == 0 ? Consent.OPT_OUT : random.nextBoolean() ? Consent.OPT_IN : Consent.UNKNOWN;
      Deliverability d = random.nextInt(20) == 0 ? Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, seen) : Deliverability.DELIVERABLE;
      b.putIdentifier(new IdentifierState(Identifier.of(IdentifierType.EMAIL, "u" + i + "@example.com"), T0, Optional.of(seen), "web",
          d, consent, Optional.of(seen)));
      if (random.nextInt(10) < 9) {
        b.putAttribute(new Attribute("first_name", "Name" + i, "web", seen));
      }
      b.putAttribute(new Attribute("country", countries[random.nextInt(countries.length)], "web", seen));
      OrderSummary orders = OrderSummary.NONE;
      int n = random.nextInt(5);
      for (int k = 0; k < n; k++) {
        orders = orders.plus(BigDecimal.valueOf(10 + random.nextInt(90)), T0.plusSeconds(random.nextInt(10_000_000)));
      }
      b.orders(orders);
      if (random.nextInt(10) < 7) {
        b.putList(ListSubscription.apply(Optional.empty(), "news", true, seen));
      }
      Profile p = b.build();
      profiles.add(p);
      storage.commit(Commit.builder().putProfile(p, 0).build());
    }
    ReachabilityPolicy policy = ReachabilityPolicy.defaults();
    reachability = new ReachabilityEvaluator(policy);
    segments = Segments.over(storage, SegmentConfig.none(), policy, ActivityThresholds.defaults(), Clock.fixed(AS_OF, ZoneOffset.UTC));
    matcher = segments.matcher(SEGMENT, AS_OF);
    long viaSegment = profiles.stream().filter(matcher).count();
    long bare = bare();
    if (viaSegment != bare || segments.count(SEGMENT, AS_OF) != bare) {
      throw new IllegalStateException("segment and bare loop disagree: " + viaSegment + " vs " + bare);
    }
  }

  /** The compiled segment over the list of profiles. */
  @Benchmark
  public long matcher() {
    long n = 0;
    for (Profile p : profiles) {
      if (matcher.test(p)) {
        n++;
      }
    }
    return n;
  }

  /** {@link Segments#count}: the segment over every profile of the store, paged. */
  @Benchmark
  public long count() {
    return segments.count(SEGMENT, AS_OF);
  }

  /** The same five predicates written by hand, over the same list. */
  @Benchmark
  public long bareLoop() {
    return bare();
  }

  private long bare() {
    long n = 0;
    for (Profile p : profiles) {
      Attribute first = p.attributes().get("first_name");
      if (first == null || !first.isKnown()) {
        continue;
      }
      Attribute country = p.attributes().get("country");
      if (country == null || !"DE".equals(country.value())) {
        continue;
      }
      if (!reachability.isReachable(p, Channel.EMAIL)) {
        continue;
      }
      if (p.orders().orderCount() < 2) {
        continue;
      }
      ListSubscription news = p.lists().get("news");
      if (news == null || !news.subscribed()) {
        continue;
      }
      n++;
    }
    return n;
  }
}
