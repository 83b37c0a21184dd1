package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

class ValueModelsTest {
  private static final BgNbdModel BG = new BgNbdModel(0.243, 4.414, 0.793, 2.426);

  @Test
  void constructors_rejectNonPositiveParametersNamingThem() {
    assertThatThrownBy(() -> new BgNbdModel(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("r must be finite and > 0: 0.0");
    assertThatThrownBy(() -> new MbgNbdModel(1, Double.NaN, 1, 1)).hasMessage("alpha must be finite and > 0: NaN");
    assertThatThrownBy(() -> new ParetoNbdModel(1, 1, 1, Double.POSITIVE_INFINITY))
        .hasMessage("beta must be finite and > 0: Infinity");
    assertThatThrownBy(() -> new GammaGammaModel(1, -2, 1)).hasMessage("q must be finite and > 0: -2.0");
  }

  @Test
  void predictions_rejectBadHistoriesAndHorizons() {
    assertThatThrownBy(() -> BG.probabilityAlive(-1, 0, 1)).hasMessage("frequency must be >= 0: -1");
    assertThatThrownBy(() -> BG.probabilityAlive(1, 2, 1)).hasMessage("recency must be in [0, age 1.0]: 2.0");
    assertThatThrownBy(() -> BG.conditionalExpectedPurchases(-1, 1, 0, 1)).hasMessage("t must be finite and >= 0: -1.0");
    assertThatThrownBy(() -> BG.expectedPurchases(Double.NaN)).hasMessage("t must be finite and >= 0: NaN");
    assertThatThrownBy(() -> BG.probabilityAlive(null)).isInstanceOf(NullPointerException.class).hasMessage("customer");
  }

  @Test
  void params_useThePublishedNamesInOrder() {
    assertThat(BG.name()).isEqualTo("bgnbd");
    assertThat(BG.params()).containsExactly(entry("r", 0.243), entry("alpha", 4.414), entry("a", 0.793), entry("b", 2.426));
    assertThat(new MbgNbdModel(1, 2, 3, 4).name()).isEqualTo("mbgnbd");
    assertThat(new ParetoNbdModel(1, 2, 3, 4).params().keySet()).containsExactly("r", "alpha", "s", "beta");
    assertThat(new ParetoNbdModel(1, 2, 3, 4).name()).isEqualTo("pareto");
    assertThat(new GammaGammaModel(1, 2, 3).params()).containsExactly(entry("p", 1.0), entry("q", 2.0), entry("v", 3.0));
    assertThat(new GammaGammaModel(1, 2, 3).name()).isEqualTo("gammagamma");
  }

  private static java.util.Map.Entry<String, Double> entry(String k, double v) {
    return java.util.Map.entry(k, v);
  }

  @Test
  void fitByName_choosesTheModelAsTheCliNamesIt() {
    List<RfmSummary> data = Simulation.betaGeometric(0.5, 4, 1, 3, false, 400, 20, 40, 11);
    assertThat(PurchaseModel.fit("bgnbd", data).model()).isInstanceOf(BgNbdModel.class);
    assertThat(PurchaseModel.fit("MBGNBD", data).model()).isInstanceOf(MbgNbdModel.class);
    assertThat(PurchaseModel.fit("pareto", data).model().name()).isEqualTo("pareto");
    assertThatThrownBy(() -> PurchaseModel.fit("bgbb", data)).hasMessage("model must be bgnbd, pareto or mbgnbd: bgbb");
  }

  @Test
  void bgnbd_heavyBuyerWhoStoppedLongAgoIsDeadWithoutNaN() {
    // lifetimes: P(alive | 1000, 10, 100) == 0 with no floating-point warnings.
    assertThat(BG.probabilityAlive(1000, 10, 100)).isEqualTo(0.0);
    assertThat(BG.conditionalExpectedPurchases(52, 1000, 10, 100)).isEqualTo(0.0);
    assertThat(BG.probabilityNoPurchase(52, 1000, 10, 100)).isEqualTo(1.0);
    assertThat(BG.logLikelihood(1000, 10, 100)).isFinite();
    assertThat(BG.probabilityAlive(0, 0, 1e6)).isEqualTo(1.0);
  }

  @Test
  void bgnbd_conditionalExpectationEqualsThePublishedHypergeometricForm() {
    // FHL 2005 eq. 10 evaluated literally with the plain 2F1 series, for moderate x.
    double r = BG.r();
    double alpha = BG.alpha();
    double a = BG.a();
    double b = BG.b();
    for (int x : new int[] {0, 1, 3, 10}) {
      double tx = x == 0 ? 0 : 20;
      double age = 30;
      double t = 26;
      double z = t / (alpha + age + t);
      double hyp = Hypergeometric.hyp2f1(r + x, b + x, a + b + x - 1, z);
      double numerator = (a + b + x - 1) / (a - 1) * (1 - Math.pow((alpha + age) / (alpha + age + t), r + x) * hyp);
      double denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.pow((alpha + age) / (alpha + tx), r + x) : 0);
      assertThat(BG.conditionalExpectedPurchases(t, x, tx, age)).as("x = %s", x)
          .isCloseTo(numerator / denominator, within(1e-10 * numerator / denominator));
    }
  }

  @Test
  void likelihood_recurrencesAgreeWithGammaFunctions() {
    List<RfmSummary> data = new ArrayList<>(Simulation.betaGeometric(0.4, 3, 0.9, 2.5, false, 500, 20, 40, 3));
    data.add(RfmSummary.of("heavy", 900, 39, 40));
    RfmGroups groups = RfmGroups.of(data);
    double[] theta = {Math.log(0.4), Math.log(3), Math.log(0.9), Math.log(2.5)};
    for (int shift = 0; shift <= 1; shift++) {
      double[] g1 = new double[4];
      double[] g2 = new double[4];
      double v1 = new BetaGeometricLikelihood(groups, shift).value(theta, g1);
      double v2 = new BetaGeometricLikelihood(groups, shift, 0).value(theta, g2);
      assertThat(v1).isCloseTo(v2, within(1e-9 * Math.abs(v2)));
      for (int i = 0; i < 4; i++) {
        assertThat(g1[i]).isCloseTo(g2[i], within(1e-8 * (1 + Math.abs(g2[i]))));
      }
      // and the per-customer form
      double sum = 0;
      for (RfmSummary c : data) {
        sum += BetaGeometric.logLikelihood(0.4, 3, 0.9, 2.5, shift, c.frequency(), c.recency(), c.age());
      }
      assertThat(sum).isCloseTo(v2, within(1e-9 * Math.abs(v2)));
    }
  }

  @Test
  void likelihood_gradientMatchesFiniteDifferences() {
    List<RfmSummary> data = Simulation.betaGeometric(0.4, 3, 0.9, 2.5, true, 500, 20, 40, 4);
    List<RfmSummary> money = Simulation.gammaGamma(4, 3, 20, 300, 8, 5);
    RfmGroups groups = RfmGroups.of(data);
    List<MaximumLikelihood.Objective> objectives = List.of(new BetaGeometricLikelihood(groups, 0),
        new BetaGeometricLikelihood(groups, 1), new GammaGammaLikelihood(money), new ParetoNbdLikelihood(groups),
        new ParetoNbdLikelihood(groups));
    for (int o = 0; o < objectives.size(); o++) {
      MaximumLikelihood.Objective f = objectives.get(o);
      // The second Pareto/NBD point has beta > alpha: the other branch of the A0 series.
      double[] theta = o == 4 ? new double[] {-0.3, 1.2, -0.5, 2.1} : new double[] {-0.7, 1.2, -0.2, 0.8};
      int n = f instanceof GammaGammaLikelihood ? 3 : 4;
      theta = java.util.Arrays.copyOf(theta, n);
      double[] g = new double[n];
      f.value(theta, g);
      for (int i = 0; i < n; i++) {
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += 1e-6;
        down[i] -= 1e-6;
        double fd = (f.value(up, null) - f.value(down, null)) / 2e-6;
        assertThat(g[i]).as("%s d/dtheta%s", f.getClass().getSimpleName(), i).isCloseTo(fd, within(1e-5 * (1 + Math.abs(fd))));
      }
    }
  }

  @Test
  void gammaGamma_exactHessianMatchesDifferencesOfTheGradient() {
    GammaGammaLikelihood f = new GammaGammaLikelihood(Simulation.gammaGamma(4, 3, 20, 300, 8, 5));
    for (double[] theta : new double[][] {{-0.7, 1.2, -0.2}, {1.4, 1.1, 3.0}, {0.2, -0.3, 5}}) {
      double[][] exact = f.hessian(theta);
      for (int i = 0; i < 3; i++) {
        double[] up = theta.clone();
        double[] down = theta.clone();
        up[i] += 1e-5;
        down[i] -= 1e-5;
        double[] gu = new double[3];
        double[] gd = new double[3];
        f.value(up, gu);
        f.value(down, gd);
        for (int j = 0; j < 3; j++) {
          double fd = (gu[j] - gd[j]) / 2e-5;
          assertThat(exact[j][i]).as("d2/dtheta%s dtheta%s at %s", j, i, java.util.Arrays.toString(theta))
              .isCloseTo(fd, within(1e-5 * (1 + Math.abs(fd))));
        }
      }
    }
  }

  @Test
  void fit_largeDataStartsFromASubsampleAndReachesTheSameMaximum() {
    List<RfmSummary> data = Simulation.betaGeometric(0.4, 3, 0.9, 2.5, false, 110_000, 27, 39, 11);
    RfmGroups groups = RfmGroups.of(data);
    assertThat(groups.size).isGreaterThan(BgNbdModel.SUBSAMPLE_ABOVE);
    for (int shift = 0; shift < 2; shift++) {
      MaximumLikelihood.Result cold = MaximumLikelihood.maximize(new BetaGeometricLikelihood(groups, shift),
          BgNbdModel.start(groups));
      MaximumLikelihood.Result warm = BgNbdModel.maximize(groups, shift);
      assertThat(warm.logLikelihood()).isCloseTo(cold.logLikelihood(), within(1e-6));
      for (int i = 0; i < 4; i++) {
        assertThat(warm.theta()[i]).isCloseTo(cold.theta()[i], within(1e-5));
      }
      assertThat(warm.covariance()).isNotNull();
    }
  }

  @Test
  void gammaGamma_largeDataStartsFromASubsampleAndReachesTheSameMaximum() {
    List<RfmSummary> data = Simulation.gammaGamma(6.25, 3.74, 15.44, 120_000, 10, 13);
    GammaGammaLikelihood ll = new GammaGammaLikelihood(data);
    MaximumLikelihood.Result cold = MaximumLikelihood.maximize(ll, new double[] {0, Math.log(2), Math.log(ll.meanM)});
    ModelFit<GammaGammaModel> warm = GammaGammaModel.fit(data);
    assertThat(warm.logLikelihood()).isCloseTo(cold.logLikelihood(), within(1e-6));
    // Both stop once Newton's predicted gain is below 1e-8, i.e. within ~1e-6 of the maximum in
    // log-parameters whose standard errors here are ~5e-3.
    assertThat(Math.log(warm.model().p())).isCloseTo(cold.theta()[0], within(1e-5));
    assertThat(Math.log(warm.model().q())).isCloseTo(cold.theta()[1], within(1e-5));
    assertThat(Math.log(warm.model().v())).isCloseTo(cold.theta()[2], within(1e-5));
  }

  @Test
  void bgnbd_isContinuousAtAEqualsOne() {
    // The published forms divide by a - 1; the evaluation here does not.
    double at1 = new BgNbdModel(0.5, 3, 1, 2).conditionalExpectedPurchases(10, 2, 5, 8);
    double below = new BgNbdModel(0.5, 3, 1 - 1e-7, 2).conditionalExpectedPurchases(10, 2, 5, 8);
    double above = new BgNbdModel(0.5, 3, 1 + 1e-7, 2).conditionalExpectedPurchases(10, 2, 5, 8);
    assertThat(at1).isFinite().isPositive();
    assertThat(below).isCloseTo(at1, within(1e-6));
    assertThat(above).isCloseTo(at1, within(1e-6));
    assertThat(new BgNbdModel(0.5, 3, 1, 2).expectedPurchases(10)).isFinite().isPositive();
  }

  @Test
  void hypergeometric_seriesAgreeWithThePlainSeries() {
    double[][] cases = {{0.5, -0.2, 2.5, 0.3}, {2.1, 0.7, 1.3, 0.8}, {-1.5, 0.4, 3, 0.6}, {0.7, 1e-9, 1.7, 0.9}};
    for (double[] c : cases) {
      double p = c[0];
      double eps = c[1];
      double cc = c[2];
      double z = c[3];
      double direct = (1 - Math.pow(1 - z, eps) * Hypergeometric.hyp2f1(p, eps, cc, z)) / eps;
      assertThat(Hypergeometric.scaledComplement(eps, p, cc, z)).isCloseTo(direct, within(1e-6 * Math.abs(direct)));
    }
    double atZero = Hypergeometric.scaledComplement(0, 1.5, 2, 0.5);
    assertThat(Hypergeometric.scaledComplement(1e-9, 1.5, 2, 0.5)).isCloseTo(atZero, within(1e-8));
    assertThat(Hypergeometric.scaledComplement(-1e-9, 1.5, 2, 0.5)).isCloseTo(atZero, within(1e-8));
    assertThat(Hypergeometric.logHyp2f1One(2.5, 4, 0.7))
        .isCloseTo(Math.log(Hypergeometric.hyp2f1(1, 2.5, 4, 0.7)), within(1e-13));
    assertThat(Hypergeometric.logHyp2f1One(400.5, 401.7, 0.999)).isFinite();
  }

  @Test
  void pareto_likelihoodMatchesItsIntegralFormInBothBranches() {
    // L = G(r+x) a^r b^s / G(r) [ (a+T)^-(r+x) (b+T)^-s + s * int_tx^T (a+u)^-(r+x) (b+u)^-(s+1) du ]
    for (ParetoNbdModel m : List.of(new ParetoNbdModel(0.55, 10.58, 0.61, 11.67), new ParetoNbdModel(0.8, 12, 1.3, 3))) {
      for (int x : new int[] {0, 1, 4, 30}) {
        double tx = x == 0 ? 0 : 12.5;
        double age = 38;
        double r = m.r();
        double a = m.alpha();
        double s = m.s();
        double b = m.beta();
        // The integrand relative to its value at t_x, so that it is of order 1.
        double logAtTx = -(r + x) * Math.log(a + tx) - (s + 1) * Math.log(b + tx);
        double integral = Quadrature.integrate(
            u -> Math.exp(-(r + x) * Math.log(a + u) - (s + 1) * Math.log(b + u) - logAtTx), tx, age);
        double bracket = Math.exp(-(r + x) * Math.log(a + age) - s * Math.log(b + age)) + s * integral * Math.exp(logAtTx);
        double expected = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(a) + s * Math.log(b) + Math.log(bracket);
        assertThat(m.logLikelihood(x, tx, age)).as("%s x=%s", m, x).isCloseTo(expected, within(1e-9 * Math.abs(expected)));
      }
    }
  }

  @Test
  void pareto_staysFiniteForHeavyBuyers() {
    ParetoNbdModel m = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67);
    // lifetimes: log A0 finite for x = 400, 500; E[Y(10) | 132 or 133, 200, 200] close (6.206, 6.253).
    assertThat(m.logLikelihood(400, 100, 200)).isFinite();
    assertThat(m.logLikelihood(500, 100, 200)).isFinite();
    assertThat(m.probabilityAlive(500, 100, 200)).isBetween(0.0, 1.0);
    double e132 = m.conditionalExpectedPurchases(10, 132, 200, 200);
    double e133 = m.conditionalExpectedPurchases(10, 133, 200, 200);
    assertThat(e132).isCloseTo(6.20605, within(1e-4));
    assertThat(e133).isCloseTo(6.25287, within(1e-4));
  }

