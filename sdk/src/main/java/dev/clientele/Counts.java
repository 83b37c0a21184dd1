package dev.clientele;

import dev.clientele.identity.LinkPlan;
import java.util.List;

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
  // The counts of IngestStats.Details:
  static final int STORAGE_FAILURES = 10;
  static final int COMMITS_RECOVERED = 11;
  static final int WRITES_GAVE_UP = 12;
  static final int BLOCKED_IDENTIFIERS = 13;
  static final int MALFORMED_IDENTIFIERS = 14;
  static final int REPLAYS_BLOCKED = 15;
  static final int IDENTIFIER_CAP_REFUSALS = 16;
  static final int MERGE_CAP_REFUSALS = 17;
  static final int BATCH_FALLBACKS = 18;
  static final int COUNTERS = 19;

  /** Adds {@code n} (0 or more) to {@code counter}, one of the constants above. */
  abstract void add(int counter, long n);

  /** The count of {@code counter} so far. */
  abstract long sum(int counter);

  /** Adds every count of {@code other} to this one's. */
  final void addAll(Counts other) {
    for (int i = 0; i < COUNTERS; i++) {
      add(i, other.sum(i));
    }
  }

  /** Counts {@code refusals} by the cap that made them, if any (most refusals have none; most events have no refusal). */
  private void countCaps(List<LinkPlan.Refusal> refusals) {
    for (int i = 0; i < refusals.size(); i++) { // by index: no iterator
      LinkPlan.Rule rule = refusals.get(i).rule();
      if (rule == LinkPlan.Rule.IDENTIFIER_CAP) {
        add(IDENTIFIER_CAP_REFUSALS, 1);
      } else if (rule == LinkPlan.Rule.MERGE_CAP) {
        add(MERGE_CAP_REFUSALS, 1);
      }
    }
  }

  /** Counts the result of one event. */
  final void count(IngestResult r) {
    add(RECEIVED, 1);
    add(PROBLEMS, IngestResult.problemCount(r.problems()));
    add(LINKS_REFUSED, r.refusals().size());
    if (!r.refusals().isEmpty()) {
      countCaps(r.refusals());
    }
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
    if (!a.refusals.isEmpty()) {
      countCaps(a.refusals);
    }
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
        sum(LINKS_REFUSED),
        new IngestStats.Details(
            sum(STORAGE_FAILURES),
            sum(COMMITS_RECOVERED),
            sum(WRITES_GAVE_UP),
            sum(BLOCKED_IDENTIFIERS),
            sum(MALFORMED_IDENTIFIERS),
            sum(REPLAYS_BLOCKED),
            sum(IDENTIFIER_CAP_REFUSALS),
            sum(MERGE_CAP_REFUSALS),
            sum(BATCH_FALLBACKS)));
  }
}
