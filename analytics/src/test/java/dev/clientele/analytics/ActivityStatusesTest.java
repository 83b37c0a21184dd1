package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActivityStatusesTest {
  static final LocalDate D = LocalDate.parse("2026-10-31");
  InMemoryStorage storage;
  int events;

  @BeforeEach
  void setUp() {
    storage = new InMemoryStorage();
  }

  /** A profile created at {@code created} holding customer id {@code name}. */
  Identifier person(String name, String created) {
    Identifier id = Identifier.of(IdentifierType.CUSTOMER_ID, name);
    Instant at = Instant.parse(created);
    Profile p = Profile.builder(ProfileId.of("p-" + name), at).version(1)
        .putIdentifier(IdentifierState.firstSeen(id, at, true, "test")).build();
    storage.commit(Commit.builder().putProfile(p, 0).assign(id, java.util.Optional.empty(), p.id()).build());
    return id;
  }

  void event(Identifier who, String type, String at) {
    Event e = Event.builder("e-" + (events++), type, Instant.parse(at)).identifier(who).build();
    storage.commit(Commit.builder().append(new StoredEvent(e, who)).build());
  }

  ActivityStatusCounts counts() {
    return new ActivityStatuses(storage, ActivityThresholds.defaults()).count(D);
  }

  @Test
  void count_boundariesOfTheSevenAndThirtyDayWindows() {
    Identifier veryActive = person("va", "2026-01-01T00:00:00Z");
    event(veryActive, "login", "2026-10-25T00:00:00Z"); // first second of D-6: inside
    event(veryActive, "login", "2026-10-31T23:59:59Z"); // last second of D: inside
    Identifier justOutside = person("jo", "2026-01-01T00:00:00Z");
    event(justOutside, "login", "2026-10-24T23:59:59Z"); // last second of D-7: outside 7, inside 30
    event(justOutside, "login", "2026-10-31T10:00:00Z");
    Identifier active30 = person("a30", "2026-01-01T00:00:00Z");
    event(active30, "login", "2026-10-02T00:00:00Z"); // first second of D-29: inside 30
    event(active30, "login", "2026-10-20T00:00:00Z");
    Identifier outside30 = person("o30", "2026-01-01T00:00:00Z");
    event(outside30, "login", "2026-10-01T23:59:59Z"); // D-30: outside
    event(outside30, "login", "2026-10-20T00:00:00Z");

    ActivityStatusCounts c = counts();

    assertThat(c.count(ActivityStatus.VERY_ACTIVE)).isEqualTo(1);
    assertThat(c.count(ActivityStatus.ACTIVE)).isEqualTo(2);
    assertThat(c.count(ActivityStatus.OCCASIONAL)).isEqualTo(1);
    assertThat(c.total()).isEqualTo(4);
  }

  @Test
  void statusesAsOf_perProfile_agreesWithTheWindows() {
    Identifier veryActive = person("va", "2026-01-01T00:00:00Z");
    event(veryActive, "login", "2026-10-25T00:00:00Z");
    event(veryActive, "login", "2026-10-31T23:59:59Z");
    Identifier active30 = person("a30", "2026-01-01T00:00:00Z");
    event(active30, "login", "2026-10-02T00:00:00Z");
    event(active30, "login", "2026-10-20T00:00:00Z");
    Identifier occasional = person("occ", "2026-01-01T00:00:00Z");
    event(occasional, "login", "2026-08-01T00:00:00Z");
    person("zz", "2026-01-01T00:00:00Z");

    var status = new ActivityStatuses(storage, ActivityThresholds.defaults()).statusesAsOf(D);

    assertThat(status.apply(ProfileId.of("p-va"))).isEqualTo(ActivityStatus.VERY_ACTIVE);
    assertThat(status.apply(ProfileId.of("p-a30"))).isEqualTo(ActivityStatus.ACTIVE);
    assertThat(status.apply(ProfileId.of("p-occ"))).isEqualTo(ActivityStatus.OCCASIONAL);
    assertThat(status.apply(ProfileId.of("p-zz"))).isEqualTo(ActivityStatus.SLEEPER);
    assertThat(counts().count(ActivityStatus.OCCASIONAL)).isEqualTo(1);
  }

  @Test
  void count_sleeperIsNoLoginInThreeCalendarMonths_otherEventsDoNotCount() {
    Identifier sleeper = person("s", "2026-01-01T00:00:00Z");
    event(sleeper, "login", "2026-07-31T23:59:59Z"); // before Aug 1: outside the 3 months
    event(sleeper, "pageview", "2026-10-30T00:00:00Z"); // not a login
    Identifier occasional = person("o", "2026-01-01T00:00:00Z");
    event(occasional, "login", "2026-08-01T00:00:00Z"); // first second of the window
    Identifier neverLoggedIn = person("n", "2026-01-01T00:00:00Z");

    ActivityStatusCounts c = counts();

    assertThat(c.count(ActivityStatus.SLEEPER)).isEqualTo(2);
    assertThat(c.count(ActivityStatus.OCCASIONAL)).isEqualTo(1);
    assertThat(neverLoggedIn).isNotNull();
  }

  @Test
  void count_ignoresProfilesCreatedAndLoginsAfterTheDay() {
    Identifier later = person("later", "2026-11-01T00:00:00Z");
    event(later, "login", "2026-11-01T01:00:00Z");
    Identifier existing = person("x", "2026-10-01T00:00:00Z");
    event(existing, "login", "2026-11-01T00:00:00Z");
    event(existing, "login", "2026-11-02T00:00:00Z");

    ActivityStatusCounts c = counts();

    assertThat(c.total()).isEqualTo(1);
    assertThat(c.count(ActivityStatus.SLEEPER)).isEqualTo(1);
  }

  @Test
  void count_customLoginType() {
    Identifier p = person("p", "2026-01-01T00:00:00Z");
    event(p, "session_start", "2026-10-30T00:00:00Z");
    event(p, "session_start", "2026-10-31T00:00:00Z");
    ActivityStatusCounts c = new ActivityStatuses(storage, ActivityThresholds.defaults().withLoginType("session_start")).count(D);
    assertThat(c.count(ActivityStatus.VERY_ACTIVE)).isEqualTo(1);
  }

  @Test
  void thresholds_invalid_throwNamingTheRule() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ActivityThresholds("login", 31, 2, 30, 2, 3))
        .withMessageContaining("veryActiveDays <= activeDays");
    assertThatIllegalArgumentException().isThrownBy(() -> new ActivityThresholds(" ", 7, 2, 30, 2, 3))
        .withMessageContaining("loginType");
  }

  @Property
  void classify_statusesPartitionAndFollowTheirDefinitions(
      @ForAll @IntRange(min = 0, max = 5) int in7, @ForAll @IntRange(min = 0, max = 5) int extra30,
      @ForAll @IntRange(min = 0, max = 5) int extra3m) {
    int in30 = in7 + extra30;
    int in3m = in30 + extra3m;
    ActivityStatus s = ActivityThresholds.defaults().classify(in7, in30, in3m);
    assertThat(s == ActivityStatus.VERY_ACTIVE).isEqualTo(in7 > 1);
    assertThat(s == ActivityStatus.ACTIVE).isEqualTo(in7 <= 1 && in30 > 1);
    assertThat(s == ActivityStatus.SLEEPER).isEqualTo(in3m == 0);
    assertThat(s == ActivityStatus.OCCASIONAL).isEqualTo(in30 <= 1 && in3m > 0);
  }

  /**
   * One profile's status, read from its own events, is what the whole-store pass gives it: for
   * random logins (and other events) around every window boundary, several profiles, several
   * identifiers each.
   */
  @Property(tries = 200)
  void of_equalsTheWholeStorePass(
      @ForAll @IntRange(min = 0, max = 3000) int seed, @ForAll @IntRange(min = 1, max = 40) int logins) {
    storage = new InMemoryStorage();
    java.util.Random r = new java.util.Random(seed);
    Identifier[][] people = new Identifier[4][];
    for (int i = 0; i < people.length; i++) {
      Identifier main = person("c" + i, "2026-01-01T00:00:00Z");
      Identifier device = Identifier.of(IdentifierType.ANONYMOUS_ID, "d" + i);
      ProfileId id = ProfileId.of("p-c" + i);
      Profile p = storage.profile(id).orElseThrow();
      storage.commit(Commit.builder().putProfile(p.toBuilder().version(2)
          .putIdentifier(IdentifierState.firstSeen(device, Instant.parse("2026-01-01T00:00:00Z"), true, "test")).build(), 1)
          .assign(device, java.util.Optional.empty(), id).build());
      people[i] = new Identifier[] {main, device};
    }
    Instant end = D.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    for (int k = 0; k < logins; k++) {
      Identifier[] who = people[r.nextInt(people.length)];
      Instant at = end.minusSeconds(r.nextInt(120 * 86_400) - 86_400); // some after the day
      event(who[r.nextInt(2)], r.nextInt(5) == 0 ? "pageview" : "login", at.toString());
    }
    ActivityStatuses statuses = new ActivityStatuses(storage, ActivityThresholds.defaults());
    java.util.function.Function<ProfileId, ActivityStatus> all = statuses.statusesAsOf(D);
    for (int i = 0; i < people.length; i++) {
      ProfileId id = ProfileId.of("p-c" + i);
      assertThat(statuses.of(id, D)).as(id.value()).isEqualTo(all.apply(id));
    }
  }

  @Test
  void of_unknownProfile_throws() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new ActivityStatuses(storage, ActivityThresholds.defaults()).of(ProfileId.of("p-none"), D))
        .isInstanceOf(java.util.NoSuchElementException.class);
  }
}
