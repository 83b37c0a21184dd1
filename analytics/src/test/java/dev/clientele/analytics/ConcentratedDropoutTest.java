package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Hypergeometric#scaledComplementConcentrated}, the bounded-work form of the BG/NBD and
 * MBG/NBD conditional expectation for huge {@code a} and {@code b}, against two references that
 * share nothing with it: FHL 2005 eq. 10 as published (the series {@code 2F1(r+x, b+n; a+b+n-1; z)}
 * of positive terms, no Euler or Pfaff transformation), and quadrature of {@code E[f(S)]} over the
 * Beta density in {@code logit S}.
 */
class ConcentratedDropoutTest {
  private static final org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory RULES =
      new org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory();

  /** eps = a - 1, rest = b + x + shift, q = r + x, u = t/(alpha+T). */
  record Case(double eps, double rest, double q, double u) {}

  private static Arbitrary<Double> logUniform(double lo, double hi) {
    return Arbitraries.doubles().between(0, 1).ofScale(12).map(v -> lo * Math.exp(v * Math.log(hi / lo)));
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(logUniform(1e3, 1e13), logUniform(1e-3, 1e13), logUniform(1e-3, 1e12),
        logUniform(1e-6, 1e3)).as(Case::new);
  }

  @Provide
  Arbitrary<Case> moderateQ() {
    return Combinators.combine(logUniform(1e3, 1e13), logUniform(1e-3, 1e13), logUniform(1e-3, 3e4),
        logUniform(1e-4, 30)).as(Case::new);
  }

  /**
   * {@code eps h = 1 - (1-z)^q 2F1(q, rest; eps+rest; z)} with {@code z = u/(1+u)}: eq. 10 as
   * published, a sum of positive terms; {@code (1-z)^q F} is taken in logarithms. Returns
   * {@code {eps h, X}} with {@code X = (1-z)^q F}, or null when the series is too long.
   */
  private static double[] published(Case c) {
    double z = c.u() / (1 + c.u());
    double cc = c.eps() + c.rest();
    double term = 1;
    double sum = 1;
    double logScale = 0; // the true sum is sum * e^logScale
    for (int j = 0; j < 2_000_000; j++) {
      term *= (c.q() + j) * (c.rest() + j) / ((cc + j) * (j + 1)) * z;
      sum += term;
      if (sum > 1e200) {
        term *= 1e-200;
        sum *= 1e-200;
        logScale += 200 * Math.log(10);
      }
      // every later ratio is at most z max(1, (q+j+1)/(j+2)): (rest+k)/(cc+k) < 1, (q+k)/(k+1) monotone
      double bound = z * Math.max(1, (c.q() + j + 1) / (j + 2));
      if (bound < 1 && term * bound / (1 - bound) <= 1e-17 * sum) {
        double logX = -c.q() * Math.log1p(c.u()) + Math.log(sum) + logScale;
        return new double[] {-Math.expm1(logX), Math.exp(logX)};
      }
    }
    return null;
  }

  /**
   * {@code eps h = 1 - E[(1+S u)^(-q)]}, {@code S ~ Beta(eps, rest)}: with {@code logit S = ln m/(1-m) + s},
   * the density of {@code s} is proportional to {@code exp(-(eps+rest) [log1p(m expm1(s)) - m s])}
   * (no large logarithms cancel); composite Gauss-Legendre on the centre and on each tail.
   */
  private static double byQuadrature(Case c) {
    double total = c.eps() + c.rest();
    double m = c.eps() / total;
    double spread = Math.sqrt(1 / c.eps() + 1 / c.rest());
    double n = c.rest() / total; // 1 - m
    // ln(1 + m(e^s - 1)) - m s, for s > 0 as (1-m) s + ln(1 + (1-m)(e^-s - 1)) (no overflow)
    java.util.function.DoubleUnaryOperator weight = s -> Math.exp(-total
        * (s <= 0 ? Math.log1p(m * Math.expm1(s)) - m * s : n * s + Math.log1p(n * Math.expm1(-s))));
    java.util.function.DoubleUnaryOperator weighted = s -> {
      double share = s <= 0 ? m * Math.exp(s) / (1 + m * Math.expm1(s)) : m / (m + n * Math.exp(-s)); // S
      return -Math.expm1(-c.q() * Math.log1p(share * c.u())) * weight.applyAsDouble(s);
    };
    double lo = -45 / c.eps() - 12 * spread;
    double hi = 45 / c.rest() + 12 * spread;
    // the density is Gaussian near 0 (sd about 1/sqrt(eps rest/(eps+rest))) and decays like
    // e^(eps s) on the left, e^(-rest s) on the right: pieces doubling in width from the finest scale
    double sd = 1 / Math.sqrt(c.eps() * c.rest() / total);
    double w = Math.min(sd, Math.min(1 / c.eps(), 1 / c.rest())) / 4;
    java.util.List<Double> cuts = new java.util.ArrayList<>();
    cuts.add(0.0);
    for (double x = w; -x > lo; x *= 2) {
      cuts.add(0, -x);
    }
    cuts.add(0, lo);
    for (double x = w; x < hi; x *= 2) {
      cuts.add(x);
    }
    cuts.add(hi);
    double num = 0;
    double den = 0;
    for (int i = 0; i + 1 < cuts.size(); i++) {
      double a = cuts.get(i);
      double b = cuts.get(i + 1);
      for (int k = 0; k < 8; k++) {
        double x0 = a + (b - a) * k / 8;
        double x1 = a + (b - a) * (k + 1) / 8;
        if (x1 - x0 > 1e-12 * (Math.abs(x0) + Math.abs(x1))) {
          var rule = RULES.legendre(20, x0, x1);
          num += rule.integrate(weighted::applyAsDouble);
          den += rule.integrate(weight::applyAsDouble);
        }
      }
    }
    return num / den;
  }

