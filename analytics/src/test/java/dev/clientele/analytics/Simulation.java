package dev.clientele.analytics;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Populations drawn from the models' own generative processes, for parameter-recovery tests.
 * Every customer is observed for {@code T ~ Uniform(minAge, maxAge)} time units after the first
 * purchase (CDNOW: 27-39 weeks); times are continuous.
 */
final class Simulation {
  private Simulation() {}

  /**
   * BG/NBD (FHL 2005, section 2): {@code lambda ~ Gamma(r, alpha)}, {@code p ~ Beta(a, b)};
   * exponential gaps at rate lambda; after each repeat purchase the customer drops out with
   * probability p ({@code mbg}: also right after the first purchase, as in MBG/NBD).
   */
  static List<RfmSummary> betaGeometric(double r, double alpha, double a, double b, boolean mbg,
      int customers, double minAge, double maxAge, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rate = new GammaDistribution(rng, r, 1 / alpha);
    BetaDistribution dropout = new BetaDistribution(rng, a, b);
    List<RfmSummary> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      double lambda = rate.sample();
      double p = dropout.sample();
      double age = minAge + (maxAge - minAge) * rng.nextDouble();
      int x = 0;
      double t = 0;
      double tx = 0;
      boolean alive = !(mbg && rng.nextDouble() < p);
      while (alive) {
        t += -Math.log(1 - rng.nextDouble()) / lambda;
        if (t > age) {
          break;
        }
        x++;
        tx = t;
        alive = rng.nextDouble() >= p;
      }
      out.add(RfmSummary.of("c" + i, x, tx, age));
    }
    return out;
  }

  /**
   * Pareto/NBD: {@code lambda ~ Gamma(r, alpha)}, lifetime {@code ~ Exp(mu)},
   * {@code mu ~ Gamma(s, beta)}; purchases at rate lambda until the lifetime ends.
   */
  static List<RfmSummary> paretoNbd(double r, double alpha, double s, double beta, int customers,
      double minAge, double maxAge, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rate = new GammaDistribution(rng, r, 1 / alpha);
    GammaDistribution death = new GammaDistribution(rng, s, 1 / beta);
    List<RfmSummary> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      double lambda = rate.sample();
      double lifetime = -Math.log(1 - rng.nextDouble()) / death.sample();
      double age = minAge + (maxAge - minAge) * rng.nextDouble();
      double end = Math.min(age, lifetime);
      int x = 0;
      double tx = 0;
      for (double t = -Math.log(1 - rng.nextDouble()) / lambda; t <= end;
          t += -Math.log(1 - rng.nextDouble()) / lambda) {
        x++;
        tx = t;
      }
      out.add(RfmSummary.of("c" + i, x, tx, age));
    }
    return out;
  }

  /**
   * Gamma-Gamma spend for customers with {@code x} uniform in 1..maxX repeat purchases:
   * {@code nu ~ Gamma(q, v)} (shape, rate), each purchase {@code ~ Gamma(p, nu)}; the summary
   * carries the mean.
   */
  static List<RfmSummary> gammaGamma(double p, double q, double v, int customers, int maxX, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution scaleOfNu = new GammaDistribution(rng, q, 1 / v);
    List<RfmSummary> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      double nu = scaleOfNu.sample();
      GammaDistribution spend = new GammaDistribution(rng, p, 1 / nu);
      int x = 1 + rng.nextInt(maxX);
      double sum = 0;
      for (int j = 0; j < x; j++) {
        sum += spend.sample();
      }
      out.add(new RfmSummary("c" + i, x, 1, 1, sum / x));
    }
    return out;
  }

  /** The total log-likelihood of {@code data} under {@code model}. */
  static double logLikelihood(PurchaseModel model, List<RfmSummary> data) {
    double ll = 0;
    for (RfmSummary s : data) {
      ll += model.logLikelihood(s.frequency(), s.recency(), s.age());
    }
    return ll;
  }
}
