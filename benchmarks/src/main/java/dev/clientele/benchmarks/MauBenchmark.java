package dev.clientele.benchmarks;

import dev.clientele.analytics.ActivityIndex;
import dev.clientele.analytics.MauCount;
import dev.clientele.analytics.MauEstimate;
import dev.clientele.analytics.MauSketches;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.ProfileId;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Exact MAU over {@value #EVENTS} active events of {@value #PROFILES} profiles (a fifth of them
 * anonymous), all in October 2026, asked as of 31 October, so the query covers every event.
 * Scores are events per second.
 *
 * <ul>
 *   <li>{@code indexMau}: {@link ActivityIndex#mau}, the library's exact path (events pre-sorted
 *       by day, one bit set per event).
 *   <li>{@code baselineHashSet}: the bare scan that puts the profile id of each active
 *       event in the month-to-date range into a {@code HashSet} (row arrays: type code, epoch
 *       second, profile id).
 *   <li>{@code baselineBitSet}: the bare scan that sets a bit per active event in range
 *       over dense profile numbers (columns: type code, epoch day, ordinal).
 *   <li>{@code sketchBuild}: filling the per-day HLL sketches from the index (flat heap HLL_8
 *       arrays, lgK 14); {@code sketchMonthToDate}: the month-to-date union of 31 daily sketch
 *       pairs, scored per event it stands for. The sketch's error against the exact count is
 *       printed once at setup.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MauBenchmark -f 1 -wi 3 -i 5 -jvmArgs -Xmx4g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(MauBenchmark.EVENTS)
public class MauBenchmark {
  /** Active events. */
  public static final int EVENTS = 10_000_000;
  /** Profiles. */
  public static final int PROFILES = 1_000_000;
  private static final LocalDate DAY = LocalDate.parse("2026-10-31");
  private static final String[] TYPES = {"pageview", "login", "order", "campaign", "identify"};

  // Row form for the hash-set baseline.
  private byte[] type;
  private long[] epochSecond;
  private ProfileId[] profileOf;
  // Column form for the bitset baseline.
  private int[] epochDay;
  private int[] ordinalOf;
  private boolean[] activeType;

  private ActivityIndex index;
  private MauSketches sketches;

  /** Generates the events (seeded) and builds the index and sketches once. */
  @Setup(Level.Trial)
  public void fill() {
    SplittableRandom random = new SplittableRandom(20261123);
    ProfileId[] ids = new ProfileId[PROFILES];
    ActivityIndex.Builder b = ActivityIndex.builder();
    for (int p = 0; p < PROFILES; p++) {
      ids[p] = ProfileId.of(String.format(Locale.ROOT, "p-%08d", p));
      b.profile(ids[p], p % 5 == 0);
    }
    ActivityRules rules = ActivityRules.defaults();
    activeType = new boolean[TYPES.length];
    for (int t = 0; t < TYPES.length; t++) {
      activeType[t] = rules.isActive(TYPES[t], "open");
    }
    long monthStart = DAY.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    type = new byte[EVENTS];
    epochSecond = new long[EVENTS];
    profileOf = new ProfileId[EVENTS];
    epochDay = new int[EVENTS];
    ordinalOf = new int[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      // Skewed activity: half the events come from a tenth of the profiles.
      int p = random.nextBoolean() ? random.nextInt(PROFILES / 10) : random.nextInt(PROFILES);
      long t = monthStart + random.nextLong(31L * 86_400);
      type[i] = (byte) random.nextInt(TYPES.length);
      epochSecond[i] = t;
      profileOf[i] = ids[p];
      epochDay[i] = (int) Math.floorDiv(t, 86_400L);
      ordinalOf[i] = p;
      b.activeEvent(p, java.time.Instant.ofEpochSecond(t));
    }
    index = b.build();
    sketches = MauSketches.of(index, MauSketches.DEFAULT_LG_K);
    MauCount exact = index.mau(DAY);
    MauEstimate estimate = sketches.estimate(DAY);
    System.out.printf(Locale.ROOT,
        "%nexact mau %d (identified %d, anonymous %d); sketch %.0f (identified %.0f, anonymous %.0f), error %+.3f %%,"
            + " 95 %% bounds [%.0f, %.0f], stated RSE %.3f %%%n",
        exact.mau(), exact.identified(), exact.anonymous(), estimate.mau(), estimate.identified(), estimate.anonymous(),
        100.0 * (estimate.mau() - exact.mau()) / exact.mau(), estimate.lowerBound(), estimate.upperBound(),
        100.0 * estimate.relativeStandardError());
  }

  /** The library's exact MAU. */
  @Benchmark
  public MauCount indexMau() {
    return index.mau(DAY);
  }

  /** Baseline: profile ids of active events in range into a hash set. */
  @Benchmark
  public int baselineHashSet() {
    long from = DAY.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    long to = DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    HashSet<ProfileId> active = new HashSet<>();
    for (int i = 0; i < EVENTS; i++) {
      long t = epochSecond[i];
      if (activeType[type[i]] && t >= from && t < to) {
        active.add(profileOf[i]);
      }
    }
    return active.size();
  }

  /** Baseline: bits over dense profile numbers for active events in range. */
  @Benchmark
  public int baselineBitSet() {
    int from = (int) DAY.withDayOfMonth(1).toEpochDay();
    int to = (int) DAY.toEpochDay();
    long[] bits = new long[(PROFILES + 63) >>> 6];
    for (int i = 0; i < EVENTS; i++) {
      int d = epochDay[i];
      if (activeType[type[i]] && d >= from && d <= to) {
        int p = ordinalOf[i];
        bits[p >>> 6] |= 1L << p;
      }
    }
    int n = 0;
    for (long w : bits) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** Sketch mode: building the 31 daily sketch pairs from the index. */
  @Benchmark
  public MauSketches sketchBuild() {
    return MauSketches.of(index, MauSketches.DEFAULT_LG_K);
  }

  /** Sketch mode: month-to-date by union of the daily sketches (no event scanned). */
  @Benchmark
  public MauEstimate sketchMonthToDate() {
    return sketches.estimate(DAY);
  }
}
