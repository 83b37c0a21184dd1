package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * One point of the profiles-over-time chart for one channel (or any channel).
 *
 * @param date the day (UTC)
 * @param total profiles that existed by the end of the day
 * @param reachable those reachable
 * @param unreachable the others
 */
public record ProfileCountPoint(LocalDate date, long total, long reachable, long unreachable) {
  /** Validates the point. */
  public ProfileCountPoint {
    requireNonNull(date, "date");
    checkArgument(reachable >= 0 && unreachable >= 0 && reachable + unreachable == total,
        "reachable + unreachable must equal total: %s + %s != %s", reachable, unreachable, total);
  }
}
