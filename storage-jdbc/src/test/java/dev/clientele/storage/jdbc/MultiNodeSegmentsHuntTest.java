package dev.clientele.storage.jdbc;

import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.T0;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.email;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.of;
import static dev.clientele.storage.jdbc.MultiNodeHuntPropertiesTest.salted;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.SplitResult;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.MembershipSpan;
import dev.clientele.segments.MembershipStore;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentTransition;
import dev.clientele.segments.Segments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Bug hunt, segments on several nodes sharing one {@link JdbcMembershipStore} database. Each
 * node evaluates a profile under a lock of its own process only, so a write on another node can
 * fall between a node's read of the profile and its membership write. These examples put that
 * write exactly there (a membership store that runs the other node's write just before it
 * enters), which a real race does by timing.
 */
class MultiNodeSegmentsHuntTest {
  static final Segment VISITORS = Segment.of("visitors", Condition.eventCount("pageview", Comparison.GE, 1));
  static final Segment ZURICH = Segment.of("zurich", Condition.attribute("city", Condition.AttributeOp.EQ, "Zürich"));

  /** A membership store that runs a hook (once) just before the next {@code enter}, and another before the next {@code leave}. */
  static final class Hooked implements MembershipStore {
    final MembershipStore delegate;
    final AtomicReference<Runnable> hook = new AtomicReference<>();
    final AtomicReference<Runnable> leaveHook = new AtomicReference<>();

    Hooked(MembershipStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> current(ProfileId profile) {
      return delegate.current(profile);
    }

    @Override
    public boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause) {
      runOnce(hook);
      return delegate.enter(profile, segment, at, cause);
    }

    @Override
    public boolean leave(ProfileId profile, String segment, Instant at, Optional<String> cause) {
      runOnce(leaveHook);
      return delegate.leave(profile, segment, at, cause);
    }

    /** Runs the hook {@code h} holds, if any, and clears it first (so it runs once, and may set the next). */
    private static void runOnce(AtomicReference<Runnable> h) {
      Runnable r = h.getAndSet(null);
      if (r != null) {
        r.run();
      }
    }

    @Override
    public List<MembershipSpan> history(ProfileId profile) {
      return delegate.history(profile);
    }

    @Override
    public int forget(ProfileId profile) {
      return delegate.forget(profile);
    }
  }

  /** Two nodes A and B, B's membership store with the hook; transitions heard by each node. */
  static final class Pair implements AutoCloseable {
    final MultiNodeHuntPropertiesTest.Database db = MultiNodeHuntPropertiesTest.h2();
    final HikariDataSource poolA = db.newPool();
    final HikariDataSource poolB = db.newPool();
    final Hooked storeB = new Hooked(JdbcMembershipStore.open(poolB));
    final ConcurrentLinkedQueue<SegmentTransition> heardA = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<SegmentTransition> heardB = new ConcurrentLinkedQueue<>();
    final Clientele a = node(poolA, JdbcMembershipStore.open(poolA), heardA);
    final Clientele b = node(poolB, storeB, heardB);

    static Clientele node(HikariDataSource pool, MembershipStore store, ConcurrentLinkedQueue<SegmentTransition> heard) {
      SegmentConfig.Builder segments = SegmentConfig.builder().define(VISITORS).define(ZURICH).membershipStore(store);
      for (Segment s : List.of(VISITORS, ZURICH)) {
        segments.listen(s.name(), heard::add);
      }
      return Clientele.builder().storage(JdbcStorage.open(pool)).erasurePolicy(salted()).ingestBatchSize(1)
          .segments(segments.build()).build();
    }

    void drain() throws InterruptedException {
      assertThat(a.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();
      assertThat(b.segments().awaitTriggers(Duration.ofSeconds(5))).isTrue();
    }

    @Override
    public void close() {
      a.close();
      b.close();
      poolA.close();
      poolB.close();
      db.close();
    }
  }

