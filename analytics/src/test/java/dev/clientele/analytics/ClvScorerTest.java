package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ClvScorerTest {
  private static final BgNbdModel BG = new BgNbdModel(0.243, 4.414, 0.793, 2.426);
  private static final GammaGammaModel GG = new GammaGammaModel(6.25, 3.74, 15.44);

  @Test
  void score_combinesPurchasesSpendAndChurn() {
    ClvScorer scorer = new ClvScorer(BG, Optional.of(GG), ClvScorer.Options.defaults(PeriodUnit.WEEK));
    RfmSummary c = new RfmSummary("1", 2, 30.43, 38.86, 22.35);
    CustomerValue v = scorer.score(c);
    double horizon = 365 / 7.0;
    assertThat(v.customerId()).isEqualTo("1");
    assertThat(v.probabilityAlive()).isEqualTo(BG.probabilityAlive(c));
    assertThat(v.churnRisk()).isEqualTo(1 - v.probabilityAlive());
    assertThat(v.expectedPurchases()).isEqualTo(BG.conditionalExpectedPurchases(horizon, c));
    assertThat(v.probabilityOfOrder()).isEqualTo(1 - BG.probabilityNoPurchase(30 / 7.0, 2, 30.43, 38.86));
    assertThat(v.expectedSpend()).isEqualTo(GG.conditionalExpectedSpend(c));
    assertThat(v.predictedClv()).isCloseTo(v.expectedPurchases() * v.expectedSpend(), within(1e-12));
    assertThat(v.churnBand()).isEqualTo(ChurnRisk.LOW); // P(alive) 0.73
    assertThat(scorer.score(new RfmSummary("2", 30, 1, 38, 20)).churnBand()).isEqualTo(ChurnRisk.HIGH);
  }

  @Test
  void score_withoutSpendModelHasNoMoney() {
    ClvScorer scorer = new ClvScorer(BG, Optional.empty(), ClvScorer.Options.defaults(PeriodUnit.DAY));
    CustomerValue v = scorer.score(RfmSummary.of("a", 3, 100, 200));
    assertThat(v.predictedClv()).isZero();
    assertThat(v.expectedSpend()).isZero();
    assertThat(v.expectedPurchases()).isPositive();
  }

  @Test
  void score_infiniteExpectedSpendGivesNaNMoneyInsteadOfThrowing() {
    // Heavy-tailed spend (q < 1) fits fine; one-time buyers then have an infinite expected spend.
    List<RfmSummary> spendData = Simulation.gammaGamma(3, 0.8, 50, 3000, 6, 7);
    GammaGammaModel heavy = GammaGammaModel.fit(spendData).model();
    assertThat(heavy.isFiniteFor(0)).isFalse();
    ClvScorer scorer = new ClvScorer(BG, Optional.of(heavy), ClvScorer.Options.defaults(PeriodUnit.DAY));
    RfmSummary oneTime = new RfmSummary("o", 0, 0, 30, 0, OptionalDouble.of(40));
    RfmSummary repeat = new RfmSummary("r", 2, 10, 30, 40, OptionalDouble.of(120));

    CustomerValue none = scorer.score(oneTime);
    assertThat(none.expectedSpend()).isNaN();
    assertThat(none.predictedClv()).isNaN();
    assertThat(none.totalClv()).isEmpty();
    assertThat(none.probabilityAlive()).isEqualTo(BG.probabilityAlive(oneTime)); // the rest is still there
    CustomerValue some = scorer.score(repeat);
    assertThat(some.expectedSpend()).isEqualTo(heavy.conditionalExpectedSpend(repeat)).isFinite();
    assertThat(some.totalClv()).hasValue(120 + some.predictedClv());
    List<CustomerValue> batch = scorer.scoreAll(List.of(oneTime, repeat)); // the batch path, same rule
    assertThat(batch.get(0).predictedClv()).isNaN();
    assertThat(batch.get(0).totalClv()).isEmpty();
    assertThat(batch.get(1).predictedClv()).isCloseTo(some.predictedClv(), within(1e-9));
  }

  @Test
  void eligibility_namesAnInfiniteMeanSpendModel() {
    Eligibility ok = new Eligibility(true, List.of());
    assertThat(ok.withSpendModel(GG)).isSameAs(ok);
    Eligibility heavy = ok.withSpendModel(new GammaGammaModel(3, 0.8, 50));
    assertThat(heavy.eligible()).isFalse();
    assertThat(heavy.reasons()).singleElement().asString().startsWith("spend model q: 0.8 <= 1");
    Eligibility both = new Eligibility(false, List.of("customers with orders: 3 < 500"))
        .withSpendModel(new GammaGammaModel(3, 1.0, 50));
    assertThat(both.reasons()).hasSize(2);
  }

  @Test
  void score_discountingLowersValueAndZeroRateChangesNothing() {
    RfmSummary c = new RfmSummary("1", 5, 30, 38, 40);
    ClvScorer.Options plain = ClvScorer.Options.defaults(PeriodUnit.WEEK);
    ClvScorer.Options discounted = new ClvScorer.Options(PeriodUnit.WEEK, 365, 0.10, 30, 0.5, 0.8);
    double undiscounted = new ClvScorer(BG, Optional.of(GG), plain).score(c).predictedClv();
    double value = new ClvScorer(BG, Optional.of(GG), discounted).score(c).predictedClv();
    assertThat(value).isLessThan(undiscounted).isGreaterThan(undiscounted / 1.10);
  }

  @Test
  void score_reproducesLifetimesCustomerLifetimeValueRegression() throws IOException {
    // lifetimes customer_lifetime_value(bgf, ..., time=12, discount_rate=0.01) on weekly CDNOW
    // uses 12 steps of 30 weeks, each discounted 1% more: a 2,520-day horizon whose yearly rate
    // gives 1.01 per 210 days. A regression check of the discounting only (see the data README).
    List<RfmSummary> data = ClvData.summaries(ClvData.SUMMARY_WITH_MONEY);
    BgNbdModel bg = BgNbdModel.fit(data).model();
    GammaGammaModel gg = GammaGammaModel.fit(data).model();
    double yearly = Math.pow(1.01, 365.0 / 210) - 1;
    ClvScorer scorer = new ClvScorer(bg, Optional.of(gg), new ClvScorer.Options(PeriodUnit.WEEK, 2520, yearly, 30, 0.5, 0.8));
    double[] expected = {140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574,
        167.418216, 38.180574};
    for (int i = 0; i < expected.length; i++) {
      assertThat(scorer.score(data.get(i)).predictedClv()).as("customer %s", i + 1)
          .isCloseTo(expected[i], within(1e-5 * expected[i]));
    }
  }

  @Test
  void score_daysToNextOrderIsWhereTheOrderProbabilityReachesOneHalf() {
    ClvScorer scorer = new ClvScorer(BG, Optional.of(GG), ClvScorer.Options.defaults(PeriodUnit.WEEK));
    RfmSummary c = new RfmSummary("1", 2, 30.43, 38.86, 22.35); // P(alive) 0.73
    CustomerValue v = scorer.score(c);
    double weeks = v.daysToNextOrder().orElseThrow() / 7;
    assertThat(BG.probabilityNoPurchase(weeks, 2, 30.43, 38.86)).isCloseTo(0.5, within(1e-12));
    // A heavy buyer orders sooner than a light one; one who is probably gone gets no date.
    assertThat(scorer.score(new RfmSummary("h", 20, 38, 38.86, 20)).daysToNextOrder().orElseThrow())
        .isLessThan(v.daysToNextOrder().orElseThrow());
    RfmSummary gone = new RfmSummary("g", 30, 1, 38, 20);
    assertThat(BG.probabilityAlive(gone)).isLessThan(0.5);
    assertThat(scorer.score(gone).daysToNextOrder()).isEmpty();
  }

  @Test
  void score_historicAndTotalClvFromTransactions() {
    List<Transaction> orders = List.of(
        new Transaction("a", LocalDate.parse("2026-01-01"), 40),
        new Transaction("a", LocalDate.parse("2026-02-01"), 25),
        new Transaction("a", LocalDate.parse("2026-02-01"), 5),
        new Transaction("a", LocalDate.parse("2026-03-01"), 30),
        new Transaction("a", LocalDate.parse("2026-03-02"), -30)); // not counted
    RfmSummary a = RfmSummaries.fromTransactions(orders, LocalDate.parse("2026-06-30"), PeriodUnit.DAY).get(0);
    BgNbdModel daily = new BgNbdModel(0.243, 4.414 * 7, 0.793, 2.426);
    CustomerValue v = new ClvScorer(daily, Optional.of(GG), ClvScorer.Options.defaults(PeriodUnit.DAY)).score(a);
    assertThat(v.historicClv()).hasValue(100.0);
    assertThat(v.predictedClv()).isPositive();
    assertThat(v.totalClv().orElseThrow()).isEqualTo(100 + v.predictedClv());
    // Without a spend model there is no predicted value to add; without history no historic one.
    assertThat(new ClvScorer(daily, Optional.empty(), ClvScorer.Options.defaults(PeriodUnit.DAY)).score(a).totalClv())
        .isEmpty();
    CustomerValue fromSummary = new ClvScorer(BG, Optional.of(GG), ClvScorer.Options.defaults(PeriodUnit.WEEK))
        .score(new RfmSummary("1", 2, 30.43, 38.86, 22.35));
    assertThat(fromSummary.historicClv()).isEmpty();
    assertThat(fromSummary.totalClv()).isEmpty();
  }

  @Test
  void score_winBackFlagsOverdueRepeatCustomers() {
    ClvScorer scorer = new ClvScorer(BG, Optional.empty(), ClvScorer.Options.defaults(PeriodUnit.WEEK));
    // Every 2 weeks, last order 3 weeks ago: within 2 x 2 weeks, and P(alive) high.
    RfmSummary regular = RfmSummary.of("r", 10, 20, 23);
    assertThat(BG.probabilityAlive(regular)).isGreaterThan(0.5);
    assertThat(scorer.score(regular).winBack()).isFalse();
    // The same rhythm, last order 5 weeks ago: more than twice the mean gap.
    RfmSummary late = RfmSummary.of("l", 10, 20, 25);
    assertThat(BG.probabilityAlive(late)).isGreaterThan(0.5);
    assertThat(scorer.score(late).winBack()).isTrue();
    // One-time buyers are never flagged, however long ago they bought.
    assertThat(scorer.score(RfmSummary.of("o", 0, 0, 200)).winBack()).isFalse();
    // P(alive) below the threshold flags a customer whose gap alone would not.
    RfmSummary slow = RfmSummary.of("s", 1, 20, 59); // gap 20, 39 since: not 2x, but P(alive) 0.48
    assertThat(BG.probabilityAlive(slow)).isLessThan(0.5);
    assertThat(scorer.score(slow).winBack()).isTrue();
    ClvScorer gapOnly = new ClvScorer(BG, Optional.empty(),
        new ClvScorer.Options(PeriodUnit.WEEK, 365, 0, 30, 0.5, 0.8, 2, 0));
    assertThat(gapOnly.score(slow).winBack()).isFalse();
    assertThat(gapOnly.score(late).winBack()).isTrue();
    ClvScorer aliveOnly = new ClvScorer(BG, Optional.empty(),
        new ClvScorer.Options(PeriodUnit.WEEK, 365, 0, 30, 0.5, 0.8, Double.POSITIVE_INFINITY, 0.5));
    assertThat(aliveOnly.score(late).winBack()).isFalse();
    assertThat(aliveOnly.score(slow).winBack()).isTrue();
  }

  @Test
  void scoreAll_equalsScorePerCustomer() {
    List<RfmSummary> data = new ArrayList<>();
    for (RfmSummary s : Simulation.betaGeometric(0.243, 4.414, 0.793, 2.426, false, 400, 27, 39, 7)) {
      // Weekly times on whole days, as from transactions, so that (x, T) pairs repeat.
      double age = Math.floor(s.age() * 7) / 7;
      double tx = Math.min(age, Math.floor(s.recency() * 7) / 7);
      data.add(new RfmSummary(s.customerId(), s.frequency(), tx, age, s.frequency() == 0 ? 0 : 10 + s.frequency(),
          OptionalDouble.of(20 + s.frequency())));
    }
    List<PurchaseModel> models = List.of(BG, new MbgNbdModel(0.525, 6.183, 0.891, 1.614),
        new ParetoNbdModel(0.553, 10.578, 0.606, 11.669));
    for (PurchaseModel m : models) {
      for (double rate : new double[] {0, 0.1}) {
        ClvScorer scorer = new ClvScorer(m, Optional.of(GG), new ClvScorer.Options(PeriodUnit.WEEK, 365, rate, 30, 0.5, 0.8));
        List<CustomerValue> all = scorer.scoreAll(data);
        assertThat(all).hasSize(data.size());
        List<CustomerValue> streamed = new ArrayList<>();
        scorer.scoreEach(data, streamed::add);
        assertThat(streamed).isEqualTo(all);
        for (int i = 0; i < data.size(); i++) {
          CustomerValue one = scorer.score(data.get(i));
          CustomerValue batch = all.get(i);
          String what = m.name() + " rate " + rate + " customer " + i;
          assertThat(batch.customerId()).isEqualTo(one.customerId());
          assertThat(batch.probabilityAlive()).as(what).isCloseTo(one.probabilityAlive(), within(1e-12));
          assertThat(batch.expectedPurchases()).as(what).isCloseTo(one.expectedPurchases(), within(1e-11 * (1 + one.expectedPurchases())));
          assertThat(batch.probabilityOfOrder()).as(what).isCloseTo(one.probabilityOfOrder(), within(1e-12));
          assertThat(batch.predictedClv()).as(what).isCloseTo(one.predictedClv(), within(1e-10 * (1 + one.predictedClv())));
          assertThat(batch.daysToNextOrder().isPresent()).as(what).isEqualTo(one.daysToNextOrder().isPresent());
          if (one.daysToNextOrder().isPresent()) {
            assertThat(batch.daysToNextOrder().getAsDouble()).as(what)
                .isCloseTo(one.daysToNextOrder().getAsDouble(), within(1e-9 * one.daysToNextOrder().getAsDouble()));
          }
          assertThat(batch.churnBand()).isEqualTo(one.churnBand());
          assertThat(batch.historicClv()).isEqualTo(one.historicClv());
          assertThat(batch.winBack()).isEqualTo(one.winBack());
        }
      }
    }
  }

  @Test
  void options_validate() {
    assertThatThrownBy(() -> new ClvScorer.Options(PeriodUnit.DAY, -1, 0, 30, 0.5, 0.8))
        .hasMessage("horizonDays must be finite and >= 0: -1.0");
    assertThatThrownBy(() -> new ClvScorer.Options(PeriodUnit.DAY, 365, 0, 30, 0.9, 0.8))
        .hasMessage("churn thresholds must satisfy 0 <= medium <= high <= 1: 0.9, 0.8");
    assertThatThrownBy(() -> new ClvScorer.Options(PeriodUnit.DAY, 365, 0, 30, 0.5, 0.8, 0, 0.5))
        .hasMessage("winBackGapMultiple must be > 0: 0.0");
    assertThatThrownBy(() -> new ClvScorer.Options(PeriodUnit.DAY, 365, 0, 30, 0.5, 0.8, 2, 1.5))
        .hasMessage("winBackAliveBelow must be in [0, 1]: 1.5");
    assertThatThrownBy(() -> new ClvScorer(BG, null, ClvScorer.Options.defaults(PeriodUnit.DAY)))
        .isInstanceOf(NullPointerException.class).hasMessage("spend");
  }

  @Test
  void eligibility_cdnowIsEligible() throws IOException {
    Eligibility e = Eligibility.check(ClvData.summaries(ClvData.SUMMARY), PeriodUnit.WEEK);
    assertThat(e.eligible()).isTrue();
    assertThat(e.reasons()).isEmpty();
  }

  @Test
  void eligibility_namesEveryFailedCondition() {
    List<RfmSummary> few = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      few.add(RfmSummary.of("c" + i, 1, 5, 120)); // days; last order 115 days ago
    }
    Eligibility e = Eligibility.check(few, PeriodUnit.DAY);
    assertThat(e.eligible()).isFalse();
    assertThat(e.reasons()).containsExactly(
        "customers with orders: 10 < 500",
        "days of order history: 120 < 180",
        "days since the last order: 115 > 90",
        "customers with 3 or more orders: 0 < 1");
    Eligibility relaxed = Eligibility.check(few, PeriodUnit.DAY, new Eligibility.Rules(10, 100, 120, 0));
    assertThat(relaxed.eligible()).isTrue();
    assertThat(Eligibility.check(List.of(), PeriodUnit.WEEK).reasons())
        .contains("days since the last order: no orders > 90");
  }
}
