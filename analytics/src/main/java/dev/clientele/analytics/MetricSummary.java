package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One metric of a profile: how many such events and their summed value, in the last 30 days and
 * in all time, as of a day.
 *
 * @param metric the event type and action
 * @param count30d events in the 30 days ending with the day
 * @param value30d their summed value
 * @param count events in all time up to the end of the day
 * @param value their summed value
 */
public record MetricSummary(MetricKey metric, long count30d, BigDecimal value30d, long count, BigDecimal value) {
  /** Validates the summary. */
  public MetricSummary {
    requireNonNull(metric, "metric");
    requireNonNull(value30d, "value30d");
    requireNonNull(value, "value");
    checkArgument(count30d >= 0 && count >= count30d, "counts must satisfy 0 <= count30d <= count: %s, %s", count30d, count);
  }
}
