package dev.clientele;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe counters behind {@link IngestStats}. An instance's counters are shared by every
 * ingesting thread; a count of zero is not added (each add is an atomic update of memory the
 * other threads' adds may touch). One call's own counts, which only its thread changes, go to a
 * {@link Local} instead.
 */
final class Tally {
  final LongAdder received = new LongAdder();
  final LongAdder applied = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder problems = new LongAdder();
  final LongAdder profilesCreated = new LongAdder();
  final LongAdder profilesMerged = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder profilesErased = new LongAdder();
  final LongAdder linksRefused = new LongAdder();

  void count(IngestResult r) {
    received.increment();
    add(problems, r.problems().size());
    add(linksRefused, r.refusals().size());
    switch (r.outcome()) {
      case APPLIED -> {
        applied.increment();
        if (r.createdProfile()) {
          profilesCreated.increment();
        }
        add(profilesMerged, r.mergedProfiles().size());
      }
      case DUPLICATE -> duplicates.increment();
      case REJECTED -> rejected.increment();
      case ERASED -> add(profilesErased, r.erasedProfiles().size());
    }
  }

  /** What {@link #count(IngestResult)} counts for the result of the applied event {@code a} describes, without that result. */
  void count(IngestPipeline.Applied a) {
    received.increment();
    add(problems, a.problems.size());
    add(linksRefused, a.refusals.size());
    applied.increment();
    if (a.createdProfile) {
      profilesCreated.increment();
    }
    add(profilesMerged, a.mergedProfiles.size());
  }

  private static void add(LongAdder counter, int n) {
    if (n != 0) {
      counter.add(n);
    }
  }

  IngestStats snapshot() {
    return new IngestStats(
        received.sum(),
        applied.sum(),
        duplicates.sum(),
        rejected.sum(),
        problems.sum(),
        profilesCreated.sum(),
        profilesMerged.sum(),
        retries.sum(),
        profilesErased.sum(),
        linksRefused.sum());
  }

  /**
   * The counts of one {@code ingestAll} call, kept by the thread that makes it: plain fields,
   * counted like {@link Tally#count(IngestResult)}, not thread-safe.
   */
  static final class Local {
    private long received;
    private long applied;
    private long duplicates;
    private long rejected;
    private long problems;
    private long profilesCreated;
    private long profilesMerged;
    private long profilesErased;
    private long linksRefused;

    void count(IngestResult r) {
      received++;
      problems += r.problems().size();
      linksRefused += r.refusals().size();
      switch (r.outcome()) {
        case APPLIED -> {
          applied++;
          if (r.createdProfile()) {
            profilesCreated++;
          }
          profilesMerged += r.mergedProfiles().size();
        }
        case DUPLICATE -> duplicates++;
        case REJECTED -> rejected++;
        case ERASED -> profilesErased += r.erasedProfiles().size();
      }
    }

    /** Like {@link Tally#count(IngestPipeline.Applied)}. */
    void count(IngestPipeline.Applied a) {
      received++;
      problems += a.problems.size();
      linksRefused += a.refusals.size();
      applied++;
      if (a.createdProfile) {
        profilesCreated++;
      }
      profilesMerged += a.mergedProfiles.size();
    }

    /** The counts so far; retries are not counted per call (0), as before. */
    IngestStats snapshot() {
      return new IngestStats(
          received, applied, duplicates, rejected, problems, profilesCreated, profilesMerged, 0, profilesErased, linksRefused);
    }
  }
}
