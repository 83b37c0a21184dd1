package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.EngagementLevel;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.core.TimelineQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Arguments and results an embedder could misuse without noticing (from the embedding review). */
class FacadeArgumentsTest {
  @Test
  void clvValues_unitOtherThanTheScorers_refused() {
    Clientele c = Clientele.inMemory();
    c.ingest(event("o-1", "order", 0).identifier(email("ann@example.com")).data("total", new BigDecimal("40.00")).build());
    ClvScorer weekly = new ClvScorer(new BgNbdModel(0.24, 4.41, 0.79, 2.43), Optional.empty(),
        ClvScorer.Options.defaults(PeriodUnit.WEEK));

    assertThat(weekly.options().timeUnit()).isEqualTo(PeriodUnit.WEEK);
    assertThatThrownBy(() -> c.clvValues(weekly, PeriodUnit.DAY, LocalDate.parse("2026-10-31")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeUnit must be the unit the scorer's models were fitted in (its options' timeUnit): DAY != WEEK");
    assertThat(c.clvValues(weekly, PeriodUnit.WEEK, LocalDate.parse("2026-10-31")).values(
        c.profile(email("ann@example.com")).orElseThrow())).containsKey("churn_risk");
  }

  @Test
  void engagementCounts_unmodifiable() {
    Clientele c = Clientele.inMemory();
    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());

    Map<EngagementLevel, Long> counts = c.engagementCounts(LocalDate.parse("2026-10-01"));

    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    assertThatThrownBy(() -> counts.put(EngagementLevel.HIGH, 5L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void timelineQuery_withRange_nullNamesTheArgument() {
    assertThatThrownBy(() -> TimelineQuery.all().withRange(null, Instant.EPOCH)).hasMessage("fromInclusive");
    assertThatThrownBy(() -> TimelineQuery.all().withRange(Instant.EPOCH, null)).hasMessage("toExclusive");
  }
}
