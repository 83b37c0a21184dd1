package dev.clientele;

import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters behind {@link IngestStats}. */
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
    problems.add(r.problems().size());
    linksRefused.add(r.refusals().size());
    switch (r.outcome()) {
      case APPLIED -> {
        applied.increment();
        if (r.createdProfile()) {
          profilesCreated.increment();
        }
        profilesMerged.add(r.mergedProfiles().size());
      }
      case DUPLICATE -> duplicates.increment();
      case REJECTED -> rejected.increment();
      case ERASED -> profilesErased.add(r.erasedProfiles().size());
    }
  }

  /** What {@link #count(IngestResult)} counts for the result of the applied event {@code a} describes, without that result. */
  void count(IngestPipeline.Applied a) {
    received.increment();
    problems.add(a.problems.size());
    linksRefused.add(a.refusals.size());
    applied.increment();
    if (a.createdProfile) {
      profilesCreated.increment();
    }
    profilesMerged.add(a.mergedProfiles.size());
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
}
