package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Scores customers with a fitted purchase model and, optionally, a spend model: the per-customer
 * rows of the {@code clv} command ({@code p_alive, expected_purchases_365d, predicted_clv,
 * churn_risk}). Immutable and thread-safe; one instance can score any number of customers in
 * parallel.
 *
 * <p>Predicted CLV is {@code E[M | x, zbar]} times the expected purchases in the horizon
 * (purchases and spend are independent in these models). With a discount rate {@code d} per
 * year, the horizon is cut into 12 equal steps and the purchases expected in step {@code k} are
 * discounted by {@code (1 + d)^-(k * step / 365 days)} (end of step), as in Fader, Hardie &amp; Lee
 * (2005, JMR) and lifetimes; without discounting this is exactly {@code E[Y(horizon)] E[M]}.
 */
public final class ClvScorer {
  private final PurchaseModel purchases;
  private final Optional<GammaGammaModel> spend;
  private final Options options;

  /**
   * Horizon, discounting, order window and churn bands.
   *
   * @param timeUnit the unit of the summaries the models were fitted on
   * @param horizonDays the CLV horizon in days (DESIGN.md: 365)
   * @param annualDiscountRate the discount rate per year, {@code >= 0} (0: undiscounted)
   * @param orderWindowDays the window of {@link CustomerValue#probabilityOfOrder()} (30)
   * @param mediumChurnRisk churn risk from which the band is {@link ChurnRisk#MEDIUM}
   * @param highChurnRisk churn risk from which the band is {@link ChurnRisk#HIGH}
   */
  public record Options(PeriodUnit timeUnit, double horizonDays, double annualDiscountRate,
      double orderWindowDays, double mediumChurnRisk, double highChurnRisk) {
    /** Validates the options. */
    public Options {
      requireNonNull(timeUnit, "timeUnit");
      checkArgument(horizonDays >= 0 && Double.isFinite(horizonDays), "horizonDays must be finite and >= 0: %s", horizonDays);
      checkArgument(annualDiscountRate >= 0 && Double.isFinite(annualDiscountRate),
          "annualDiscountRate must be finite and >= 0: %s", annualDiscountRate);
      checkArgument(orderWindowDays >= 0 && Double.isFinite(orderWindowDays),
          "orderWindowDays must be finite and >= 0: %s", orderWindowDays);
      checkArgument(mediumChurnRisk >= 0 && mediumChurnRisk <= highChurnRisk && highChurnRisk <= 1,
          "churn thresholds must satisfy 0 <= medium <= high <= 1: %s, %s", mediumChurnRisk, highChurnRisk);
    }

    /**
     * The defaults: 365-day horizon, no discounting, 30-day order window, churn risk bands
     * low &lt; 0.5 &lt;= medium &lt; 0.8 &lt;= high.
     */
    public static Options defaults(PeriodUnit timeUnit) {
      return new Options(timeUnit, 365, 0, 30, 0.5, 0.8);
    }
  }

  /**
   * A scorer.
   *
   * @param purchases the fitted purchase model
   * @param spend the fitted spend model, if monetary values were available
   * @param options horizon, discounting and bands; {@code options.timeUnit()} must be the unit
   *     the models were fitted in
   */
  public ClvScorer(PurchaseModel purchases, Optional<GammaGammaModel> spend, Options options) {
    this.purchases = requireNonNull(purchases, "purchases");
    this.spend = requireNonNull(spend, "spend");
    this.options = requireNonNull(options, "options");
  }

  /** Scores one customer. */
  public CustomerValue score(RfmSummary customer) {
    requireNonNull(customer, "customer");
    PeriodUnit unit = options.timeUnit();
    int x = customer.frequency();
    double tx = customer.recency();
    double age = customer.age();
    double alive = purchases.probabilityAlive(x, tx, age);
    double horizon = unit.fromDays(options.horizonDays());
    double expected = purchases.conditionalExpectedPurchases(horizon, x, tx, age);
    double order = 1 - purchases.probabilityNoPurchase(unit.fromDays(options.orderWindowDays()), x, tx, age);
    double perPurchase = 0;
    double clv = 0;
    if (spend.isPresent()) {
      perPurchase = spend.get().conditionalExpectedSpend(x, customer.monetaryValue());
      clv = perPurchase * discountedPurchases(x, tx, age, horizon, expected);
    }
    double risk = 1 - alive;
    ChurnRisk band = risk >= options.highChurnRisk() ? ChurnRisk.HIGH
        : risk >= options.mediumChurnRisk() ? ChurnRisk.MEDIUM : ChurnRisk.LOW;
    return new CustomerValue(customer.customerId(), alive, expected, order, perPurchase, clv, risk, band);
  }

  private double discountedPurchases(int x, double tx, double age, double horizon, double expected) {
    if (options.annualDiscountRate() == 0 || horizon == 0) {
      return expected;
    }
    int steps = 12;
    double logDiscountPerDay = Math.log1p(options.annualDiscountRate()) / 365;
    double total = 0;
    double before = 0;
    for (int k = 1; k <= steps; k++) {
      double cumulative = k == steps ? expected
          : purchases.conditionalExpectedPurchases(horizon * k / steps, x, tx, age);
      double days = options.horizonDays() * k / steps;
      total += (cumulative - before) * Math.exp(-logDiscountPerDay * days);
      before = cumulative;
    }
    return total;
  }
}
