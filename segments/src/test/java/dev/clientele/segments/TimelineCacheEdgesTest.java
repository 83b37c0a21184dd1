package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Edges of the segments' timeline cache that the differential property does not reach: hooks
 * that arrive late, after a later commit (the index must not count an event it already holds a
 * second time: with its event-id check removed, the event was counted twice and the next one
 * never, and a sum segment was entered that a fresh evaluation says the profile is not in), and
 * a profile whose index is too big to keep.
 */
class TimelineCacheEdgesTest {
  private static final Identifier ANCHOR = Identifier.of("customer_id", "c-1");
  private static final ProfileId ID = ProfileId.of("p1");
  private final InMemoryStorage store = new InMemoryStorage();
  private Profile current;
  private int ids;

  private Segments segments(Condition condition) {
    return Segments.over(store, SegmentConfig.builder().define(Segment.of("s0", condition)).build(),
        ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** Commits one order of {@code amount} for the profile (creating it first), without a hook. */
  private Event commit(BigDecimal amount) {
    Event e = Event.builder("e-" + ++ids, "order", NOW.minusSeconds(1000 - ids)).identifier(ANCHOR).data("amount", amount).build();
    Commit.Builder c = Commit.builder();
    Profile next;
    if (current == null) {
      next = Profile.builder(ID, NOW.minus(Duration.ofDays(400))).putIdentifier(IdentifierState.firstSeen(ANCHOR, NOW, true, "t"))
          .version(1).eventCount(1).build();
      c.putProfile(next, 0).assign(ANCHOR, Optional.empty(), ID);
    } else {
      next = current.toBuilder().version(current.version() + 1).eventCount(current.eventCount() + 1).build();
      c.putProfile(next, current.version());
    }
    store.commit(c.append(new StoredEvent(e, ANCHOR)).build());
    current = next;
    return e;
  }

  /**
   * One profile whose index outgrows a quarter of the cache is not kept, so it cannot push the
   * other profiles' indexes out (it did: 30 small profiles' indexes dropped to 4).
   */
  @Test
  void aProfileTooBigForTheCache_doesNotPushTheOthersOut() {
    Segments s = Segments.over(store, SegmentConfig.builder().timelineCacheBytes(60_000)
        .define(Segment.of("s0", Condition.eventCount("order", Comparison.GE, 3))).build(),
        ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    for (int q = 0; q < 30; q++) {
      ProfileId pid = ProfileId.of("q" + q);
      Identifier a = Identifier.of("customer_id", "q-" + q);
      Event e = Event.builder("qe-" + q, "order", NOW.minusSeconds(10)).identifier(a).build();
      Profile p = Profile.builder(pid, NOW.minus(Duration.ofDays(1))).putIdentifier(IdentifierState.firstSeen(a, NOW, true, "t"))
          .version(1).eventCount(1).build();
      store.commit(Commit.builder().putProfile(p, 0).assign(a, Optional.empty(), pid).append(new StoredEvent(e, a)).build());
      s.onCommitted(new ProfileChange(e, pid, true, List.of(), false));
    }
    long small = s.cachedTimelines();
    assertThat(small).isEqualTo(30);

    for (int i = 0; i < 4000; i++) {
      Event e = commit(BigDecimal.ONE);
      s.onCommitted(new ProfileChange(e, ID, current.version() == 1, List.of(), true));
    }

    assertThat(s.cachedTimelines()).as("the small profiles' indexes stay").isGreaterThanOrEqualTo(small);
    assertThat(s.memberships(ID)).contains("s0");
  }

  @Test
  void aLateHookOfAnEventTheIndexAlreadyHolds_isNotCountedTwice() {
    Condition sum = Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("15"));
    Segments s = segments(sum);
    Event e0 = commit(BigDecimal.ZERO);
    s.onCommitted(new ProfileChange(e0, ID, true, List.of(), true));
    Event e1 = commit(BigDecimal.TEN); // its hook is late
    s.refresh(NOW); // builds the index at this version: it holds e1
    Event e2 = commit(BigDecimal.ONE); // its hook is late too
    s.onCommitted(new ProfileChange(e1, ID, false, List.of(), true));
    s.onCommitted(new ProfileChange(e2, ID, false, List.of(), true));

    boolean fresh = s.matches(Segment.of("fresh", sum), store.profile(ID).orElseThrow(), NOW);
    assertThat(fresh).as("0 + 10 + 1 = 11 < 15").isFalse();
    assertThat(s.memberships(ID)).as("stored membership equals a fresh evaluation").doesNotContain("s0");
  }
}
