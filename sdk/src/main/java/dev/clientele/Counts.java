package dev.clientele;

/**
 * The counters behind {@link IngestStats}, counted from ingest results; how a counter is held
 * (shared between threads or not) is the subclass's: {@link Tally} and {@link Tally.Local}.
 */
abstract class Counts {
  static final int RECEIVED = 0;
  static final int APPLIED = 1;
  static final int DUPLICATES = 2;
  static final int REJECTED = 3;
  static final int PROBLEMS = 4;
  static final int PROFILES_CREATED = 5;
  static final int PROFILES_MERGED = 6;
  static final int RETRIES = 7;
  static final int PROFILES_ERASED = 8;
  static final int LINKS_REFUSED = 9;
  static final int COUNTERS = 10;

  /** Adds {@code n} (0 or more) to {@code counter}, one of the constants above. */
  abstract void add(int counter, long n);

  /** The count of {@code counter} so far. */
  abstract long sum(int counter);

  /** Counts the result of one event. */
  final void count(IngestResult r) {
    add(RECEIVED, 1);
    add(PROBLEMS, IngestResult.problemCount(r.problems()));
    add(LINKS_REFUSED, r.refusals().size());
    switch (r.outcome()) {
      case APPLIED -> {
        add(APPLIED, 1);
        if (r.createdProfile()) {
          add(PROFILES_CREATED, 1);
        }
        add(PROFILES_MERGED, r.mergedProfiles().size());
      }
      case DUPLICATE -> add(DUPLICATES, 1);
      case REJECTED -> add(REJECTED, 1);
      case ERASED -> add(PROFILES_ERASED, r.erasedProfiles().size());
    }
  }

  /** What {@link #count(IngestResult)} counts for the result of the applied event {@code a} describes, without that result. */
  final void count(IngestPipeline.Applied a) {
    add(RECEIVED, 1);
    add(PROBLEMS, a.problems.size());
    add(LINKS_REFUSED, a.refusals.size());
    add(APPLIED, 1);
    if (a.createdProfile) {
      add(PROFILES_CREATED, 1);
    }
    add(PROFILES_MERGED, a.mergedProfiles.size());
  }

  /** The counts so far. */
  final IngestStats snapshot() {
    return new IngestStats(
        sum(RECEIVED),
        sum(APPLIED),
        sum(DUPLICATES),
        sum(REJECTED),
        sum(PROBLEMS),
        sum(PROFILES_CREATED),
        sum(PROFILES_MERGED),
        sum(RETRIES),
        sum(PROFILES_ERASED),
        sum(LINKS_REFUSED));
  }
}
