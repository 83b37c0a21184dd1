package dev.clientele.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.ProfileId;
import dev.clientele.segments.MembershipSpan;
import dev.clientele.segments.MembershipStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of {@link MembershipStore}: conditional enter and leave, history in the
 * order spans were opened, erasure, exact round trips of instants and event ids, and
 * exactly-once transitions when several threads race on the same membership. A backend proves
 * itself by extending this class:
 *
 * <pre>{@code
 * final class MyMembershipStoreTest extends MembershipStoreContract {
 *   @Override
 *   protected MembershipStore newStore() {
 *     return new MyMembershipStore(freshDatabase());
 *   }
 * }
 * }</pre>
 */
public abstract class MembershipStoreContract {
  private static final Instant T1 = Instant.parse("2026-10-01T10:00:00.123456789Z");
  private static final Instant T2 = Instant.parse("2026-10-02T10:00:00Z");
  private static final Instant T3 = Instant.parse("2026-10-03T10:00:00Z");
  private static final ProfileId P = ProfileId.of("p-1");
  private static final ProfileId Q = ProfileId.of("p-2");

  /** The store under test, fresh for each test. */
  protected MembershipStore store;

  /** Returns a new, empty store; called once per test. */
  protected abstract MembershipStore newStore();

  /**
   * Another store on the data of {@link #store}, as a second node sharing the backend opens it,
   * or {@code null} (the default) when the backend keeps its data to itself (the in-memory
   * store). With one, the kit races the two instances on the same membership, as two nodes
   * evaluating the same profile do; without one, that test is skipped.
   */
  protected MembershipStore sharingStore() {
    return null;
  }

  /** Creates the store under test. */
  @BeforeEach
  protected void createStore() {
    store = newStore();
  }

  /** Entering opens a span once; a second entry while a member changes nothing. */
  @Test
  public void enter_opensOnce() {
    assertThat(store.current(P)).isEmpty();

    assertThat(store.enter(P, "vip", T1, Optional.of("e-1"))).isTrue();
    assertThat(store.enter(P, "vip", T2, Optional.of("e-2"))).isFalse();

    assertThat(store.current(P)).containsExactly("vip");
    assertThat(store.history(P)).containsExactly(new MembershipSpan("vip", T1, Optional.of("e-1"), Optional.empty(), Optional.empty()));
  }

  /** Leaving closes the current span once; a later entry opens a new one after it. */
  @Test
  public void leave_closesOnce_thenReenterOpensANewSpan() {
    store.enter(P, "vip", T1, Optional.empty());

    assertThat(store.leave(P, "vip", T2, Optional.of("e-2"))).isTrue();
    assertThat(store.leave(P, "vip", T3, Optional.of("e-3"))).isFalse();
    assertThat(store.current(P)).isEmpty();
    assertThat(store.enter(P, "vip", T3, Optional.of("e-3"))).isTrue();

    assertThat(store.current(P)).containsExactly("vip");
    assertThat(store.history(P)).containsExactly(
        new MembershipSpan("vip", T1, Optional.empty(), Optional.of(T2), Optional.of("e-2")),
        new MembershipSpan("vip", T3, Optional.of("e-3"), Optional.empty(), Optional.empty()));
  }

  /** Leaving a segment one is not in, or as an unknown profile, changes nothing. */
  @Test
  public void leave_notAMember_false() {
    assertThat(store.leave(P, "vip", T1, Optional.empty())).isFalse();
    store.enter(P, "vip", T1, Optional.empty());

    assertThat(store.leave(P, "other", T2, Optional.empty())).isFalse();
    assertThat(store.leave(Q, "vip", T2, Optional.empty())).isFalse();
    assertThat(store.history(Q)).isEmpty();
    assertThat(store.current(P)).containsExactly("vip");
  }

  /** Segments and profiles are independent; history lists spans in the order they were opened. */
  @Test
  public void segmentsAndProfiles_independent_historyInOpeningOrder() {
    store.enter(P, "b", T1, Optional.empty());
    store.enter(P, "a", T2, Optional.empty());
    store.enter(Q, "a", T1, Optional.empty());
    store.leave(P, "b", T3, Optional.empty());

    assertThat(store.current(P)).containsExactly("a");
    assertThat(store.current(Q)).containsExactly("a");
    assertThat(store.history(P)).extracting(MembershipSpan::segment).containsExactly("b", "a");
    assertThat(store.history(P).get(0).leftAt()).contains(T3);
  }

