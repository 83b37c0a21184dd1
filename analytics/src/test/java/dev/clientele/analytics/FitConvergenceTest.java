package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ModelFit.Convergence;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelFit#convergence()}: every model says whether its fit reached a maximum, on data with
 * an interior maximum (CDNOW, simulated), on data without one (the boundary), and where the
 * Pareto/NBD work bound refuses the points the search needs next.
 */
class FitConvergenceTest {
  // --- converged ---------------------------------------------------------------------------------

  @Test
  void fit_cdnow_convergesForEveryModel() throws IOException {
    List<RfmSummary> summary = ClvData.summaries(ClvData.SUMMARY);
    List<RfmSummary> withMoney = ClvData.summaries(ClvData.SUMMARY_WITH_MONEY);
    assertConverged(BgNbdModel.fit(summary));
    assertConverged(MbgNbdModel.fit(summary));
    assertConverged(ParetoNbdModel.fit(summary));
    assertConverged(GammaGammaModel.fit(withMoney));
  }

  @Test
  void fit_simulatedFromTheModel_converges() {
    assertConverged(BgNbdModel.fit(Simulation.betaGeometric(0.5, 5, 1, 3, false, 2000, 27, 39, 1)));
    assertConverged(MbgNbdModel.fit(Simulation.betaGeometric(0.5, 5, 1, 3, true, 2000, 27, 39, 2)));
    assertConverged(ParetoNbdModel.fit(Simulation.paretoNbd(0.5, 5, 0.8, 10, 2000, 27, 39, 3)));
    assertConverged(GammaGammaModel.fit(Simulation.gammaGamma(3, 3, 20, 2000, 10, 4)));
  }

  private static void assertConverged(ModelFit<?> fit) {
    assertThat(fit.convergence()).as("%s", fit).isEqualTo(Convergence.CONVERGED);
    assertThat(fit.convergence().converged()).isTrue();
    assertThat(fit.standardErrors()).hasSameSizeAs(fit.model().params());
  }

  // --- boundary ----------------------------------------------------------------------------------

