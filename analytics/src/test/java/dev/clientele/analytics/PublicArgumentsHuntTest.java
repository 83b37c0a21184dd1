package dev.clientele.analytics;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.AudienceCounts;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of analytics' API, swept by reflection ({@link
 * ArgumentSweep}): null, edge numbers (NaN and infinities too), odd strings (masked in messages
 * when personal), collections copied in and read-only out.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");

  static final LocalDate D = LocalDate.parse("2026-10-03");

  static AudienceCounts audience() {
    return new AudienceCounts(1, Map.of(Channel.EMAIL, new AudienceCounts.ChannelCount(1, 0), Channel.SMS,
        new AudienceCounts.ChannelCount(0, 1), Channel.PUSH, new AudienceCounts.ChannelCount(0, 1)), 1);
  }

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    BgNbdModel bg = new BgNbdModel(0.24, 4.41, 0.79, 2.43);
    GammaGammaModel gg = new GammaGammaModel(6.25, 3.74, 15.44);
    m.put(RfmSummary.class, () -> RfmSummary.of("c-1", 2, 5.0, 10.0));
    m.put(Transaction.class, () -> new Transaction("c-1", D, 10.0));
    m.put(BgNbdModel.class, () -> bg);
    m.put(PurchaseModel.class, () -> bg);
    m.put(MbgNbdModel.class, () -> new MbgNbdModel(0.24, 4.41, 0.79, 2.43));
    m.put(ParetoNbdModel.class, () -> new ParetoNbdModel(0.55, 10.58, 0.61, 11.67));
    m.put(GammaGammaModel.class, () -> gg);
    m.put(ClvScorer.Options.class, () -> ClvScorer.Options.defaults(PeriodUnit.DAY));
    m.put(ClvScorer.class, () -> new ClvScorer(bg, Optional.of(gg), ClvScorer.Options.defaults(PeriodUnit.DAY)));
    m.put(ActiveUsers.class, () -> new ActiveUsers(new InMemoryStorage(), ActivityRules.defaults()));
    m.put(ActivityIndex.class, () -> ActivityIndex.builder().build());
    m.put(ActivityIndex.Builder.class, ActivityIndex::builder);
    m.put(ActivityThresholds.class, ActivityThresholds::defaults);
    m.put(ActivityStatuses.class, () -> new ActivityStatuses(new InMemoryStorage(), ActivityThresholds.defaults()));
    m.put(AffinityRules.class, AffinityRules::defaults);
    m.put(AffinityRules.Builder.class, AffinityRules::builder);
    m.put(Affinities.class, () -> new Affinities(new InMemoryStorage(), AffinityRules.defaults()));
    m.put(EngagementThresholds.class, EngagementThresholds::defaults);
    m.put(EngagementLevels.class, () -> new EngagementLevels(new InMemoryStorage(), ActivityRules.defaults(),
        EngagementThresholds.defaults()));
    m.put(Eligibility.Rules.class, () -> Eligibility.Rules.DEFAULTS);
    m.put(Eligibility.class, () -> new Eligibility(true, List.of()));
    m.put(MauSketches.class, () -> MauSketches.empty(12));
    m.put(MetricSnapshots.class, () -> new MetricSnapshots(new InMemoryStorage()));
    m.put(MetricKey.class, () -> new MetricKey("order", "purchase"));
    m.put(ProfilesOverTime.class, () -> new ProfilesOverTime(new InMemoryStorage(), ReachabilityPolicy.defaults(),
        ActivityRules.defaults()));
    m.put(ProfileCountStore.class, InMemoryProfileCountStore::new);
    m.put(InMemoryProfileCountStore.class, InMemoryProfileCountStore::new);
    m.put(AudienceCounts.class, PublicArgumentsHuntTest::audience);
    m.put(DailyProfileCounts.class, () -> new DailyProfileCounts(D, audience()));
    m.put(ReachabilityPolicy.class, ReachabilityPolicy::defaults);
    m.put(MetricSummary.class, () -> new MetricSummary(new MetricKey("order", "purchase"), 1, java.math.BigDecimal.ONE, 1,
        java.math.BigDecimal.ONE));
    m.put(dev.clientele.core.OrderSummary.class, () -> dev.clientele.core.OrderSummary.NONE);
    m.put(dev.clientele.core.RevenueRules.class, dev.clientele.core.RevenueRules::anyCurrency);
    m.put(HoldoutReport.Group.class, () -> new HoldoutReport.Group("1", 1, 1.0, 1.0));
    m.put(java.util.OptionalDouble.class, java.util.OptionalDouble::empty);
    m.put(ChurnRisk.class, () -> ChurnRisk.values()[0]);
    m.put(ParametricModel.class, () -> bg);
    m.put(ActivityStatusCounts.class, () -> new ActivityStatusCounts(D, Map.of(ActivityStatus.values()[0], 1L)));
    m.put(MetricSnapshot.class, () -> new MetricSnapshot(P1, D, List.of(), dev.clientele.core.OrderSummary.NONE));
    return m;
  }

  static Map<String, Supplier<?>> byKey() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("RfmSummaries#readSummaries/reader", () -> new StringReader("customer_id,frequency,recency,T\nc-1,1,2,3\n"));
    m.put("RfmSummaries#readTransactions/reader", () -> new StringReader("customer_id,date,amount\nc-1,2026-10-03,5\n"));
    m.put("HoldoutReport#of/holdoutFrequencies", () -> Map.of("c-1", 1));
    m.put("PurchaseModel#fit/name", () -> "bgnbd");
    m.put("MauEstimate#new/relativeStandardError", () -> 0.1);
    m.put("PeriodUnit#parse/text", () -> "day");
    m.put("ActivityIndex.Builder#activeEvent/profile", () -> 0);
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("loginType", () -> "login");
    m.put("category", () -> "shoes");
    m.put("customerId", () -> "c-1");
    m.put("month", () -> YearMonth.parse("2026-10"));
    m.put("lgK", () -> 12);
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    ArgumentSweep s = ArgumentSweep.over(ArgumentSweep.publicTypes(RfmSummary.class), byKey(), byName(), own)
        .allow("PeriodUnit#fromDays/days=*", "Javadoc: plain arithmetic, NaN and infinities pass through")
        .alias("PeriodUnit#parse/name", "time unit")
        .alias("ClvScorer.Options#new/mediumChurnRisk", "<= medium <=")
        .alias("ClvScorer.Options#new/highChurnRisk", "<= high <=")
        .alias("ClvScorer.Options#withChurnBands/medium", "<= medium <=")
        .alias("ClvScorer.Options#withChurnBands/high", "<= high <=")
        .alias("PurchaseModel#fit/name", "model")
        .allow("ClvScorer.Options#new/winBackGapMultiple=+Inf", "Javadoc: infinity turns the gap rule off")
        .allow("ClvScorer.Options#withWinBack/gapMultiple=+Inf", "Javadoc: infinity turns the gap rule off");
    // Result records: their constructors check nulls only (Javadoc "Checks for nulls", "Copies the
    // rows"), and NaN is a documented value of several figures.
    for (String f : List.of("probabilityAlive", "expectedPurchases", "probabilityOfOrder", "expectedSpend", "predictedClv",
        "churnRisk")) {
      s.allow("CustomerValue#new/" + f + "=*", "result record: NaN documented, figures not validated");
    }
    for (String f : List.of("actualMean", "expectedMean")) {
      s.allow("HoldoutReport.Group#new/" + f + "=*", "result record: figures not validated");
    }
    for (String f : List.of("actualTotal", "expectedTotal")) {
      s.allow("HoldoutReport#new/" + f + "=*", "result record: figures not validated");
    }
    return s;
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("analytics"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void holdoutReport_hugeLastGroup_sameReportAsALastGroupNoCustomerReaches() {
    BgNbdModel bg = new BgNbdModel(0.24, 4.41, 0.79, 2.43);
    List<RfmSummary> calibration = List.of(RfmSummary.of("c-1", 0, 0.0, 10.0), RfmSummary.of("c-2", 2, 5.0, 10.0),
        RfmSummary.of("c-3", 9, 9.0, 10.0));
    Map<String, Integer> holdout = Map.of("c-1", 0, "c-2", 1, "c-3", 4);
    HoldoutReport huge = HoldoutReport.of(bg, calibration, holdout, 5.0, Integer.MAX_VALUE);
    HoldoutReport big = HoldoutReport.of(bg, calibration, holdout, 5.0, 100);
    assertThat(huge).isEqualTo(big);
    assertThat(huge.groups()).extracting(HoldoutReport.Group::label).containsExactly("0", "2", "9");
    assertThat(HoldoutReport.of(bg, calibration, holdout, 5.0, 2).groups()).extracting(HoldoutReport.Group::label)
        .containsExactly("0", "2+");
  }

  @Test
  void classify_negativeLoginCount_refusedNamingIt() {
    assertThatThrownBy(() -> ActivityThresholds.defaults().classify(0, -1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loginsInActiveWindow");
  }
}
