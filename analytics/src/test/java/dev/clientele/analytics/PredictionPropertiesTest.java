package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the prediction functions over the whole parameter space the fits can return
 * (log-uniform parameters over several orders of magnitude) and arbitrary customer histories.
 */
class PredictionPropertiesTest {
  /** A customer history: {@code 0 <= t_x <= T}, {@code t_x = 0} when {@code x = 0}. */
  record History(int x, double tx, double age) {}

  @Provide
  Arbitrary<PurchaseModel> models() {
    Arbitrary<Double> shape = Arbitraries.doubles().between(-2.5, 2.5).map(Math::exp);
    Arbitrary<Double> scale = Arbitraries.doubles().between(-3, 5).map(Math::exp);
    return Combinators.combine(shape, scale, shape, Arbitraries.doubles().between(-2.5, 3).map(Math::exp),
        Arbitraries.integers().between(0, 2))
        .as((p1, p2, p3, p4, kind) -> switch (kind) {
          case 0 -> new BgNbdModel(p1, p2, p3, p4);
          case 1 -> new MbgNbdModel(p1, p2, p3, p4);
          default -> new ParetoNbdModel(p1, p2, p3, p4 * p2);
        });
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Integer> x = Arbitraries.oneOf(Arbitraries.integers().between(0, 5),
        Arbitraries.integers().between(0, 500));
    Arbitrary<Double> age = Arbitraries.doubles().between(0, 400);
    Arbitrary<Double> share = Arbitraries.doubles().between(0, 1);
    return Combinators.combine(x, age, share).as((f, t, u) -> new History(f, f == 0 ? 0 : u * t, t));
  }

  @Property(tries = 300)
  void probabilityAlive_isAProbability(@ForAll("models") PurchaseModel m, @ForAll("histories") History h) {
    assertThat(m.probabilityAlive(h.x(), h.tx(), h.age())).isBetween(0.0, 1.0);
  }

  @Property(tries = 200)
  void conditionalExpectedPurchases_nonDecreasingInT(@ForAll("models") PurchaseModel m,
      @ForAll("histories") History h, @ForAll @DoubleRange(min = 0, max = 200) double t,
      @ForAll @DoubleRange(min = 0, max = 100) double more) {
    double e1 = m.conditionalExpectedPurchases(t, h.x(), h.tx(), h.age());
    double e2 = m.conditionalExpectedPurchases(t + more, h.x(), h.tx(), h.age());
    assertThat(e1).isFinite().isGreaterThanOrEqualTo(0);
    assertThat(e2).isGreaterThanOrEqualTo(e1 * (1 - 1e-10) - 1e-300);
  }

  @Property(tries = 200)
  void probabilityNoPurchase_isAProbabilityNonIncreasingInT(@ForAll("models") PurchaseModel m,
      @ForAll("histories") History h, @ForAll @DoubleRange(min = 0, max = 200) double t,
      @ForAll @DoubleRange(min = 0, max = 100) double more) {
    double p1 = m.probabilityNoPurchase(t, h.x(), h.tx(), h.age());
    double p2 = m.probabilityNoPurchase(t + more, h.x(), h.tx(), h.age());
    assertThat(p1).isBetween(0.0, 1.0);
    assertThat(p2).isLessThanOrEqualTo(p1 + 1e-12);
    // Never below the probability of being dead already.
    assertThat(p1).isGreaterThanOrEqualTo(1 - m.probabilityAlive(h.x(), h.tx(), h.age()) - 1e-12);
  }

  @Property(tries = 150)
  void medianTimeToNextPurchase_isWhereNoPurchaseFallsToOneHalf(@ForAll("models") PurchaseModel m,
      @ForAll("histories") History h) {
    double t = m.medianTimeToNextPurchase(h.x(), h.tx(), h.age());
    if (t == Double.POSITIVE_INFINITY) {
      // Never as likely as not: still above 1/2 at a horizon a million times the data's scale.
      assertThat(m.probabilityNoPurchase(1e6 * (400 + h.age()), h.x(), h.tx(), h.age())).isGreaterThan(0.5 - 1e-9);
    } else {
      assertThat(t).isPositive();
      assertThat(m.probabilityNoPurchase(t, h.x(), h.tx(), h.age())).isCloseTo(0.5, within(1e-9));
    }
    if (!(m instanceof ParetoNbdModel)) {
      // BG/NBD and MBG/NBD: an alive customer eventually buys, so a date exists iff P(alive) > 1/2.
      assertThat(t < Double.POSITIVE_INFINITY).isEqualTo(m.probabilityAlive(h.x(), h.tx(), h.age()) > 0.5);
    }
  }

