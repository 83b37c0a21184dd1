package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Pii;
import java.util.OptionalDouble;

/**
 * One customer's predictions over the scorer's horizon; see {@link ClvScorer}. Money amounts are
 * in the currency of the monetary values; 0 where no spend model was given.
 *
 * <p>A row from {@link ClvScorer} whose purchase figures the model could not evaluate is not
 * {@linkplain #scorable() scorable}; see {@link ClvScorer} (customers that cannot be scored).
 * Such a row's {@code churnBand} is {@link ChurnRisk#HIGH} only because the band has no "unknown"
 * value: check {@link #scorable()} (or {@code churnRisk} for {@code NaN}) before acting on it, as
 * the exports do (they leave the churn cells empty).
 *
 * @param customerId the customer
 * @param probabilityAlive P(alive) at the calibration end
 * @param expectedPurchases E[Y(horizon)]: expected purchases in the horizon; {@code NaN} when the
 *     customer is not {@linkplain #scorable() scorable}
 * @param probabilityOfOrder the probability of at least one order in the order window (30 days
 *     by default): {@code 1 - P(no purchase in the window)}
 * @param expectedSpend E[M | x, zbar], the expected value per future purchase; {@code NaN} when
 *     the spend model's expectation is infinite for this customer
 *     ({@link GammaGammaModel#isFiniteFor})
 * @param predictedClv expected (discounted) spend over the horizon; {@code NaN} exactly when
 *     {@code expectedSpend} or {@code expectedPurchases} is
 * @param churnRisk {@code 1 - probabilityAlive}
 * @param churnBand the band of {@code churnRisk}; {@link ChurnRisk#HIGH} when it is {@code NaN}
 * @param daysToNextOrder the expected time to the next order, in days after the calibration end:
 *     the median of the time to the next purchase
 *     ({@link PurchaseModel#medianTimeToNextPurchase}); empty when the customer is more likely
 *     never to order again
 * @param historicClv the total value of the customer's orders so far
 *     ({@link RfmSummary#historicValue()}); empty when unknown
 * @param totalClv {@code historicClv + predictedClv}; empty when either is unknown (no historic
 *     value, no spend model, or a {@code NaN} predicted CLV)
 * @param winBack whether the customer is overdue and worth a win-back action, by the rule of
 *     {@link ClvScorer.Options}
 */
public record CustomerValue(String customerId, double probabilityAlive, double expectedPurchases,
    double probabilityOfOrder, double expectedSpend, double predictedClv, double churnRisk, ChurnRisk churnBand,
    OptionalDouble daysToNextOrder, OptionalDouble historicClv, OptionalDouble totalClv, boolean winBack) {
  /** Checks for nulls. */
  public CustomerValue {
    requireNonNull(customerId, "customerId");
    requireNonNull(churnBand, "churnBand");
    requireNonNull(daysToNextOrder, "daysToNextOrder");
    requireNonNull(historicClv, "historicClv");
    requireNonNull(totalClv, "totalClv");
  }

  /**
   * Whether the purchase model could score this customer: {@code expectedPurchases} and
   * {@code probabilityAlive} are numbers, not {@code NaN}. A row that is not scorable carries
   * {@code NaN} (or empty) purchase and money figures; see {@link ClvScorer}.
   *
   * @return false when this customer could not be scored
   */
  public boolean scorable() {
    return !Double.isNaN(expectedPurchases) && !Double.isNaN(probabilityAlive);
  }

  /** Returns the figures with the customer id masked ({@link Pii#mask}): they may be printed or logged. */
  @Override
  public String toString() {
    return "CustomerValue[customerId=" + Pii.mask(customerId) + ", probabilityAlive=" + probabilityAlive + ", expectedPurchases="
        + expectedPurchases + ", probabilityOfOrder=" + probabilityOfOrder + ", expectedSpend=" + expectedSpend + ", predictedClv="
        + predictedClv + ", churnRisk=" + churnRisk + ", churnBand=" + churnBand + ", daysToNextOrder=" + daysToNextOrder
        + ", historicClv=" + historicClv + ", totalClv=" + totalClv + ", winBack=" + winBack + "]";
  }
}
