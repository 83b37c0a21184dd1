package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Page;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.ProfileSort;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Stored membership, history, incremental re-evaluation, refresh and triggers. */
class MembershipTest {
  private final World world = new World();
  private static final Segment VIP = Segment.of("vip", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold"));
  private static final Segment RECENT_BUYER =
      Segment.of("recent-buyer", Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(30)));

  private static Attribute tier(String value) {
    return new Attribute("tier", value, "crm", NOW);
  }

  private static ProfileChange change(Event.Builder e, Profile p, boolean created) {
    return new ProfileChange(e.identifier(Identifier.of("customer_id", "x")).build(), p.id(), created, List.of());
  }

  @Test
  void onCommitted_recordsEnterAndLeaveOnceAndCallsListenersAfterwards() throws Exception {
    List<SegmentTransition> heard = new CopyOnWriteArrayList<>();
    Segments s = world.segments(SegmentConfig.builder().define(VIP).listen("vip", heard::add).build());
    Profile p = world.add(World.person("a").putAttribute(tier("gold")));
    s.onCommitted(change(world.event("identify", 0), p, true));
    s.onCommitted(change(world.event("identify", 0), p, false));
    assertThat(s.memberships(p.id())).containsExactly("vip");
    assertThat(s.addedOn(p.id(), "vip")).contains(NOW);

    Profile q = world.update(p, b -> b.putAttribute(tier("silver")));
    Event.Builder leaveEvent = world.event("identify", 0);
    s.onCommitted(change(leaveEvent, q, false));
    assertThat(s.awaitTriggers(Duration.ofSeconds(5))).isTrue();
    assertThat(heard).extracting(SegmentTransition::kind)
        .containsExactly(SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE);
    assertThat(heard.get(1).profile()).contains(q);
    assertThat(heard.get(1).cause()).isPresent();
    assertThat(s.memberships(p.id())).isEmpty();
    assertThat(s.history(p.id())).hasSize(1);
    MembershipSpan span = s.history(p.id()).get(0);
    assertThat(span.leftAt()).contains(NOW);
    assertThat(span.leftBy()).isEqualTo(heard.get(1).cause().map(Event::id));
    assertThat(s.triggerStats()).isEqualTo(new TriggerStats(2, 2, 0, 0, 0));
  }

  @Test
  void onCommitted_skipsHistorySegmentsTheEventCannotChange() {
    Segments s = world.segments(SegmentConfig.builder().define(RECENT_BUYER).build());
    Profile p = world.add(World.person("a"), world.event("order", 1));
    s.onCommitted(change(world.event("login", 0), p, false));
    assertThat(s.memberships(p.id())).as("a login cannot change an order count: not re-evaluated").isEmpty();
    s.onCommitted(change(world.event("order", 0), p, false));
    assertThat(s.memberships(p.id())).containsExactly("recent-buyer");
  }

  @Test
  void refresh_movesTimeWindowMembershipsWithTheClock() {
    Segments s = world.segments(SegmentConfig.builder().define(RECENT_BUYER).build());
    Profile p = world.add(World.person("a"), world.event("order", 1));
    Profile q = world.add(World.person("b"), world.event("order", 100));
    RefreshResult r = s.refresh(NOW);
    assertThat(r).isEqualTo(new RefreshResult(NOW, 2, 1, 0));
    assertThat(s.memberships(p.id())).containsExactly("recent-buyer");
    Instant later = NOW.plus(Duration.ofDays(40));
    assertThat(s.refresh(later)).isEqualTo(new RefreshResult(later, 2, 0, 1));
    assertThat(s.memberships(p.id())).isEmpty();
    assertThat(s.history(p.id())).singleElement().satisfies(h -> {
      assertThat(h.enteredAt()).isEqualTo(NOW);
      assertThat(h.enteredBy()).isEmpty();
      assertThat(h.leftAt()).contains(later);
    });
    assertThat(s.history(q.id())).isEmpty();
  }

  @Test
  void mergedAwayProfiles_leaveTheirSegments() throws Exception {
    List<SegmentTransition> heard = new CopyOnWriteArrayList<>();
    Segments s = world.segments(SegmentConfig.builder().define(VIP).listen("vip", heard::add).build());
    Profile survivor = world.add(World.person("a"));
    Profile loser = world.add(World.person("b").putAttribute(tier("gold")));
    s.refresh(NOW);
    assertThat(s.memberships(loser.id())).containsExactly("vip");
    world.remove(loser);
    Profile merged = world.update(survivor, b -> b.putAttribute(tier("gold")));
    s.onCommitted(new ProfileChange(world.event("login", 0).identifier(Identifier.of("customer_id", "x")).build(),
        merged.id(), false, List.of(loser.id())));
    assertThat(s.memberships(loser.id())).isEmpty();
    assertThat(s.memberships(merged.id())).containsExactly("vip");
    assertThat(s.awaitTriggers(Duration.ofSeconds(5))).isTrue();
    assertThat(heard).extracting(t -> t.kind() + " " + t.profileId().value() + " " + t.profile().isPresent())
        .containsExactly("ENTER b true", "LEAVE b false", "ENTER a true");
  }