  /**
   * The baseline: both nodes ingest events of the same person, one after the other; each
   * transition is recorded once in the shared store and heard on one node only.
   */
  @Test
  void transitionsOfOnePerson_recordedAndHeardOnce_acrossNodes() throws Exception {
    try (Pair n = new Pair()) {
      n.a.ingest(of("e-1", "login", 1, email(0)));
      n.b.ingest(of("e-2", "pageview", 2, email(0)));
      n.a.ingest(of("e-3", "pageview", 3, email(0)));
      n.b.ingest(identify("e-4", 4, "Zürich"));
      n.a.ingest(identify("e-5", 5, "İzmir"));
      n.drain();
      ProfileId p = n.a.profile(email(0)).orElseThrow().id();
      assertThat(n.a.segments().memberships(p)).containsExactly("visitors");
      assertThat(n.b.segments().history(p)).extracting(MembershipSpan::segment).containsExactlyInAnyOrder("visitors", "zurich");
      assertThat(n.heardA.size() + n.heardB.size()).as("enter visitors, enter zurich, leave zurich").isEqualTo(3);
    }
  }

  /** Splits the newest merge record of {@code kind} in {@code survivor}'s log, through {@code node}. */
  static SplitResult splitNewest(Clientele node, ProfileId survivor, MergeRecord.Kind kind) {
    MergeRecord merge = node.mergeLog(survivor).stream().filter(r -> r.kind() == kind).reduce((x, y) -> y).orElseThrow();
    return node.split(merge.id(), "not the same person");
  }

  static Event identify(String id, long minute, String city) {
    return Event.builder(id, "identify", T0.plusSeconds(60 * minute)).identifier(email(0)).data("city", city).build();
  }

  /**
   * Node A erases a person between node B's read of the profile and B's membership write: B's
   * entry must not leave a membership span of the erased profile in the shared database (erasure
   * removes every stored trace, segment history included), and B's listeners must not be handed
   * the erased profile.
   */
  @Test
  void erasureOnAnotherNode_betweenReadAndEntry_leavesNoMembershipOfTheErasedProfile() throws Exception {
    try (Pair n = new Pair()) {
      n.b.ingest(of("e-1", "login", 1, email(0)));
      ProfileId p = n.b.profile(email(0)).orElseThrow().id();
      n.storeB.hook.set(() -> n.a.delete(p));

      n.b.ingest(of("e-2", "pageview", 2, email(0))); // B enters "visitors" after A's erasure

      n.drain();
      assertThat(n.a.profile(p)).isEmpty();
      assertThat(n.a.segments().history(p)).as("membership history of the erased profile").isEmpty();
      assertThat(n.b.segments().memberships(p)).isEmpty();
      assertThat(n.heardB).as("B's listeners").noneMatch(t -> t.kind() == SegmentTransition.Kind.ENTER && t.profileId().equals(p));
    }
  }

  /**
   * Node A merges a profile away between node B's read of it and B's entry: the profile that no
   * longer exists must not stay a current member of a segment.
   */
  @Test
  void mergeOnAnotherNode_betweenReadAndEntry_leavesNoCurrentMembershipOfTheMergedAwayProfile() throws Exception {
    try (Pair n = new Pair()) {
      n.a.ingest(of("e-1", "pageview", 1, email(0)));
      n.b.ingest(of("e-2", "login", 2, MultiNodeHuntPropertiesTest.device("d-0")));
      ProfileId device = n.b.profile(MultiNodeHuntPropertiesTest.device("d-0")).orElseThrow().id();
      ProfileId mail = n.b.profile(email(0)).orElseThrow().id();
      n.storeB.hook.set(() -> {
        n.a.ingest(of("e-4", "login", 9, email(0))); // the newest update: the email's profile survives
        n.a.merge(mail, device, "same person");
      });

      n.b.ingest(of("e-3", "pageview", 3, MultiNodeHuntPropertiesTest.device("d-0")));

      n.drain();
      ProfileId survivor = n.a.profile(email(0)).orElseThrow().id();
      assertThat(survivor).as("the entering profile is the one merged away").isEqualTo(mail);
      assertThat(n.a.profile(device)).isEmpty();
      assertThat(n.a.segments().memberships(device)).as("current memberships of the merged-away profile").isEmpty();
      assertThat(n.a.segments().memberships(survivor)).containsExactly("visitors");
      // Its span was recorded, so it was heard: an entry and a leave.
      assertThat(n.heardB).filteredOn(t -> t.profileId().equals(device)).extracting(SegmentTransition::kind)
          .containsExactly(SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE);
      assertThat(n.a.segments().history(device)).hasSize(1).allMatch(h -> h.leftAt().isPresent());
    }
  }

