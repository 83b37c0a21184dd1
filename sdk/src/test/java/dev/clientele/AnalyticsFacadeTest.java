package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.CategoryScore;
import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.analytics.Engagement;
import dev.clientele.analytics.EngagementLevel;
import dev.clientele.analytics.EngagementThresholds;
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
  void engagement_mergedVisitorsActiveDaysCountTogether_thresholdsFromTheBuilder() throws java.io.IOException {
    LocalDate day = LocalDate.parse("2026-10-20");
    try (Clientele c = world()) {
      ProfileId id = c.profile(customerId("c-1")).orElseThrow().id();
      // Active on 28 Sept and 2 Oct under the cookie, 3 and 10 Oct as the customer; the bounce on
      // the 20th is not active. Last active 10 days before: medium by default.
      assertThat(c.engagement(id, day)).isEqualTo(new Engagement(day, EngagementLevel.MEDIUM, Optional.of(LocalDate.parse("2026-10-10")), 4));
      assertThat(c.engagement(id, LocalDate.parse("2026-09-28")).level()).isEqualTo(EngagementLevel.LOW);
      assertThat(c.engagementCounts(day)).containsEntry(EngagementLevel.MEDIUM, 1L).containsEntry(EngagementLevel.HIGH, 0L);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      c.exportProfiles(dev.clientele.export.ExportRequest.builder().computed(c.engagementValues(day)).build(), out);
      assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("engagement").contains("medium");
    }
    Clientele strict = Clientele.builder().engagementThresholds(new EngagementThresholds(30, 10, 4, 30, 2)).build();
    try (strict) {
      for (Event e : List.of(
          event("e-1", "pageview", "", "2026-10-01T10:00:00Z", Map.of(), customerId("c-9")),
          event("e-2", "pageview", "", "2026-10-05T10:00:00Z", Map.of(), customerId("c-9")),
          event("e-3", "pageview", "", "2026-10-08T10:00:00Z", Map.of(), customerId("c-9")),
          event("e-4", "pageview", "", "2026-10-10T10:00:00Z", Map.of(), customerId("c-9")))) {
        strict.ingest(e);
      }
      ProfileId id = strict.profile(customerId("c-9")).orElseThrow().id();
      assertThat(strict.engagement(id, day).level()).isEqualTo(EngagementLevel.HIGH);
    }
  }

  @Test
  void activityStatus_ofOneProfile_fromItsLogins_asTheExportGivesIt() {
    try (Clientele c = world()) {
      ProfileId id = c.profile(customerId("c-1")).orElseThrow().id();
      c.ingest(event("e-7", "login", "", "2026-10-12T10:00:00Z", Map.of(), anonymousId("a-1")));
      // Logins on 10 and 12 Oct: two within 30 days of the 20th (active), none within 7 days.
      LocalDate day = LocalDate.parse("2026-10-20");
      assertThat(c.activityStatus(id, day)).isEqualTo(dev.clientele.analytics.ActivityStatus.ACTIVE);
      assertThat(c.activityStatus(id, LocalDate.parse("2026-10-12"))).isEqualTo(dev.clientele.analytics.ActivityStatus.VERY_ACTIVE);
      assertThat(c.activityStatus(id, LocalDate.parse("2026-10-09"))).isEqualTo(dev.clientele.analytics.ActivityStatus.SLEEPER);
      assertThat(c.activityStatusValues(day).values(c.profile(id).orElseThrow()).get(dev.clientele.export.ComputedValues.ACTIVITY_STATUS))
          .isEqualTo(c.activityStatus(id, day).key());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.activityStatus(ProfileId.of("p-none"), day))
          .isInstanceOf(java.util.NoSuchElementException.class);
    }
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
