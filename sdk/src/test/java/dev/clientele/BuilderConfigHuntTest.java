package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.analytics.AffinityRules;
import dev.clientele.analytics.CategoryScore;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.IdentityRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Bug hunt on {@link Clientele.Builder} and the option objects an embedder hands it: each option
 * observed through the public API against its Javadoc, ranged options as properties, and builder
 * reuse.
 */
class BuilderConfigHuntTest {
  private static final Instant NOW = Instant.parse("2026-10-15T12:00:00Z");

  private static Event login(String id, Instant at) {
    return Event.builder(id, "login", at).identifier(IdentifierType.CUSTOMER_ID, "c-" + id).build();
  }

  @Provide
  Arbitrary<Integer> offsets() {
    // seconds around now; boundaries are hit by the bounds below being drawn from the same range
    return Arbitraries.integers().between(-900, 900).edgeCases(c -> c.add(0));
  }

  /**
   * {@code eventTimes(maxAge, maxAhead)}: an event is accepted exactly when its time lies within
   * maxAge before and maxAhead after the clock, both ends included; a rejected event is not stored.
   */
  @Property(tries = 150)
  void eventTimes_acceptExactlyTheWindow(@ForAll @IntRange(min = 0, max = 600) int ageSeconds,
      @ForAll @IntRange(min = 0, max = 600) int aheadSeconds, @ForAll("offsets") int offset) {
    try (Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .eventTimes(Duration.ofSeconds(ageSeconds), Duration.ofSeconds(aheadSeconds)).build()) {
      IngestResult r = c.ingest(login("e", NOW.plusSeconds(offset)));
      boolean inside = offset >= -ageSeconds && offset <= aheadSeconds;
      assertThat(r.outcome()).as("offset %s, window -%s..+%s", offset, ageSeconds, aheadSeconds)
          .isEqualTo(inside ? IngestResult.Outcome.APPLIED : IngestResult.Outcome.REJECTED);
      assertThat(c.profile(Identifier.of(IdentifierType.CUSTOMER_ID, "c-e")).isPresent()).isEqualTo(inside);
    }
  }

  /** One event of the caps property: which person-slots' identifiers it carries. */
  record Sighting(List<Integer> emails, List<Integer> phones) {}

  @Provide
  Arbitrary<List<Sighting>> sightings() {
    Arbitrary<List<Integer>> slots = Arbitraries.integers().between(0, 5).list().ofMaxSize(3).uniqueElements();
    return net.jqwik.api.Combinators.combine(slots, slots).as(Sighting::new)
        .filter(s -> !s.emails().isEmpty() || !s.phones().isEmpty()).list().ofMinSize(1).ofMaxSize(12);
  }

  /**
   * maxIdentifiersPerProfile, maxMergesPerProfile and a per-type limit (IdentityRules and
   * IdentifierPolicy): whatever events come, no profile holds more identifiers, more emails or
   * more merged profiles than configured, every identifier held is held by exactly one profile,
   * and the identifier index agrees.
   */
  @Property(tries = 80)
  void identityCaps_holdForAnyEvents(@ForAll("sightings") List<Sighting> events,
      @ForAll @IntRange(min = 1, max = 5) int maxIds, @ForAll @IntRange(min = 0, max = 3) int maxMerges,
      @ForAll @IntRange(min = 1, max = 3) int emailLimit) {
    IdentityRules rules = IdentityRules.builder().maxIdentifiersPerProfile(maxIds).maxMergesPerProfile(maxMerges)
        .policy(IdentifierType.EMAIL, dev.clientele.identity.IdentifierPolicy.linking(80).withLimit(emailLimit)).build();
    try (Clientele c = Clientele.builder().identityRules(rules).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
      int n = 0;
      for (Sighting s : events) {
        Event.Builder e = Event.builder("e" + n, "login", NOW.plusSeconds(n));
        n++;
        for (int i : s.emails()) {
          e.identifier(IdentifierType.EMAIL, "p" + i + "@example.com");
        }
        for (int i : s.phones()) {
          e.identifier(IdentifierType.PHONE, "+1650555010" + i);
        }
        c.ingest(e.build());
      }
      List<dev.clientele.core.Profile> all = c.search(dev.clientele.core.ProfileSearch.all().withPage(0, 1000)).items();
      java.util.Map<Identifier, Integer> holders = new java.util.HashMap<>();
      for (dev.clientele.core.Profile p : all) {
        assertThat(p.identifiers().size()).as("identifiers of %s", p.id()).isLessThanOrEqualTo(maxIds);
        assertThat(p.identifierCount(IdentifierType.EMAIL)).as("emails of %s", p.id()).isLessThanOrEqualTo(emailLimit);
        assertThat(p.mergedFrom().size()).as("merged into %s", p.id()).isLessThanOrEqualTo(maxMerges);
        p.identifiers().forEach(st -> holders.merge(st.identifier(), 1, Integer::sum));
      }
      assertThat(holders.values()).as("each identifier on one profile").allMatch(k -> k == 1);
      for (Identifier id : holders.keySet()) {
        assertThat(c.profile(id)).as("index agrees for %s", id.type()).isPresent();
      }
    }
  }