  /**
   * Node B's event merges two visitors; just before B writes the merged-away profile's leave,
   * node A splits that merge, restoring the profile. A's evaluation of the restored profile ran
   * before the leave, found its membership still current and recorded nothing; B's leave then
   * closed it. The restored profile, which still satisfies "visitors", must be a member again
   * (B reads it once more after leaving it out), and that entry is heard once, without a cause.
   */
  @Test
  void splitOnAnotherNode_beforeTheMergedAwayProfileLeaves_leavesNoRestoredProfileOut() throws Exception {
    try (Pair n = new Pair()) {
      Identifier device = MultiNodeHuntPropertiesTest.device("d-0");
      n.a.ingest(of("e-1", "pageview", 1, email(0)));
      n.b.ingest(of("e-2", "pageview", 2, device));
      ProfileId mail = n.a.profile(email(0)).orElseThrow().id();
      ProfileId phone = n.a.profile(device).orElseThrow().id();
      n.drain();
      assertThat(n.a.segments().memberships(mail)).containsExactly("visitors");
      assertThat(n.a.segments().memberships(phone)).containsExactly("visitors");
      AtomicReference<ProfileId> restored = new AtomicReference<>();
      n.storeB.leaveHook.set(() -> {
        ProfileId survivor = n.a.profile(email(0)).orElseThrow().id();
        SplitResult split = splitNewest(n.a, survivor, MergeRecord.Kind.MERGE);
        restored.set(split.restored().get(0).id());
      });

      n.b.ingest(of("e-3", "login", 3, email(0), device)); // merges the two; the split comes before the leave

      n.drain();
      ProfileId back = restored.get();
      assertThat(back).as("the split ran, inside B's leave").isNotNull().isIn(mail, phone);
      assertThat(n.a.profile(back)).as("the restored profile").isPresent();
      assertThat(n.a.segments().memberships(back)).as("memberships of the restored profile").containsExactly("visitors");
      assertThat(n.b.segments().memberships(back)).containsExactly("visitors");
      List<SegmentTransition> heard = new java.util.ArrayList<>(n.heardA);
      heard.addAll(n.heardB);
      assertThat(heard).filteredOn(t -> t.profileId().equals(back) && t.kind() == SegmentTransition.Kind.ENTER)
          .as("entries of the restored profile: its first and the one after the split's leave")
          .hasSize(2)
          .last().satisfies(t -> assertThat(t.cause()).isEmpty());
      assertThat(n.a.segments().history(back)).as("one closed span, one current").hasSize(2)
          .filteredOn(MembershipSpan::isCurrent).hasSize(1);
    }
  }

