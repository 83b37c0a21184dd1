package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie &amp; Lee 2005, "RFM and CLV:
 * using iso-value curves for customer base analysis", JMR 42(4):415-430; Fader &amp; Hardie,
 * "The Gamma-Gamma model of monetary value", note 025, 2013). Each purchase of a customer has
 * value {@code ~ Gamma(p, nu)} (shape, rate), and {@code nu ~ Gamma(q, v)} across customers
 * ({@code v} is the rate, called gamma in the papers). Spend is assumed independent of the
 * purchase process.
 *
 * @param p shape of the per-purchase value distribution
 * @param q shape of the distribution of {@code nu} across customers
 * @param v rate of the distribution of {@code nu} (gamma in the papers; in money units)
 */
public record GammaGammaModel(double p, double q, double v) implements ParametricModel {
  /** Validates the parameters: all finite and &gt; 0. */
  public GammaGammaModel {
    Checks.positive("p", p);
    Checks.positive("q", q);
    Checks.positive("v", v);
  }

  /**
   * Fits the model by maximum likelihood (note 025 eq. 4) to the customers of {@code summaries}
   * with a repeat purchase ({@code frequency > 0}) and a monetary value &gt; 0; the others carry
   * no spend information and are skipped. {@link ModelFit#customers()} counts those used.
   *
   * @throws IllegalArgumentException if no customer has both
   */
  public static ModelFit<GammaGammaModel> fit(Collection<RfmSummary> summaries) {
    requireNonNull(summaries, "summaries");
    List<RfmSummary> repeaters = new ArrayList<>();
    for (RfmSummary s : summaries) {
      if (s.frequency() > 0 && s.monetaryValue() > 0) {
        repeaters.add(s);
      }
    }
    checkArgument(!repeaters.isEmpty(),
        "summaries must include a customer with frequency > 0 and monetaryValue > 0 (none in %s)",
        summaries.size());
    GammaGammaLikelihood ll = new GammaGammaLikelihood(repeaters);
    // Start at p = 1, q = 2 and v giving the observed mean spend: E[z] = p v / (q - 1).
    double[] start = {0, Math.log(2), Math.log(ll.meanM)};
    if (repeaters.size() > BgNbdModel.SUBSAMPLE_ABOVE) {
      // Many repeat buyers: Newton from a fit on every k-th of them (~20,000) needs few passes
      // over all rows; the full fit still converges on its own.
      int step = repeaters.size() / 20_000;
      List<RfmSummary> sample = new ArrayList<>(repeaters.size() / step + 1);
      for (int i = 0; i < repeaters.size(); i += step) {
        sample.add(repeaters.get(i));
      }
      MaximumLikelihood.Result quick = MaximumLikelihood.maximize(new GammaGammaLikelihood(sample), start);
      if (quick.covariance() != null) {
        start = quick.theta();
      }
    }
    MaximumLikelihood.Result res = MaximumLikelihood.maximize(ll, start);
    double[] t = res.theta();
    return ModelFit.of(new GammaGammaModel(Math.exp(t[0]), Math.exp(t[1]), Math.exp(t[2])), res,
        ll.customers, "p", "q", "v");
  }

  /** {@code "gammagamma"}. */
  @Override
  public String name() {
    return "gammagamma";
  }

  /** {@code p, q, v} in that order. */
  @Override
  public Map<String, Double> params() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p", p);
    m.put("q", q);
    m.put("v", v);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Whether {@link #conditionalExpectedSpend(int, double)} is finite for a customer with
   * {@code frequency} repeat purchases: {@code p x + q > 1}. A fit may well give {@code q <= 1}
   * (heavy-tailed customer means): the population mean is then infinite, so one-time buyers
   * ({@code x = 0}) have no finite expected spend, while repeat buyers with {@code p x + q > 1}
   * still have one.
   *
   * @param frequency {@code x}, the number of repeat purchases ({@code >= 0})
   */
  public boolean isFiniteFor(int frequency) {
    checkArgument(frequency >= 0, "frequency must be >= 0: %s", frequency);
    return p * frequency + q > 1;
  }

  /**
   * The population mean spend per purchase, {@code p v / (q - 1)}.
   *
   * @throws IllegalStateException if {@code q <= 1} (the mean is infinite)
   */
  public double expectedSpend() {
    if (!(q > 1)) {
      throw new IllegalStateException("expected spend is infinite when q <= 1: q = " + q);
    }
    return p * v / (q - 1);
  }

  /**
   * {@code E[M | x, zbar] = p (v + x zbar) / (p x + q - 1)} (note 025 eq. 5): a weighted average
   * of the population mean {@link #expectedSpend()} and the customer's own mean {@code zbar}, with
   * weight {@code p x / (p x + q - 1)} on the latter. A customer with {@code x = 0} gets the
   * population mean.
   *
   * @param frequency {@code x}, the number of repeat purchases
   * @param monetaryValue {@code zbar}, their mean value (ignored when {@code x = 0})
   * @throws IllegalStateException if {@code p x + q <= 1} (infinite expectation)
   */
  public double conditionalExpectedSpend(int frequency, double monetaryValue) {
    checkArgument(frequency >= 0, "frequency must be >= 0: %s", frequency);
    checkArgument(Double.isFinite(monetaryValue) && monetaryValue >= 0,
        "monetaryValue must be finite and >= 0: %s", monetaryValue);
    if (frequency == 0) {
      return expectedSpend();
    }
    double denominator = p * frequency + q - 1;
    if (!(denominator > 0)) {
      throw new IllegalStateException("expected spend is infinite when p x + q <= 1: p = " + p
          + ", q = " + q + ", x = " + frequency);
    }
    return p * (v + frequency * monetaryValue) / denominator;
  }

  /** {@link #conditionalExpectedSpend(int, double)} for {@code customer}. */
  public double conditionalExpectedSpend(RfmSummary customer) {
    requireNonNull(customer, "customer");
    return conditionalExpectedSpend(customer.frequency(), customer.monetaryValue());
  }

  /**
   * The log-density of a customer's mean spend {@code zbar} given {@code x} repeat purchases
   * (note 025 eq. 4).
   */
  public double logLikelihood(int frequency, double monetaryValue) {
    checkArgument(frequency > 0, "frequency must be > 0: %s", frequency);
    checkArgument(Double.isFinite(monetaryValue) && monetaryValue > 0,
        "monetaryValue must be finite and > 0: %s", monetaryValue);
    double px = p * frequency;
    return Gamma.logGamma(px + q) - Gamma.logGamma(px) - Gamma.logGamma(q) + q * Math.log(v)
        + (px - 1) * Math.log(monetaryValue) + px * Math.log(frequency)
        - (px + q) * Math.log(v + frequency * monetaryValue);
  }
}
