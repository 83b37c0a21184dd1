package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Metric snapshots, series and affinities of one person with a cookie and an email. */
class MetricSnapshotsTest {
  private static final ProfileId ANN = ProfileId.of("p-ann");
  private static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Identifier COOKIE = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-1");
  private static final LocalDate D = LocalDate.parse("2026-10-31");

  private final InMemoryStorage storage = new InMemoryStorage();
  private int events;

  MetricSnapshotsTest() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Profile p = Profile.builder(ANN, t).version(1)
        .putIdentifier(IdentifierState.firstSeen(EMAIL, t, true, "test"))
        .putIdentifier(IdentifierState.firstSeen(COOKIE, t, true, "test")).build();
    storage.commit(Commit.builder().putProfile(p, 0).assign(EMAIL, Optional.empty(), ANN).assign(COOKIE, Optional.empty(), ANN).build());
  }

  private void event(String typeAndAction, String at, Identifier anchor, Map<String, Object> data) {
    String[] parts = typeAndAction.split("/", 2);
    Event e = Event.builder("e-" + ++events, parts[0], Instant.parse(at)).action(parts.length > 1 ? parts[1] : "")
        .identifier(anchor).data(data).build();
    storage.commit(Commit.builder().append(new StoredEvent(e, anchor)).build());
  }

  @Test
  void snapshot_thirtyDayWindowBoundaries_andAllTime() {
    event("order/purchase", "2026-10-01T23:59:59Z", EMAIL, Map.of("total", "10.00")); // last second of D-30: outside
    event("order/purchase", "2026-10-02T00:00:00Z", COOKIE, Map.of("total", new BigDecimal("20.50"))); // first of D-29: inside
    event("order/purchase", "2026-10-31T23:59:59Z", EMAIL, Map.of("total", 5)); // last second of D
    event("order/purchase", "2026-11-01T00:00:00Z", EMAIL, Map.of("total", 100)); // after D: ignored
    event("pageview", "2026-10-20T10:00:00Z", COOKIE, Map.of());
    event("order/refund", "2026-10-20T10:00:00Z", EMAIL, Map.of("total", "-5"));

    MetricSnapshot s = new MetricSnapshots(storage).snapshot(ANN, D);

    MetricSummary purchases = s.metric(new MetricKey("order", "purchase")).orElseThrow();
    assertThat(purchases.count30d()).isEqualTo(2);
    assertThat(purchases.value30d()).isEqualByComparingTo("25.50");
    assertThat(purchases.count()).isEqualTo(3);
    assertThat(purchases.value()).isEqualByComparingTo("35.50");
    assertThat(s.metric(new MetricKey("pageview", ""))).get().extracting(MetricSummary::count30d, MetricSummary::value)
        .containsExactly(1L, BigDecimal.ZERO);
    assertThat(s.metrics()).extracting(m -> m.metric().toString()).containsExactly("order/purchase", "order/refund", "pageview");
    // Orders: only totals above zero, up to the end of D.
    assertThat(s.orders().orderCount()).isEqualTo(3);
    assertThat(s.orders().revenue()).isEqualByComparingTo("35.50");
    assertThat(s.orders().averageOrderValue()).contains(new BigDecimal("11.83"));
    assertThat(s.orders().averageDaysBetweenOrders().orElseThrow()).isCloseTo(15.0, within(1e-9));
  }

  @Test
  void series_byDayWeekAndMonth_zerosForEmptyPeriods_partialEdgePeriodsOnlyInsideTheFrame() {
    event("order/purchase", "2026-09-30T12:00:00Z", EMAIL, Map.of("total", 1)); // before the frame
    event("order/purchase", "2026-10-01T00:00:00Z", EMAIL, Map.of("total", 2)); // Thursday
    event("order/purchase", "2026-10-05T00:00:00Z", COOKIE, Map.of("total", 3)); // Monday
    event("order/purchase", "2026-11-02T08:00:00Z", EMAIL, Map.of("total", 4));
    event("pageview", "2026-10-05T00:00:00Z", EMAIL, Map.of());
    MetricSnapshots m = new MetricSnapshots(storage);
    MetricKey purchase = new MetricKey("order", "purchase");
    LocalDate from = LocalDate.parse("2026-10-01");
    LocalDate to = LocalDate.parse("2026-11-02");

    List<MetricPoint> days = m.series(ANN, purchase, from, to, Granularity.DAY);
    List<MetricPoint> weeks = m.series(ANN, purchase, from, to, Granularity.WEEK);
    List<MetricPoint> months = m.series(ANN, purchase, from, to, Granularity.MONTH);

    assertThat(days).hasSize(33);
    assertThat(days.get(0)).isEqualTo(new MetricPoint(from, 1, new BigDecimal(2)));
    assertThat(days.get(1).count()).isZero();
    assertThat(weeks.get(0).periodStart()).isEqualTo(LocalDate.parse("2026-09-28"));
    assertThat(weeks.get(0).count()).as("the Wednesday before the frame is outside").isEqualTo(1);
    assertThat(weeks.get(1)).isEqualTo(new MetricPoint(LocalDate.parse("2026-10-05"), 1, new BigDecimal(3)));
    assertThat(weeks).hasSize(6);
    assertThat(months).extracting(MetricPoint::count).containsExactly(2L, 1L);
    assertThat(months).extracting(p -> p.value().intValue()).containsExactly(5, 4);
  }

  @Test
  void snapshot_unknownProfileOrBadFrame_refused() {
    MetricSnapshots m = new MetricSnapshots(storage);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.snapshot(ProfileId.of("p-nobody"), D))
        .isInstanceOf(NoSuchElementException.class).hasMessage("no profile with id p-nobody");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> m.series(ANN, new MetricKey("order", ""), D, D.minusDays(1), Granularity.DAY))
        .withMessageContaining("to must not be before from");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> m.series(ANN, new MetricKey("order", ""), LocalDate.parse("1990-01-01"), D, Granularity.DAY))
        .withMessageStartingWith("series must have at most 10000 points");
  }

  // ---- affinity ----

  @Test
  void affinity_weightedByAction_decayedByHalfLife_topN() {
    // Half-life 10 days; D ends at 2026-11-01T00:00Z.
    Affinities a = new Affinities(storage, AffinityRules.builder().halfLife(Duration.ofDays(10)).build());
    event("product/view", "2026-10-22T00:00:00Z", EMAIL, Map.of("category", "shoes")); // 10 days old: 1 * 0.5
    event("product/purchase", "2026-11-01T00:00:00Z", EMAIL, Map.of("category", "hats")); // after D: ignored
    event("product/purchase", "2026-10-12T00:00:00Z", COOKIE, Map.of("category", "bags")); // 20 days: 5 * 0.25
    event("product/click", "2026-10-31T12:00:00Z", EMAIL, Map.of("topic", List.of("shoes", " running "))); // 0.5 day: 2 * 2^-0.05
    event("campaign/sent", "2026-10-31T12:00:00Z", EMAIL, Map.of("category", "spam")); // not an interaction

    List<CategoryScore> scores = a.scores(ANN, D);

    double click = 2 * Math.pow(2, -0.05);
    assertThat(scores).extracting(CategoryScore::category).containsExactly("shoes", "running", "bags");
    assertThat(scores.get(0).score()).isCloseTo(0.5 + click, within(1e-12));
    assertThat(scores.get(0).interactions()).isEqualTo(2);
    assertThat(scores.get(1).score()).isCloseTo(click, within(1e-12));
    assertThat(scores.get(2).score()).isCloseTo(1.25, within(1e-12));
    assertThat(a.top(ANN, D, 2)).extracting(CategoryScore::category).containsExactly("shoes", "running");
    assertThat(a.top(ANN, LocalDate.parse("2026-10-12"), 5)).extracting(CategoryScore::category).containsExactly("bags");
  }

  @Test
  void affinity_customWeights_zeroIgnoresTheAction_andBadRulesRefused() {
    event("product/view", "2026-10-31T00:00:00Z", EMAIL, Map.of("category", "shoes"));
    event("product/purchase", "2026-10-31T00:00:00Z", EMAIL, Map.of("category", "hats"));
    Affinities a = new Affinities(storage, AffinityRules.builder().weight("view", 0).weight("purchase", 7).build());

    assertThat(a.scores(ANN, D)).extracting(CategoryScore::category).containsExactly("hats");
    assertThat(a.scores(ANN, D).get(0).score()).isCloseTo(7 * Math.pow(2, -1.0 / 30), within(1e-12));
    assertThatIllegalArgumentException().isThrownBy(() -> AffinityRules.builder().halfLife(Duration.ZERO))
        .withMessage("halfLife must be positive: PT0S");
    assertThatIllegalArgumentException().isThrownBy(() -> AffinityRules.builder().weight("x", -1))
        .withMessage("weight must be finite and >= 0: -1.0");
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> AffinityRules.builder().halfLife(Duration.ofDays(1)).halfLife(Duration.ofDays(2)))
        .withMessage("halfLife was already set to PT24H");
    assertThatIllegalArgumentException().isThrownBy(() -> a.top(ANN, D, 0)).withMessage("n must be >= 1: 0");
  }
}
