package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BG/NBD model of Fader, Hardie &amp; Lee (2005), "'Counting your customers' the easy way:
 * an alternative to the Pareto/NBD model", Marketing Science 24(2):275-284. While alive, a
 * customer buys at a Poisson rate {@code lambda ~ Gamma(r, alpha)} (shape, rate); after each
 * repeat purchase the customer drops out with probability {@code p ~ Beta(a, b)}.
 *
 * <pre>{@code
 * ModelFit<BgNbdModel> fit = BgNbdModel.fit(summaries);      // weekly CDNOW: r 0.243, alpha 4.41, ...
 * double alive = fit.model().probabilityAlive(customer);
 * double next52 = fit.model().conditionalExpectedPurchases(52, customer);
 * }</pre>
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate (inverse scale) of the purchase-rate distribution, in the time unit
 * @param a first shape of the drop-out probability distribution
 * @param b second shape of the drop-out probability distribution
 */
public record BgNbdModel(double r, double alpha, double a, double b) implements PurchaseModel {
  /** Validates the parameters: all finite and &gt; 0. */
  public BgNbdModel {
    Checks.positive("r", r);
    Checks.positive("alpha", alpha);
    Checks.positive("a", a);
    Checks.positive("b", b);
  }

  /**
   * Fits the model by maximum likelihood (FHL 2005 eq. 6) to {@code summaries}, in the time unit
   * the summaries are in. Identical {@code (x, t_x, T)} rows are grouped, so the cost grows with
   * the number of distinct rows. Monetary values are ignored.
   *
   * @throws IllegalArgumentException if {@code summaries} is empty or no customer has a repeat
   *     purchase (the likelihood then has no interior maximum)
   */
  public static ModelFit<BgNbdModel> fit(Collection<RfmSummary> summaries) {
    RfmGroups groups = groups(summaries);
    MaximumLikelihood.Result res = maximize(groups, 0);
    double[] p = exp(res.theta());
    return ModelFit.of(new BgNbdModel(p[0], p[1], p[2], p[3]), res, groups.customers, "r", "alpha", "a", "b");
  }

  static RfmGroups groups(Collection<RfmSummary> summaries) {
    requireNonNull(summaries, "summaries");
    checkArgument(!summaries.isEmpty(), "summaries must not be empty");
    RfmGroups groups = RfmGroups.of(summaries);
    checkArgument(groups.meanFrequency() > 0,
        "summaries must include a customer with frequency > 0 (no repeat purchases in %s customers)",
        summaries.size());
    return groups;
  }

  /** Above this many distinct rows a fit starts from a fit on a subsample. */
  static final int SUBSAMPLE_ABOVE = 100_000;

  /**
   * Maximises the BG/NBD ({@code shift} 0) or MBG/NBD ({@code shift} 1) likelihood. With more
   * than {@link #SUBSAMPLE_ABOVE} distinct rows, a fit on every k-th row (about 20,000 rows)
   * gives the starting point and BFGS's starting curvature (its covariance times the share of
   * customers it holds), so the passes over all rows are few; the full fit still runs to its
   * own convergence, so the estimate does not depend on the subsample.
   */
  static MaximumLikelihood.Result maximize(RfmGroups groups, int shift) {
    double[] start = start(groups);
    double[][] curvature = null;
    if (groups.size > SUBSAMPLE_ABOVE) {
      RfmGroups sample = groups.sample(groups.size / 20_000);
      if (sample.meanFrequency() > 0) {
        MaximumLikelihood.Result quick = MaximumLikelihood.maximize(new BetaGeometricLikelihood(sample, shift), start);
        if (quick.covariance() != null) {
          start = quick.theta();
          double share = sample.customers / groups.customers;
          curvature = new double[start.length][start.length];
          for (int i = 0; i < start.length; i++) {
            for (int j = 0; j < start.length; j++) {
              curvature[i][j] = quick.covariance()[i][j] * share;
            }
          }
        }
      }
    }
    return MaximumLikelihood.maximize(new BetaGeometricLikelihood(groups, shift), start, curvature);
  }

  /** Start at r = 1, a = b = 1 and alpha matching the mean purchase rate. */
  static double[] start(RfmGroups groups) {
    double alpha = Math.max(groups.meanAge(), 1e-6) / groups.meanFrequency();
    return new double[] {0, Math.log(alpha), 0, 0};
  }

  static double[] exp(double[] theta) {
    double[] p = new double[theta.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(theta[i]);
    }
    return p;
  }

  /** {@code "bgnbd"}. */
  @Override
  public String name() {
    return "bgnbd";
  }

  /** {@code r, alpha, a, b} in that order. */
  @Override
  public Map<String, Double> params() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("r", r);
    m.put("alpha", alpha);
    m.put("a", a);
    m.put("b", b);
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code 1 / (1 + [a/(b+x-1)] ((alpha+T)/(alpha+t_x))^(r+x))} for {@code x > 0}, and 1 for
   * {@code x = 0}: in BG/NBD a customer can only drop out right after a repeat purchase.
   */
  @Override
  public double probabilityAlive(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.probabilityAlive(r, alpha, a, b, 0, frequency, recency, age);
  }

  /**
   * {@inheritDoc}
   *
   * <p>FHL 2005 eq. 7: {@code [(a+b-1)/(a-1)] [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]}.
   */
  @Override
  public double expectedPurchases(double t) {
    Checks.horizon(t);
    return BetaGeometric.conditionalExpected(r, alpha, a, b, 0, t, 0, 0, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>FHL 2005 eq. 10. A customer with {@code x = 0, T = 0} (bought for the first time just now)
   * gets {@link #expectedPurchases(double)}.
   */
  @Override
  public double conditionalExpectedPurchases(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    return BetaGeometric.conditionalExpected(r, alpha, a, b, 0, t, frequency, recency, age);
  }

  @Override
  public double probabilityNoPurchase(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    return BetaGeometric.probabilityNoPurchase(r, alpha, a, b, 0, t, frequency, recency, age);
  }

  /** {@inheritDoc} Closed form: {@code (alpha+T) [(1 - 1/(2 P(alive)))^(-1/(r+x)) - 1]}. */
  @Override
  public double medianTimeToNextPurchase(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.medianTimeToNextPurchase(r, alpha, a, b, 0, frequency, recency, age);
  }

  /** {@inheritDoc} FHL 2005 eq. 6, in logs. */
  @Override
  public double logLikelihood(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.logLikelihood(r, alpha, a, b, 0, frequency, recency, age);
  }
}
