package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Examples of the timeline cache of {@link Segments}, one per kind of event-history leaf: the
 * index is brought up to date by single events without reading the timeline again, gives the
 * results of a full read at the window's edges and for out-of-order events, and is read again
 * after a batch, a commit no hook reported, a new identifier, a reshape or an erasure.
 */
class TimelineCacheTest {
  private static final Identifier ANCHOR = Identifier.of("customer_id", "c-1");
  private static final ProfileId ID = ProfileId.of("p1");

  private final InMemoryStorage store = new InMemoryStorage();
  private final AtomicInteger timelineReads = new AtomicInteger();
  private final Storage counting = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
      (proxy, method, args) -> {
        if (method.getName().equals("events")) {
          timelineReads.incrementAndGet();
        }
        try {
          return method.invoke(store, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  private int eventIds;
  private Profile current;

  private Segments segments(Condition... conditions) {
    SegmentConfig.Builder b = SegmentConfig.builder();
    for (int i = 0; i < conditions.length; i++) {
      b.define(Segment.of("s" + i, conditions[i]));
    }
    return Segments.over(counting, b.build(), ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private Event event(String type, Instant at, Object amount) {
    Event.Builder b = Event.builder("e-" + ++eventIds, type, at).identifier(ANCHOR);
    if (amount != null) {
      b.data("amount", amount);
    }
    return b.build();
  }

  /** Commits {@code events} on the profile in one commit (creating it first if needed). */
  private Profile commit(Event... events) {
    Commit.Builder c = Commit.builder();
    Profile next;
    if (current == null) {
      next = Profile.builder(ID, NOW.minus(Duration.ofDays(400))).putIdentifier(IdentifierState.firstSeen(ANCHOR, NOW, true, "test"))
          .version(1).eventCount(events.length).build();
      c.putProfile(next, 0).assign(ANCHOR, Optional.empty(), ID);
    } else {
      next = current.toBuilder().version(current.version() + 1).eventCount(current.eventCount() + events.length).build();
      c.putProfile(next, current.version());
    }
    for (Event e : events) {
      c.append(new StoredEvent(e, ANCHOR));
    }
    store.commit(c.build());
    current = next;
    return next;
  }

  /** One event, committed alone and reported as such. */
  private void ingest(Segments s, Event e) {
    boolean created = current == null;
    commit(e);
    s.onCommitted(new ProfileChange(e, ID, created, List.of(), true));
  }

  @Test
  void unwindowedCount_singleEventsReadTheTimelineOnce() {
    Segments s = segments(Condition.eventCount("pageview", Comparison.GE, 3));
    for (int i = 0; i < 50; i++) {
      ingest(s, event("pageview", NOW.minusSeconds(1000 - i), null));
      assertThat(s.memberships(ID).contains("s0")).isEqualTo(i >= 2);
    }
    assertThat(timelineReads).hasValue(1); // the first re-evaluation of the (then new) profile
    assertThat(s.cachedTimelines()).isEqualTo(1);
  }

  @Test
  void windowedSum_outOfOrderEventsAndTheWindowEdge() {
    Segments s = segments(Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("100")).within(Duration.ofDays(7)));
    ingest(s, event("order", NOW.minus(Duration.ofDays(1)), new BigDecimal("60")));
    ingest(s, event("order", NOW.minus(Duration.ofDays(7)).minusNanos(1), new BigDecimal("50"))); // just outside
    assertThat(s.memberships(ID)).isEmpty();
    ingest(s, event("order", NOW.minus(Duration.ofDays(7)), "40.0")); // exactly on the edge: inside
    assertThat(s.memberships(ID)).containsExactly("s0");
    ingest(s, event("order", NOW.plusSeconds(1), new BigDecimal("-1000"))); // after asOf: not counted
    assertThat(s.memberships(ID)).containsExactly("s0");
    ingest(s, event("order", NOW.minus(Duration.ofDays(3)), new BigDecimal("-0.01"))); // out of order, inside
    assertThat(s.memberships(ID)).isEmpty();
    assertThat(timelineReads).hasValue(1);
    // An earlier as-of: the index serves it (refresh reads the newest profile, same version).
    s.refresh(NOW.plus(Duration.ofDays(7)).minus(Duration.ofDays(1)).minusSeconds(1)); // only the 60 and the -1000 left: no
    assertThat(s.memberships(ID)).isEmpty();
    assertThat(timelineReads).hasValue(1);
  }

  @Test
  @org.junit.jupiter.api.Timeout(20)
  void windowedSum_anExtremeNumberOutsideTheWindowIsNeverAdded() {
    Segments s = segments(Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("50")).within(Duration.ofDays(7)));
    ingest(s, event("order", NOW.minus(Duration.ofDays(100)), "1e999999999")); // a full read never adds it: outside
    ingest(s, event("order", NOW.minus(Duration.ofDays(1)), new BigDecimal("60")));
    assertThat(s.memberships(ID)).containsExactly("s0");
    assertThat(timelineReads).hasValue(1);
  }

  @Test
  void occurrences_firstAndLastWithin() {
    Segments s = segments(
        Condition.occurred("signup", Condition.Which.FIRST, Duration.ofDays(30)),
        Condition.occurred("feedback", Condition.Which.LAST, Duration.ofDays(1)).withAction("negative"));
    ingest(s, event("signup", NOW.minus(Duration.ofDays(10)), null));
    assertThat(s.memberships(ID)).containsExactly("s0");
    ingest(s, event("signup", NOW.minus(Duration.ofDays(40)), null)); // an earlier first one, out of order
    assertThat(s.memberships(ID)).isEmpty();
    Event negative = Event.builder("e-" + ++eventIds, "feedback", NOW.minus(Duration.ofDays(1))).action("negative").identifier(ANCHOR).build();
    ingest(s, negative); // exactly one day ago: within
    assertThat(s.memberships(ID)).containsExactly("s1");
    s.refresh(NOW.plusNanos(1));
    assertThat(s.memberships(ID)).isEmpty();
    assertThat(timelineReads).hasValue(1);
  }

  @Test
  void activity_fromLogins() {
    Segments s = segments(Condition.activity(ActivityStatus.VERY_ACTIVE), Condition.activity(ActivityStatus.SLEEPER));
    ingest(s, event("login", NOW.minus(Duration.ofDays(200)), null)); // none in 3 months: a sleeper
    assertThat(s.memberships(ID)).containsExactly("s1");
    ingest(s, event("login", NOW.minus(Duration.ofDays(1)), null));
    ingest(s, event("login", NOW.minusSeconds(5), null));
    assertThat(s.memberships(ID)).containsExactly("s0");
    assertThat(timelineReads).hasValue(1);
  }

  @Test
  void batchesUnreportedCommitsAndReshapesReadAgain() {
    Segments s = segments(Condition.eventCount("pageview", Comparison.GE, 3));
    ingest(s, event("pageview", NOW.minusSeconds(10), null));
    assertThat(timelineReads).hasValue(1);
    // A batch: one commit, two events, hooks told nothing was appended alone.
    Event a = event("pageview", NOW.minusSeconds(9), null);
    Event b = event("pageview", NOW.minusSeconds(8), null);
    commit(a, b);
    s.onCommitted(new ProfileChange(a, ID, false, List.of(), false));
    assertThat(s.memberships(ID)).containsExactly("s0"); // the state after the batch, as a full read
    s.onCommitted(new ProfileChange(b, ID, false, List.of(), false));
    assertThat(timelineReads).hasValue(2); // once for the batch
    // Another node's commit, unreported, then a reported one: the version gap forces a read.
    commit(event("pageview", NOW.minusSeconds(7), null));
    ingest(s, event("pageview", NOW.minusSeconds(6), null));
    assertThat(timelineReads).hasValue(3);
    ingest(s, event("pageview", NOW.minusSeconds(5), null));
    assertThat(timelineReads).hasValue(3);
    // A reshape always reads again.
    s.onReshaped(List.of(ID), List.of());
    assertThat(timelineReads).hasValue(4);
    // A new identifier in the commit may bring events: read again.
    Identifier added = Identifier.of("customer_id", "c-2");
    Event linked = event("pageview", NOW.minusSeconds(4), null);
    Profile next = current.toBuilder().version(current.version() + 1).eventCount(current.eventCount() + 1)
        .putIdentifier(IdentifierState.firstSeen(added, NOW, true, "test")).build();
    store.commit(Commit.builder().putProfile(next, current.version()).assign(added, Optional.empty(), ID)
        .append(new StoredEvent(linked, ANCHOR)).build());
    current = next;
    s.onCommitted(new ProfileChange(linked, ID, false, List.of(), true));
    assertThat(timelineReads).hasValue(5);
    // Erasure forgets the index.
    s.onErased(ID);
    assertThat(s.cachedTimelines()).isZero();
  }

  @Test
  void zeroBytesKeepsNoIndex() {
    SegmentConfig config = SegmentConfig.builder().timelineCacheBytes(0)
        .define(Segment.of("s0", Condition.eventCount("pageview", Comparison.GE, 3))).build();
    Segments s = Segments.over(counting, config, ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    for (int i = 0; i < 5; i++) {
      ingest(s, event("pageview", NOW.minusSeconds(100 - i), null));
    }
    assertThat(s.memberships(ID)).containsExactly("s0");
    assertThat(timelineReads).hasValue(5);
    assertThat(s.cachedTimelines()).isZero();
  }
}
