package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.CustomerValue;
import dev.clientele.analytics.GammaGammaModel;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.analytics.RfmSummaries;
import dev.clientele.analytics.RfmSummary;
import dev.clientele.core.Profile;
import dev.clientele.export.ComputedValues;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Bug hunt (session 11): the value figures the facade hands to exports against the analytics
 * module's own per-customer scoring.
 */
class ValueFacadeHuntTest {
  static final long DAY = 24 * 60;

  /**
   * DESIGN.md: total CLV = historic + predicted, where the prediction starts at the calibration
   * end. {@code clvValues} added the profile's all-time revenue, so an order after the
   * calibration end was counted twice (in the historic value and in the 365 predicted days) and
   * the export disagreed with {@link CustomerValue#totalClv()} of the same scorer.
   */
  @Test
  void clvValues_totalClv_isHistoricUpToTheCalibrationEndPlusPredicted() {
    Clientele c = Clientele.inMemory();
    c.ingest(event("o-1", "order", 0).identifier(email("ann@example.com")).data("total", new BigDecimal("40.00")).build());
    c.ingest(event("o-2", "order", 9 * DAY).identifier(email("ann@example.com")).data("total", new BigDecimal("60.00")).build());
    c.ingest(event("o-3", "order", 24 * DAY).identifier(email("ann@example.com")).data("total", new BigDecimal("20.00")).build());
    LocalDate calibrationEnd = LocalDate.parse("2026-10-20"); // o-3 is on 2026-10-25
    ClvScorer scorer = new ClvScorer(new BgNbdModel(0.24, 4.41 * 7, 0.79, 2.43),
        Optional.of(new GammaGammaModel(6.25, 3.74, 15.44)), ClvScorer.Options.defaults(PeriodUnit.DAY));

    Profile ann = c.profile(email("ann@example.com")).orElseThrow();
    Map<String, ?> figures = c.clvValues(scorer, PeriodUnit.DAY, calibrationEnd).values(ann);

    List<RfmSummary> summaries = RfmSummaries.fromTransactions(RfmSummaries.ordersOf(c.storage()), calibrationEnd,
        PeriodUnit.DAY);
    assertThat(summaries).hasSize(1);
    CustomerValue v = scorer.score(summaries.get(0));
    assertThat(v.historicClv().getAsDouble()).isEqualTo(100.0);
    BigDecimal predicted = (BigDecimal) figures.get(ComputedValues.PREDICTED_CLV);
    assertThat(predicted).isEqualByComparingTo(BigDecimal.valueOf(v.predictedClv()).setScale(2, RoundingMode.HALF_EVEN));
    assertThat((BigDecimal) figures.get(ComputedValues.TOTAL_CLV))
        .isEqualByComparingTo(new BigDecimal("100.00").add(predicted));
  }

  /** With the calibration end on or after the last order the total is revenue + predicted, exactly in cents. */
  @Test
  void clvValues_totalClv_calibrationEndAfterAllOrders_isRevenuePlusPredicted() {
    Clientele c = Clientele.inMemory();
    c.ingest(event("o-1", "order", 0).identifier(email("ann@example.com")).data("total", new BigDecimal("0.10")).build());
    c.ingest(event("o-2", "order", 1).identifier(email("ann@example.com")).data("total", new BigDecimal("0.20")).build());
    c.ingest(event("o-3", "order", 3 * DAY).identifier(email("ann@example.com")).data("total", new BigDecimal("19.99")).build());
    c.ingest(event("o-4", "order", 4 * DAY).identifier(email("ann@example.com")).data("total", new BigDecimal("-19.99")).build());
    ClvScorer scorer = new ClvScorer(new BgNbdModel(0.24, 4.41 * 7, 0.79, 2.43),
        Optional.of(new GammaGammaModel(6.25, 3.74, 15.44)), ClvScorer.Options.defaults(PeriodUnit.DAY));
    Profile ann = c.profile(email("ann@example.com")).orElseThrow();
    assertThat(ann.orders().revenue()).isEqualByComparingTo("20.29");

    Map<String, ?> figures = c.clvValues(scorer, PeriodUnit.DAY, LocalDate.parse("2026-10-31")).values(ann);

    BigDecimal predicted = (BigDecimal) figures.get(ComputedValues.PREDICTED_CLV);
    assertThat((BigDecimal) figures.get(ComputedValues.TOTAL_CLV)).isEqualByComparingTo(new BigDecimal("20.29").add(predicted));
  }
}
