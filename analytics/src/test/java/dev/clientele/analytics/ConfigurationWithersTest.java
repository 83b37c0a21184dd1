package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The withers of the analytics configuration records change exactly the values they name, and validate. */
class ConfigurationWithersTest {
  @Test
  void engagementThresholds_withers() {
    EngagementThresholds t = EngagementThresholds.defaults().withHigh(3, 10).withMedium(14, 3).withWindowDays(60);

    assertThat(t).isEqualTo(new EngagementThresholds(60, 3, 10, 14, 3));
    assertThatThrownBy(() -> EngagementThresholds.defaults().withHigh(40, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("highRecencyDays <= mediumRecencyDays");
  }

  @Test
  void activityThresholds_withers() {
    ActivityThresholds t = ActivityThresholds.defaults().withVeryActive(5, 3).withActive(14, 4).withSleeperMonths(6);

    assertThat(t).isEqualTo(new ActivityThresholds("login", 5, 3, 14, 4, 6));
    assertThatThrownBy(() -> ActivityThresholds.defaults().withVeryActive(40, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("veryActiveDays <= activeDays");
  }

  @Test
  void clvOptions_withers() {
    ClvScorer.Options o = ClvScorer.Options.defaults(PeriodUnit.WEEK).withHorizonDays(730).withAnnualDiscountRate(0.1)
        .withOrderWindowDays(14).withChurnBands(0.4, 0.7).withWinBack(3, 0.3);

    assertThat(o).isEqualTo(new ClvScorer.Options(PeriodUnit.WEEK, 730, 0.1, 14, 0.4, 0.7, 3, 0.3));
    assertThatThrownBy(() -> ClvScorer.Options.defaults(PeriodUnit.DAY).withChurnBands(0.9, 0.8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 <= medium <= high <= 1");
  }

  @Test
  void eligibilityRules_withers() {
    Eligibility.Rules r = Eligibility.Rules.DEFAULTS.withMinCustomers(50).withMinHistoryDays(90).withMaxDaysSinceLastOrder(30)
        .withMinCustomersWithThreeOrders(5);

    assertThat(r).isEqualTo(new Eligibility.Rules(50, 90, 30, 5));
    assertThatThrownBy(() -> Eligibility.Rules.DEFAULTS.withMinCustomers(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
