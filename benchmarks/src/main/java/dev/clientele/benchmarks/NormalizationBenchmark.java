package dev.clientele.benchmarks;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Identifier normalisation alone: {@link IdentityResolver#resolve} over every event of the
 * ingest fixture ({@link EventFixture#defaults()}: 1 000 000 events, 57 100 phone numbers in five
 * spellings, emails with case and space variants), the part of ingest that issue 3's phone
 * spelling key changes. {@code resolveCold} starts each invocation with a new resolver, so its
 * cache fills as ingest's does (first sightings parse); {@code resolveWarm} reuses one resolver
 * that has seen every event (cache hits and shortcuts only). Scores are per event; the
 * {@code cpu per event} line is the measuring thread's CPU time.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar NormalizationBenchmark -f 1 -wi 2 -i 5 -jvmArgs -Xmx8g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EventFixture.DEFAULT_EVENTS)
public class NormalizationBenchmark {
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private List<Event> events;
  /** The fixture's phone identifiers, every occurrence, in event order. */
  private List<Identifier> phones;
  private IdentityResolver warm;
  private IdentityResolver cold;
  private long cpuStart;

  @Setup(Level.Trial)
  public void generate() {
    events = EventFixture.defaults().events();
    phones = events.stream()
        .flatMap(e -> e.identifiers().stream())
        .filter(i -> i.type().equals(IdentifierType.PHONE))
        .toList();
    System.out.printf(java.util.Locale.ROOT, "%n%,d phone occurrences, %,d distinct spellings%n",
        phones.size(), phones.stream().distinct().count());
    warm = new IdentityResolver(IdentityRules.defaults());
    for (Event e : events) {
      warm.resolve(e);
    }
  }

  @Setup(Level.Invocation)
  public void freshResolver() {
    cold = null;
    System.gc();
    cold = new IdentityResolver(IdentityRules.defaults());
    cpuStart = THREADS.getCurrentThreadCpuTime();
  }

  @TearDown(Level.Invocation)
  public void report() {
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    System.out.printf(java.util.Locale.ROOT, "%n  cpu per event: %.0f ns (per phone occurrence %.0f ns)%n",
        (double) cpu / events.size(), (double) cpu / phones.size());
  }

  /** Every event through a resolver with an empty cache. */
  @Benchmark
  public void resolveCold(Blackhole bh) {
    resolveAll(cold, bh);
  }

  /** Every event through a resolver that has seen them all. */
  @Benchmark
  public void resolveWarm(Blackhole bh) {
    resolveAll(warm, bh);
  }

  /**
   * Only the phone identifiers, every occurrence, through a resolver with an empty cache: the
   * first sightings are what the spelling key changes. Score per invocation (not per event); the
   * {@code per phone occurrence} figure divides the CPU time by the number of occurrences.
   */
  @Benchmark
  @OperationsPerInvocation(1)
  public void normalizePhonesCold(Blackhole bh) {
    for (int i = 0; i < phones.size(); i++) {
      bh.consume(cold.normalize(phones.get(i)));
    }
  }

  private void resolveAll(IdentityResolver resolver, Blackhole bh) {
    for (int i = 0; i < events.size(); i++) { // by index: no iterator
      bh.consume(resolver.resolve(events.get(i)));
    }
  }
}
