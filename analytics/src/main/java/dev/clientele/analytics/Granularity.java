package dev.clientele.analytics;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

/** The period of a series: UTC days, ISO weeks (Monday to Sunday) or calendar months. */
public enum Granularity {
  /** One point per day. */
  DAY,
  /** One point per ISO week, starting on Monday. */
  WEEK,
  /** One point per calendar month. */
  MONTH;

  /** The first day of the period holding {@code day}. */
  public LocalDate start(LocalDate day) {
    java.util.Objects.requireNonNull(day, "day");
    return switch (this) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
    };
  }

  /** The first day of the period after the one starting on {@code start}. */
  public LocalDate next(LocalDate start) {
    java.util.Objects.requireNonNull(start, "start");
    return switch (this) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
    };
  }
}