  /** Forgetting erases every span of the profile and only of that profile. */
  @Test
  public void forget_erasesEverySpanOfTheProfile() {
    store.enter(P, "a", T1, Optional.of("e-1"));
    store.leave(P, "a", T2, Optional.empty());
    store.enter(P, "a", T3, Optional.empty());
    store.enter(P, "b", T3, Optional.empty());
    store.enter(Q, "a", T1, Optional.empty());

    assertThat(store.forget(P)).isEqualTo(3);
    assertThat(store.forget(P)).isZero();

    assertThat(store.current(P)).isEmpty();
    assertThat(store.history(P)).isEmpty();
    assertThat(store.current(Q)).containsExactly("a");
    assertThat(store.enter(P, "a", T3, Optional.empty())).as("a forgotten profile can enter again").isTrue();
  }

  /**
   * {@link MembershipStore#forEachProfile}, for a store that overrides it: each profile with a
   * span (current or closed) once, forgotten ones not; more than a page of 500 profiles.
   */
  @Test
  public void forEachProfile_eachProfileWithASpanOnce() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        store.getClass().getMethod("forEachProfile", java.util.function.Consumer.class).getDeclaringClass()
            != MembershipStore.class, "the store does not override forEachProfile");
    Set<ProfileId> expected = new java.util.HashSet<>();
    for (int i = 0; i < 501; i++) {
      ProfileId id = ProfileId.of("p-many-" + i);
      store.enter(id, "a", T1, Optional.empty());
      expected.add(id);
    }
    store.enter(P, "a", T1, Optional.empty());
    store.leave(P, "a", T2, Optional.empty()); // closed spans only
    expected.add(P);
    store.enter(Q, "a", T1, Optional.empty());
    store.forget(Q);

    List<ProfileId> seen = new ArrayList<>();
    store.forEachProfile(seen::add);

    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
  }

  /** Instants keep their nanoseconds, and event ids of any length up to 256 and any script survive. */
  @Test
  public void roundTrip_exactInstantsAndEventIds() {
    String longId = "é".repeat(200) + "#" + "x".repeat(55);
    Instant early = Instant.parse("1970-01-01T00:00:00.000000001Z");
    Instant late = Instant.parse("2999-12-31T23:59:59.999999999Z");
    store.enter(P, "a.b:c-d_E", early, Optional.of(longId));
    store.leave(P, "a.b:c-d_E", late, Optional.of("ø-2"));

    assertThat(store.history(P)).containsExactly(
        new MembershipSpan("a.b:c-d_E", early, Optional.of(longId), Optional.of(late), Optional.of("ø-2")));
  }

  /** What {@code current} and {@code history} return is unmodifiable, and later writes do not change it. */
  @Test
  public void reads_unmodifiableSnapshots() {
    store.enter(P, "a", T1, Optional.empty());
    Set<String> current = store.current(P);
    List<MembershipSpan> history = store.history(P);
    store.leave(P, "a", T2, Optional.empty());
    store.enter(P, "b", T3, Optional.empty());

    assertThat(current).containsExactly("a");
    assertThat(history).containsExactly(new MembershipSpan("a", T1, Optional.empty(), Optional.empty(), Optional.empty()));
    assertThatThrownBy(() -> current.add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(history::clear).isInstanceOf(UnsupportedOperationException.class);
  }

  /** Nulls are refused, by every method and for every argument, with the argument named. */
  @Test
  public void nulls_refused() {
    Optional<String> none = Optional.empty();
    assertThatNullPointerException().isThrownBy(() -> store.current(null)).withMessageContaining("profile");
    assertThatNullPointerException().isThrownBy(() -> store.history(null)).withMessageContaining("profile");
    assertThatNullPointerException().isThrownBy(() -> store.forget(null)).withMessageContaining("profile");
    assertThatNullPointerException().isThrownBy(() -> store.enter(null, "a", T1, none)).withMessageContaining("profile");
    assertThatNullPointerException().isThrownBy(() -> store.enter(P, null, T1, none)).withMessageContaining("segment");
    assertThatNullPointerException().isThrownBy(() -> store.enter(P, "a", null, none)).withMessageContaining("at");
    assertThatNullPointerException().isThrownBy(() -> store.enter(P, "a", T1, null)).withMessageContaining("cause");
    assertThatNullPointerException().isThrownBy(() -> store.leave(null, "a", T1, none)).withMessageContaining("profile");
    assertThatNullPointerException().isThrownBy(() -> store.leave(P, null, T1, none)).withMessageContaining("segment");
    assertThatNullPointerException().isThrownBy(() -> store.leave(P, "a", null, none)).withMessageContaining("at");
    assertThatNullPointerException().isThrownBy(() -> store.leave(P, "a", T1, null)).withMessageContaining("cause");
    assertThat(store.history(P)).as("a refused call changes nothing").isEmpty();
    assertThat(store.current(P)).isEmpty();
  }

  /**
   * History is in the order spans were opened, not the order of their times: an entry whose time
   * is earlier than an older span's (a late event) comes after it.
   */
  @Test
  public void history_inOpeningOrder_notTimeOrder() {
    store.enter(P, "b", T3, Optional.of("e-3"));
    store.enter(P, "a", T1, Optional.of("e-1"));
    store.leave(P, "b", T3.plusSeconds(1), Optional.empty());
    store.enter(P, "b", T2, Optional.of("e-2"));

    assertThat(store.history(P)).extracting(MembershipSpan::segment, MembershipSpan::enteredAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("b", T3), org.assertj.core.groups.Tuple.tuple("a", T1),
            org.assertj.core.groups.Tuple.tuple("b", T2));
    assertThat(store.current(P)).containsExactlyInAnyOrder("a", "b");
  }

  /** A profile without spans has nothing to forget, and forgetting it changes no other profile. */
  @Test
  public void forget_profileWithoutSpans_returnsZero() {
    store.enter(Q, "a", T1, Optional.empty());

    assertThat(store.forget(P)).isZero();

    assertThat(store.history(Q)).hasSize(1);
  }

  /**
   * Threads racing to enter and leave the same membership: every {@code true} is one real
   * transition, so the successful entries and leaves alternate and match the history exactly.
   */
  @Test
  public void concurrentEnterAndLeave_exactlyOncePerTransition() throws Exception {
    raceOnOneMembership(thread -> store);
  }

  /**
   * The same race between two instances on the same data ({@link #sharingStore()}), as two nodes
   * evaluating the same profile run it: each transition is still recorded by exactly one caller.
   */
  @Test
  public void concurrentEnterAndLeave_onTwoInstances_exactlyOncePerTransition() throws Exception {
    MembershipStore other = sharingStore();
    org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "the backend shares its data with no other instance");
    raceOnOneMembership(thread -> thread % 2 == 0 ? store : other);
  }

  /** Races threads on one membership, thread {@code t} using {@code stores.apply(t)}, and checks the outcome. */
  private void raceOnOneMembership(java.util.function.IntFunction<MembershipStore> stores) throws Exception {
    int threads = 4;
    int rounds = concurrentRounds();
    AtomicInteger entered = new AtomicInteger();
    AtomicInteger left = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        MembershipStore mine = stores.apply(t);
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            Instant at = T1.plusSeconds((long) i * threads + thread);
            if (mine.enter(P, "race", at, Optional.empty())) {
              entered.incrementAndGet();
            }
            if (mine.leave(P, "race", at, Optional.empty())) {
              left.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (MembershipStore reader : List.of(stores.apply(0), stores.apply(1))) {
      List<MembershipSpan> history = reader.history(P);
      boolean member = reader.current(P).contains("race");

      assertThat(entered.get()).isPositive();
      assertThat(history).hasSize(entered.get());
      assertThat(history.stream().filter(s -> !s.isCurrent()).count()).isEqualTo(left.get());
      assertThat(entered.get() - left.get()).isEqualTo(member ? 1 : 0);
      assertThat(history.stream().filter(MembershipSpan::isCurrent).count()).isEqualTo(member ? 1 : 0);
    }
  }

  /** Rounds per thread in the concurrency test; a backend with slow round trips may lower it. */
  protected int concurrentRounds() {
    return 200;
  }
}
