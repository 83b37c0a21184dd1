package dev.clientele.analytics;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MBG/NBD model of Batislam, Denizel &amp; Filiztekin (2007), "Empirical validation and
 * comparison of models for customer base analysis", IJRM 24(3):201-209 (also Hoppe &amp; Wagner
 * 2007's central variant of BG/NBD). It is {@link BgNbdModel BG/NBD} except that a customer may
 * also drop out right after the first purchase, so a customer without repeat purchases is not
 * certainly alive.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate of the purchase-rate distribution, in the time unit
 * @param a first shape of the drop-out probability distribution
 * @param b second shape of the drop-out probability distribution
 */
public record MbgNbdModel(double r, double alpha, double a, double b) implements PurchaseModel {
  /** Validates the parameters: all finite and &gt; 0. */
  public MbgNbdModel {
    Checks.positive("r", r);
    Checks.positive("alpha", alpha);
    Checks.positive("a", a);
    Checks.positive("b", b);
  }

  /**
   * Fits the model by maximum likelihood, with the same grouping, analytic gradient and
   * conditions as {@link BgNbdModel#fit(Collection)}.
   */
  public static ModelFit<MbgNbdModel> fit(Collection<RfmSummary> summaries) {
    RfmGroups groups = BgNbdModel.groups(summaries);
    MaximumLikelihood.Result res = BgNbdModel.maximize(groups, 1);
    double[] p = BgNbdModel.exp(res.theta());
    return ModelFit.of(new MbgNbdModel(p[0], p[1], p[2], p[3]), res, groups.customers, "r", "alpha", "a", "b");
  }

  /** {@code "mbgnbd"}. */
  @Override
  public String name() {
    return "mbgnbd";
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

  /** {@inheritDoc} {@code 1 / (1 + [a/(b+x)] ((alpha+T)/(alpha+t_x))^(r+x))}, below 1 even for {@code x = 0}. */
  @Override
  public double probabilityAlive(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.probabilityAlive(r, alpha, a, b, 1, frequency, recency, age);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code [b/(a-1)] [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))]}.
   */
  @Override
  public double expectedPurchases(double t) {
    Checks.horizon(t);
    return BetaGeometric.conditionalExpected(r, alpha, a, b, 1, t, 0, 0, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code [(a+b+x)/(a-1)] [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)] P(alive)},
   * {@code z = t/(alpha+T+t)}.
   */
  @Override
  public double conditionalExpectedPurchases(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    return BetaGeometric.conditionalExpected(r, alpha, a, b, 1, t, frequency, recency, age);
  }

  @Override
  public double probabilityNoPurchase(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    return BetaGeometric.probabilityNoPurchase(r, alpha, a, b, 1, t, frequency, recency, age);
  }

  /** {@inheritDoc} Closed form: {@code (alpha+T) [(1 - 1/(2 P(alive)))^(-1/(r+x)) - 1]}. */
  @Override
  public double medianTimeToNextPurchase(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.medianTimeToNextPurchase(r, alpha, a, b, 1, frequency, recency, age);
  }

  @Override
  public double logLikelihood(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    return BetaGeometric.logLikelihood(r, alpha, a, b, 1, frequency, recency, age);
  }
}
