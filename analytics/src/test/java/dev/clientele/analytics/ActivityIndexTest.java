package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.core.ActivityRules;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The columnar MAU index: merges, the trended series, monthly history and the builder. */
class ActivityIndexTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private final InMemoryStorage storage = new InMemoryStorage();
  private int events;

  private static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  private static Identifier anonymous(String value) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, value);
  }

  private Profile profile(String id, Identifier... identifiers) {
    Profile.Builder b = Profile.builder(ProfileId.of(id), CREATED).version(1);
    Commit.Builder c = Commit.builder();
    for (Identifier i : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(i, CREATED, true, "test"));
      c.assign(i, Optional.empty(), ProfileId.of(id));
    }
    Profile p = b.build();
    storage.commit(c.putProfile(p, 0).build());
    return p;
  }

  private void event(String type, String at, Identifier anchor) {
    Event e = Event.builder("e-" + ++events, type, Instant.parse(at)).identifier(anchor).build();
    storage.commit(Commit.builder().append(new StoredEvent(e, anchor)).build());
  }

  /**
   * A merge as a backend whose index lags its profile table leaves it: the loser is deleted and
   * named in the survivor's merged-from set, but the loser's cookie still points at the loser.
   */
  private void mergeLeavingStaleIndex(Profile loser, Profile survivor, Identifier moved) {
    Profile merged = survivor.toBuilder().version(survivor.version() + 1)
        .putIdentifier(IdentifierState.firstSeen(moved, CREATED, true, "test"))
        .addMergedFrom(List.of(loser.id())).build();
    storage.commit(Commit.builder().putProfile(merged, survivor.version()).deleteProfile(loser.id(), loser.version()).build());
  }

  @Test
  void mau_ownerMergedAway_countsOnceForTheSurvivor() {
    Profile visitor = profile("p-visitor", anonymous("a-1"));
    Profile ann = profile("p-ann", email("ann"));
    event("pageview", "2026-10-03T12:00:00Z", anonymous("a-1"));
    event("login", "2026-10-10T12:00:00Z", email("ann"));
    mergeLeavingStaleIndex(visitor, ann, anonymous("a-1"));

    MauCount m = new ActiveUsers(storage, ActivityRules.defaults()).mau(LocalDate.parse("2026-10-31"));

    assertThat(m).isEqualTo(new MauCount(LocalDate.parse("2026-10-31"), YearMonth.of(2026, 10), 1, 1, 0));
    // Only the anonymous visit, before the login: still Ann, identified, once.
    assertThat(new ActiveUsers(storage, ActivityRules.defaults()).mau(LocalDate.parse("2026-10-05")).identified()).isEqualTo(1);
  }

  @Test
  void count_loginsOfAMergedAwayOwner_countForTheSurvivorOnly() {
    Profile visitor = profile("p-visitor", anonymous("a-1"));
    Profile ann = profile("p-ann", email("ann"));
    event("login", "2026-10-30T12:00:00Z", anonymous("a-1"));
    event("login", "2026-10-31T12:00:00Z", email("ann"));
    mergeLeavingStaleIndex(visitor, ann, anonymous("a-1"));

    ActivityStatusCounts c = new ActivityStatuses(storage, ActivityThresholds.defaults()).count(LocalDate.parse("2026-10-31"));

    assertThat(c.total()).isEqualTo(1);
    assertThat(c.count(ActivityStatus.VERY_ACTIVE)).as("two logins of one person within 7 days").isEqualTo(1);
  }

  @Test
  void build_anchorOwnedByNobody_reportedAsUnowned() {
    profile("p-ann", email("ann"));
    event("pageview", "2026-10-03T12:00:00Z", email("ann"));
    event("pageview", "2026-10-03T12:00:00Z", email("gone"));
    event("consent", "2026-10-03T12:00:00Z", email("gone2"));

    ActivityIndex index = ActivityIndex.build(storage, ActivityRules.defaults());

    assertThat(index.eventCount()).isEqualTo(1);
    assertThat(index.unownedEvents()).as("only active events are resolved").isEqualTo(1);
    assertThat(index.profileCount()).isEqualTo(1);
  }

  /** Runs before each call of the {@link #observed} storage; may throw to fail the call. */
  private interface BeforeCall {
    void before(String method);
  }

  /**
   * {@code storage} with {@code before} run before each call, and {@code streamClosed} when a
   * stream it returned from {@code allEvents()} is closed.
   */
  private Storage observed(BeforeCall before, Runnable streamClosed) {
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          before.before(method.getName());
          Object result;
          try {
            result = method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          return method.getName().equals("allEvents") ? ((Stream<?>) result).onClose(streamClosed) : result;
        });
  }

  /**
   * {@code storage}, failing any read made while an {@code allEvents()} stream of it is open: on a
   * database backend such a read borrows a second pooled connection (a pool of one waits for good).
   */
  private Storage failingReadsInsideTheEventStream() {
    int[] open = new int[1];
    return observed(method -> {
      if (open[0] > 0) {
        throw new AssertionError("storage." + method + " called while the event stream is open");
      }
      if (method.equals("allEvents")) {
        open[0]++;
      }
    }, () -> open[0]--);
  }

  /**
   * Regression: MAU, activity statuses and engagement looked each event's anchor up in the index
   * while the event stream was open (on JDBC, a second connection per computation). Anchors on a
   * profile come from the profile pass now; the rest (here: an index entry the profile table does
   * not show, and one that two profiles show) are looked up after the stream is closed, with the
   * results of the index as before.
   */
  @Test
  void wholePopulationAnalytics_readNothingWhileTheEventStreamIsOpen() {
    Profile ann = profile("p-ann", email("ann"));
    Profile bob = profile("p-bob", email("bob"));
    Identifier indexOnly = anonymous("a-index-only");
    storage.commit(Commit.builder().assign(indexOnly, Optional.empty(), bob.id()).build()); // not on bob's profile
    Identifier shown = anonymous("a-shown-twice");
    storage.commit(Commit.builder().assign(shown, Optional.empty(), ann.id())
        .putProfile(ann.toBuilder().version(2).putIdentifier(IdentifierState.firstSeen(shown, CREATED, true, "test")).build(), 1)
        .putProfile(bob.toBuilder().version(2).putIdentifier(IdentifierState.firstSeen(shown, CREATED, true, "test")).build(), 1)
        .build());
    event("login", "2026-10-30T12:00:00Z", email("ann"));
    event("login", "2026-10-31T12:00:00Z", email("ann"));
    event("login", "2026-10-29T12:00:00Z", indexOnly);
    event("pageview", "2026-10-28T12:00:00Z", shown);
    event("pageview", "2026-10-28T12:00:00Z", email("nobody"));
    Storage guarded = failingReadsInsideTheEventStream();
    LocalDate day = LocalDate.parse("2026-10-31");

    ActivityIndex index = ActivityIndex.build(guarded, ActivityRules.defaults());
    assertThat(index.eventCount()).isEqualTo(4);
    assertThat(index.unownedEvents()).isEqualTo(1);
    assertThat(index.mau(day).mau()).isEqualTo(2);
    ActivityStatusCounts statuses = new ActivityStatuses(guarded, ActivityThresholds.defaults()).count(day);
    assertThat(statuses.count(ActivityStatus.VERY_ACTIVE)).as("Ann's two logins").isEqualTo(1);
    assertThat(statuses.total()).isEqualTo(2);
    assertThat(new EngagementLevels(guarded, ActivityRules.defaults(), EngagementThresholds.defaults()).count(day)
        .values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
  }

  /**
   * Regression (review): with owners taken from the profile pass, an anonymous-to-known merge that
   * landed between that pass and the event stream counted the visitor as well as the survivor.
   * The computation is checked against the index after the stream and run again.
   */
  @Test
  void mergeBetweenTheProfilePassAndTheEventStream_countsThePersonOnce() {
    Profile visitor = profile("p-visitor", anonymous("a-1"));
    Profile ann = profile("p-ann", email("ann"));
    event("login", "2026-10-30T12:00:00Z", anonymous("a-1"));
    event("login", "2026-10-31T12:00:00Z", email("ann"));
    int[] streams = {0};
    Storage mergedDuringTheFirstStream = observed(method -> {
      if (method.equals("allEvents") && streams[0]++ == 0) {
        Profile merged = ann.toBuilder().version(2)
            .putIdentifier(IdentifierState.firstSeen(anonymous("a-1"), CREATED, true, "test"))
            .addMergedFrom(List.of(visitor.id())).build();
        storage.commit(Commit.builder().putProfile(merged, 1).deleteProfile(visitor.id(), 1)
            .assign(anonymous("a-1"), Optional.of(visitor.id()), ann.id()).build());
      }
    }, () -> { });
    LocalDate day = LocalDate.parse("2026-10-31");

    assertThat(ActivityIndex.build(mergedDuringTheFirstStream, ActivityRules.defaults()).mau(day))
        .isEqualTo(new MauCount(day, YearMonth.of(2026, 10), 1, 1, 0));
    assertThat(streams[0]).as("the first computation was repeated").isEqualTo(2);
  }

  @Test
  void index_isASnapshot_rebuildSeesNewEvents() {
    profile("p-ann", email("ann"));
    ActivityIndex before = ActivityIndex.build(storage, ActivityRules.defaults());
    event("pageview", "2026-10-03T12:00:00Z", email("ann"));

    assertThat(before.mau(LocalDate.parse("2026-10-31")).mau()).isZero();
    assertThat(ActivityIndex.build(storage, ActivityRules.defaults()).mau(LocalDate.parse("2026-10-31")).mau()).isEqualTo(1);
  }

  @Test
  void trend_acrossAMonthBoundary_restartsOnTheFirst() {
    ActivityIndex.Builder b = ActivityIndex.builder();
    int ann = b.profile(ProfileId.of("p-ann"), false);
    int cookie = b.profile(ProfileId.of("p-cookie"), true);
    b.activeEvent(ann, Instant.parse("2026-10-30T23:59:59Z"));
    b.activeEvent(cookie, Instant.parse("2026-10-31T23:59:59.999Z")); // the last instant of October
    b.activeEvent(cookie, Instant.parse("2026-11-01T00:00:00Z"));
    b.activeEvent(ann, Instant.parse("2026-11-02T08:00:00Z"));
    ActivityIndex index = b.build();

    List<MauCount> trend = index.trend(LocalDate.parse("2026-10-30"), LocalDate.parse("2026-11-02"));

    assertThat(trend).extracting(MauCount::mau).containsExactly(1L, 2L, 1L, 2L);
    assertThat(trend).extracting(MauCount::anonymous).containsExactly(0L, 1L, 1L, 1L);
    assertThat(trend.get(1).month()).isEqualTo(YearMonth.of(2026, 10));
    assertThat(trend.get(2).month()).isEqualTo(YearMonth.of(2026, 11));
  }

  @Test
  void monthly_isTheLastDayOfEachMonth() {
    ActivityIndex.Builder b = ActivityIndex.builder();
    int a = b.profile(ProfileId.of("p-a"), false);
    int c = b.profile(ProfileId.of("p-c"), false);
    b.activeEvent(a, Instant.parse("2026-09-02T00:00:00Z"));
    b.activeEvent(a, Instant.parse("2026-11-30T23:00:00Z"));
    b.activeEvent(c, Instant.parse("2026-11-01T00:00:00Z"));
    ActivityIndex index = b.build();

    assertThat(index.monthly(YearMonth.of(2026, 9), YearMonth.of(2026, 11)))
        .extracting(MauCount::date, MauCount::mau)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-09-30"), 1L),
            org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-10-31"), 0L),
            org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-11-30"), 2L));
  }

  @Test
  void builder_badArguments_refusedNamingThem() {
    ActivityIndex.Builder b = ActivityIndex.builder();
    b.profile(ProfileId.of("p-1"), false);
    assertThatIllegalArgumentException().isThrownBy(() -> b.profile(ProfileId.of("p-1"), true)).withMessageContaining("already added");
    assertThatIllegalArgumentException().isThrownBy(() -> b.activeEvent(1, Instant.EPOCH)).withMessageContaining("ordinal must be in [0, 1): 1");
    b.build();
    assertThatIllegalStateException().isThrownBy(b::build);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ActivityIndex.builder().build().trend(LocalDate.parse("2026-10-02"), LocalDate.parse("2026-10-01")))
        .withMessageContaining("to must not be before from");
  }

  @Test
  void build_eventsBeforeTheEpoch_sortAndCount() {
    ActivityIndex.Builder b = ActivityIndex.builder();
    int a = b.profile(ProfileId.of("p-a"), false);
    b.activeEvent(a, Instant.parse("1969-12-31T23:59:59Z"));
    b.activeEvent(a, Instant.parse("1970-01-01T00:00:00Z"));
    ActivityIndex index = b.build();

    assertThat(index.mau(LocalDate.parse("1969-12-31")).mau()).isEqualTo(1);
    assertThat(index.mau(LocalDate.parse("1970-01-01")).mau()).isEqualTo(1);
    assertThat(index.mau(LocalDate.parse("1969-12-30")).mau()).isZero();
  }

  // ---- properties ----

  record Activity(int profile, int day) {}

  @Provide
  Arbitrary<List<Activity>> activities() {
    return Combinators.combine(Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, 75))
        .as(Activity::new).list().ofMaxSize(200);
  }

  private static final LocalDate START = LocalDate.parse("2026-09-20");

  private static ActivityIndex index(List<Activity> activities) {
    ActivityIndex.Builder b = ActivityIndex.builder();
    for (int p = 0; p <= 40; p++) {
      b.profile(ProfileId.of("p-" + p), p % 3 == 0);
    }
    for (Activity a : activities) {
      b.activeEvent(a.profile(), START.plusDays(a.day()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(a.profile() * 997L % 86_400));
    }
    return b.build();
  }

  @Property(tries = 200)
  void trend_equalsTheMauOfEachDay_andTheDefinition(@ForAll("activities") List<Activity> activities) {
    ActivityIndex index = index(activities);
    LocalDate from = START.plusDays(3);
    LocalDate to = START.plusDays(70);

    List<MauCount> trend = index.trend(from, to);

    List<MauCount> daily = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      daily.add(index.mau(d));
      Set<Integer> expected = new HashSet<>();
      for (Activity a : activities) {
        LocalDate day = START.plusDays(a.day());
        if (YearMonth.from(day).equals(YearMonth.from(d)) && !day.isAfter(d)) {
          expected.add(a.profile());
        }
      }
      assertThat(daily.get(daily.size() - 1).mau()).isEqualTo(expected.size());
      assertThat(daily.get(daily.size() - 1).anonymous()).isEqualTo(expected.stream().filter(p -> p % 3 == 0).count());
    }
    assertThat(trend).isEqualTo(daily);
  }

  @Property(tries = 200)
  void mau_ofADay_neverAboveTheMonthsLastDay(@ForAll("activities") List<Activity> activities) {
    ActivityIndex index = index(activities);
    for (int d = 0; d <= 75; d++) {
      LocalDate day = START.plusDays(d);
      MauCount m = index.mau(day);
      MauCount last = index.mau(YearMonth.from(day).atEndOfMonth());
      assertThat(m.mau()).isLessThanOrEqualTo(last.mau());
      assertThat(m.identified()).isLessThanOrEqualTo(last.identified());
      assertThat(m.anonymous()).isLessThanOrEqualTo(last.anonymous());
    }
  }
}
