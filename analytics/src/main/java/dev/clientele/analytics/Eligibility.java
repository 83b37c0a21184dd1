package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Whether a customer base can support value predictions (DESIGN.md, "Orders and value"), and if
 * not, which conditions failed. The fitted parameters can still be shown; per-customer
 * predictions should not be offered when {@link #eligible()} is false.
 *
 * @param eligible true when every rule holds
 * @param reasons one lower-case sentence per failed rule, with the observed and required values;
 *     empty when eligible
 */
public record Eligibility(boolean eligible, List<String> reasons) {
  /** Validates and copies. */
  public Eligibility {
    reasons = List.copyOf(java.util.Objects.requireNonNull(reasons, "reasons"));
    checkArgument(eligible == reasons.isEmpty(), "reasons must be empty exactly when eligible: %s", reasons);
  }

  /**
   * The thresholds. Defaults ({@link #DEFAULTS}): at least 500 customers with orders, at least 180
   * days from the earliest first order to the calibration end, an order within the last 90 days,
   * and at least one customer with 3 or more orders (2 repeat purchases).
   *
   * @param minCustomers customers with a counted order
   * @param minHistoryDays days from the earliest first order to the end of the data
   * @param maxDaysSinceLastOrder the latest order must be at most this many days before the end
   * @param minCustomersWithThreeOrders customers with at least 3 orders
   */
  public record Rules(int minCustomers, double minHistoryDays, double maxDaysSinceLastOrder,
      int minCustomersWithThreeOrders) {
    /** The defaults of DESIGN.md. */
    public static final Rules DEFAULTS = new Rules(500, 180, 90, 1);

    /** Validates the thresholds (all &gt;= 0 and finite). */
    public Rules {
      checkArgument(minCustomers >= 0, "minCustomers must be >= 0: %s", minCustomers);
      checkArgument(minHistoryDays >= 0 && Double.isFinite(minHistoryDays), "minHistoryDays must be >= 0: %s", minHistoryDays);
      checkArgument(maxDaysSinceLastOrder >= 0 && Double.isFinite(maxDaysSinceLastOrder),
          "maxDaysSinceLastOrder must be >= 0: %s", maxDaysSinceLastOrder);
      checkArgument(minCustomersWithThreeOrders >= 0, "minCustomersWithThreeOrders must be >= 0: %s",
          minCustomersWithThreeOrders);
    }

    /** A copy requiring at least {@code n} customers with a counted order. */
    public Rules withMinCustomers(int n) {
      return new Rules(n, minHistoryDays, maxDaysSinceLastOrder, minCustomersWithThreeOrders);
    }

    /** A copy requiring at least {@code days} days from the earliest first order to the end of the data. */
    public Rules withMinHistoryDays(double days) {
      return new Rules(minCustomers, days, maxDaysSinceLastOrder, minCustomersWithThreeOrders);
    }

    /** A copy requiring the latest order at most {@code days} days before the end of the data. */
    public Rules withMaxDaysSinceLastOrder(double days) {
      return new Rules(minCustomers, minHistoryDays, days, minCustomersWithThreeOrders);
    }

    /** A copy requiring at least {@code n} customers with 3 or more orders. */
    public Rules withMinCustomersWithThreeOrders(int n) {
      return new Rules(minCustomers, minHistoryDays, maxDaysSinceLastOrder, n);
    }
  }

  /** Checks {@code summaries} (times in {@code timeUnit}) against the default rules. */
  public static Eligibility check(Collection<RfmSummary> summaries, PeriodUnit timeUnit) {
    return check(summaries, timeUnit, Rules.DEFAULTS);
  }

  /**
   * Checks {@code summaries} against {@code rules}. All summaries share one calibration end, so
   * the history is the largest age and the time since the last order is the smallest
   * {@code age - recency}.
   */
  public static Eligibility check(Collection<RfmSummary> summaries, PeriodUnit timeUnit, Rules rules) {
    requireNonNull(summaries, "summaries");
    requireNonNull(timeUnit, "timeUnit");
    requireNonNull(rules, "rules");
    double unitDays = timeUnit.days();
    double history = 0;
    double sinceLast = Double.POSITIVE_INFINITY;
    int threeOrders = 0;
    for (RfmSummary s : summaries) {
      history = Math.max(history, s.age() * unitDays);
      sinceLast = Math.min(sinceLast, (s.age() - s.recency()) * unitDays);
      if (s.frequency() >= 2) {
        threeOrders++;
      }
    }
    List<String> reasons = new ArrayList<>();
    if (summaries.size() < rules.minCustomers()) {
      reasons.add("customers with orders: " + summaries.size() + " < " + rules.minCustomers());
    }
    if (history < rules.minHistoryDays()) {
      reasons.add("days of order history: " + round(history) + " < " + round(rules.minHistoryDays()));
    }
    if (!(sinceLast <= rules.maxDaysSinceLastOrder())) {
      reasons.add("days since the last order: "
          + (summaries.isEmpty() ? "no orders" : round(sinceLast)) + " > " + round(rules.maxDaysSinceLastOrder()));
    }
    if (threeOrders < rules.minCustomersWithThreeOrders()) {
      reasons.add("customers with 3 or more orders: " + threeOrders + " < " + rules.minCustomersWithThreeOrders());
    }
    return new Eligibility(reasons.isEmpty(), reasons);
  }

  /**
   * This result with the spend model's condition added: when {@code spend} has an infinite
   * population mean ({@code q <= 1}), one-time buyers get no money figures (see {@link
   * ClvScorer}), so the predictions are not eligible and the reason says why.
   *
   * <pre>{@code
   * Eligibility e = Eligibility.check(summaries, PeriodUnit.DAY).withSpendModel(spendFit.model());
   * }</pre>
   */
  public Eligibility withSpendModel(GammaGammaModel spend) {
    requireNonNull(spend, "spend");
    if (spend.isFiniteFor(0)) {
      return this;
    }
    List<String> more = new ArrayList<>(reasons);
    more.add("spend model q: " + spend.params().get("q") + " <= 1 (the mean spend is infinite;"
        + " customers with p x + q <= 1, every one-time buyer, get no predicted clv)");
    return new Eligibility(false, more);
  }

  private static String round(double days) {
    double r = Math.rint(days * 100) / 100;
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
