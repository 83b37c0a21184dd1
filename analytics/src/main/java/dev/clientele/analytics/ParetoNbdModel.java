package dev.clientele.analytics;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * The Pareto/NBD model (Schmittlein, Morrison &amp; Colombo 1987, "Counting your customers: who
 * are they and what will they do next?", Management Science 33(1)). While alive a customer buys
 * at a Poisson rate {@code lambda ~ Gamma(r, alpha)}; the lifetime is exponential with rate
 * {@code mu ~ Gamma(s, beta)}, so drop-out can happen at any time. Formulas follow Fader &amp;
 * Hardie, "A note on deriving the Pareto/NBD model and related expressions" (2005, note 008).
 *
 * <p>{@code beta} is weakly identified on typical data (the likelihood is flat along it):
 * compare fits by log-likelihood rather than by {@code beta}.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate of the purchase-rate distribution, in the time unit
 * @param s shape of the drop-out-rate distribution
 * @param beta rate of the drop-out-rate distribution, in the time unit
 */
public record ParetoNbdModel(double r, double alpha, double s, double beta) implements PurchaseModel {
  /** Validates the parameters: all finite and &gt; 0. */
  public ParetoNbdModel {
    Checks.positive("r", r);
    Checks.positive("alpha", alpha);
    Checks.positive("s", s);
    Checks.positive("beta", beta);
  }

  /**
   * Fits the model by maximum likelihood (note 008 eq. 22) with the hypergeometric terms summed
   * in log space, over grouped rows, with its exact gradient: the derivatives of the Gauss
   * series in its parameters and argument are summed along with it.
   *
   * <p>The Gauss series' argument {@code z = |alpha-beta| / (max(alpha, beta) + y)} nears 1 when
   * one scale is many times the other. There the series is summed in {@code 1-z} (Abramowitz
   * &amp; Stegun 15.3.6) in a few dozen terms where that form applies: the series' upper parameter
   * ({@code r+x} if {@code alpha >= beta}, else {@code s+1}) times {@code 1-z} is at most 1, and
   * the exponent ({@code s}, else {@code r+x-1}) is not within 1e-3 of a whole number.
   *
   * <p>The work is bounded, so that no input makes the fit run for long. Each Gauss series may
   * take at most 10,000 terms: a point where a series converges more slowly (argument {@code z}
   * within about 4e-3 of 1 where the {@code 1-z} form does not apply; data without an interior
   * maximum drives the search there, with {@code r} and {@code alpha} both large and
   * {@code alpha} thousands of times {@code beta}) counts as a point the log-likelihood cannot be
   * evaluated at, and the optimiser backs off from it, as it does from points where a series does
   * not converge. The fit then ends at the best point it found, possibly with empty standard
   * errors (a maximum on the boundary). All evaluations together may take at most 150 million
   * terms plus 20,000 per distinct (frequency, time) pair (about a second at a few nanoseconds a
   * term, plus one to two seconds per 10,000 pairs); when that is spent the
   * fit fails with an {@link IllegalArgumentException} naming {@code summaries}, as it does when
   * the log-likelihood cannot be evaluated at all.
   *
   * @throws IllegalArgumentException if {@code summaries} is empty, no customer has a repeat
   *     purchase, or the fit needs more than its bounded work
   */
  public static ModelFit<ParetoNbdModel> fit(Collection<RfmSummary> summaries) {
    RfmGroups groups = BgNbdModel.groups(summaries);
    double[] start = BgNbdModel.start(groups);
    start[3] = start[1]; // beta on the same time scale as alpha
    MaximumLikelihood.Result res;
    try {
      res = MaximumLikelihood.maximize(new ParetoNbdLikelihood(groups), start);
    } catch (Hypergeometric.WorkBoundExceeded e) {
      throw new IllegalArgumentException("summaries: the pareto model could not be fitted within its work bound"
          + " (the search went where the likelihood's series converge too slowly, as on data without an interior"
          + " maximum; try the bgnbd model)", e);
    }
    double[] p = BgNbdModel.exp(res.theta());
    return ModelFit.of(new ParetoNbdModel(p[0], p[1], p[2], p[3]), res, groups.customers, "r", "alpha", "s", "beta");
  }

  /** {@code "pareto"}. */
  @Override
  public String name() {
    return "pareto";
  }

  /** {@code r, alpha, s, beta} in that order. */
  @Override
  public Map<String, Double> params() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("r", r);
    m.put("alpha", alpha);
    m.put("s", s);
    m.put("beta", beta);
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0)} (note 008 eq. 24).
   */
  @Override
  public double probabilityAlive(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    double alive = ParetoNbdLikelihood.logAliveTerm(r, alpha, s, beta, frequency, age);
    return Math.exp(alive - ParetoNbdLikelihood.logBracket(r, alpha, s, beta, frequency, recency, age));
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code (r beta / alpha) [1 - (beta/(beta+t))^(s-1)] / (s-1)}, and its limit
   * {@code (r beta / alpha) ln(1 + t/beta)} at {@code s = 1} (note 008 eq. 17).
   */
  @Override
  public double expectedPurchases(double t) {
    Checks.horizon(t);
    return r * beta / alpha * powerComplement(s - 1, t / beta);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code [(r+x)(beta+T) / (alpha+T)] [1 - ((beta+T)/(beta+T+t))^(s-1)] / (s-1) * P(alive)}
   * (note 008 eq. 26).
   */
  @Override
  public double conditionalExpectedPurchases(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    double rate = (r + frequency) * (beta + age) / (alpha + age);
    return rate * powerComplement(s - 1, t / (beta + age)) * probabilityAlive(frequency, recency, age);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Alive at {@code T}, the customer's rates have independent posteriors
   * {@code lambda ~ Gamma(r+x, alpha+T)} and {@code mu ~ Gamma(s, beta+T)}; the probability of a
   * purchase before both death and {@code t} is
   * {@code integral_0^t E[lambda e^(-lambda u)] E[e^(-mu u)] du}
   * {@code = (r+x) (alpha+T)^(r+x) (beta+T)^s integral_0^t (alpha+T+u)^-(r+x+1) (beta+T+u)^-s du},
   * an integral of the same form as the likelihood's {@code A0} and evaluated the same way, with
   * the Gauss hypergeometric series (exactly, no quadrature). The result is
   * {@code 1 - P(alive)} times that probability.
   */
  @Override
  public double probabilityNoPurchase(double t, int frequency, double recency, double age) {
    Checks.horizon(t);
    Checks.history(frequency, recency, age);
    if (t == 0) {
      return 1;
    }
    double rx = r + frequency;
    double at = alpha + age;
    double bt = beta + age;
    double atStart = ParetoNbdLikelihood.logPowerIntegralTerm(at, bt, rx + 1, s, 0);
    double atEnd = ParetoNbdLikelihood.logPowerIntegralTerm(at, bt, rx + 1, s, t);
    double logScale = Math.log(rx / (rx + s)) + rx * Math.log(at) + s * Math.log(bt) + atStart;
    double buy = Math.exp(logScale) * -Math.expm1(Math.min(0, atEnd - atStart));
    return 1 - probabilityAlive(frequency, recency, age) * Math.min(1, buy);
  }

  /**
   * {@inheritDoc}
   *
   * <p>By bisection on {@link #probabilityNoPurchase}, which decreases in {@code t}: the
   * horizon is bracketed by quadrupling from {@code alpha + T} (the scale of the customer's
   * posterior purchase rate); if it is still above 1/2 at {@code 4^40 (alpha + T)} (a horizon
   * past any use), the answer is {@code +Infinity}. The result is accurate to a relative 1e-12.
   */
  @Override
  public double medianTimeToNextPurchase(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    double lo = 0;
    double hi = alpha + age;
    for (int k = 0; probabilityNoPurchase(hi, frequency, recency, age) > 0.5; k++) {
      if (k == 40) {
        return Double.POSITIVE_INFINITY;
      }
      lo = hi;
      hi *= 4;
    }
    while (hi - lo > 1e-12 * hi) {
      double mid = 0.5 * (lo + hi);
      if (probabilityNoPurchase(mid, frequency, recency, age) > 0.5) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  @Override
  public double logLikelihood(int frequency, double recency, double age) {
    Checks.history(frequency, recency, age);
    double lg = frequency == 0 ? 0 : Gamma.logGamma(r + frequency) - Gamma.logGamma(r);
    return lg + r * Math.log(alpha) + s * Math.log(beta)
        + ParetoNbdLikelihood.logBracket(r, alpha, s, beta, frequency, recency, age);
  }

  /** {@code [1 - (1+u)^-e] / e}, continuous at {@code e = 0} where it is {@code ln(1+u)}. */
  private static double powerComplement(double e, double u) {
    double log = Math.log1p(u);
    return e == 0 ? log : -Math.expm1(-e * log) / e;
  }
}
