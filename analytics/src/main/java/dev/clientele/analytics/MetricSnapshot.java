package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.ProfileId;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A profile's metric snapshot as of a day: every metric (event type/action) it has, with counts
 * and values in the last 30 days and all time, and its order summary (lifetime value, average
 * order value, order count, average days between orders).
 *
 * @param profile the profile
 * @param asOf the day (UTC) the windows end with
 * @param metrics one summary per metric, in type/action order
 * @param orders the orders up to the end of the day (only totals above zero count)
 */
public record MetricSnapshot(ProfileId profile, LocalDate asOf, List<MetricSummary> metrics, OrderSummary orders) {
  /** Validates and copies. */
  public MetricSnapshot {
    requireNonNull(profile, "profile");
    requireNonNull(asOf, "asOf");
    metrics = ImmutableList.copyOf(java.util.Objects.requireNonNull(metrics, "metrics"));
    requireNonNull(orders, "orders");
  }

  /** The summary of one metric, if the profile has any such event. */
  public Optional<MetricSummary> metric(MetricKey key) {
    requireNonNull(key, "key");
    return metrics.stream().filter(m -> m.metric().equals(key)).findFirst();
  }
}
