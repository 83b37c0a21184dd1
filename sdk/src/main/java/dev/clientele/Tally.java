package dev.clientele;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters behind {@link IngestStats}. An instance's counters are shared by every
 * ingesting thread; a count of zero is not added (each add is an atomic update of memory the
 * other threads' adds may touch). One call's own counts, which only its thread changes, go to a
 * {@link Local} instead.
 */
final class Tally extends Counts {
  private final LongAdder[] counters = new LongAdder[COUNTERS];

  Tally() {
    for (int i = 0; i < COUNTERS; i++) {
      counters[i] = new LongAdder();
    }
  }

  @Override
  void add(int counter, long n) {
    if (n != 0) {
      counters[counter].add(n);
    }
  }

  @Override
  long sum(int counter) {
    return counters[counter].sum();
  }

  /**
   * The counts of one {@code ingestAll} call, kept by the thread that makes it: plain fields,
   * not thread-safe. Retries and the instance-only
   * counts of {@link IngestStats.Details} are not counted per call (0).
   */
  static final class Local extends Counts {
    private final long[] counts = new long[COUNTERS];

    @Override
    void add(int counter, long n) {
      counts[counter] += n;
    }

    @Override
    long sum(int counter) {
      return counts[counter];
    }
  }
}
