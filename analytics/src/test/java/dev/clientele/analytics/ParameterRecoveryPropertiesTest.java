package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Maximum likelihood recovers the parameters of populations simulated from each model's own
 * generative process ({@link Simulation}), and never ends below the likelihood of the truth.
 *
 * <p><b>Tolerance.</b> For {@code n} independent customers the MLE is asymptotically normal
 * around the true parameter with covariance {@code I(theta)^-1}, estimated by the inverse
 * observed information at the fit (the model's {@link ModelFit#standardErrors()}). The fit
 * works in log-parameters, where the normal approximation is better for positive, right-skewed
 * estimates such as BG/NBD's {@code b}; by the delta method {@code SE(ln p) = SE(p) / p}. Each
 * parameter must satisfy {@code |ln p_hat - ln p_true| <= 5 SE(ln p_hat)}. For a normal estimate
 * a 5-SE miss has probability 5.7e-7 per parameter, so over 4 parameters and all tries the
 * chance of a false failure stays below 1e-4, while a biased or non-converged fit (off by many
 * SEs at n = 20,000) fails. A second, model-free check: the log-likelihood at the fit is at least
 * the log-likelihood at the true parameters (the fit maximises it), up to rounding; and the fit
 * says it converged ({@link ModelFit#convergence()}).
 *
 * <p>Seeds are fixed so that CI runs the same populations every time; the parameter ranges keep
 * the models identifiable over a 27-39 week window. Populations have 20,000 customers (10,000 for
 * Pareto/NBD, whose likelihood sums a hypergeometric series per row); the band scales with the
 * standard errors, so it stays 5 SE wide at any size.
 */
class ParameterRecoveryPropertiesTest {
  private static final double BAND = 5;

  @Property(tries = 6, seed = "20260603")
  void bgnbd_recoversSimulatedParameters(
      @ForAll @DoubleRange(min = 0.2, max = 1.5) double r,
      @ForAll @DoubleRange(min = 1, max = 10) double alpha,
      @ForAll @DoubleRange(min = 0.5, max = 2) double a,
      @ForAll @DoubleRange(min = 1.5, max = 6) double b,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
    BgNbdModel truth = new BgNbdModel(r, alpha, a, b);
    List<RfmSummary> data = Simulation.betaGeometric(r, alpha, a, b, false, 20_000, 27, 39, seed);
    ModelFit<BgNbdModel> fit = BgNbdModel.fit(data);
    assertRecovered(fit, truth.params());
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(Simulation.logLikelihood(truth, data) - 1e-6);
  }

  @Property(tries = 3, seed = "20260604")
  void mbgnbd_recoversSimulatedParameters(
      @ForAll @DoubleRange(min = 0.2, max = 1.5) double r,
      @ForAll @DoubleRange(min = 1, max = 10) double alpha,
      @ForAll @DoubleRange(min = 0.5, max = 2) double a,
      @ForAll @DoubleRange(min = 1.5, max = 6) double b,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
    MbgNbdModel truth = new MbgNbdModel(r, alpha, a, b);
    List<RfmSummary> data = Simulation.betaGeometric(r, alpha, a, b, true, 20_000, 27, 39, seed);
    ModelFit<MbgNbdModel> fit = MbgNbdModel.fit(data);
    assertRecovered(fit, truth.params());
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(Simulation.logLikelihood(truth, data) - 1e-6);
  }

  @Property(tries = 2, seed = "20260605")
  void paretoNbd_recoversSimulatedParameters(
      @ForAll @DoubleRange(min = 0.3, max = 1.5) double r,
      @ForAll @DoubleRange(min = 2, max = 12) double alpha,
      @ForAll @DoubleRange(min = 0.4, max = 1.5) double s,
      @ForAll @DoubleRange(min = 5, max = 15) double beta,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
    ParetoNbdModel truth = new ParetoNbdModel(r, alpha, s, beta);
    List<RfmSummary> data = Simulation.paretoNbd(r, alpha, s, beta, 10_000, 27, 39, seed);
    ModelFit<ParetoNbdModel> fit = ParetoNbdModel.fit(data);
    assertRecovered(fit, truth.params());
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(Simulation.logLikelihood(truth, data) - 1e-4);
  }

  @Property(tries = 6, seed = "20260606")
  void gammaGamma_recoversSimulatedParameters(
      @ForAll @DoubleRange(min = 1, max = 10) double p,
      @ForAll @DoubleRange(min = 1.5, max = 6) double q,
      @ForAll @DoubleRange(min = 5, max = 50) double v,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long seed) {
    GammaGammaModel truth = new GammaGammaModel(p, q, v);
    List<RfmSummary> data = Simulation.gammaGamma(p, q, v, 20_000, 10, seed);
    ModelFit<GammaGammaModel> fit = GammaGammaModel.fit(data);
    assertRecovered(fit, truth.params());
    double atTruth = 0;
    for (RfmSummary c : data) {
      atTruth += truth.logLikelihood(c.frequency(), c.monetaryValue());
    }
    assertThat(fit.logLikelihood()).isGreaterThanOrEqualTo(atTruth - 1e-6);
  }

  private static void assertRecovered(ModelFit<?> fit, Map<String, Double> truth) {
    Map<String, Double> estimate = fit.model().params();
    assertThat(fit.convergence()).as("convergence at %s", estimate).isEqualTo(ModelFit.Convergence.CONVERGED);
    assertThat(fit.standardErrors()).as("information matrix at %s", estimate).containsOnlyKeys(truth.keySet());
    truth.forEach((name, value) -> {
      double est = estimate.get(name);
      double seLog = fit.standardErrors().get(name) / est;
      assertThat(Math.abs(Math.log(est) - Math.log(value)))
          .as("%s: estimate %s, truth %s, SE(ln) %s", name, est, value, seLog)
          .isLessThanOrEqualTo(BAND * seLog);
    });
  }
}
