package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A profile's orders in summary: the historic value. Only orders with a total above zero count.
 *
 * @param orderCount orders with a positive total
 * @param revenue the sum of their totals (historic CLV)
 * @param firstOrder the time of the first such order
 * @param lastOrder the time of the last such order
 */
public record OrderSummary(long orderCount, BigDecimal revenue, Optional<Instant> firstOrder, Optional<Instant> lastOrder) {
  /** No orders. */
  public static final OrderSummary NONE = new OrderSummary(0, BigDecimal.ZERO, Optional.empty(), Optional.empty());

  /** Validates the summary. */
  public OrderSummary {
    checkArgument(orderCount >= 0, "orderCount must be >= 0: %s", orderCount);
    requireNonNull(revenue, "revenue");
    requireNonNull(firstOrder, "firstOrder");
    requireNonNull(lastOrder, "lastOrder");
    checkArgument((orderCount == 0) == firstOrder.isEmpty(), "firstOrder is set exactly when there are orders");
    checkArgument((orderCount == 0) == lastOrder.isEmpty(), "lastOrder is set exactly when there are orders");
    checkArgument(
        firstOrder.isEmpty() || !lastOrder.get().isBefore(firstOrder.get()),
        "lastOrder must not be before firstOrder: %s < %s",
        lastOrder.orElse(null),
        firstOrder.orElse(null));
  }

  /** The summary with one more order of {@code total} (> 0) at {@code at}. */
  public OrderSummary plus(BigDecimal total, Instant at) {
    requireNonNull(total, "total");
    requireNonNull(at, "at");
    checkArgument(total.signum() > 0, "order total must be > 0: %s", total);
    // The times that do not move keep their Optional (an order after the first keeps firstOrder's),
    // and a first order shares one for both: an order event allocates one Optional at most.
    boolean keepFirst = firstOrder.isPresent() && firstOrder.get().isBefore(at);
    boolean keepLast = lastOrder.isPresent() && lastOrder.get().isAfter(at);
    Optional<Instant> atPresent = keepFirst && keepLast ? null : Optional.of(at);
    return new OrderSummary(
        orderCount + 1, revenue.add(total), keepFirst ? firstOrder : atPresent, keepLast ? lastOrder : atPresent);
  }

  /** The combined summary of two profiles' orders (used by merges). */
  public OrderSummary plus(OrderSummary other) {
    requireNonNull(other, "other");
    if (other.orderCount == 0) {
      return this;
    }
    if (orderCount == 0) {
      return other;
    }
    Instant first = firstOrder.get().isBefore(other.firstOrder.get()) ? firstOrder.get() : other.firstOrder.get();
    Instant last = lastOrder.get().isAfter(other.lastOrder.get()) ? lastOrder.get() : other.lastOrder.get();
    return new OrderSummary(orderCount + other.orderCount, revenue.add(other.revenue), Optional.of(first), Optional.of(last));
  }

  /** Revenue divided by order count (2 decimals, half-even); empty without orders. */
  public Optional<BigDecimal> averageOrderValue() {
    return orderCount == 0
        ? Optional.empty()
        : Optional.of(revenue.divide(BigDecimal.valueOf(orderCount), 2, RoundingMode.HALF_EVEN));
  }

  /** Days from first to last order divided by the gaps between orders; empty below two orders. */
  public Optional<Double> averageDaysBetweenOrders() {
    if (orderCount < 2) {
      return Optional.empty();
    }
    double days = Duration.between(firstOrder.get(), lastOrder.get()).toSeconds() / 86_400.0;
    return Optional.of(days / (orderCount - 1));
  }
}