  @Property(tries = 400)
  void concentrated_matchesEquation10AsPublished(@ForAll("moderateQ") Case c) {
    double h = Hypergeometric.scaledComplementConcentrated(c.eps(), c.rest(), c.q(), c.u());
    double[] ref = published(c);
    if (Double.isNaN(h) || ref == null) {
      return;
    }
    // 1 - X amplifies the reference's own rounding (about 1e-15 |ln X|) by X / (1 - X).
    double refError = 1e-14 * (1 + c.q() * Math.log1p(c.u())) * ref[1] + 1e-14 * ref[0];
    assertThat(h * c.eps()).as("%s", c).isCloseTo(ref[0], within(1e-12 * ref[0] + refError));
  }

  @Property(tries = 200)
  void concentrated_matchesQuadratureOverTheBetaDensity(@ForAll("cases") Case c) {
    double h = Hypergeometric.scaledComplementConcentrated(c.eps(), c.rest(), c.q(), c.u());
    if (Double.isNaN(h)) {
      return;
    }
    double expected = byQuadrature(c);
    // the reference's weights exp(-(eps+rest) [...]) carry rounding noise that grows with eps+rest:
    // about 1e-8 at 1e12 (checked by refining the grid); eq. 10 above is the sharp reference
    assertThat(h * c.eps()).as("%s", c).isCloseTo(expected, within(1e-7 * expected));
  }

  /** Fits like the CLI's (a, b from 1e6 up, customer-scale r, x, t/(alpha+T)) never need the series. */
  @Property(tries = 300)
  void concentrated_coversHugeFits(@ForAll("hugeFits") Case c) {
    assertThat(Hypergeometric.scaledComplementConcentrated(c.eps(), c.rest(), c.q(), c.u())).as("%s", c).isNotNaN();
  }

  @Provide
  Arbitrary<Case> hugeFits() {
    return Combinators.combine(logUniform(1e6, 1e16), logUniform(1e6, 1e16), logUniform(1e-2, 500),
        logUniform(1e-4, 100)).as(Case::new);
  }

  /** Where both converge, the Euler series and the concentrated form agree (to the series' rounding). */
  @Property(tries = 300)
  void concentrated_agreesWithTheSeriesWhereBothWork(@ForAll("overlap") Case c) {
    double h = Hypergeometric.scaledComplementConcentrated(c.eps(), c.rest(), c.q(), c.u());
    if (Double.isNaN(h)) {
      return;
    }
    // the series' factor (1-z)^eps must not underflow
    net.jqwik.api.Assume.that(c.eps() * Math.log1p(c.u()) < 600);
    double z = c.u() / (1 + c.u());
    double cc = c.eps() + c.rest();
    double series = Hypergeometric.scaledComplement(c.eps(), cc - c.q(), cc, z);
    // the series form subtracts from its first part -expm1(eps ln(1-z))/eps: allow its rounding
    double first = -Math.expm1(-c.eps() * Math.log1p(c.u())) / c.eps();
    assertThat(h).as("%s", c).isCloseTo(series, within(1e-11 * Math.abs(series) + 1e-14 * first));
  }

  @Provide
  Arbitrary<Case> overlap() {
    return Combinators.combine(logUniform(1e3, 3e4), Arbitraries.integers().between(1, 30000).map(i -> i + 0.25),
        Arbitraries.integers().between(0, 40).map(i -> i + 0.5), logUniform(1e-3, 3)).as(Case::new);
  }

  /**
   * The fit behind {@code CliContractHuntTest.clvForce_bgnbdWithHugeFittedAandB_doesNotFail}
   * (a = 3.9e9, b = 1.4e10), scored through the models: finite, and equal to eq. 10 as published.
   */
  @Test
  void bgnbdAndMbgnbd_withHugeAandB_predictLikeEquation10() {
    double r = 0.7;
    double alpha = 40;
    double a = 3.9e9;
    double b = 1.4e10;
    for (int shift = 0; shift <= 1; shift++) {
      PurchaseModel model = shift == 0 ? new BgNbdModel(r, alpha, a, b) : new MbgNbdModel(r, alpha, a, b);
      for (int x : new int[] {0, 1, 5, 40}) {
        double age = 300;
        double tx = x == 0 ? 0 : 250;
        double t = 365;
        Case c = new Case(a - 1, b + x + shift, r + x, t / (alpha + age));
        double[] ref = published(c);
        assertThat(ref).isNotNull();
        double ifAlive = (a + b + x - 1 + shift) / (a - 1) * ref[0];
        double expected = ifAlive * model.probabilityAlive(x, tx, age);
        double actual = model.conditionalExpectedPurchases(t, x, tx, age);
        assertThat(actual).as("shift %s x %s", shift, x).isCloseTo(expected, within(1e-12 * expected));
      }
    }
  }
}