  @Test
  void onErased_leavesAndForgetsTheHistory() {
    Segments s = world.segments(SegmentConfig.builder().define(VIP).build());
    Profile p = world.add(World.person("a").putAttribute(tier("gold")));
    s.refresh(NOW);
    world.remove(p);
    assertThat(s.onErased(p.id())).isEqualTo(1);
    assertThat(s.history(p.id())).isEmpty();
    assertThat(s.triggerStats().transitions()).isEqualTo(2);
  }

  @Test
  void failingAndSlowListeners_underDrop_neverBlockOrBreakEvaluation() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    SegmentConfig config = SegmentConfig.builder().define(VIP)
        .listen("vip", t -> {
          throw new IllegalStateException("boom for ann@example.com");
        })
        .onEnter("vip", t -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .triggerQueueCapacity(2)
        .whenQueueFull(QueueFullPolicy.DROP)
        .build();
    Segments s = world.segments(config);
    for (int i = 0; i < 10; i++) {
      world.add(World.person("p" + i).putAttribute(tier("gold")));
    }
    RefreshResult r = s.refresh(NOW);
    assertThat(r.entered()).as("evaluation went on while the listener was stuck").isEqualTo(10);
    release.countDown();
    assertThat(s.awaitTriggers(Duration.ofSeconds(5))).isTrue();
    TriggerStats stats = s.triggerStats();
    assertThat(stats.transitions()).isEqualTo(10);
    // Two wait in the queue and one more is with the listeners if the trigger thread took the
    // first before the third came; the others find it full (two listener calls each).
    assertThat(stats.failed()).isBetween(2L, 3L);
    assertThat(stats.delivered()).isEqualTo(stats.failed());
    assertThat(stats.dropped()).isEqualTo(2 * (10 - stats.delivered()));
    s.close();
  }

  @Test
  void onCommitted_aFailingFigureSourceIsCountedNotThrown() {
    Segment risky = Segment.of("risky", Condition.figure("churn_risk", Comparison.GT, 0.5));
    Segments s = world.segments(SegmentConfig.builder().define(risky).figures((id, name) -> {
      throw new IllegalStateException("model down");
    }).build());
    Profile p = world.add(World.person("a"));
    s.onCommitted(change(world.event("login", 0), p, true));
    assertThat(s.triggerStats().evaluationFailures()).isEqualTo(1);
    assertThat(s.memberships(p.id())).isEmpty();
    assertThatThrownBy(() -> s.refresh(NOW)).as("a refresh the host asked for reports it").isInstanceOf(IllegalStateException.class);
  }

  @Test
  void search_followsTheSegment() {
    Segments s = world.segments();
    world.add(World.person("a").putAttribute(tier("gold")).putAttribute(new Attribute("first_name", "Ann", "crm", NOW)));
    world.add(World.person("b").putAttribute(tier("gold")).putAttribute(new Attribute("first_name", "Bob", "crm", NOW)));
    world.add(World.person("c").putAttribute(tier("silver")).putAttribute(new Attribute("first_name", "Anna", "crm", NOW)));
    Page<Profile> page = s.search(ProfileSearch.all().withText("an").withSort(ProfileSort.NAME, false), VIP, NOW);
    assertThat(page.items()).extracting(p -> p.id().value()).containsExactly("a");
    Page<Profile> all = s.search(ProfileSearch.all().withSort(ProfileSort.NAME, true).withPage(0, 1), VIP, NOW);
    assertThat(all.total()).isEqualTo(2);
    assertThat(all.items()).extracting(p -> p.id().value()).containsExactly("b");
  }

  @Test
  void config_refusesListenersOfUndefinedSegmentsAndDuplicates() {
    assertThatThrownBy(() -> SegmentConfig.builder().listen("nope", t -> { }).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> SegmentConfig.builder().define(VIP).define(VIP))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already defined");
  }

  @Test
  void membershipStore_isConditional() {
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    dev.clientele.core.ProfileId id = dev.clientele.core.ProfileId.of("p");
    assertThat(store.leave(id, "s", NOW, Optional.empty())).isFalse();
    assertThat(store.enter(id, "s", NOW, Optional.of("e1"))).isTrue();
    assertThat(store.enter(id, "s", NOW, Optional.of("e2"))).isFalse();
    assertThat(store.leave(id, "s", NOW, Optional.of("e3"))).isTrue();
    assertThat(store.enter(id, "s", NOW.plusSeconds(1), Optional.empty())).isTrue();
    assertThat(store.history(id)).extracting(MembershipSpan::isCurrent).containsExactly(false, true);
    assertThat(store.current(id)).containsExactly("s");
    assertThat(store.forget(id)).isEqualTo(2);
    assertThat(store.history(id)).isEmpty();
  }

  @Test
  void incrementalUsesTheClockAsAsOf() {
    Instant clock = NOW.plus(Duration.ofDays(45));
    Segments s = Segments.over(world.storage, SegmentConfig.builder().define(RECENT_BUYER).build(), ReachabilityPolicy.defaults(),
        ActivityThresholds.defaults(), Clock.fixed(clock, ZoneOffset.UTC));
    Profile p = world.add(World.person("a"), world.event("order", 1));
    s.onCommitted(change(world.event("order", 1), p, true));
    assertThat(s.memberships(p.id())).as("the order is 46 days old at the clock's instant").isEmpty();
  }
}
