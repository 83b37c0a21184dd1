package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentTransition;
import dev.clientele.segments.SegmentsTestAccess;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The segments' timeline cache through the real ingestion: two {@code Clientele}s get the same
 * random session (single events, batches of {@code ingestAll} committed as one, identify events
 * that link and merge, forced merges, splits, {@code gdpr_delete} erasures, out-of-order times)
 * with the same segments over event history; one re-evaluates with the timeline cache, the other
 * with the reference path that reads the whole timeline every time. After every step the
 * memberships and histories of every profile are equal, and at the end the transitions heard.
 */
class SegmentsTimelineCachePropertiesTest {
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
  private static final String[] TYPES = {"pageview", "order", "login"};

  /** One step: {@code kind} picks single event, identify, batch, forced merge, split or erasure. */
  record Step(int kind, int person, int other, int type, int amount, long minutes) {}

  @Provide
  Arbitrary<List<Step>> sessions() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 19),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(0, 30),
            Arbitraries.longs().between(-40L * 1440, 1440))
        .as(Step::new).list().ofMinSize(1).ofMaxSize(50);
  }

  private static List<Segment> segments() {
    return List.of(
        Segment.of("three-pageviews", Condition.eventCount("pageview", Comparison.GE, 3)),
        Segment.of("two-orders-exactly", Condition.eventCount("order", Comparison.EQ, 2)),
        Segment.of("spent-week", Condition.eventSum("order", "amount", Comparison.GE, BigDecimal.valueOf(40)).within(Duration.ofDays(7))),
        Segment.of("new-buyer", Condition.occurred("order", Condition.Which.FIRST, Duration.ofDays(10))),
        Segment.of("recent-view", Condition.occurred("pageview", Condition.Which.LAST, Duration.ofDays(1))),
        Segment.of("active", Condition.activity(ActivityStatus.ACTIVE)),
        Segment.of("mixed", Condition.all(Condition.eventCount("pageview", Comparison.LE, 4).within(Duration.ofDays(30)),
            Condition.not(Condition.eventCount("login", Comparison.GE, 2)))));
  }

  /** One instance and what its listeners heard. */
  private static final class Side {
    final List<SegmentTransition> heard = Collections.synchronizedList(new ArrayList<>());
    final Clientele clientele;

    Side(boolean reference) {
      AtomicInteger ids = new AtomicInteger();
      SegmentConfig.Builder config = SegmentConfig.builder();
      for (Segment s : segments()) {
        config.define(s).listen(s.name(), heard::add);
      }
      clientele = Clientele.builder()
          .profileIds(() -> ProfileId.of(String.format(Locale.ROOT, "p-%04d", ids.incrementAndGet())))
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .erasurePolicy(ErasurePolicy.builder().salt("timeline-cache-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build())
          .ingestBatchSize(3)
          .segments((reference ? SegmentsTestAccess.fullReread(config) : config).build())
          .build();
    }
  }

  @Property(tries = 150)
  void cachedEqualsFullReread(@ForAll("sessions") List<Step> session) throws InterruptedException {
    Side cached = new Side(false);
    Side reference = new Side(true);
    Set<ProfileId> seen = new LinkedHashSet<>();
    int[] events = {0};
    try {
      for (Step s : session) {
        for (Side side : List.of(cached, reference)) {
          apply(side.clientele, s, events[0], seen);
        }
        events[0] += 4;
        for (ProfileId id : seen) {
          assertThat(cached.clientele.segments().memberships(id)).as("memberships of %s", id)
              .isEqualTo(reference.clientele.segments().memberships(id));
          assertThat(cached.clientele.segments().history(id)).as("history of %s", id)
              .isEqualTo(reference.clientele.segments().history(id));
        }
      }
      assertThat(cached.clientele.segments().awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(reference.clientele.segments().awaitTriggers(Duration.ofSeconds(10))).isTrue();
      assertThat(cached.heard).isEqualTo(reference.heard);
    } finally {
      cached.clientele.close();
      reference.clientele.close();
    }
  }

  private static Identifier customer(int person) {
    return Identifier.of("customer_id", "c-" + person);
  }

  private static Event event(Step s, int n, int person) {
    Event.Builder b = Event.builder("e-" + n, TYPES[s.type()], NOW.plus(Duration.ofMinutes(s.minutes() - n % 7))).identifier(customer(person));
    if (s.amount() < 25) {
      b.data("amount", BigDecimal.valueOf(s.amount()));
    }
    return b.build();
  }

  private static void apply(Clientele c, Step s, int n, Set<ProfileId> seen) {
    if (s.kind() < 10) {
      note(c.ingest(event(s, n, s.person())), seen);
    } else if (s.kind() < 13) {
      Event identify = Event.builder("e-" + n, "identify", NOW.plus(Duration.ofMinutes(s.minutes())))
          .identifier(customer(s.person())).identifier(IdentifierType.EMAIL, "u" + s.other() + "@example.com").build();
      note(c.ingest(identify), seen);
    } else if (s.kind() < 16) {
      List<Event> batch = List.of(event(s, n, s.person()), event(s, n + 1, s.person()), event(s, n + 2, s.other()), event(s, n + 3, s.person()));
      c.ingestAll(batch, r -> note(r, seen));
    } else if (s.kind() < 17) {
      Optional<Profile> a = c.profile(customer(s.person()));
      Optional<Profile> b = c.profile(customer(s.other()));
      if (a.isPresent() && b.isPresent() && !a.get().id().equals(b.get().id())) {
        c.merge(a.get().id(), b.get().id(), "test");
      }
    } else if (s.kind() < 19) {
      Optional<Profile> a = c.profile(customer(s.person()));
      if (a.isPresent()) {
        List<MergeRecord> log = c.mergeLog(a.get().id());
        if (!log.isEmpty()) {
          try {
            c.split(log.get(log.size() - 1).id(), "test").toString();
          } catch (IllegalArgumentException | IllegalStateException notSplittable) {
            // both instances refuse alike
          }
        }
      }
      c.storage().profiles(Optional.empty(), Integer.MAX_VALUE).forEach(p -> seen.add(p.id()));
    } else {
      Event delete = Event.builder("e-" + n, "compliance", NOW).action("gdpr_delete").identifier(customer(s.person())).build();
      note(c.ingest(delete), seen);
    }
  }

  private static void note(IngestResult r, Set<ProfileId> seen) {
    r.profile().ifPresent(seen::add);
    seen.addAll(r.mergedProfiles());
    seen.addAll(r.erasedProfiles());
  }
}
