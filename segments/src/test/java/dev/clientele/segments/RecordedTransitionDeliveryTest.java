package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Attribute;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A transition recorded in the {@link MembershipStore} is queued for listeners exactly once, also
 * when the evaluation that recorded it ends with an exception afterwards (a later segment's write,
 * the re-read of the profile, the merge-log read), since no later event or refresh fires it again;
 * and the re-read after a recorded transition: how many reads, and what a profile found erased
 * meanwhile hands to listeners (no profile, no event).
 */
class RecordedTransitionDeliveryTest {
  private static final Segment VIP = Segment.of("vip", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold"));
  private static final Segment VIP2 = Segment.of("vip2", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold"));
  private static final Segment SILVER = Segment.of("silver", Condition.attribute("tier", Condition.AttributeOp.EQ, "silver"));
  private static final Duration LIMIT = Duration.ofSeconds(5);

  private final World world = new World();
  private final ConcurrentLinkedQueue<SegmentTransition> heard = new ConcurrentLinkedQueue<>();

  /** Called before each call of a {@link Storage} method, with the method's name and how many times it was called so far (this one included). */
  private interface Hook {
    void before(String method, int nth);
  }

  /** The world's storage, calling {@code hook} before each call. */
  private Storage storage(Hook hook) {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, m, args) -> {
      hook.before(m.getName(), calls.computeIfAbsent(m.getName(), k -> new AtomicInteger()).incrementAndGet());
      try {
        return m.invoke(world.storage, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  /** Every instance a test made, closed after it (each has a trigger thread). */
  private final List<Segments> made = new java.util.ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void closeAll() {
    made.forEach(Segments::close);
  }

  /** Segments over {@code storage} whose defined segments all report to {@link #heard}. */
  private Segments segments(Storage storage, SegmentConfig.Builder config) {
    for (Segment s : config.build().segments()) {
      config.listen(s.name(), heard::add);
    }
    Segments s = Segments.over(storage, config.build(), ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    made.add(s);
    return s;
  }

  private ProfileChange change(ProfileId id) {
    return new ProfileChange(world.event("identify", 0).identifier(Identifier.of("customer_id", "x")).build(), id, false, List.of());
  }

  private Profile gold(String id) {
    return world.add(World.person(id).putAttribute(new Attribute("tier", "gold", "crm", NOW)));
  }

  private static Profile retier(Profile p, String tier, World w) {
    return w.update(p, b -> b.putAttribute(new Attribute("tier", tier, "crm", NOW)));
  }

  @Test
  void membershipStoreFailsOnTheSecondEnter_theFirstRecordedEntryIsHeard() throws Exception {
    Profile p = gold("p1");
    InMemoryMembershipStore real = new InMemoryMembershipStore();
    AtomicInteger enters = new AtomicInteger();
    MembershipStore failing = new MembershipStore() {
      @Override
      public Set<String> current(ProfileId id) {
        return real.current(id);
      }

      @Override
      public boolean enter(ProfileId id, String s, Instant at, Optional<String> c) {
        if (enters.incrementAndGet() == 2) {
          throw new IllegalStateException("membership store down");
        }
        return real.enter(id, s, at, c);
      }

      @Override
      public boolean leave(ProfileId id, String s, Instant at, Optional<String> c) {
        return real.leave(id, s, at, c);
      }

      @Override
      public List<MembershipSpan> history(ProfileId id) {
        return real.history(id);
      }

      @Override
      public int forget(ProfileId id) {
        return real.forget(id);
      }
    };
    Segments s = segments(world.storage, SegmentConfig.builder().define(VIP).define(VIP2).membershipStore(failing));
    s.onCommitted(change(p.id()));
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(real.current(p.id())).containsExactly("vip");
    assertThat(heard).extracting(SegmentTransition::segment).as("the recorded entry into vip").containsExactly("vip");
    assertThat(s.triggerStats().transitions()).isEqualTo(1);
    assertThat(s.triggerStats().evaluationFailures()).isEqualTo(1);
  }

  @Test
  void theReReadFails_theRecordedEntryIsHeard_andNoRefreshFiresItAgain() throws Exception {
    Profile p = gold("p1");
    AtomicReference<Boolean> armed = new AtomicReference<>(true);
    Storage flaky = storage((method, nth) -> {
      if (method.equals("profile") && nth == 2 && armed.get()) {
        throw new StorageException("connection reset");
      }
    });
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    Segments s = segments(flaky, SegmentConfig.builder().define(VIP).membershipStore(store));
    s.onCommitted(change(p.id()));
    armed.set(false);
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(store.current(p.id())).containsExactly("vip");
    assertThat(heard).extracting(SegmentTransition::kind).containsExactly(SegmentTransition.Kind.ENTER);
    assertThat(s.triggerStats().evaluationFailures()).isEqualTo(1);
    s.refresh(NOW);
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(heard).hasSize(1);
  }

  @Test
  void theProfileWentAway_andTheMergeLogReadFails_theRecordedEntryIsHeard() throws Exception {
    Profile p = gold("p1");
    Storage flaky = storage((method, nth) -> {
      if (method.equals("profile") && nth == 2) {
        world.remove(p);
      } else if (method.equals("mergeRecords")) {
        throw new StorageException("connection reset");
      }
    });
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    Segments s = segments(flaky, SegmentConfig.builder().define(VIP).membershipStore(store));
    s.onCommitted(change(p.id()));
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(store.current(p.id())).containsExactly("vip");
    // Whether it was merged away or erased is unknown: the entry is heard without the profile
    // and without the event, which may be an erased person's.
    assertThat(heard).singleElement().satisfies(t -> {
      assertThat(t.kind()).isEqualTo(SegmentTransition.Kind.ENTER);
      assertThat(t.profile()).isEmpty();
      assertThat(t.cause()).isEmpty();
    });
    assertThat(s.triggerStats().evaluationFailures()).isEqualTo(1);
  }

  @Test
  void erasedBetweenTheReadAndTheReRead_itsLeaveCarriesNoProfileAndNoEvent_itsEntryIsNotHeard_itsHistoryIsGone() throws Exception {
    Profile p = gold("p1");
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    store.enter(p.id(), "silver", NOW.minusSeconds(86_400), Optional.empty());
    Storage erasing = storage((method, nth) -> {
      if (method.equals("profile") && nth == 2) {
        world.remove(p); // no merge record names it: erased
      }
    });
    Segments s = segments(erasing, SegmentConfig.builder().define(VIP).define(SILVER).membershipStore(store));
    s.onCommitted(change(p.id()));
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(heard).singleElement().satisfies(t -> {
      assertThat(t.segment()).isEqualTo("silver");
      assertThat(t.kind()).isEqualTo(SegmentTransition.Kind.LEAVE);
      assertThat(t.profile()).isEmpty();
      assertThat(t.cause()).isEmpty();
    });
    assertThat(store.history(p.id())).isEmpty();
    assertThat(s.triggerStats().evaluationFailures()).isZero();
  }

  @Test
  void erasedBeforeTheRead_itsLeaveCarriesNoEvent_andItsHistoryIsGone() throws Exception {
    Profile p = gold("p1");
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    store.enter(p.id(), "vip", NOW.minusSeconds(86_400), Optional.empty());
    world.remove(p);
    Segments s = segments(world.storage, SegmentConfig.builder().define(VIP).membershipStore(store));
    s.onCommitted(change(p.id()));
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(heard).singleElement().satisfies(t -> {
      assertThat(t.kind()).isEqualTo(SegmentTransition.Kind.LEAVE);
      assertThat(t.profile()).isEmpty();
      assertThat(t.cause()).isEmpty();
    });
    assertThat(store.current(p.id())).isEmpty();
    assertThat(store.history(p.id())).as("an erased profile's membership history").isEmpty();
  }

  @Test
  void aRecordedTransition_costsOneMoreProfileRead_noneWithout() throws Exception {
    Profile p = gold("p1");
    AtomicInteger reads = new AtomicInteger();
    Storage counting = storage((method, nth) -> {
      if (method.equals("profile")) {
        reads.incrementAndGet();
      }
    });
    Segments s = segments(counting, SegmentConfig.builder().define(VIP));
    s.onCommitted(change(p.id()));
    assertThat(reads).hasValue(2);
    s.onCommitted(change(p.id()));
    assertThat(reads).hasValue(3);
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(heard).hasSize(1);
  }

  @Test
  @Timeout(10) // a broken round limit would loop for ever
  void aProfileThatKeepsChanging_isEvaluatedFourTimes_withFiveReads_eachTransitionHeardOnce() throws Exception {
    AtomicReference<Profile> p = new AtomicReference<>(gold("p1"));
    AtomicInteger reads = new AtomicInteger();
    Storage changing = storage((method, nth) -> {
      if (method.equals("profile")) {
        reads.incrementAndGet();
        if (nth >= 2) { // another writer commits just before each re-read: the tier flips
          p.set(retier(p.get(), p.get().attribute("tier").orElseThrow().value().equals("gold") ? "silver" : "gold", world));
        }
      }
    });
    InMemoryMembershipStore store = new InMemoryMembershipStore();
    Segments s = segments(changing, SegmentConfig.builder().define(VIP).membershipStore(store));
    s.onCommitted(change(p.get().id()));
    assertThat(s.awaitTriggers(LIMIT)).isTrue();
    assertThat(reads).hasValue(5); // the last evaluation's writes are checked by a fifth read
    assertThat(heard).extracting(SegmentTransition::kind).containsExactly(
        SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE, SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE);
    assertThat(store.history(p.get().id())).hasSize(2);
    assertThat(s.triggerStats().evaluationFailures()).isZero();
  }
}
