package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A unit of time for purchase summaries and value models: the unit in which recency, age and
 * prediction horizons are measured, and the period within which purchases are merged.
 *
 * <p>A week is exactly seven days, as in the buy-till-you-die literature (CDNOW times are
 * days / 7).
 */
public enum PeriodUnit {
  /** One UTC calendar day. */
  DAY(1),
  /** Seven days. */
  WEEK(7);

  private final int days;

  PeriodUnit(int days) {
    this.days = days;
  }

  /** The length of this unit in days (1 or 7). */
  public int days() {
    return days;
  }

  /**
   * {@code days} expressed in this unit (for a week: {@code days / 7}). Plain arithmetic: a
   * negative, infinite or {@code NaN} number of days gives the same in this unit.
   */
  public double fromDays(double days) {
    return days / this.days;
  }

  /**
   * Parses {@code day} or {@code week} (case-insensitive, as on the command line).
   *
   * @throws IllegalArgumentException if {@code name} is neither
   */
  public static PeriodUnit parse(String name) {
    requireNonNull(name, "name");
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "day":
      case "days":
        return DAY;
      case "week":
      case "weeks":
        return WEEK;
      default:
        throw new IllegalArgumentException("time unit must be day or week: " + SimpleCsv.headerForMessage(name));
    }
  }
}
