package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One period of a per-profile metric series.
 *
 * @param periodStart the first day of the period (a Monday for weeks, the first for months)
 * @param count events in the period
 * @param value their summed value
 */
public record MetricPoint(LocalDate periodStart, long count, BigDecimal value) {
  /** Validates the point. */
  public MetricPoint {
    requireNonNull(periodStart, "periodStart");
    requireNonNull(value, "value");
    checkArgument(count >= 0, "count must be >= 0: %s", count);
  }
}
