package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.MembershipSpan;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentQueries;
import dev.clientele.segments.SegmentTransition;
import dev.clientele.segments.Segments;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Segments wired into ingestion: incremental membership after any event sequence equals a full
 * re-evaluation, and triggers fire exactly once per committed transition under concurrent
 * ingestion, including merges.
 */
class SegmentsIngestTest {
  static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  static final List<Segment> SEGMENTS = List.of(
      Segment.of("gold", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold")),
      Segment.of("reachable-email", Condition.reachable(Channel.EMAIL)),
      Segment.of("news", Condition.inList("news")),
      Segment.of("repeat-buyers", Condition.eventCount("order", Comparison.GE, 2)),
      Segment.of("lapsed", Condition.eventCount("order", Comparison.GE, 1)
          .and(Condition.not(Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(30))))),
      Segment.of("sleepers", Condition.activity(ActivityStatus.SLEEPER)),
      Segment.of("unhappy", Condition.occurred("feedback", Condition.Which.LAST, Duration.ofDays(7)).withAction("negative")
          .and(Condition.orders(Condition.OrderMeasure.REVENUE, Comparison.GE, BigDecimal.valueOf(50)))),
      Segment.of("opted-out", Condition.consent(Channel.EMAIL, Consent.OPT_OUT)),
      Segment.of("has-phone", Condition.hasIdentifier(IdentifierType.PHONE)),
      Segment.of("anonymous-browsers", Condition.not(Condition.hasIdentifier(IdentifierType.EMAIL))
          .and(Condition.eventCount("pageview", Comparison.GE, 2).within(Duration.ofDays(14)))));

  /** One generated event: whose identifiers (bit mask), what kind, a value, how many days ago. */
  record Spec(int person, int mask, int kind, int value, int daysAgo) {}