  /**
   * The same race one step later: node A merges the profile B is entering away between B's read
   * and B's entry (B's re-read finds it gone, and it leaves every segment again), and splits that
   * merge just before B's leave. The restored profile must be a member again.
   */
  @Test
  void mergeThenSplitOnAnotherNode_aroundTheEntry_leavesNoRestoredProfileOut() throws Exception {
    try (Pair n = new Pair()) {
      Identifier device = MultiNodeHuntPropertiesTest.device("d-0");
      n.a.ingest(of("e-1", "pageview", 1, email(0)));
      n.b.ingest(of("e-2", "login", 2, device));
      ProfileId phone = n.b.profile(device).orElseThrow().id();
      ProfileId mail = n.b.profile(email(0)).orElseThrow().id();
      n.storeB.hook.set(() -> {
        n.a.ingest(of("e-4", "login", 9, email(0))); // the newest update: the email's profile survives
        n.a.merge(mail, phone, "same person");
        n.storeB.leaveHook.set(() -> {
          splitNewest(n.a, mail, MergeRecord.Kind.FORCED_MERGE);
        });
      });

      n.b.ingest(of("e-3", "pageview", 3, device)); // B enters "visitors"; A merges, then splits before B's leave

      n.drain();
      assertThat(n.storeB.leaveHook.get()).as("the split ran, inside B's leave").isNull();
      assertThat(n.a.profile(phone)).as("the restored profile").isPresent();
      assertThat(n.a.segments().memberships(phone)).as("memberships of the restored profile").containsExactly("visitors");
      assertThat(n.a.segments().memberships(mail)).containsExactly("visitors");
      assertThat(n.heardB).filteredOn(t -> t.profileId().equals(phone)).extracting(SegmentTransition::kind)
          .containsExactly(SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE, SegmentTransition.Kind.ENTER);
      assertThat(n.heardB).filteredOn(t -> t.profileId().equals(phone)).last()
          .as("the entry after the split has no cause event").satisfies(t -> assertThat(t.cause()).isEmpty());
    }
  }

  /**
   * The race at the start of an evaluation: node C (ingesting, without segments) merged a profile
   * away, so B's evaluation of it reads nothing and closes its memberships; C splits the merge
   * just before B's leave. B must read it once more and find it restored.
   */
  @Test
  void splitOnAnotherNode_whileAGoneProfileLeaves_leavesNoRestoredProfileOut() throws Exception {
    try (Pair n = new Pair(); HikariDataSource poolC = n.db.newPool();
        Clientele c = Clientele.builder().storage(JdbcStorage.open(poolC)).erasurePolicy(salted()).build()) {
      Identifier device = MultiNodeHuntPropertiesTest.device("d-0");
      n.b.ingest(of("e-1", "pageview", 1, device));
      n.b.ingest(of("e-2", "pageview", 2, email(0)));
      ProfileId phone = n.b.profile(device).orElseThrow().id();
      ProfileId mail = n.b.profile(email(0)).orElseThrow().id();
      n.drain();
      ProfileId survivor = c.merge(mail, phone, "same person").id();
      ProfileId gone = survivor.equals(mail) ? phone : mail;
      assertThat(n.b.segments().memberships(gone)).as("C has no segments: the membership stays").containsExactly("visitors");
      n.storeB.leaveHook.set(() -> {
        splitNewest(c, survivor, MergeRecord.Kind.FORCED_MERGE);
      });

      ConcurrentLinkedQueue<SegmentTransition> heard = new ConcurrentLinkedQueue<>();
      // B's segments on their own (Clientele does not expose onReshaped), on B's hooked membership store.
      try (Segments b = Segments.over(JdbcStorage.open(n.poolB),
          SegmentConfig.builder().define(VISITORS).define(ZURICH).membershipStore(n.storeB).listen(VISITORS.name(), heard::add).build(),
          ReachabilityPolicy.defaults(), ActivityThresholds.defaults(), Clock.systemUTC())) {
        b.onReshaped(List.of(gone), List.of()); // B evaluates it: gone; C splits before B's leave
        assertThat(b.awaitTriggers(Duration.ofSeconds(5))).isTrue();
      }
      assertThat(n.storeB.leaveHook.get()).as("the split ran, inside B's leave").isNull();
      assertThat(c.profile(gone)).as("the restored profile").isPresent();
      assertThat(n.b.segments().memberships(gone)).as("memberships of the restored profile").containsExactly("visitors");
      assertThat(heard).filteredOn(t -> t.profileId().equals(gone)).extracting(SegmentTransition::kind)
          .containsExactly(SegmentTransition.Kind.LEAVE, SegmentTransition.Kind.ENTER);
    }
  }