  @Test
  void fit_isInvariantToTheTimeUnit() {
    List<RfmSummary> weeks = Simulation.betaGeometric(0.4, 3, 0.9, 2.5, false, 2_000, 20, 40, 7);
    List<RfmSummary> days = new ArrayList<>();
    for (RfmSummary s : weeks) {
      days.add(RfmSummary.of(s.customerId(), s.frequency(), s.recency() * 7, s.age() * 7));
    }
    ModelFit<BgNbdModel> w = BgNbdModel.fit(weeks);
    ModelFit<BgNbdModel> d = BgNbdModel.fit(days);
    assertThat(d.model().r()).isCloseTo(w.model().r(), within(1e-6 * w.model().r()));
    assertThat(d.model().alpha()).isCloseTo(7 * w.model().alpha(), within(1e-5 * w.model().alpha()));
    assertThat(d.model().a()).isCloseTo(w.model().a(), within(1e-5 * w.model().a()));
    assertThat(d.model().b()).isCloseTo(w.model().b(), within(1e-5 * w.model().b()));
    // Purchase-time densities scale by 1/7 per repeat purchase.
    int repeats = weeks.stream().mapToInt(RfmSummary::frequency).sum();
    assertThat(d.logLikelihood()).isCloseTo(w.logLikelihood() - repeats * Math.log(7), within(1e-6));
    assertThat(d.model().conditionalExpectedPurchases(70, days.get(0)))
        .isCloseTo(w.model().conditionalExpectedPurchases(10, weeks.get(0)), within(1e-5));
  }

