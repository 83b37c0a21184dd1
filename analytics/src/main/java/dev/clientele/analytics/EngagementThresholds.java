package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The recency and frequency thresholds behind {@link EngagementLevel}. Frequency is the number
 * of distinct UTC days with at least one <em>active</em> event (as {@link
 * dev.clientele.core.ActivityRules} defines it) in the window of {@code windowDays} days ending
 * with the day asked about; recency is the number of whole UTC days since the last active event
 * (0 when it was on that day). Counting days rather than events keeps one busy session from
 * looking like habitual use.
 *
 * <p>A customer is {@link EngagementLevel#HIGH} when their last active event is at most
 * {@code highRecencyDays} old and they were active on at least {@code highActiveDays} days of the
 * window; otherwise {@link EngagementLevel#MEDIUM} when at most {@code mediumRecencyDays} old and
 * active on at least {@code mediumActiveDays} days; otherwise {@link EngagementLevel#LOW}.
 *
 * <pre>{@code
 * // high: active in the last 3 days and on 10 of the last 30; medium: in the last 14, on 3
 * EngagementThresholds t = EngagementThresholds.defaults().withHigh(3, 10).withMedium(14, 3);
 * }</pre>
 *
 * @param windowDays the frequency window in days, 1 to 366 (30)
 * @param highRecencyDays the most days since the last active event for high (7)
 * @param highActiveDays the fewest active days in the window for high (8: about twice a week)
 * @param mediumRecencyDays the most days since the last active event for medium (30)
 * @param mediumActiveDays the fewest active days in the window for medium (2: a return visit)
 */
public record EngagementThresholds(
    int windowDays, int highRecencyDays, int highActiveDays, int mediumRecencyDays, int mediumActiveDays) {

  /** Validates the thresholds: high must be at least as strict as medium on both axes. */
  public EngagementThresholds {
    checkArgument(windowDays >= 1 && windowDays <= 366, "windowDays must be in 1..366: %s", windowDays);
    checkArgument(highRecencyDays >= 0 && highRecencyDays <= mediumRecencyDays,
        "recency must satisfy 0 <= highRecencyDays <= mediumRecencyDays: %s, %s", highRecencyDays, mediumRecencyDays);
    checkArgument(mediumActiveDays >= 1 && mediumActiveDays <= highActiveDays && highActiveDays <= windowDays,
        "active days must satisfy 1 <= mediumActiveDays <= highActiveDays <= windowDays: %s, %s, %s",
        mediumActiveDays, highActiveDays, windowDays);
  }

  /** Active within 7 days on 8 of the last 30 for high; within 30 days on 2 of them for medium. */
  public static EngagementThresholds defaults() {
    return new EngagementThresholds(30, 7, 8, 30, 2);
  }

  /**
   * A copy whose frequency window is {@code days} days.
   *
   * @throws IllegalArgumentException if the thresholds no longer hold (see the constructor)
   */
  public EngagementThresholds withWindowDays(int days) {
    return new EngagementThresholds(days, highRecencyDays, highActiveDays, mediumRecencyDays, mediumActiveDays);
  }

  /**
   * A copy in which high means: last active at most {@code recencyDays} ago, and active on at
   * least {@code activeDays} days of the window.
   *
   * @throws IllegalArgumentException if the thresholds no longer hold (see the constructor)
   */
  public EngagementThresholds withHigh(int recencyDays, int activeDays) {
    return new EngagementThresholds(windowDays, recencyDays, activeDays, mediumRecencyDays, mediumActiveDays);
  }

  /**
   * A copy in which medium means: last active at most {@code recencyDays} ago, and active on at
   * least {@code activeDays} days of the window.
   *
   * @throws IllegalArgumentException if the thresholds no longer hold (see the constructor)
   */
  public EngagementThresholds withMedium(int recencyDays, int activeDays) {
    return new EngagementThresholds(windowDays, highRecencyDays, highActiveDays, recencyDays, activeDays);
  }

  /**
   * The level of a customer.
   *
   * @param daysSinceLastActive whole days since the last active event, or -1 when there was none
   * @param activeDaysInWindow distinct days with an active event in the window
   */
  public EngagementLevel classify(int daysSinceLastActive, int activeDaysInWindow) {
    checkArgument(daysSinceLastActive >= -1, "daysSinceLastActive must be >= -1: %s", daysSinceLastActive);
    checkArgument(activeDaysInWindow >= 0 && activeDaysInWindow <= windowDays,
        "activeDaysInWindow must be in 0..%s: %s", windowDays, activeDaysInWindow);
    if (daysSinceLastActive < 0) {
      return EngagementLevel.LOW;
    }
    if (daysSinceLastActive <= highRecencyDays && activeDaysInWindow >= highActiveDays) {
      return EngagementLevel.HIGH;
    }
    if (daysSinceLastActive <= mediumRecencyDays && activeDaysInWindow >= mediumActiveDays) {
      return EngagementLevel.MEDIUM;
    }
    return EngagementLevel.LOW;
  }
}