  /**
   * 300 customers buying at one Poisson rate (0.5 a week) who never drop out: no heterogeneity
   * and no drop-out, so the likelihood grows towards the Poisson limit (r, alpha to infinity with
   * r/alpha fixed) and no drop-out (a or s to 0): it has no interior maximum in any of the three
   * purchase models.
   */
  @Test
  void fit_poissonBuyersWhoNeverDropOut_endsOnTheBoundary() {
    List<RfmSummary> data = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 300; i++) {
      double age = 30 + rnd.nextInt(20);
      int x = 0;
      double tx = 0;
      for (double t = -Math.log(1 - rnd.nextDouble()) / 0.5; t <= age; t += -Math.log(1 - rnd.nextDouble()) / 0.5) {
        x++;
        tx = t;
      }
      data.add(RfmSummary.of("p" + i, x, tx, age));
    }
    for (String model : List.of("bgnbd", "mbgnbd", "pareto")) {
      ModelFit<? extends PurchaseModel> fit = PurchaseModel.fit(model, data);
      assertThat(fit.convergence()).as("%s", fit).isEqualTo(Convergence.BOUNDARY);
      assertThat(fit.convergence().converged()).isFalse();
    }
  }

  /**
   * The five customers of {@code ValueModelHuntTest.fit_onDegenerateData_reportsTheLikelihoodOfItsParameters}:
   * the BG/NBD fit goes to the Poisson limit until alpha reaches the edge of the search (e^40).
   * Its Hessian there is negative definite by rounding, and standard errors come out, so before
   * the convergence was reported nothing told this fit from a converged one.
   */
  @Test
  void bgnbdFit_runningToTheEdgeOfTheSearch_isBoundaryDespiteStandardErrors() {
    String[] rows = {"e,2025-12-21", "b,2025-12-20", "a,2025-12-20", "b,2025-12-21", "c,2025-12-20", "b,2026-03-19",
        "e,2026-03-08", "b,2025-12-22", "e,2025-12-22", "e,2025-12-23", "a,2025-12-30", "b,2025-12-23", "c,2026-02-27"};
    List<Transaction> tx = new ArrayList<>();
    for (String row : rows) {
      tx.add(new Transaction(row.substring(0, 1), LocalDate.parse(row.substring(2)), 10));
    }
    List<RfmSummary> data = RfmSummaries.fromTransactions(tx, LocalDate.parse("2026-04-29"), PeriodUnit.WEEK);

    ModelFit<BgNbdModel> fit = BgNbdModel.fit(data);

    assertThat(fit.model().alpha()).isGreaterThan(1e16);
    assertThat(fit.convergence()).isEqualTo(Convergence.BOUNDARY);
  }

  /**
   * Every repeat buyer spends exactly 10 per purchase: no spread within or across customers, so
   * the Gamma-Gamma likelihood grows without bound as p and q go to infinity.
   */
  @Test
  void gammaGammaFit_identicalSpend_endsOnTheBoundary() {
    List<RfmSummary> data = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      data.add(new RfmSummary("c" + i, 1 + i % 4, 1, 1, 10));
    }

    ModelFit<GammaGammaModel> fit = GammaGammaModel.fit(data);

    assertThat(fit.convergence()).isEqualTo(Convergence.BOUNDARY);
    assertThat(fit.standardErrors()).isEmpty();
  }

  // --- stopped at unevaluable points -------------------------------------------------------------

  /**
   * The four customers of {@code ValueModelHuntTest.paretoFit_onFourCustomers_finishesQuickly}:
   * the search walks towards large r and alpha with alpha many times beta, where the likelihood's
   * Gauss series need more than the fit's per-series bound of terms; those points count as
   * unevaluable, the search backs off and ends at the best point before them. The fit says so
   * instead of passing for a maximum.
   */
  @Test
  void paretoFit_whereTheWorkBoundRefusesThePointsNeeded_saysItStoppedThere() {
    List<RfmSummary> data = List.of(
        RfmSummary.of("c", 1, 3.0, 55 / 7.0),
        RfmSummary.of("d", 1, 2.0, 97 / 7.0),
        RfmSummary.of("b", 1, 52 / 7.0, 17.0),
        RfmSummary.of("e", 0, 0, 97 / 7.0));

    ModelFit<ParetoNbdModel> fit = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> ParetoNbdModel.fit(data)); // a hang guard, generous for loaded CI

    assertThat(fit.convergence()).as("%s", fit).isEqualTo(Convergence.STOPPED_AT_UNEVALUABLE_POINTS);
    assertThat(fit.model().alpha() / fit.model().beta()).as("alpha / beta").isGreaterThan(100);
    // BG/NBD on the same data has no work bound: it ends on the boundary instead.
    assertThat(BgNbdModel.fit(data).convergence()).isEqualTo(Convergence.BOUNDARY);
  }

  // --- the optimiser's own reasons ---------------------------------------------------------------

  /** {@code -cosh(t - 5)}: its maximum at 5 takes several steps of at most 1 (Newton) or 2 (BFGS). */
  private static final MaximumLikelihood.Objective COSH = (theta, gradient) -> {
    if (gradient != null) {
      gradient[0] = -Math.sinh(theta[0] - 5);
    }
    return -Math.cosh(theta[0] - 5);
  };

  @Test
  void maximize_withinItsIterations_converges() {
    MaximumLikelihood.Result r = MaximumLikelihood.maximize(COSH, new double[] {0});
    assertThat(r.theta()[0]).isCloseTo(5, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(r.convergence()).isEqualTo(Convergence.CONVERGED);
  }

  @Test
  void maximize_outOfIterations_stoppedAtLimit() {
    MaximumLikelihood.Result r = MaximumLikelihood.maximize(COSH, new double[] {0}, null, 1, 1);
    assertThat(r.theta()[0]).isLessThan(4.9);
    assertThat(r.convergence()).isEqualTo(Convergence.STOPPED_AT_LIMIT);
  }

  /**
   * An objective that rises up to the region where it cannot be evaluated (as a series that does
   * not converge there): the search ends next to it.
   */
  @Test
  void maximize_risingIntoUnevaluablePoints_stoppedAtUnevaluablePoints() {
    MaximumLikelihood.Objective f = (theta, gradient) -> {
      if (theta[0] > 1.5) {
        throw new ArithmeticException("series did not converge at " + theta[0]);
      }
      if (gradient != null) {
        gradient[0] = 1;
      }
      return theta[0];
    };
    MaximumLikelihood.Result r = MaximumLikelihood.maximize(f, new double[] {0});
    assertThat(r.theta()[0]).isCloseTo(1.5, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(r.convergence()).isEqualTo(Convergence.STOPPED_AT_UNEVALUABLE_POINTS);
  }

  /**
   * Points the search refused on its way (its first trial step lands where the objective throws)
   * do not make it say it stopped there when it went on to converge.
   */
  @Test
  void maximize_refusedPointsOnTheWayOnly_converges() {
    MaximumLikelihood.Objective f = (theta, gradient) -> {
      double t = theta[0];
      if (t > 1.5) {
        throw new ArithmeticException("series did not converge at " + t);
      }
      if (gradient != null) {
        gradient[0] = -2 * (t - 1.4);
      }
      return -(t - 1.4) * (t - 1.4);
    };
    assertThat(MaximumLikelihood.maximize(f, new double[] {0}).convergence()).isEqualTo(Convergence.CONVERGED);
  }

  /**
   * {@code -exp(-t)} rises towards 0 as {@code t} grows without bound: its curvature fades with its
   * slope, so Newton's gain falls below rounding at a finite point where the Hessian is still
   * negative. The standard error there spans the whole searchable range: a boundary.
   */
  @Test
  void maximize_supremumAtInfinityOnOneParameter_boundary() {
    MaximumLikelihood.Objective f = (theta, gradient) -> {
      if (gradient != null) {
        gradient[0] = Math.exp(-theta[0]);
      }
      return -Math.exp(-theta[0]);
    };
    assertThat(MaximumLikelihood.maximize(f, new double[] {0}).convergence()).isEqualTo(Convergence.BOUNDARY);
  }

  // --- the record --------------------------------------------------------------------------------

  @Test
  void constructor_withoutConvergence_defaultsFromTheStandardErrors() {
    GammaGammaModel m = new GammaGammaModel(1, 2, 3);
    ModelFit<GammaGammaModel> withSe = new ModelFit<>(m, -10, 5, Map.of("p", 0.1));
    ModelFit<GammaGammaModel> withoutSe = new ModelFit<>(m, -10, 5, Map.of());
    assertThat(withSe.convergence()).isEqualTo(Convergence.CONVERGED);
    assertThat(withoutSe.convergence()).isEqualTo(Convergence.BOUNDARY);
    assertThat(withSe).isEqualTo(new ModelFit<>(m, -10, 5, Map.of("p", 0.1), Convergence.CONVERGED))
        .isNotEqualTo(new ModelFit<>(m, -10, 5, Map.of("p", 0.1), Convergence.STOPPED_AT_LIMIT));
    assertThat(withSe.toString()).contains("convergence=CONVERGED");
    Assertions.assertThrows(NullPointerException.class, () -> new ModelFit<>(m, -10, 5, Map.of(), null));
  }
}
