package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

/**
 * One customer's predictions over the scorer's horizon; see {@link ClvScorer}. Money amounts are
 * in the currency of the monetary values; 0 where no spend model was given.
 *
 * @param customerId the customer
 * @param probabilityAlive P(alive) at the calibration end
 * @param expectedPurchases E[Y(horizon)]: expected purchases in the horizon
 * @param probabilityOfOrder the probability of at least one order in the order window (30 days
 *     by default)
 * @param expectedSpend E[M | x, zbar], the expected value per future purchase
 * @param predictedClv expected (discounted) spend over the horizon
 * @param churnRisk {@code 1 - probabilityAlive}
 * @param churnBand the band of {@code churnRisk}
 */
public record CustomerValue(String customerId, double probabilityAlive, double expectedPurchases,
    double probabilityOfOrder, double expectedSpend, double predictedClv, double churnRisk, ChurnRisk churnBand) {
  /** Checks for nulls. */
  public CustomerValue {
    requireNonNull(customerId, "customerId");
    requireNonNull(churnBand, "churnBand");
  }
}
