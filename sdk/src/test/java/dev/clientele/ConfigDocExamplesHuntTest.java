package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.EngagementLevel;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.ExchangeRates;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.export.CsvOptions;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The configuration examples in the Javadoc of the option classes and in the README, compiled
 * here as written, and checked to do what the text next to them says.
 */
class ConfigDocExamplesHuntTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");

  /** IdentityRules: "phones without + are British", a blocked value "on top of the defaults". */
  @Test
  void identityRules_example() {
    IdentityRules rules = IdentityRules.builder()
        .defaultRegion("GB")                 // phones without + are British
        .blockValue("noreply@example.com")   // on top of the defaults
        .build();
    assertThat(rules.blockedValues()).containsAll(IdentityRules.DEFAULT_BLOCKED_VALUES).contains("noreply@example.com");
    try (Clientele c = Clientele.builder().identityRules(rules).build()) {
      IngestResult r = c.ingest(Event.builder("e-1", "login", T).identifier(IdentifierType.PHONE, "020 7123 4567")
          .identifier(IdentifierType.EMAIL, "NoReply@Example.com").identifier(IdentifierType.CUSTOMER_ID, "c-1").build());
      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      Profile p = c.profile(Identifier.of(IdentifierType.CUSTOMER_ID, "c-1")).orElseThrow();
      assertThat(p.identifiers()).extracting(s -> s.identifier().value()).contains("+442071234567")
          .doesNotContain("noreply@example.com");
    }
  }

  /** SurvivorshipRules: the oldest profile survives, points are summed, interests united. */
  @Test
  void survivorship_example() {
    SurvivorshipRules rules = SurvivorshipRules.builder()
        .survivor(SurvivorshipRules.Survivor.OLDEST)
        .attribute("loyalty_points", SurvivorshipRules.AttributeMerge.SUM)
        .attribute("interests", SurvivorshipRules.AttributeMerge.UNION)
        .build();
    try (Clientele c = Clientele.builder().identityRules(IdentityRules.builder().survivorship(rules).build()).build()) {
      c.ingest(Event.builder("e-1", "identify", T).identifier(IdentifierType.EMAIL, "a@example.com")
          .data("loyalty_points", 5).data("interests", List.of("golf")).build());
      Profile older = c.profile(Identifier.of(IdentifierType.EMAIL, "a@example.com")).orElseThrow();
      c.ingest(Event.builder("e-2", "identify", T.plusSeconds(60)).identifier(IdentifierType.PHONE, "+16505550100")
          .data("loyalty_points", 7).data("interests", List.of("chess")).build());
      c.ingest(Event.builder("e-3", "login", T.plusSeconds(120)).identifier(IdentifierType.EMAIL, "a@example.com")
          .identifier(IdentifierType.PHONE, "+16505550100").build());
      Profile merged = c.profile(Identifier.of(IdentifierType.PHONE, "+16505550100")).orElseThrow();
      assertThat(merged.id()).isEqualTo(older.id());
      assertThat(((Number) merged.attributes().get("loyalty_points").value()).intValue()).isEqualTo(12);
      assertThat(merged.attributes().get("interests").value()).isEqualTo(List.of("chess", "golf"));
    }
  }

  /** IdentifierPolicy: "five per profile a week" and "low confidence: never links". */
  @Test
  void identifierPolicy_example() {
    IdentifierPolicy weekly = IdentifierPolicy.linking(10).withLimit(5, Duration.ofDays(7));   // five per profile a week
    IdentifierPolicy low = IdentifierPolicy.attachOnly(20);                                 // low confidence: never links
    assertThat(weekly.limit()).hasValue(5);
    assertThat(weekly.window()).contains(Duration.ofDays(7));
    assertThat(low.links()).isFalse();
    IdentifierType card = IdentifierType.of("loyalty_card");
    try (Clientele c = Clientele.builder().identityRules(IdentityRules.builder().policy(card, low).build()).build()) {
      c.ingest(Event.builder("e-1", "login", T).identifier(IdentifierType.EMAIL, "a@example.com").identifier(card, "L1").build());
      c.ingest(Event.builder("e-2", "login", T).identifier(IdentifierType.EMAIL, "b@example.com").build());
      c.ingest(Event.builder("e-3", "login", T).identifier(IdentifierType.EMAIL, "b@example.com").identifier(card, "L1").build());
      assertThat(c.profile(Identifier.of(IdentifierType.EMAIL, "a@example.com")).orElseThrow().id())
          .as("an attach-only type does not merge").isNotEqualTo(c.profile(Identifier.of(IdentifierType.EMAIL, "b@example.com")).orElseThrow().id());
    }
  }

  /** ReachabilityPolicy: "email needs an explicit opt-in too". */
  @Test
  void reachabilityPolicy_example() {
    ReachabilityPolicy strict = ReachabilityPolicy.builder()
        .unknownConsentReachable(Channel.EMAIL, false)   // email needs an explicit opt-in too
        .build();
    try (Clientele loose = Clientele.inMemory(); Clientele c = Clientele.builder().reachabilityPolicy(strict).build()) {
      for (Clientele x : List.of(loose, c)) {
        x.ingest(Event.builder("e-1", "login", T).identifier(IdentifierType.EMAIL, "a@example.com").build());
      }
      assertThat(loose.audience().channels().get(Channel.EMAIL).reachable()).isEqualTo(1);
      assertThat(c.audience().channels().get(Channel.EMAIL).reachable()).isZero();
    }
  }

  /** ErasurePolicy with a salt: the same salt gives the same tombstones (what survives a restart). */
  @Test
  void erasurePolicy_example() {
    byte[] secret = "0123456789abcdef-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ErasurePolicy policy = ErasurePolicy.builder()
        .salt(secret)   // at least 16 bytes
        .replay(ErasurePolicy.Replay.BLOCK)
        .build();
    ErasurePolicy again = ErasurePolicy.builder().salt(secret).build();
    Identifier ann = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    assertThat(policy.tombstoneOf(ann)).isEqualTo(again.tombstoneOf(ann)).hasSize(64);
    assertThat(policy.hasRandomSalt()).isFalse();
    assertThat(ErasurePolicy.defaults().tombstoneOf(ann)).isNotEqualTo(policy.tombstoneOf(ann));
  }

  /** ActivityRules, ActivityThresholds, EngagementThresholds and AffinityRules examples. */
  @Test
  void analyticsOptions_examples() {
    ActivityRules rules = ActivityRules.defaults().withInactive("campaign", "delivered");
    assertThat(rules.isActive("campaign", "delivered")).isFalse();
    assertThat(rules.isActive("campaign", "open")).isTrue();

    ActivityThresholds t = ActivityThresholds.defaults().withLoginType("session_start").withActive(14, 3);
    assertThat(t.classify(0, 3, 3)).isEqualTo(ActivityStatus.ACTIVE);
    assertThat(t.classify(0, 2, 2)).isEqualTo(ActivityStatus.OCCASIONAL);

    // high: active in the last 3 days and on 10 of the last 30; medium: in the last 14, on 3
    EngagementThresholds e = EngagementThresholds.defaults().withHigh(3, 10).withMedium(14, 3);
    assertThat(e.classify(3, 10)).isEqualTo(EngagementLevel.HIGH);
    assertThat(e.classify(4, 10)).isEqualTo(EngagementLevel.MEDIUM);
    assertThat(e.classify(14, 3)).isEqualTo(EngagementLevel.MEDIUM);
    assertThat(e.classify(15, 3)).isEqualTo(EngagementLevel.LOW);

    AffinityRules a = AffinityRules.builder().halfLife(Duration.ofDays(14)).weight("purchase", 10).build();
    assertThat(a.weight("purchase")).isEqualTo(10.0);
    assertThat(a.halfLife()).isEqualTo(Duration.ofDays(14));
  }

  /** Clientele.Builder's revenue example and RevenueRules' own: orders in the other currency are converted. */
  @Test
  void revenueRules_examples() {
    RevenueRules usd = RevenueRules.in("USD")
        .withRates(ExchangeRates.fixed("USD", Map.of("GBP", new BigDecimal("1.27"))));
    RevenueRules eur = RevenueRules.in("EUR").withRates(ExchangeRates.fixed("EUR", Map.of("USD", new BigDecimal("0.92"))));
    Event order = Event.builder("o-1", "order", T).identifier(IdentifierType.EMAIL, "a@example.com")
        .data("total", new BigDecimal("100")).data("currency", "GBP").build();
    assertThat(usd.revenueOf(order, new ArrayList<>())).contains(new BigDecimal("127.00"));
    try (Clientele c = Clientele.builder().revenueRules(eur).build()) {
      c.ingest(Event.builder("o-2", "order", T).identifier(IdentifierType.EMAIL, "a@example.com")
          .data("total", new BigDecimal("100")).data("currency", "USD").build());
      assertThat(c.profile(Identifier.of(IdentifierType.EMAIL, "a@example.com")).orElseThrow().orders().revenue())
          .isEqualByComparingTo("92.00");
    }
  }

  /** eventTimes and erasureEvents examples of Clientele.Builder. */
  @Test
  void clienteleBuilder_examples() {
    Instant now = Instant.parse("2026-10-15T00:00:00Z");
    try (Clientele c = Clientele.builder().clock(Clock.fixed(now, ZoneOffset.UTC))
        .eventTimes(Duration.ofDays(30), Duration.ofMinutes(10)).build()) {
      assertThat(c.ingest(Event.builder("a", "login", now.minus(Duration.ofDays(31))).identifier(IdentifierType.EMAIL, "a@example.com")
          .build()).outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
      assertThat(c.ingest(Event.builder("b", "login", now.plus(Duration.ofMinutes(10))).identifier(IdentifierType.EMAIL, "a@example.com")
          .build()).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
    try (Clientele c = Clientele.builder().erasureEvents(e -> false).build()) {                       // delete() only
      c.ingest(Event.builder("a", "login", T).identifier(IdentifierType.EMAIL, "a@example.com").build());
      IngestResult r = c.ingest(Event.builder("d", "compliance", T).action("gdpr_delete")
          .identifier(IdentifierType.EMAIL, "a@example.com").build());
      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
      assertThat(c.profile(Identifier.of(IdentifierType.EMAIL, "a@example.com"))).isPresent();
    }
  }

  /** SegmentConfig, CsvOptions and README's store ceilings compile as written and build. */
  @Test
  void segmentsCsvAndCeilings_examples() {
    List<String> entered = new java.util.concurrent.CopyOnWriteArrayList<>();
    SegmentConfig config = SegmentConfig.builder()
        .define(Segment.of("sleepers-by-email",
            Condition.activity(ActivityStatus.SLEEPER).and(Condition.reachable(Channel.EMAIL))))
        .onEnter("sleepers-by-email", tr -> entered.add(tr.profileId().value()))
        .figures((profile, name) -> OptionalDouble.empty())
        .build();
    assertThat(config.segments()).extracting(Segment::name).containsExactly("sleepers-by-email");
    assertThat(config.listeners()).containsOnlyKeys("sleepers-by-email");

    CsvOptions semicolons = CsvOptions.builder().delimiter(';').lineSeparator("\n").build();
    assertThat(semicolons.delimiter()).isEqualTo(';');

    try (Clientele c = Clientele.builder()
        .storage(InMemoryStorage.builder().maxEvents(5_000_000).maxProfiles(1_000_000).build()).build()) {
      assertThat(c.ingest(Event.builder("a", "login", T).identifier(IdentifierType.EMAIL, "a@example.com").build()).outcome())
          .isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }
}
