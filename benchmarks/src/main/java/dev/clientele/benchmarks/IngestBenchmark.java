package dev.clientele.benchmarks;

import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.IngestStats;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * In-memory ingest of {@value EventFixture#DEFAULT_EVENTS} events from
 * {@value EventFixture#DEFAULT_PEOPLE} people (see {@link EventFixture}), beside a baseline that
 * does only the unavoidable work on the same events.
 *
 * <p>One operation ingests the whole list into a fresh {@link Clientele#inMemory()}; the score is
 * divided by the number of events ({@link OperationsPerInvocation}), so it reads as time per
 * event. The events are built once per trial, untimed; each invocation gets a new instance and a
 * {@code System.gc()} beforehand (untimed), so garbage of the previous invocation is not
 * collected inside the next measurement.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar IngestBenchmark -f 1 -wi 2 -i 5 -jvmArgs -Xmx8g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(EventFixture.DEFAULT_EVENTS)
public class IngestBenchmark {
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private List<Event> events;
  private ExecutorService second;
  private volatile Thread secondThread;
  private Clientele clientele;
  private long cpuStart;
  private long secondCpuStart;

  @Setup(Level.Trial)
  public void generate() {
    EventFixture fixture = EventFixture.defaults();
    events = fixture.events();
    System.out.println();
    System.out.println("fixture: " + fixture.summary());
    second = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ingest-2");
      t.setDaemon(true);
      secondThread = t;
      return t;
    });
    try {
      second.submit(() -> { }).get(); // start the thread now, so its CPU time can be read
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Setup(Level.Invocation)
  public void freshInstance() {
    clientele = null;
    System.gc();
    clientele = Clientele.inMemory();
    // CPU time of the measured threads, beside JMH's wall time: on a machine shared with other
    // builds the wall time includes waiting for a core; the CPU time does not (it excludes GC
    // threads, whose cost -prof gc reports).
    secondCpuStart = THREADS.getThreadCpuTime(secondThread.getId());
    cpuStart = THREADS.getCurrentThreadCpuTime();
  }

  @TearDown(Level.Invocation)
  public void check() {
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    long secondCpu = THREADS.getThreadCpuTime(secondThread.getId()) - secondCpuStart;
    System.out.printf(java.util.Locale.ROOT, "%n  cpu per event: %.0f ns (this thread %.0f, second thread %.0f)%n",
        (double) (cpu + secondCpu) / events.size(), (double) cpu / events.size(), (double) secondCpu / events.size());
    IngestStats s = clientele.stats();
    if (s.received() != 0) { // the baseline does not use the instance
      if (s.received() != events.size() || s.applied() + s.rejected() != events.size()) {
        throw new IllegalStateException("not every event was ingested: " + s);
      }
      System.out.printf(
          "%n  applied %,d, rejected %,d, profiles %,d (created %,d, merged %,d), retries %,d%n",
          s.applied(), s.rejected(), clientele.profileCount(), s.profilesCreated(), s.profilesMerged(), s.retries());
    }
    clientele.close();
  }

  @TearDown(Level.Trial)
  public void stop() {
    second.shutdownNow();
  }

  /** All events, one thread, through {@link Clientele#ingest}. */
  @Benchmark
  public long clientele() {
    return ingest(clientele, events, 0, events.size());
  }

  /**
   * The same events split in two halves (first and second half of the time range), ingested
   * concurrently by two threads into one instance.
   */
  @Benchmark
  public long clienteleTwoThreads() throws Exception {
    int half = events.size() / 2;
    Clientele c = clientele;
    Future<Long> other = second.submit(() -> ingest(c, events, half, events.size()));
    long mine = ingest(c, events, 0, half);
    return mine + other.get();
  }

  /**
   * All events, one thread, through {@link Clientele#ingestAll}: in-memory, it applies them as
   * {@link Clientele#ingest} in a loop, in groups whose reads the store may overlap.
   */
  @Benchmark
  public long clienteleIngestAll() {
    return clientele.ingestAll(events).applied();
  }

  /**
   * {@link #clienteleTwoThreads} through {@link Clientele#ingestAll}: each thread ingests its
   * half (the same halves) with one {@code ingestAll} call.
   */
  @Benchmark
  public long clienteleIngestAllTwoThreads() throws Exception {
    int half = events.size() / 2;
    Clientele c = clientele;
    Future<Long> other = second.submit(() -> c.ingestAll(events.subList(half, events.size())).applied());
    long mine = c.ingestAll(events.subList(0, half)).applied();
    return mine + other.get();
  }

  /**
   * The unavoidable work: per event, per identifier, look the raw value up in a person index,
   * assigning a new person id when absent; count events per person (of the first identifier).
   * No normalisation, no merging, no event storage.
   */
  @Benchmark
  public void baselineHashMap(Blackhole bh) {
    HashMap<String, Integer> index = new HashMap<>();
    int[] counts = new int[1024];
    int next = 0;
    for (Event e : events) {
      int person = -1;
      List<Identifier> ids = e.identifiers();
      for (int i = 0; i < ids.size(); i++) {
        String value = ids.get(i).value();
        Integer p = index.get(value);
        if (p == null) {
          p = next++;
          index.put(value, p);
        }
        if (person < 0) {
          person = p;
        }
      }
      if (person >= counts.length) {
        counts = Arrays.copyOf(counts, Math.max(counts.length * 2, person + 1));
      }
      counts[person]++;
    }
    bh.consume(index);
    bh.consume(counts);
    bh.consume(next);
  }

  private static long ingest(Clientele c, List<Event> events, int from, int to) {
    long applied = 0;
    for (int i = from; i < to; i++) {
      if (c.ingest(events.get(i)).outcome() == IngestResult.Outcome.APPLIED) {
        applied++;
      }
    }
    return applied;
  }
}
