package dev.clientele.segments;

import java.util.concurrent.TimeUnit;

/**
 * A count that must not be logged once per occurrence (dropped transitions, failing listeners):
 * the first occurrence is logged at once, later ones as one line per interval with the count
 * since the last line. Thread-safe; the line is written outside the monitor.
 */
final class TriggerSummary {
  /** Writes one summary line. */
  @FunctionalInterface
  interface Line {
    /**
     * Writes a line about {@code sinceLast} occurrences since the last line ({@code total} in all),
     * the latest described by {@code latest} (no personal data).
     */
    void write(long sinceLast, long total, String latest);
  }

  private final long intervalNanos;
  private final Line line;
  private long total;
  private long reported;
  private long lastNanos;
  private boolean logged;
  private String latest = "";

  TriggerSummary(long interval, TimeUnit unit, Line line) {
    this.intervalNanos = unit.toNanos(interval);
    this.line = line;
  }

  /** Counts {@code n} more occurrences, the latest described by {@code what}; logs if the first or due. */
  void add(long n, String what) {
    long since;
    long all;
    synchronized (this) {
      total += n;
      latest = what;
      long now = System.nanoTime();
      if (logged && now - lastNanos < intervalNanos) {
        return;
      }
      since = total - reported;
      all = total;
      reported = total;
      lastNanos = now;
      logged = true;
    }
    line.write(since, all, what);
  }

  /** Nanoseconds until unreported occurrences are due to be logged; {@link Long#MAX_VALUE} if there are none. */
  synchronized long nanosUntilDue() {
    if (total == reported) {
      return Long.MAX_VALUE;
    }
    return intervalNanos - (System.nanoTime() - lastNanos);
  }

  /** Logs the unreported occurrences if the interval since the last line has passed ({@code force}: in any case). */
  void logIfDue(boolean force) {
    long since;
    long all;
    String what;
    synchronized (this) {
      long now = System.nanoTime();
      if (total == reported || (!force && now - lastNanos < intervalNanos)) {
        return;
      }
      since = total - reported;
      all = total;
      what = latest;
      reported = total;
      lastNanos = now;
    }
    line.write(since, all, what);
  }
}
