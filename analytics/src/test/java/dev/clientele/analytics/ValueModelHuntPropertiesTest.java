package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * Bug hunt (session 11): the value models against independent reference computations written
 * here from the generative processes of the papers, not from the implementation's formulas.
 *
 * <ul>
 *   <li>BG/NBD and MBG/NBD (Fader, Hardie &amp; Lee 2005; Batislam et al. 2007): the likelihood as
 *       the sum of the "alive" and "dropped out at t_x" terms in Beta-function form;
 *       {@code E[Y(t) | x, t_x, T]} as {@code P(alive)} times a one-dimensional integral over the
 *       posterior drop-out probability {@code p ~ Beta(a, b + x + shift)} of
 *       {@code E[(1 - e^(-lambda p t)) / p]}, {@code lambda ~ Gamma(r + x, alpha + T)}.
 *   <li>Pareto/NBD: the likelihood's integral over the death time by quadrature, and the
 *       conditional expectation as {@code (r+x)/(alpha+T) * integral_0^t ((beta+T)/(beta+T+u))^s du}.
 *   <li>Gamma-Gamma: the density of the mean spend as an integral over the customer's rate
 *       {@code nu}, by quadrature.
 *   <li>Invariants: P(alive) monotone in recency, finite results for very large {@code x} and
 *       {@code T}, {@link ClvScorer#scoreAll} equal to {@link ClvScorer#score} per customer.
 * </ul>
 */
class ValueModelHuntPropertiesTest {
  /** A customer history: {@code 0 <= t_x <= T}, {@code t_x = 0} when {@code x = 0}. */
  record History(int x, double tx, double age) {}

  /** Parameters (r, alpha, a|s, b|beta) over several orders of magnitude. */
  record Params(double r, double alpha, double c, double d) {}

  @Provide
  Arbitrary<Params> params() {
    Arbitrary<Double> shape = Arbitraries.doubles().between(-2.3, 2.3).map(Math::exp);
    Arbitrary<Double> scale = Arbitraries.doubles().between(-2, 4).map(Math::exp);
    return Combinators.combine(shape, scale, shape, shape).as(Params::new);
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Integer> x = Arbitraries.oneOf(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 60));
    Arbitrary<Double> age = Arbitraries.doubles().between(0, 200);
    Arbitrary<Double> share = Arbitraries.doubles().between(0, 1);
    return Combinators.combine(x, age, share).as((f, t, u) -> new History(f, f == 0 ? 0 : u * t, t));
  }

  // ---------------------------------------------------------------- BG/NBD and MBG/NBD

  /** ln of the "alive at T" and "dropped out right after t_x" terms of the likelihood. */
  private static double[] betaGeometricTerms(Params m, int shift, History h) {
    int x = h.x();
    double gammaPart = Gamma.logGamma(m.r() + x) - Gamma.logGamma(m.r()) + m.r() * Math.log(m.alpha());
    double logBab = Beta.logBeta(m.c(), m.d());
    // Alive: survived x + shift Bernoulli(p) trials.
    double alive = Beta.logBeta(m.c(), m.d() + x + shift) - logBab + gammaPart - (m.r() + x) * Math.log(m.alpha() + h.age());
    double dead = Double.NEGATIVE_INFINITY;
    if (x + shift > 0) {
      // Survived x + shift - 1 trials, then dropped out at the last purchase (time t_x).
      dead = Beta.logBeta(m.c() + 1, m.d() + x + shift - 1) - logBab + gammaPart
          - (m.r() + x) * Math.log(m.alpha() + h.tx());
    }
    return new double[] {alive, dead};
  }

  private static double logSumExp(double u, double v) {
    double hi = Math.max(u, v);
    if (hi == Double.NEGATIVE_INFINITY) {
      return hi;
    }
    return hi + Math.log(Math.exp(u - hi) + Math.exp(v - hi));
  }

  private static PurchaseModel betaGeometric(Params m, int shift) {
    return shift == 0 ? new BgNbdModel(m.r(), m.alpha(), m.c(), m.d()) : new MbgNbdModel(m.r(), m.alpha(), m.c(), m.d());
  }

  @Property(tries = 300)
  void betaGeometric_logLikelihood_matchesTheBetaFunctionForm(@ForAll("params") Params p,
      @ForAll("histories") History h, @ForAll @IntRange(min = 0, max = 1) int shift) {
    double[] terms = betaGeometricTerms(p, shift, h);
    double expected = logSumExp(terms[0], terms[1]);
    double actual = betaGeometric(p, shift).logLikelihood(h.x(), h.tx(), h.age());
    assertThat(actual).isCloseTo(expected, within(1e-9 * (1 + Math.abs(expected))));
  }

  @Property(tries = 300)
  void betaGeometric_probabilityAlive_isTheAliveTermsShare(@ForAll("params") Params p,
      @ForAll("histories") History h, @ForAll @IntRange(min = 0, max = 1) int shift) {
    double[] terms = betaGeometricTerms(p, shift, h);
    double expected = Math.exp(terms[0] - logSumExp(terms[0], terms[1]));
    double actual = betaGeometric(p, shift).probabilityAlive(h.x(), h.tx(), h.age());
    assertThat(actual).isCloseTo(expected, within(1e-9));
    if (shift == 0 && h.x() == 0) {
      assertThat(actual).isEqualTo(1.0); // FHL 2005: P(alive | x = 0) = 1
    }
  }

  /**
   * {@code E[Y(t) | alive] = E_p[(1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p]} with
   * {@code p ~ Beta(a, b+x+shift)}: the expected purchases {@code (1 - e^(-lambda p t))/p} of an
   * alive customer with rates (lambda, p), averaged over lambda's Gamma posterior in closed form
   * and over p by quadrature, in {@code y = logit p} (where the Beta density times
   * {@code dp/dy} is {@code p^a (1-p)^(b+x+shift) / B}: smooth, no end-point singularities, and
   * decaying exponentially both ways).
   */
  private static double expectedIfAliveByQuadrature(Params m, int shift, History h, double t) {
    double rx = m.r() + h.x();
    double at = m.alpha() + h.age();
    double a = m.c();
    double bb = m.d() + h.x() + shift;
    double logNorm = -Beta.logBeta(a, bb);
    DoubleUnaryOperator logIntegrand = y -> {
      double logP = -Math.log1p(Math.exp(-y));
      double logQ = -Math.log1p(Math.exp(y));
      double p = Math.exp(logP);
      // ln[(1 - ((alpha+T)/(alpha+T+pt))^(r+x)) / p]
      double logG = Math.log(-Math.expm1(-rx * Math.log1p(p * t / at))) - logP;
      if (p == 0 || Double.isInfinite(logG)) {
        logG = Math.log(rx * t / at); // the limit p -> 0
      }
      return logG + a * logP + bb * logQ + logNorm;
    };
    double center = Math.log(a / bb);
    double spread = Math.sqrt(1 / a + 1 / bb);
    return Math.exp(logTrapezoid(logIntegrand, center - 45 / a - 12 * spread, center + 45 / bb + 12 * spread,
        0.05 * Math.min(1, spread)));
  }

  @Property(tries = 200)
  void betaGeometric_conditionalExpectedPurchases_matchesTheGenerativeModel(@ForAll("params") Params p,
      @ForAll("histories") History h, @ForAll @IntRange(min = 0, max = 1) int shift,
      @ForAll @DoubleRange(min = 0.01, max = 100) double t) {
    double[] terms = betaGeometricTerms(p, shift, h);
    double alive = Math.exp(terms[0] - logSumExp(terms[0], terms[1]));
    double expected = alive * expectedIfAliveByQuadrature(p, shift, h, t);
    double actual = betaGeometric(p, shift).conditionalExpectedPurchases(t, h.x(), h.tx(), h.age());
    assertThat(actual).isCloseTo(expected, within(1e-6 * expected + 1e-12));
  }

  @Property(tries = 200)
  void betaGeometric_expectedPurchases_matchesTheGenerativeModel(@ForAll("params") Params p,
      @ForAll @IntRange(min = 0, max = 1) int shift, @ForAll @DoubleRange(min = 0.01, max = 100) double t) {
    // A random new customer: x = 0, T = 0; for MBG/NBD alive at birth with probability b / (a + b).
    History born = new History(0, 0, 0);
    double alive = shift == 0 ? 1 : p.d() / (p.c() + p.d());
    double expected = alive * expectedIfAliveByQuadrature(p, shift, born, t);
    assertThat(betaGeometric(p, shift).expectedPurchases(t)).isCloseTo(expected, within(1e-6 * expected + 1e-12));
  }

  // ---------------------------------------------------------------- Pareto/NBD

  private static ParetoNbdModel pareto(Params m) {
    return new ParetoNbdModel(m.r(), m.alpha(), m.c(), m.d());
  }

  /**
   * ln of {@code (alpha+T)^-(r+x) (beta+T)^-s} (alive) and of
   * {@code s * integral_{t_x}^T (alpha+u)^-(r+x) (beta+u)^-(s+1) du} (died in between, by
   * quadrature), the bracket of the Pareto/NBD likelihood from the generative model.
   */
  private static double[] paretoTerms(Params m, History h) {
    double rx = m.r() + h.x();
    double s = m.c();
    double alive = -rx * Math.log(m.alpha() + h.age()) - s * Math.log(m.d() + h.age());
    double dead = Double.NEGATIVE_INFINITY;
    if (h.age() > h.tx()) {
      double scale = -rx * Math.log(m.alpha() + h.tx()) - (s + 1) * Math.log(m.d() + h.tx());
      // Substitute u = t_x + e^v - 1 (v from 0 to ln(1 + T - t_x)) so long ranges are resolved.
      double top = Math.log1p(h.age() - h.tx());
      double integral = integrate(v -> {
        double du = Math.exp(v);
        double u = h.tx() + Math.expm1(v);
        return du * Math.exp(-rx * Math.log((m.alpha() + u) / (m.alpha() + h.tx()))
            - (s + 1) * Math.log((m.d() + u) / (m.d() + h.tx())));
      }, 0, top);
      dead = Math.log(s) + scale + Math.log(integral);
    }
    return new double[] {alive, dead};
  }

  @Property(tries = 200)
  void pareto_logLikelihood_matchesQuadratureOverTheDeathTime(@ForAll("params") Params p,
      @ForAll("histories") History h) {
    double[] terms = paretoTerms(p, h);
    double expected = Gamma.logGamma(p.r() + h.x()) - Gamma.logGamma(p.r()) + p.r() * Math.log(p.alpha())
        + p.c() * Math.log(p.d()) + logSumExp(terms[0], terms[1]);
    double actual = pareto(p).logLikelihood(h.x(), h.tx(), h.age());
    assertThat(actual).isCloseTo(expected, within(1e-7 * (1 + Math.abs(expected))));
  }

  @Property(tries = 200)
  void pareto_probabilityAlive_isTheAliveTermsShare(@ForAll("params") Params p, @ForAll("histories") History h) {
    double[] terms = paretoTerms(p, h);
    double expected = Math.exp(terms[0] - logSumExp(terms[0], terms[1]));
    assertThat(pareto(p).probabilityAlive(h.x(), h.tx(), h.age())).isCloseTo(expected, within(1e-7));
  }

  @Property(tries = 200)
  void pareto_conditionalExpectedPurchases_matchesTheGenerativeModel(@ForAll("params") Params p,
      @ForAll("histories") History h, @ForAll @DoubleRange(min = 0.01, max = 100) double t) {
    double[] terms = paretoTerms(p, h);
    double alive = Math.exp(terms[0] - logSumExp(terms[0], terms[1]));
    double s = p.c();
    double bt = p.d() + h.age();
    // Alive at T: lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T); E[lambda/mu (1 - e^(-mu t))].
    double survival = integrate(u -> Math.exp(-s * Math.log1p(u / bt)), 0, t);
    double expected = alive * (p.r() + h.x()) / (p.alpha() + h.age()) * survival;
    double actual = pareto(p).conditionalExpectedPurchases(t, h.x(), h.tx(), h.age());
    assertThat(actual).isCloseTo(expected, within(1e-6 * expected + 1e-12));
  }

  // ---------------------------------------------------------------- invariants

  @Provide
  Arbitrary<PurchaseModel> models() {
    return Combinators.combine(params(), Arbitraries.integers().between(0, 2)).as((p, kind) -> switch (kind) {
      case 0 -> betaGeometric(p, 0);
      case 1 -> betaGeometric(p, 1);
      default -> pareto(p);
    });
  }

  @Property(tries = 300)
  void probabilityAlive_nonDecreasingInRecency(@ForAll("models") PurchaseModel m,
      @ForAll @IntRange(min = 1, max = 200) int x, @ForAll @DoubleRange(min = 0, max = 300) double age,
      @ForAll @DoubleRange(min = 0, max = 1) double u1, @ForAll @DoubleRange(min = 0, max = 1) double u2) {
    double t1 = Math.min(u1, u2) * age;
    double t2 = Math.max(u1, u2) * age;
    double p1 = m.probabilityAlive(x, t1, age);
    double p2 = m.probabilityAlive(x, t2, age);
    assertThat(p2).as("P(alive) at t_x %s vs %s", t2, t1).isGreaterThanOrEqualTo(p1 - 1e-12);
    // A customer who bought at the very end is alive in BG/NBD and Pareto/NBD.
    if (!(m instanceof MbgNbdModel)) {
      assertThat(m.probabilityAlive(x, age, age)).isGreaterThanOrEqualTo(m instanceof BgNbdModel
          ? 1 / (1 + ((BgNbdModel) m).a() / (((BgNbdModel) m).b() + x - 1)) - 1e-12 : 0);
    }
  }

  @Property(tries = 100)
  void pareto_newCustomerIsAlive(@ForAll("params") Params p) {
    assertThat(pareto(p).probabilityAlive(0, 0, 0)).isCloseTo(1.0, within(1e-12));
  }

  @Property(tries = 200)
  void largeHistories_giveFiniteResults(@ForAll("models") PurchaseModel m,
      @ForAll @IntRange(min = 0, max = 200_000) int x, @ForAll @DoubleRange(min = 0, max = 100_000) double age,
      @ForAll @DoubleRange(min = 0, max = 1) double u, @ForAll @DoubleRange(min = 0, max = 3650) double t) {
    double tx = x == 0 ? 0 : u * age;
    double alive = m.probabilityAlive(x, tx, age);
    assertThat(alive).isBetween(0.0, 1.0);
    assertThat(m.logLikelihood(x, tx, age)).isFinite();
    double e = m.conditionalExpectedPurchases(t, x, tx, age);
    assertThat(e).isFinite().isGreaterThanOrEqualTo(0);
    assertThat(m.probabilityNoPurchase(t, x, tx, age)).isBetween(0.0, 1.0);
    assertThat(m.medianTimeToNextPurchase(x, tx, age)).isNotNaN().isGreaterThanOrEqualTo(0);
  }

  // ---------------------------------------------------------------- Gamma-Gamma

  @Property(tries = 200)
  void gammaGamma_logLikelihood_matchesQuadratureOverNu(@ForAll @DoubleRange(min = 0.2, max = 20) double p,
      @ForAll @DoubleRange(min = 0.2, max = 20) double q, @ForAll @DoubleRange(min = 0.1, max = 200) double v,
      @ForAll @IntRange(min = 1, max = 300) int x, @ForAll @DoubleRange(min = 0.01, max = 5_000) double zbar) {
    // zbar is the mean of x Gamma(p, nu) values: zbar ~ Gamma(p x, nu x); nu ~ Gamma(q, v).
    double px = p * x;
    double nuStar = (px + q) / (x * zbar + v); // the mode of the integrand in ln nu
    // In w = ln nu the integrand falls like e^((px+q) w) to the left, doubly exponentially to the right.
    double width = 12 / Math.sqrt(px + q) + 1;
    double w0 = Math.log(nuStar);
    DoubleUnaryOperator logIntegrand = w -> {
      double nu = Math.exp(w);
      return px * Math.log(nu * x) + (px - 1) * Math.log(zbar) - nu * x * zbar - Gamma.logGamma(px)
          + q * Math.log(v) + q * w - v * nu - Gamma.logGamma(q);
    };
    double expected = logTrapezoid(logIntegrand, w0 - width - 40 / (px + q), w0 + width,
        0.05 * Math.min(1, 1 / Math.sqrt(px + q)));
    double actual = new GammaGammaModel(p, q, v).logLikelihood(x, zbar);
    assertThat(actual).isCloseTo(expected, within(1e-7 * (1 + Math.abs(expected))));
  }

  @Property(tries = 200)
  void gammaGamma_conditionalSpend_isTheWeightedAverageAndIncreasesWithOwnMean(
      @ForAll @DoubleRange(min = 0.1, max = 20) double p, @ForAll @DoubleRange(min = 0.1, max = 20) double q,
      @ForAll @DoubleRange(min = 0.1, max = 100) double v, @ForAll @IntRange(min = 0, max = 1000) int x,
      @ForAll @DoubleRange(min = 0, max = 10_000) double zbar, @ForAll @DoubleRange(min = 0, max = 100) double more) {
    GammaGammaModel m = new GammaGammaModel(p, q, v);
    if (!m.isFiniteFor(x)) {
      return;
    }
    double e = m.conditionalExpectedSpend(x, zbar);
    assertThat(e).isFinite().isPositive();
    if (q > 1) {
      double w = p * x / (p * x + q - 1);
      double expected = x == 0 ? p * v / (q - 1) : w * zbar + (1 - w) * p * v / (q - 1);
      assertThat(e).isCloseTo(expected, within(1e-9 * expected));
    }
    if (x > 0) {
      assertThat(m.conditionalExpectedSpend(x, zbar + more)).isGreaterThanOrEqualTo(e);
    }
  }

  // ---------------------------------------------------------------- scoring

  @Property(tries = 60)
  void scoreAll_equalsScorePerCustomer(@ForAll("params") Params p, @ForAll @IntRange(min = 0, max = 1) int shift,
      @ForAll @net.jqwik.api.constraints.Size(max = 30) List<@net.jqwik.api.From("histories") History> customers, @ForAll @IntRange(min = 0, max = 1) int week) {
    PeriodUnit unit = week == 1 ? PeriodUnit.WEEK : PeriodUnit.DAY;
    ClvScorer scorer = new ClvScorer(betaGeometric(p, shift), Optional.of(new GammaGammaModel(2, 3, 10)),
        ClvScorer.Options.defaults(unit));
    List<RfmSummary> rows = new ArrayList<>();
    for (int i = 0; i < customers.size(); i++) {
      History h = customers.get(i);
      rows.add(new RfmSummary("c" + i, h.x(), h.tx(), h.age(), h.x() == 0 ? 0 : 5 + i, OptionalDouble.of(10 + i)));
      rows.add(new RfmSummary("d" + i, h.x(), h.tx() / 2, h.age(), 7, OptionalDouble.of(1))); // same (x, T)
    }
    List<CustomerValue> all = scorer.scoreAll(rows);
    for (int i = 0; i < rows.size(); i++) {
      CustomerValue one = scorer.score(rows.get(i));
      CustomerValue fast = all.get(i);
      assertThat(fast.customerId()).isEqualTo(one.customerId());
      assertThat(fast.probabilityAlive()).isCloseTo(one.probabilityAlive(), within(1e-12));
      assertThat(fast.expectedPurchases()).isCloseTo(one.expectedPurchases(), within(1e-10 * (1 + one.expectedPurchases())));
      assertThat(fast.probabilityOfOrder()).isCloseTo(one.probabilityOfOrder(), within(1e-12));
      assertThat(fast.predictedClv()).isCloseTo(one.predictedClv(), within(1e-9 * (1 + one.predictedClv())));
      assertThat(fast.churnBand()).isEqualTo(one.churnBand());
      assertThat(fast.winBack()).isEqualTo(one.winBack());
      assertThat(fast.daysToNextOrder().isPresent()).isEqualTo(one.daysToNextOrder().isPresent());
    }
  }

  @Property(tries = 60)
  void discountedClv_isAtMostUndiscountedAndNonNegative(@ForAll("models") PurchaseModel m,
      @ForAll("histories") History h, @ForAll @DoubleRange(min = 0, max = 0.5) double rate) {
    GammaGammaModel spend = new GammaGammaModel(2, 3, 10);
    RfmSummary c = new RfmSummary("c", h.x(), h.tx(), h.age(), h.x() == 0 ? 0 : 12, OptionalDouble.of(40));
    CustomerValue plain = new ClvScorer(m, Optional.of(spend), ClvScorer.Options.defaults(PeriodUnit.DAY)).score(c);
    CustomerValue discounted = new ClvScorer(m, Optional.of(spend),
        new ClvScorer.Options(PeriodUnit.DAY, 365, rate, 30, 0.5, 0.8)).score(c);
    assertThat(discounted.predictedClv()).isGreaterThanOrEqualTo(0)
        .isLessThanOrEqualTo(plain.predictedClv() * (1 + 1e-12));
    // At most one year's discount on the whole amount.
    assertThat(discounted.predictedClv()).isGreaterThanOrEqualTo(plain.predictedClv() / (1 + rate) * (1 - 1e-12));
    assertThat(plain.predictedClv()).isCloseTo(plain.expectedPurchases() * plain.expectedSpend(),
        within(1e-12 * (1 + plain.predictedClv())));
    assertThat(plain.totalClv().getAsDouble()).isCloseTo(40 + plain.predictedClv(), within(1e-9));
    assertThat(plain.churnRisk()).isCloseTo(1 - plain.probabilityAlive(), within(1e-15));
  }

  // ---------------------------------------------------------------- quadrature

  /**
   * {@code ln integral_lo^hi e^(f(y)) dy} by the trapezoid rule with step at most {@code step}:
   * exponentially accurate for the smooth, rapidly decaying integrands it is used on.
   */
  static double logTrapezoid(DoubleUnaryOperator f, double lo, double hi, double step) {
    int n = (int) Math.ceil((hi - lo) / step);
    double h = (hi - lo) / n;
    double[] v = new double[n + 1];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= n; i++) {
      v[i] = f.applyAsDouble(lo + i * h);
      max = Math.max(max, v[i]);
    }
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      sum += (i == 0 || i == n ? 0.5 : 1) * Math.exp(v[i] - max);
    }
    return max + Math.log(sum * h);
  }

  /** Adaptive Simpson on [lo, hi] to a relative 1e-12 of the first estimate (or rounding level). */
  static double integrate(DoubleUnaryOperator f, double lo, double hi) {
    if (hi <= lo) {
      return 0;
    }
    // Start from 64 panels so narrow peaks are not missed.
    int panels = 64;
    double h = (hi - lo) / panels;
    double coarse = 0;
    double[] fx = new double[2 * panels + 1];
    for (int i = 0; i <= 2 * panels; i++) {
      fx[i] = f.applyAsDouble(lo + i * h / 2);
    }
    for (int i = 0; i < panels; i++) {
      coarse += h / 6 * (fx[2 * i] + 4 * fx[2 * i + 1] + fx[2 * i + 2]);
    }
    double tol = 1e-12 * Math.abs(coarse) + 1e-300;
    double sum = 0;
    for (int i = 0; i < panels; i++) {
      double a = lo + i * h;
      double b = a + h;
      double whole = h / 6 * (fx[2 * i] + 4 * fx[2 * i + 1] + fx[2 * i + 2]);
      sum += simpson(f, a, b, fx[2 * i], fx[2 * i + 1], fx[2 * i + 2], whole, tol / panels, 24);
    }
    return sum;
  }

  private static double simpson(DoubleUnaryOperator f, double a, double b, double fa, double fm, double fb,
      double whole, double tol, int depth) {
    double m = 0.5 * (a + b);
    double lm = 0.5 * (a + m);
    double rm = 0.5 * (m + b);
    double flm = f.applyAsDouble(lm);
    double frm = f.applyAsDouble(rm);
    double left = (m - a) / 6 * (fa + 4 * flm + fm);
    double right = (b - m) / 6 * (fm + 4 * frm + fb);
    double diff = left + right - whole;
    // Also stop at rounding level, where halving the tolerance further cannot be met.
    if (depth <= 0 || Math.abs(diff) <= 15 * tol || Math.abs(diff) <= 1e-14 * Math.abs(left + right)) {
      return left + right + diff / 15;
    }
    return simpson(f, a, m, fa, flm, fm, left, tol / 2, depth - 1)
        + simpson(f, m, b, fm, frm, fb, right, tol / 2, depth - 1);
  }
}