  /**
   * A profile merged away, changed and restored by a split: node A does all of that between B's
   * read (city Zürich, version 1) and B's entry into "zurich". B's re-read must see that the
   * profile changed (city Bern now) and leave "zurich" again. (The restored profile used to come
   * back at version 1, the version B read; it now comes back above every version its id had.)
   */
  @Test
  void mergeChangeAndSplitOnAnotherNode_betweenReadAndEntry_leavesNoStaleMembershipAtTheSameVersion() throws Exception {
    try (Pair n = new Pair()) {
      Identifier device = MultiNodeHuntPropertiesTest.device("d-0");
      n.a.ingest(of("e-0", "login", 0, device));
      n.storeB.hook.set(() -> {
        ProfileId x = n.a.profile(email(0)).orElseThrow().id();
        ProfileId y = n.a.profile(device).orElseThrow().id();
        n.a.ingest(of("e-2", "login", 5, device)); // y is the newest: it survives
        ProfileId survivor = n.a.merge(x, y, "same person").id();
        assertThat(survivor).isEqualTo(y);
        n.a.ingest(identify("e-3", 6, "Bern")); // x's email, on y now
        MergeRecord merge = n.a.mergeLog(y).stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE)
            .reduce((p, q) -> q).orElseThrow();
        n.a.split(merge.id(), "not the same person");
      });

      n.b.ingest(identify("e-1", 1, "Zürich")); // x at version 1; B enters "zurich" after A's merge, change and split

      n.drain();
      ProfileId x = n.a.profile(email(0)).orElseThrow().id();
      assertThat(n.a.profile(x).orElseThrow().version()).as("restored above the version B read").isGreaterThan(1);
      assertThat(n.a.profile(x).orElseThrow().attribute("city").orElseThrow().value()).isEqualTo("Bern");
      assertThat(n.a.segments().memberships(x)).as("memberships of the restored profile").doesNotContain("zurich");
    }
  }

  /**
   * Node A moves a person's city in and out of Zürich before each of node B's membership writes,
   * so B evaluates the person four times (its most), and erases the person before B's fourth
   * write, an entry into "zurich". That entry must not leave a membership of the erased person
   * in the shared database, nor reach B's listeners with the erased profile.
   */
  @Test
  void erasureOnAnotherNode_beforeTheLastEvaluationsEntry_leavesNoMembershipOfTheErasedProfile() throws Exception {
    try (Pair n = new Pair()) {
      n.a.ingest(identify("e-1", 1, "Zürich")); // a member of "zurich", by A
      n.drain();
      ProfileId p = n.a.profile(email(0)).orElseThrow().id();
      assertThat(n.a.segments().memberships(p)).containsExactly("zurich");
      // Before each of B's writes, A changes the city back (or, before the fourth, erases the person).
      n.storeB.leaveHook.set(() -> {
        n.a.ingest(identify("e-3", 3, "Zürich"));
        n.storeB.hook.set(() -> {
          n.a.ingest(identify("e-4", 4, "İzmir"));
          n.storeB.leaveHook.set(() -> {
            n.a.ingest(identify("e-5", 5, "Zürich"));
            n.storeB.hook.set(() -> n.a.delete(p));
          });
        });
      });

      n.b.ingest(identify("e-2", 2, "İzmir")); // B: leave, enter, leave, enter "zurich"

      n.drain();
      assertThat(n.storeB.hook.get()).as("the erasure ran, inside B's fourth write").isNull();
      assertThat(n.a.profile(p)).isEmpty();
      assertThat(n.a.segments().history(p)).as("membership history of the erased profile").isEmpty();
      // The first three evaluations' transitions were heard before the erasure; the fourth's entry is not.
      assertThat(n.heardB).as("B's listeners").filteredOn(t -> t.profileId().equals(p)).extracting(SegmentTransition::kind)
          .containsExactly(SegmentTransition.Kind.LEAVE, SegmentTransition.Kind.ENTER, SegmentTransition.Kind.LEAVE);
    }
  }