  /** One generated {@link Spec} (shared with {@link IngestAllReadAheadTest}). */
  static Arbitrary<Spec> spec() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(1, 15),
            Arbitraries.integers().between(0, 10),
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 120))
        .as(Spec::new);
  }

  @Provide
  Arbitrary<List<Spec>> histories() {
    return spec().list().ofMinSize(1).ofMaxSize(30);
  }

  /** Person p's identifiers: email, customer id, phone, and a device that person p+1 shares. */
  static List<Identifier> identifiers(int person, int mask) {
    List<Identifier> all = List.of(
        Identifier.of(IdentifierType.EMAIL, "person" + person + "@example.com"),
        Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + person),
        Identifier.of(IdentifierType.PHONE, "+4915112345" + String.format(java.util.Locale.ROOT, "%03d", person)),
        Identifier.of(IdentifierType.ANONYMOUS_ID, "device-" + (person / 2)));
    List<Identifier> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  static Event event(String id, Spec s) {
    Instant at = NOW.minus(Duration.ofDays(s.daysAgo())).minusSeconds(s.value());
    Event.Builder b = switch (s.kind()) {
      case 0 -> Event.builder(id, "identify", at).data("tier", s.value() % 2 == 0 ? "gold" : "silver");
      case 1, 2 -> Event.builder(id, "order", at).action("purchase").data("total", BigDecimal.valueOf(s.value()));
      case 3 -> Event.builder(id, "login", at).action("login");
      case 4 -> Event.builder(id, "feedback", at).action(s.value() % 2 == 0 ? "negative" : "positive");
      case 5 -> Event.builder(id, "consent", at).action(s.value() % 2 == 0 ? "opt_out" : "opt_in");
      case 6 -> Event.builder(id, "list", at).action(s.value() % 2 == 0 ? "subscribe" : "unsubscribe")
          .data("list", "news");
      case 7 -> Event.builder(id, "reachability", at).action(s.value() % 3 == 0 ? "hard_bounce" : "deliverable");
      default -> Event.builder(id, "pageview", at);
    };
    identifiers(s.person(), s.mask()).forEach(b::identifier);
    return b.build();
  }

  static Clientele clientele(SegmentConfig config) {
    return Clientele.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).segments(config).build();
  }

  /**
   * Found by the property below (seed 1296986425786560569): person 3's opt-out names their email,
   * which person 2's profile holds (linked through a shared device), next to a second customer id;
   * the link is refused and person 2's profile gets the opt-out as a derived event. Its segments
   * must be re-evaluated too, not only those of the profile the event resolved to.
   */
  @Test
  void consentPartAppliedToAnotherProfile_reevaluatesThatProfile() {
    incrementalMembership_equalsFullReevaluation(List.of(
        new Spec(2, 10, 0, 0, 0), new Spec(3, 9, 0, 0, 0), new Spec(3, 3, 5, 0, 0)));
  }

  @Property(tries = 120)
  void incrementalMembership_equalsFullReevaluation(@ForAll("histories") List<Spec> history) {
    Set<ProfileId> seen = new HashSet<>();
    try (Clientele c = clientele(SegmentConfig.builder().defineAll(SEGMENTS).build())) {
      for (int i = 0; i < history.size(); i++) {
        IngestResult r = c.ingest(event("e-" + i, history.get(i)));
        r.profile().ifPresent(seen::add);
        seen.addAll(r.mergedProfiles());
      }
      SegmentQueries segments = c.segments();
      for (ProfileId id : seen) {
        Set<String> expected = new TreeSet<>();
        c.profile(id).ifPresent(p -> SEGMENTS.stream().filter(s -> segments.matches(s, p, NOW)).forEach(s -> expected.add(s.name())));
        assertThat(new TreeSet<>(segments.memberships(id))).as("profile %s", id).isEqualTo(expected);
      }
    }
  }

  @Test
  void splitAndForcedMerge_reevaluateEveryProfileTheyReshape() {
    try (Clientele c = clientele(SegmentConfig.builder().defineAll(SEGMENTS).build())) {
      Identifier ann = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
      Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
      c.ingest(Event.builder("e1", "identify", NOW.minusSeconds(60)).identifier(ann).data("tier", "gold").build());
      c.ingest(Event.builder("e2", "pageview", NOW.minusSeconds(50)).identifier(bob).build());
      IngestResult glue = c.ingest(Event.builder("e3", "pageview", NOW.minusSeconds(40)).identifier(ann).identifier(bob).build());
      ProfileId both = glue.profile().orElseThrow();
      assertThat(c.segments().memberships(both)).contains("gold");

      SplitResult split = c.split(c.mergeLog(both).get(0).id(), "two people");

      ProfileId annId = c.profile(ann).orElseThrow().id();
      ProfileId bobId = c.profile(bob).orElseThrow().id();
      assertThat(c.segments().memberships(annId)).contains("gold");
      assertThat(c.segments().memberships(bobId)).doesNotContain("gold");
      assertThat(split.restored()).hasSize(1);

      Profile merged = c.merge(annId, bobId, "same person after all");
      ProfileId gone = merged.id().equals(annId) ? bobId : annId;
      assertThat(c.segments().memberships(merged.id())).contains("gold");
      assertThat(c.segments().memberships(gone)).isEmpty();
    }
  }

  @Test
  void aMergeAndAnErasure_firePerTransition() throws Exception {
    List<SegmentTransition> heard = new CopyOnWriteArrayList<>();
    SegmentConfig config = SegmentConfig.builder().defineAll(SEGMENTS).listen("gold", heard::add).build();
    try (Clientele c = clientele(config)) {
      Identifier email = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
      Identifier cid = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");
      c.ingest(Event.builder("e1", "identify", NOW.minusSeconds(60)).identifier(email).data("tier", "gold").build());
      IngestResult second = c.ingest(Event.builder("e2", "login", NOW.minusSeconds(50)).identifier(cid).build());
      IngestResult merge = c.ingest(Event.builder("e3", "login", NOW.minusSeconds(40)).identifier(email).identifier(cid).build());
      assertThat(merge.mergedProfiles()).hasSize(1);
      ProfileId survivor = merge.profile().orElseThrow();
      ProfileId loser = merge.mergedProfiles().get(0);
      assertThat(c.segments().memberships(survivor)).contains("gold");
      assertThat(c.segments().memberships(loser)).isEmpty();
      assertThat(c.segments().addedOn(survivor, "gold")).contains(NOW);
      c.ingest(Event.builder("e4", "compliance", NOW.minusSeconds(30)).action("gdpr_delete").identifier(email).build());
      assertThat(c.segments().history(survivor)).as("erased with the profile").isEmpty();
      assertThat(c.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();
      List<String> got = heard.stream().map(t -> t.kind() + " " + (t.profileId().equals(survivor) ? "survivor" : "loser")
          + " " + t.cause().map(Event::id).orElse("-")).toList();
      if (survivor.equals(second.profile().orElseThrow())) {
        // The customer-id profile survived: the email profile leaves, the survivor enters.
        assertThat(got).containsExactly("ENTER loser e1", "LEAVE loser e3", "ENTER survivor e3", "LEAVE survivor -");
      } else {
        assertThat(got).containsExactly("ENTER survivor e1", "LEAVE survivor -");
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void triggers_fireExactlyOncePerTransition_underConcurrentIngestion() throws Exception {
    Random random = new Random(7);
    List<Event> events = new ArrayList<>();
    int n = 0;
    for (int round = 0; round < 6; round++) {
      for (int p = 0; p < 40; p++) {
        for (int k = 0; k < 8; k++) {
          Spec s = new Spec(p, 1 + random.nextInt(15), random.nextInt(11), random.nextInt(100), random.nextInt(60));
          events.add(event("e-" + n++, s));
        }
      }
    }
    Collections.shuffle(events, random);
    Map<String, List<SegmentTransition.Kind>> byKey = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    SegmentConfig.Builder config = SegmentConfig.builder().defineAll(SEGMENTS).triggerQueueCapacity(100_000);
    for (Segment s : SEGMENTS) {
      config.listen(s.name(), t -> {
        calls.incrementAndGet();
        byKey.computeIfAbsent(t.profileId().value() + "/" + t.segment(), k -> new CopyOnWriteArrayList<>()).add(t.kind());
      });
    }
    try (Clientele c = clientele(config.build())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      Set<ProfileId> seen = ConcurrentHashMap.newKeySet();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        done.add(pool.submit(() -> {
          for (int i = offset; i < events.size(); i += 4) {
            IngestResult r = c.ingest(events.get(i));
            r.profile().ifPresent(seen::add);
            seen.addAll(r.mergedProfiles());
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      SegmentQueries segments = c.segments();
      assertThat(segments.awaitTriggers(Duration.ofSeconds(20))).isTrue();
      assertThat(segments.triggerStats().dropped()).isZero();
      assertThat(segments.triggerStats().delivered()).isEqualTo(calls.get()).isEqualTo(segments.triggerStats().transitions());
      assertThat(c.stats().profilesMerged()).as("the history merges profiles").isPositive();
      long spans = 0;
      for (ProfileId id : seen) {
        List<MembershipSpan> history = segments.history(id);
        spans += history.size();
        Set<String> expected = new TreeSet<>();
        c.profile(id).ifPresent(p -> SEGMENTS.stream().filter(s -> segments.matches(s, p, NOW)).forEach(s -> expected.add(s.name())));
        assertThat(new TreeSet<>(segments.memberships(id))).as("profile %s", id).isEqualTo(expected);
        for (Segment s : SEGMENTS) {
          List<SegmentTransition.Kind> kinds = byKey.getOrDefault(id.value() + "/" + s.name(), List.of());
          for (int i = 0; i < kinds.size(); i++) {
            assertThat(kinds.get(i)).as("%s/%s transition %s alternates", id, s.name(), i)
                .isEqualTo(i % 2 == 0 ? SegmentTransition.Kind.ENTER : SegmentTransition.Kind.LEAVE);
          }
          assertThat(!kinds.isEmpty() && kinds.size() % 2 == 1).as("%s/%s ends inside", id, s.name())
              .isEqualTo(expected.contains(s.name()));
          long stored = history.stream().filter(h -> h.segment().equals(s.name())).count();
          long closed = history.stream().filter(h -> h.segment().equals(s.name()) && !h.isCurrent()).count();
          assertThat(kinds.stream().filter(k -> k == SegmentTransition.Kind.ENTER).count()).isEqualTo(stored);
          assertThat(kinds.stream().filter(k -> k == SegmentTransition.Kind.LEAVE).count()).isEqualTo(closed);
        }
      }
      assertThat(spans).as("transitions happened").isGreaterThan(100);
    }
  }

  @Test
  void delete_leavesEverySegmentAndErasesTheHistory() throws Exception {
    List<SegmentTransition> heard = new CopyOnWriteArrayList<>();
    try (Clientele c = clientele(SegmentConfig.builder().defineAll(SEGMENTS).listen("gold", heard::add).build())) {
      IngestResult r = c.ingest(Event.builder("e1", "identify", NOW.minusSeconds(60))
          .identifier(IdentifierType.EMAIL, "ann@example.com").data("tier", "gold").build());
      ProfileId id = r.profile().orElseThrow();
      assertThat(c.segments().memberships(id)).contains("gold", "reachable-email");
      c.delete(id);
      assertThat(c.segments().memberships(id)).isEmpty();
      assertThat(c.segments().history(id)).isEmpty();
      assertThat(c.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();
      assertThat(heard).extracting(SegmentTransition::kind)
          .containsExactly(SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE);
      assertThat(heard.get(1).profile()).isEmpty();
    }
  }

  @Test
  void profilesFilteredBySegment_matchTheEvaluatedMembers() {
    try (Clientele c = clientele(SegmentConfig.none())) {
      for (int i = 0; i < 40; i++) {
        c.ingest(event("e-" + i, new Spec(i % 8, 3, i % 4, i, i)));
      }
      Segment repeat = SEGMENTS.get(3);
      List<Profile> members = c.segments().members(repeat, NOW).toList();
      assertThat(members).isNotEmpty().hasSize((int) c.segments().count(repeat, NOW));
      assertThat(members).allMatch(p -> c.segments().matches(repeat, p, NOW));
    }
  }
}
