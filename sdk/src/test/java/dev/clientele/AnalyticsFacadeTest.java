package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.CategoryScore;
import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.analytics.Granularity;
import dev.clientele.analytics.InMemoryProfileCountStore;
import dev.clientele.analytics.MauCount;
import dev.clientele.analytics.MauEstimate;
import dev.clientele.analytics.MetricKey;
import dev.clientele.analytics.MetricPoint;
import dev.clientele.analytics.MetricSnapshot;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The analytics figures through the facade, over profiles the real ingest pipeline resolved and merged. */
class AnalyticsFacadeTest {
  private static Event event(String id, String type, String action, String at, Map<String, Object> data, Identifier... identifiers) {
    Event.Builder b = Event.builder(id, type, Instant.parse(at)).action(action).data(data);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    return b.build();
  }

  /** A visitor browses, a customer orders, then one event shows they are one person (a merge). */
  private static Clientele world() {
    Clientele c = Fixtures.clientele();
    c.ingest(event("e-1", "pageview", "", "2026-09-28T10:00:00Z", Map.of("category", "shoes"), anonymousId("a-1")));
    c.ingest(event("e-2", "product", "view", "2026-10-02T10:00:00Z", Map.of("category", "shoes"), anonymousId("a-1")));
    c.ingest(event("e-3", "order", "purchase", "2026-10-03T10:00:00Z", Map.of("total", "30.00", "category", "bags"),
        customerId("c-1"), email("ann@example.com")));
    c.ingest(event("e-4", "login", "", "2026-10-10T10:00:00Z", Map.of(), customerId("c-1"), anonymousId("a-1")));
    c.ingest(event("e-5", "order", "purchase", "2026-11-02T10:00:00Z", Map.of("total", 10), customerId("c-1")));
    c.ingest(event("e-6", "reachability", "hard_bounce", "2026-10-20T10:00:00Z", Map.of(), email("ann@example.com")));
    return c;
  }

  @Test
  void mauTrendAndHistory_mergedVisitorCountsOnce() {
    try (Clientele c = world()) {
      List<MauCount> trend = c.mauTrend(LocalDate.parse("2026-09-30"), LocalDate.parse("2026-10-03"));
      List<MauCount> history = c.mauHistory(YearMonth.of(2026, 9), YearMonth.of(2026, 11));

      assertThat(c.profileCount()).isEqualTo(1);
      assertThat(trend).extracting(MauCount::mau).containsExactly(1L, 0L, 1L, 1L);
      assertThat(trend).extracting(MauCount::identified).containsExactly(1L, 0L, 1L, 1L);
      assertThat(history).extracting(MauCount::mau).containsExactly(1L, 1L, 1L);
      assertThat(trend.get(3)).isEqualTo(c.mau(LocalDate.parse("2026-10-03")));
      MauEstimate e = c.mauEstimate(LocalDate.parse("2026-10-31"), 12);
      assertThat(e.rounded()).isEqualTo(1);
    }
  }

  @Test
  void profilesOverTime_fromHistoryAndRecorded() {
    try (Clientele c = world()) {
      List<DailyProfileCounts> days = c.profilesOverTime(LocalDate.parse("2026-10-19"), LocalDate.parse("2026-10-20"));
      InMemoryProfileCountStore store = new InMemoryProfileCountStore();
      DailyProfileCounts today = c.recordProfileCounts(LocalDate.parse("2026-11-23"), store);

      assertThat(days).extracting(d -> d.point(Optional.of(Channel.EMAIL)).reachable()).containsExactly(1L, 0L);
      assertThat(days).extracting(DailyProfileCounts::total).containsExactly(1L, 1L);
      assertThat(today.point(Optional.of(Channel.EMAIL)).unreachable()).isEqualTo(1);
      assertThat(store.get(LocalDate.parse("2026-11-23"))).contains(today);
    }
  }

  @Test
  void metricSnapshotSeriesAndAffinity_ofTheMergedPerson() {
    try (Clientele c = world()) {
      ProfileId ann = c.profile(customerId("c-1")).orElseThrow().id();

      MetricSnapshot s = c.metricSnapshot(ann, LocalDate.parse("2026-11-02"));
      List<MetricPoint> monthly = c.metricSeries(ann, new MetricKey("order", "purchase"),
          LocalDate.parse("2026-10-01"), LocalDate.parse("2026-11-30"), Granularity.MONTH);
      List<CategoryScore> top = c.affinities(ann, LocalDate.parse("2026-10-31"), 1, AffinityRules.defaults());

      assertThat(s.orders()).isEqualTo(c.profile(ann).orElseThrow().orders());
      assertThat(s.orders().revenue()).isEqualByComparingTo("40.00");
      // 3 October is outside the 30 days ending 2 November (4 October to 2 November).
      assertThat(s.metric(new MetricKey("order", "purchase")).orElseThrow())
          .extracting(m -> m.count30d(), m -> m.count()).containsExactly(1L, 2L);
      assertThat(monthly).extracting(MetricPoint::value).usingElementComparator(BigDecimal::compareTo)
          .containsExactly(new BigDecimal("30.00"), BigDecimal.TEN);
      // bags: one purchase (weight 5) 28 days old beats shoes: two views (weight 1) 29 and 33 days old.
      assertThat(top).extracting(CategoryScore::category).containsExactly("bags");
    }
  }
}