  /**
   * Node A changes a person's city between node B's read (city Zürich) and B's entry into
   * "zurich": A's own re-evaluation ran before B's entry was recorded, so it saw nothing to
   * leave. Afterwards the membership must be that of the newest profile (not Zürich).
   */
  @Test
  void changeOnAnotherNode_betweenReadAndEntry_leavesNoStaleMembership() throws Exception {
    try (Pair n = new Pair()) {
      n.a.ingest(identify("e-1", 1, "İzmir"));
      ProfileId p = n.a.profile(email(0)).orElseThrow().id();
      n.storeB.hook.set(() -> n.a.ingest(identify("e-3", 3, "İzmir")));

      n.b.ingest(identify("e-2", 2, "Zürich")); // B enters "zurich"; A's later identify moved the city back

      n.drain();
      assertThat(n.a.profile(p).orElseThrow().attribute("city").orElseThrow().value()).isEqualTo("İzmir");
      assertThat(n.a.segments().memberships(p)).as("memberships of the newest profile").doesNotContain("zurich");
      assertThat(n.b.segments().memberships(p)).doesNotContain("zurich");
    }
  }

  /**
   * Two nodes ingest events of the same three people at once (pageviews and identify events
   * moving their city in and out of Zürich), event by event, each node's segments writing to the
   * shared membership tables. Afterwards: every membership is what the newest profile satisfies,
   * and each recorded span was heard once across the nodes (an entry per span, a leave per closed
   * span), none twice.
   */
  @net.jqwik.api.Property(tries = 8)
  void concurrentNodes_transitionsHeardOncePerSpan_membershipsOfTheNewestProfile(@net.jqwik.api.ForAll long seed)
      throws Exception {
    java.util.Random random = new java.util.Random(seed);
    try (Pair n = new Pair()) {
      List<List<Event>> shares = List.of(new java.util.ArrayList<>(), new java.util.ArrayList<>());
      for (int k = 0; k < 40; k++) {
        int p = random.nextInt(3);
        boolean identify = random.nextInt(3) != 0;
        Event.Builder e = Event.builder("s-" + k, identify ? "identify" : "pageview", T0.plusSeconds(60L * k))
            .identifier(email(p));
        if (identify) {
          e.data("city", random.nextBoolean() ? "Zürich" : "İzmir");
        }
        shares.get(random.nextInt(2)).add(e.build());
      }
      MultiNodeHuntPropertiesTest.together(List.<java.util.concurrent.Callable<Object>>of(
          () -> n.a.ingestAll(shares.get(0)), () -> n.b.ingestAll(shares.get(1))));
      n.drain();
      List<SegmentTransition> heard = new java.util.ArrayList<>(n.heardA);
      heard.addAll(n.heardB);
      for (dev.clientele.core.Profile p : MultiNodeHuntPropertiesTest.profiles(n.a)) {
        Set<String> expected = new java.util.TreeSet<>();
        for (Segment s : List.of(VISITORS, ZURICH)) {
          if (n.a.segments().matches(s, p, Instant.now())) {
            expected.add(s.name());
          }
        }
        assertThat(new java.util.TreeSet<>(n.a.segments().memberships(p.id()))).as("memberships of %s", p.id()).isEqualTo(expected);
        for (Segment s : List.of(VISITORS, ZURICH)) {
          List<MembershipSpan> spans = n.a.segments().history(p.id()).stream().filter(h -> h.segment().equals(s.name())).toList();
          long enters = heard.stream().filter(t -> t.profileId().equals(p.id()) && t.segment().equals(s.name())
              && t.kind() == SegmentTransition.Kind.ENTER).count();
          long leaves = heard.stream().filter(t -> t.profileId().equals(p.id()) && t.segment().equals(s.name())
              && t.kind() == SegmentTransition.Kind.LEAVE).count();
          assertThat(enters).as("entries of %s into %s heard, spans %s", p.id(), s.name(), spans).isEqualTo(spans.size());
          assertThat(leaves).as("leaves of %s from %s heard, spans %s", p.id(), s.name(), spans)
              .isEqualTo(spans.stream().filter(h -> h.leftAt().isPresent()).count());
        }
      }
    }
  }
}