  /**
   * {@code ingestBatchSize(k)}: ingestAll writes k events per commit (distinct people, nothing to
   * retry), so n new profiles take ceil(n / k) commits; the default on a host backend is
   * {@value Clientele#DEFAULT_BATCH_SIZE}. The profiles are those of event-by-event ingestion.
   */
  @Property(tries = 30)
  void ingestBatchSize_isTheEventsPerCommit(@ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 12) int k) {
    BatchIngestTest.CountingStorage storage = new BatchIngestTest.CountingStorage();
    Clientele.Builder b = Clientele.builder().storage(storage)
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build());
    if (k > 0) {
      b.ingestBatchSize(k);
    }
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(login("e" + i, NOW.minusSeconds(i)));
    }
    try (Clientele c = b.build()) {
      c.ingestAll(events);
      int perCommit = k > 0 ? k : Clientele.DEFAULT_BATCH_SIZE;
      assertThat(storage.commits.get()).as("n=%s k=%s", n, k).isEqualTo((n + perCommit - 1) / perCommit);
      assertThat(c.stats().profilesCreated()).isEqualTo(n);
    }
  }

  /** Setting more options on a builder after build() changes the next instance only. */
  @Example
  void builder_reuse_leavesTheBuiltInstanceAlone() {
    Clientele.Builder b = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC));
    Event sent = Event.builder("s", "campaign", NOW).action("sent").identifier(IdentifierType.EMAIL, "a@b.co").build();
    try (Clientele first = b.build()) {
      b.activityRules(ActivityRules.defaults().withActive("campaign", "sent"));
      try (Clientele second = b.build()) {
        first.ingest(sent);
        second.ingest(sent);
        LocalDate day = LocalDate.parse("2026-10-15");
        assertThat(first.mau(day).mau()).as("first keeps the default rules").isZero();
        assertThat(second.mau(day).mau()).isEqualTo(1);
        assertThat(first.stats().profilesCreated()).as("each build has its own in-memory store").isEqualTo(1);
      }
    }
  }

  private static ProfileId viewer(Clientele c) {
    c.ingest(Event.builder("v", "pageview", NOW.minus(Duration.ofDays(10))).action("view")
        .identifier(IdentifierType.CUSTOMER_ID, "c-1").data("category", "bags").build());
    return c.profile(Identifier.of(IdentifierType.CUSTOMER_ID, "c-1")).orElseThrow().id();
  }

  /**
   * AffinityRules accepts any positive half-life; scoring must then work: a half-life beyond what
   * fits in milliseconds scores a 10-day-old view at (almost) its full weight, not an
   * ArithmeticException, and a sub-millisecond one scores it at zero, not NaN.
   */
  @Example
  void affinities_extremeHalfLives_score() {
    try (Clientele c = Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()) {
      ProfileId id = viewer(c);
      LocalDate day = LocalDate.parse("2026-10-15");
      List<CategoryScore> longLived =
          c.affinities(id, day, 1, AffinityRules.builder().halfLife(Duration.ofSeconds(Long.MAX_VALUE)).build());
      assertThat(longLived).singleElement().satisfies(s -> assertThat(s.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9)));
      List<CategoryScore> shortLived = c.affinities(id, day, 1, AffinityRules.builder().halfLife(Duration.ofNanos(1)).build());
      assertThat(shortLived).singleElement().satisfies(s -> assertThat(s.score()).isZero());
      List<CategoryScore> day10 = c.affinities(id, day, 1, AffinityRules.builder().halfLife(Duration.ofDays(10)).build());
      // the view is 10 days and 12 hours before the end of the 15th
      assertThat(day10.get(0).score()).isCloseTo(Math.pow(2, -10.5 / 10), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  /** "Each setting may be set once": a second weight for the same action is refused, not the last one winning. */
  @Example
  void affinityRules_weightOfOneActionTwice_isRefused() {
    AffinityRules.Builder b = AffinityRules.builder().weight("purchase", 10); // replaces a default: fine
    assertThatIllegalStateException().isThrownBy(() -> b.weight("purchase", 2)).withMessageContaining("purchase");
    assertThat(b.build().weight("purchase")).isEqualTo(10.0);
    // an action no event can have would never weigh anything: refused; the empty action is that of action-less events
    for (String bad : List.of("add to cart", "a/b", " view", "x".repeat(65))) {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException().as(bad)
          .isThrownBy(() -> AffinityRules.builder().weight(bad, 1)).withMessageContaining("action must be");
    }
    assertThat(AffinityRules.builder().weight("", 4).build().weight("")).isEqualTo(4.0);
  }
}
