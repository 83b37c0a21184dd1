package dev.clientele;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.InMemoryProfileCountStore;
import dev.clientele.analytics.MetricKey;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.analytics.ProfileCountStore;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;
import dev.clientele.export.ExportRequest;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import dev.clientele.segments.SegmentConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of the facade ({@link Clientele}, its builder and its
 * result types), swept by reflection ({@link ArgumentSweep}): null, edge numbers, odd strings
 * (masked in messages when personal), collections copied in and read-only out.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");

  static final ProfileId P2 = ProfileId.of("p-2");

  /** A facade holding two profiles, p-1 (ann@) and p-2 (bob@), at a fixed clock. */
  static Clientele clientele() {
    AtomicInteger next = new AtomicInteger();
    Clientele c = Clientele.builder().clock(Clock.fixed(T.plusSeconds(3600), ZoneOffset.UTC))
        .profileIds(() -> ProfileId.of("p-" + next.incrementAndGet())).build();
    c.ingest(Event.builder("e-1", "identify", T).identifier(EMAIL).data("first_name", "Ann").build());
    c.ingest(Event.builder("e-2", "order", T).identifier(IdentifierType.EMAIL, "bob@example.com").data("total", 5).build());
    return c;
  }

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    m.put(Clientele.class, PublicArgumentsHuntTest::clientele);
    m.put(Clientele.Builder.class, Clientele::builder);
    m.put(ProfileSearch.class, ProfileSearch::all);
    m.put(TimelineQuery.class, TimelineQuery::all);
    m.put(ExportRequest.class, () -> ExportRequest.builder().build());
    m.put(ClvScorer.class, () -> new ClvScorer(new BgNbdModel(0.24, 4.41, 0.79, 2.43), Optional.empty(),
        ClvScorer.Options.defaults(PeriodUnit.DAY)));
    m.put(ProfileCountStore.class, InMemoryProfileCountStore::new);
    m.put(AffinityRules.class, AffinityRules::defaults);
    m.put(MetricKey.class, () -> new MetricKey("order", ""));
    m.put(SegmentConfig.class, SegmentConfig::none);
    m.put(ReachabilityPolicy.class, ReachabilityPolicy::defaults);
    m.put(ErasurePolicy.class, ErasurePolicy::defaults);
    m.put(IdentityRules.class, IdentityRules::defaults);
    m.put(RevenueRules.class, RevenueRules::anyCurrency);
    m.put(dev.clientele.analytics.ActivityThresholds.class, dev.clientele.analytics.ActivityThresholds::defaults);
    m.put(dev.clientele.analytics.EngagementThresholds.class, dev.clientele.analytics.EngagementThresholds::defaults);
    m.put(IngestStats.Details.class, () -> new IngestStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0).details());
    m.put(LinkPlan.Refusal.class, () -> new LinkPlan.Refusal(EMAIL, LinkPlan.Rule.LIMIT, "over the limit"));
    m.put(Storage.class, InMemoryStorage::new);
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("source", () -> "app");
    m.put("tag", () -> "vip");
    m.put("list", () -> "news");
    m.put("eventId", () -> "e-9");
    m.put("into", () -> P1);
    m.put("from", () -> P2);
    m.put("lgK", () -> 12);
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    return ArgumentSweep.over(ArgumentSweep.publicTypes(Clientele.class), Map.of(), byName(), own)
        .allow("Clientele#split/mergeRecord=*", "Javadoc: @throws NoSuchElementException if there is no such record "
            + "(the message names it, masked when it does not look like an id)");
  }

  /**
   * The segment queries a caller gets from {@link Clientele#segments()} (a package-private class):
   * their abstract methods swept on one facade's instance.
   */
  @Test
  void publicArguments_segmentQueriesOfTheFacade() {
    try (Clientele c = clientele()) {
      Map<Class<?>, Supplier<?>> own = own();
      own.put(dev.clientele.segments.SegmentQueries.class, c::segments);
      own.put(dev.clientele.segments.Segment.class, () -> dev.clientele.segments.Segment.of("vip",
          dev.clientele.segments.Condition.inList("news")));
      ArgumentSweep s = ArgumentSweep.over(List.of(dev.clientele.segments.SegmentQueries.class), Map.of(), byName(), own)
          .abstractMethodsOf(dev.clientele.segments.SegmentQueries.class)
          .run();
      System.out.println(s.report("sdk segments()"));
      assertThat(s.members).isGreaterThanOrEqualTo(9);
      assertThat(s.findings).isEmpty();
    }
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("sdk"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void split_unknownRecord_messageShowsAPlainIdAndMasksAnythingElse() {
    try (Clientele c = clientele()) {
      assertThatThrownBy(() -> c.split("m-404", "wrong")).isInstanceOf(java.util.NoSuchElementException.class)
          .hasMessage("no merge record with id m-404");
      assertThatThrownBy(() -> c.split("ann." + ArgumentSweep.MARK + "@example.com\n", "wrong"))
          .isInstanceOf(java.util.NoSuchElementException.class).message().doesNotContain(ArgumentSweep.MARK)
          .doesNotContain("\n");
      assertThatThrownBy(() -> c.split(null, "wrong")).hasMessage("mergeRecord");
    }
  }

  @Test
  void facadeQueries_nullArguments_nameTheFacadesParameters() {
    try (Clientele c = clientele()) {
      assertThatThrownBy(() -> c.engagement(null, java.time.LocalDate.parse("2026-10-03"))).hasMessage("id");
      assertThatThrownBy(() -> c.metricSnapshot(P1, null)).hasMessage("day");
      assertThatThrownBy(() -> c.affinities(null, java.time.LocalDate.parse("2026-10-03"), 3, AffinityRules.defaults()))
          .hasMessage("id");
    }
  }

  @Test
  void builder_setTwice_followsTheDocumentedRule() {
    assertThatThrownBy(() -> Clientele.builder().storage(new InMemoryStorage()).storage(new InMemoryStorage()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage");
  }

  /**
   * The probes the sweep cannot reach (it has no merge record id): split's reason, on a real merge,
   * and merge's reason. A reason is kept in the merge log and shown by explain: blank, over 1 000
   * characters, a NUL or an unpaired surrogate is refused naming it; a line break or an ordinary
   * sentence is kept.
   */
  @Test
  void splitAndMerge_oddReasons_refusedNamingTheReasonOrKept() {
    Map<String, Boolean> kept = new java.util.LinkedHashMap<>();
    kept.put("", false);
    kept.put("   ", false);
    kept.put("x".repeat(10 * 1024 * 1024), false);
    kept.put("x".repeat(1_001), false);
    kept.put("wrong \u0000 merge", false);
    kept.put("wrong \ud800 merge", false);
    kept.put("wrong merge \udc00", false);
    kept.put("wrong\nmerge", true);
    kept.put("x".repeat(1_000), true);
    kept.put("glued by a shared tablet \ud83d\udcf1", true);
    for (Map.Entry<String, Boolean> e : kept.entrySet()) {
      String reason = e.getKey();
      try (Clientele c = clientele()) {
        c.ingest(Event.builder("e-3", "identify", T).identifier(EMAIL).identifier(IdentifierType.EMAIL, "bob@example.com")
            .build());
        String record = c.mergeLog(c.profile(EMAIL).orElseThrow().id()).get(0).id();
        if (e.getValue()) {
          assertThat(c.split(record, reason).record()).isNotBlank();
          assertThat(c.merge(P1, P2, reason).mergedFrom()).isNotEmpty();
        } else {
          assertThatThrownBy(() -> c.split(record, reason)).isInstanceOf(IllegalArgumentException.class)
              .message().contains("reason").hasSizeLessThan(120);
          assertThatThrownBy(() -> c.merge(P1, P2, reason)).isInstanceOf(IllegalArgumentException.class)
              .message().contains("reason").hasSizeLessThan(120);
        }
      }
    }
  }

  @Test
  void tag_controlCharactersOrUnpairedSurrogates_refusedNamingTheTag() {
    try (Clientele c = clientele()) {
      for (String bad : List.of("vip\n", "v\u0000ip", "vip\ud800", "\udc00vip", "v\u0085ip")) {
        assertThatThrownBy(() -> c.tag(P1, bad)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tag ");
      }
      assertThat(c.tag(P1, "vip \ud83d\udc8e").tags()).contains("vip \ud83d\udc8e");
      assertThat(c.tag(P1, "x".repeat(64)).tags()).contains("x".repeat(64));
      assertThatThrownBy(() -> c.tag(P1, "x".repeat(65))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("tag ");
    }
  }
}