  @Property(tries = 200)
  void newCustomer_getsThePopulationExpectation(@ForAll("models") PurchaseModel m,
      @ForAll @DoubleRange(min = 0, max = 300) double t) {
    // A customer who has just made the first purchase (x = 0, t_x = 0, T = 0) is a random new customer.
    assertThat(m.conditionalExpectedPurchases(t, 0, 0, 0))
        .isCloseTo(m.expectedPurchases(t), within(1e-9 * (1 + m.expectedPurchases(t))));
  }

  @Property(tries = 200)
  void bgnbd_noRepeatPurchaseMeansAlive(@ForAll("models") PurchaseModel m,
      @ForAll @DoubleRange(min = 0, max = 400) double age) {
    if (m instanceof BgNbdModel) {
      assertThat(m.probabilityAlive(0, 0, age)).isEqualTo(1.0);
    } else {
      assertThat(m.probabilityAlive(0, 0, age)).isLessThanOrEqualTo(1.0);
    }
  }

  @Property(tries = 100)
  void probabilityNoPurchase_complementIsTheRateOfExpectedPurchasesForShortWindows(
      @ForAll("models") PurchaseModel m, @ForAll("histories") History h) {
    // For a window dt so short that an alive customer expects 1e-7 purchases in it, P(a purchase
    // in dt) = E[Y(dt)] up to the chance of two purchases, a relative O(1e-7 (1 + 1/(r+x))).
    double alive = m.probabilityAlive(h.x(), h.tx(), h.age());
    double dt = 1;
    while (m.conditionalExpectedPurchases(dt, h.x(), h.tx(), h.age()) > 1e-7 * alive) {
      dt /= 2;
    }
    double e = m.conditionalExpectedPurchases(dt, h.x(), h.tx(), h.age());
    double buy = 1 - m.probabilityNoPurchase(dt, h.x(), h.tx(), h.age());
    assertThat(buy).isCloseTo(e, within(2e-5 * e + 1e-13));
  }

  @Property(tries = 200)
  void gammaGamma_conditionalSpendLiesBetweenPopulationAndOwnMean(
      @ForAll @DoubleRange(min = 0.1, max = 20) double p, @ForAll @DoubleRange(min = 1.01, max = 20) double q,
      @ForAll @DoubleRange(min = 0.1, max = 100) double v, @ForAll @IntRange(min = 1, max = 1000) int x,
      @ForAll @DoubleRange(min = 0.01, max = 10_000) double zbar) {
    GammaGammaModel m = new GammaGammaModel(p, q, v);
    double population = m.expectedSpend();
    double e = m.conditionalExpectedSpend(x, zbar);
    assertThat(e).isBetween(Math.min(population, zbar) * (1 - 1e-12), Math.max(population, zbar) * (1 + 1e-12));
  }

  @Property(tries = 50)
  void fit_groupedRowsEqualRepeatedRows(@ForAll @IntRange(min = 2, max = 4) int copies) {
    List<RfmSummary> data = Simulation.betaGeometric(0.5, 5, 1, 3, false, 300, 10, 30, copies);
    List<RfmSummary> repeated = new java.util.ArrayList<>();
    for (int c = 0; c < copies; c++) {
      repeated.addAll(data);
    }
    ModelFit<BgNbdModel> once = BgNbdModel.fit(data);
    ModelFit<BgNbdModel> many = BgNbdModel.fit(repeated);
    assertThat(many.logLikelihood()).isCloseTo(copies * once.logLikelihood(), within(1e-6 * Math.abs(many.logLikelihood())));
    once.model().params().forEach((k, v) ->
        assertThat(many.model().params().get(k)).as(k).isCloseTo(v, within(1e-4 * v)));
    assertThat(many.customers()).isEqualTo(copies * 300L);
  }
}