  @Test
  void fit_rejectsDataWithoutRepeatPurchases() {
    assertThatThrownBy(() -> BgNbdModel.fit(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("summaries must not be empty");
    List<RfmSummary> none = List.of(RfmSummary.of("a", 0, 0, 10), RfmSummary.of("b", 0, 0, 5));
    assertThatThrownBy(() -> ParetoNbdModel.fit(none)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("summaries must include a customer with frequency > 0 (no repeat purchases in 2 customers)");
    assertThatThrownBy(() -> GammaGammaModel.fit(none)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("summaries must include a customer with frequency > 0 and monetaryValue > 0");
    assertThatThrownBy(() -> BgNbdModel.fit(null)).isInstanceOf(NullPointerException.class).hasMessage("summaries");
  }

  @Test
  void gammaGamma_expectationsAndTheirLimits() {
    GammaGammaModel m = new GammaGammaModel(6.25, 3.74, 15.44);
    assertThat(m.expectedSpend()).isCloseTo(6.25 * 15.44 / 2.74, within(1e-12));
    assertThat(m.conditionalExpectedSpend(0, 0)).isEqualTo(m.expectedSpend());
    // Many purchases: the customer's own mean dominates.
    assertThat(m.conditionalExpectedSpend(100_000, 50)).isCloseTo(50, within(0.01));
    GammaGammaModel heavyTailed = new GammaGammaModel(1, 0.5, 10);
    assertThatThrownBy(heavyTailed::expectedSpend).isInstanceOf(IllegalStateException.class)
        .hasMessage("expected spend is infinite when q <= 1: q = 0.5");
    assertThat(heavyTailed.conditionalExpectedSpend(2, 10)).isFinite();
    assertThatThrownBy(() -> m.conditionalExpectedSpend(-1, 1)).hasMessage("frequency must be >= 0: -1");
    assertThatThrownBy(() -> m.logLikelihood(0, 1)).hasMessage("frequency must be > 0: 0");
  }

  @Test
  void probabilityNoPurchase_closedFormsForNewCustomers() {
    // BG/NBD, x = 0: certainly alive, so P(no purchase in t) = ((alpha+T)/(alpha+T+t))^r.
    assertThat(BG.probabilityNoPurchase(30, 0, 0, 10)).isCloseTo(Math.pow(14.414 / 44.414, 0.243), within(1e-14));
    assertThat(BG.probabilityNoPurchase(0, 3, 1, 10)).isEqualTo(1.0);
    ParetoNbdModel p = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67);
    assertThat(p.probabilityNoPurchase(0, 3, 1, 10)).isEqualTo(1.0);
    // Pareto/NBD with T = 0: P(buy before t and before death) = integral_0^t r/(a+u) (a/(a+u))^r (b/(b+u))^s du.
    double buy = Quadrature.integrate(
        u -> 0.55 / (10.58 + u) * Math.pow(10.58 / (10.58 + u), 0.55) * Math.pow(11.67 / (11.67 + u), 0.61), 0, 30);
    assertThat(p.probabilityNoPurchase(30, 0, 0, 0)).isCloseTo(1 - buy, within(1e-10));
  }
}
