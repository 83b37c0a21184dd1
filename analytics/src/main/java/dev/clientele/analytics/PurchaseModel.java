package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Locale;

/**
 * A "buy till you die" model of repeat purchases: purchases arrive as a Poisson process while a
 * customer is alive, and customers drop out unobserved. Its predictions take a customer's
 * {@link RfmSummary} ({@code x}, {@code t_x}, {@code T}) and a horizon {@code t}, all times in
 * the unit the model was fitted in.
 *
 * <p>Implementations are immutable records and thread-safe.
 */
public sealed interface PurchaseModel extends ParametricModel permits BgNbdModel, MbgNbdModel, ParetoNbdModel {
  /**
   * Fits the model named as on the command line: {@code bgnbd} ({@link BgNbdModel#fit}),
   * {@code mbgnbd} ({@link MbgNbdModel#fit}) or {@code pareto} ({@link ParetoNbdModel#fit}),
   * case-insensitively.
   *
   * @throws IllegalArgumentException for another name, or as the named model's {@code fit}
   */
  static ModelFit<? extends PurchaseModel> fit(String name, Collection<RfmSummary> summaries) {
    requireNonNull(name, "name");
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "bgnbd":
        return BgNbdModel.fit(summaries);
      case "mbgnbd":
        return MbgNbdModel.fit(summaries);
      case "pareto":
      case "paretonbd":
        return ParetoNbdModel.fit(summaries);
      default:
        throw new IllegalArgumentException("model must be bgnbd, pareto or mbgnbd: " + SimpleCsv.headerForMessage(name));
    }
  }

  /**
   * The probability that a customer with this history is still alive at {@code age}.
   *
   * @param frequency {@code x}, repeat purchases
   * @param recency {@code t_x}
   * @param age {@code T}
   */
  double probabilityAlive(int frequency, double recency, double age);

  /** {@link #probabilityAlive(int, double, double)} for {@code customer}. */
  default double probabilityAlive(RfmSummary customer) {
    requireNonNull(customer, "customer");
    return probabilityAlive(customer.frequency(), customer.recency(), customer.age());
  }

  /**
   * {@code E[X(t)]}: the expected number of repeat purchases in the first {@code t} time units
   * after a randomly chosen customer's first purchase.
   */
  double expectedPurchases(double t);

  /**
   * {@code E[Y(t) | x, t_x, T]}: the expected number of purchases in the {@code t} time units
   * after {@code age}, given the customer's history.
   */
  double conditionalExpectedPurchases(double t, int frequency, double recency, double age);

  /** {@link #conditionalExpectedPurchases(double, int, double, double)} for {@code customer}. */
  default double conditionalExpectedPurchases(double t, RfmSummary customer) {
    requireNonNull(customer, "customer");
    return conditionalExpectedPurchases(t, customer.frequency(), customer.recency(), customer.age());
  }

  /**
   * The probability that a customer with this history makes no purchase in the {@code t} time
   * units after {@code age} (dead, or alive and not buying). Its complement is the probability
   * of ordering in that window.
   */
  double probabilityNoPurchase(double t, int frequency, double recency, double age);

  /**
   * The median time to the customer's next purchase after {@code age}: the horizon {@code t}
   * at which {@link #probabilityNoPurchase(double, int, double, double)} falls to 1/2, i.e. the
   * customer is as likely as not to have ordered again by then. {@code +Infinity} when the
   * customer is more likely never to order again (in BG/NBD and MBG/NBD: {@code P(alive) <= 1/2}).
   *
   * <p>This is the model's "expected time to the next order". The mean waiting time is not
   * used: it is infinite for every customer who may have dropped out (and, for a customer alive
   * with certainty, whenever {@code r + x <= 1}), so it could not rank customers.
   *
   * @param frequency {@code x}, repeat purchases
   * @param recency {@code t_x}
   * @param age {@code T}
   */
  double medianTimeToNextPurchase(int frequency, double recency, double age);

  /** The log-likelihood of one customer's history. */
  double logLikelihood(int frequency, double recency, double age);
}
