package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.core.ActivityRules;
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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Monthly active users over a store built by hand the way the ingest pipeline leaves it: each
 * profile owns its identifiers in the index, and each event is stored under one of them.
 */
class ActiveUsersTest {
  private static final LocalDate DAY = LocalDate.parse("2026-10-15");
  private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

  private final InMemoryStorage storage = new InMemoryStorage();
  private int events;

  private static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  private static Identifier anonymous(String value) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, value);
  }

  /** Stores a profile owning {@code identifiers}. */
  private void profile(String id, Identifier... identifiers) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Profile.Builder b = Profile.builder(ProfileId.of(id), t).version(1);
    Commit.Builder c = Commit.builder();
    for (Identifier i : identifiers) {
      b.putIdentifier(IdentifierState.firstSeen(i, t, true, "test"));
      c.assign(i, Optional.empty(), ProfileId.of(id));
    }
    storage.commit(c.putProfile(b.build(), 0).build());
  }

  /** Stores an event of {@code type}/{@code action} at {@code at}, anchored at {@code anchor}. */
  private void event(String typeAndAction, String at, Identifier anchor) {
    String[] parts = typeAndAction.split("/", 2);
    Event e = Event.builder("e-" + ++events, parts[0], Instant.parse(at))
        .action(parts.length > 1 ? parts[1] : "")
        .identifier(anchor)
        .build();
    storage.commit(Commit.builder().append(new StoredEvent(e, anchor)).build());
  }

  private MauCount mau(LocalDate day) {
    return new ActiveUsers(storage, ActivityRules.defaults()).mau(day);
  }

  @Test
  void mau_emptyStore_zero() {
    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 0, 0, 0));
  }

  @Test
  void mau_monthBoundaries_fromTheFirstAtMidnightThroughTheEndOfTheDay() {
    profile("p-before", email("before"));
    profile("p-first", email("first"));
    profile("p-last-ms", email("lastms"));
    profile("p-next-day", email("nextday"));
    event("pageview", "2026-09-30T23:59:59.999Z", email("before"));
    event("pageview", "2026-10-01T00:00:00Z", email("first"));
    event("pageview", "2026-10-15T23:59:59.999Z", email("lastms"));
    event("pageview", "2026-10-16T00:00:00Z", email("nextday"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 2, 2, 0));
    assertThat(mau(LocalDate.parse("2026-10-01")).mau()).isEqualTo(1);
    assertThat(mau(LocalDate.parse("2026-10-16")).mau()).isEqualTo(3);
    assertThat(mau(LocalDate.parse("2026-09-30")).mau()).isEqualTo(1);
    assertThat(mau(LocalDate.parse("2026-11-01")).mau()).isZero();
  }

  @Test
  void mau_eventLateInTheDayInNewYork_countsByItsUtcDay() {
    profile("p-1", email("ann"));
    event("login", "2026-11-01T02:00:00Z", email("ann")); // 31 October 22:00 in New York

    assertThat(mau(LocalDate.parse("2026-10-31")).mau()).isZero();
    assertThat(mau(LocalDate.parse("2026-11-01")).mau()).isEqualTo(1);
  }

  @Test
  void mau_leapDay_lastDayOfFebruary() {
    profile("p-1", email("ann"));
    event("login", "2028-02-29T23:00:00Z", email("ann"));

    assertThat(mau(LocalDate.parse("2028-02-29"))).isEqualTo(new MauCount(LocalDate.parse("2028-02-29"), YearMonth.of(2028, 2), 1, 1, 0));
    assertThat(mau(LocalDate.parse("2028-03-01")).mau()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "consent/opt_in", "consent/opt_out", "reachability/hard_bounce", "reachability/deliverable",
    "list/subscribe", "compliance/ccpa_opt_out", "compliance/gdpr_delete", "discovery/found", "discovery",
    "campaign/sent"
  })
  void mau_nonActiveEvent_neverCounts(String typeAndAction) {
    profile("p-1", email("ann"));
    event(typeAndAction, "2026-10-05T12:00:00Z", email("ann"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 0, 0, 0));
  }

  @ParameterizedTest
  @CsvSource({"campaign/open", "campaign/click", "pageview", "login/login", "order/purchase", "identify", "custom_thing/x"})
  void mau_activeEvent_counts(String typeAndAction) {
    profile("p-1", email("ann"));
    event(typeAndAction, "2026-10-05T12:00:00Z", email("ann"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 1, 1, 0));
  }

  @Test
  void mau_customRules_decideWhatIsActive() {
    profile("p-1", email("ann"));
    profile("p-2", email("bob"));
    event("campaign/sent", "2026-10-05T12:00:00Z", email("ann"));
    event("pageview", "2026-10-05T12:00:00Z", email("bob"));

    ActivityRules rules = ActivityRules.defaults().withActive("campaign", "sent").withInactiveType("pageview");

    assertThat(new ActiveUsers(storage, rules).mau(DAY).mau()).isEqualTo(1);
    assertThat(mau(DAY).mau()).isEqualTo(1);
  }

  @Test
  void mau_manyEventsOfOneProfile_countOnce() {
    profile("p-1", email("ann"), anonymous("a-1"), anonymous("a-2"));
    event("pageview", "2026-10-01T12:00:00Z", anonymous("a-1"));
    event("pageview", "2026-10-02T12:00:00Z", anonymous("a-2"));
    event("login", "2026-10-03T12:00:00Z", email("ann"));
    event("login", "2026-10-04T12:00:00Z", email("ann"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 1, 1, 0));
  }

  @Test
  void mau_visitorIdentifiedMidMonth_countsOnceAsIdentified() {
    // Anonymous browsing early in the month, stored under the cookie; the visitor identified on
    // the 10th, so the cookie and the email are now one profile.
    profile("p-1", anonymous("a-1"), email("ann"));
    event("pageview", "2026-10-03T12:00:00Z", anonymous("a-1"));
    event("pageview", "2026-10-04T12:00:00Z", anonymous("a-1"));
    event("login", "2026-10-10T12:00:00Z", email("ann"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 1, 1, 0));
    assertThat(mau(LocalDate.parse("2026-10-05"))).isEqualTo(new MauCount(LocalDate.parse("2026-10-05"), OCTOBER, 1, 1, 0));
  }

  @Test
  void mau_identifiedAndAnonymous_split() {
    profile("p-ann", email("ann"));
    profile("p-bob", Identifier.of(IdentifierType.CUSTOMER_ID, "c-2"), anonymous("a-2"));
    profile("p-visitor", anonymous("a-3"));
    profile("p-visitor2", anonymous("a-4"), anonymous("a-5"));
    profile("p-quiet", email("quiet"));
    event("pageview", "2026-10-02T12:00:00Z", email("ann"));
    event("pageview", "2026-10-03T12:00:00Z", anonymous("a-2"));
    event("pageview", "2026-10-04T12:00:00Z", anonymous("a-3"));
    event("pageview", "2026-10-05T12:00:00Z", anonymous("a-5"));
    event("consent/opt_in", "2026-10-05T12:00:00Z", email("quiet"));

    assertThat(mau(DAY)).isEqualTo(new MauCount(DAY, OCTOBER, 4, 2, 2));
  }

  @Test
  void mau_eventWhoseAnchorNobodyOwns_notCounted() {
    event("pageview", "2026-10-02T12:00:00Z", email("erased"));

    assertThat(mau(DAY).mau()).isZero();
  }

  @Test
  void arguments_null_refused() {
    assertThatNullPointerException().isThrownBy(() -> new ActiveUsers(null, ActivityRules.defaults())).withMessage("storage");
    assertThatNullPointerException().isThrownBy(() -> new ActiveUsers(storage, null)).withMessage("rules");
    assertThatNullPointerException().isThrownBy(() -> mau(null)).withMessage("day");
  }

  // ---- properties ----

  private static final String[] ACTIVE = {"pageview", "login/login", "order/purchase", "campaign/open", "identify"};
  private static final String[] INACTIVE = {
    "consent/opt_in", "reachability/hard_bounce", "list/subscribe", "compliance/ccpa_opt_out", "discovery/found",
    "campaign/sent"
  };

  /** One generated event: whose (profile index), which of its identifiers, what, when (minutes from 25 September). */
  record Spec(int profile, int identifier, String type, int minute) {}

  /** Profiles as lists of identifier kinds (true: anonymous), and events over them. */
  record World(List<List<Boolean>> profiles, List<Spec> events) {}

  private static final Instant START = Instant.parse("2026-09-25T00:00:00Z");
  private static final int MINUTES = 45 * 24 * 60; // 25 September to 9 November

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<List<List<Boolean>>> profiles =
        Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(8);
    return profiles.flatMap(ps -> {
      Arbitrary<Spec> spec = Combinators.combine(
              Arbitraries.integers().between(0, ps.size() - 1),
              Arbitraries.integers().between(0, 2),
              Arbitraries.oneOf(Arbitraries.of(ACTIVE), Arbitraries.of(INACTIVE)),
              Arbitraries.integers().between(0, MINUTES - 1))
          .as(Spec::new);
      return spec.list().ofMaxSize(30).map(es -> new World(ps, es));
    });
  }

  private static Identifier identifierOf(World w, int profile, int index) {
    List<Boolean> kinds = w.profiles().get(profile);
    int i = index % kinds.size();
    String value = String.format(Locale.ROOT, "x-%d-%d", profile, i);
    return kinds.get(i) ? anonymous(value) : email(value);
  }

  private InMemoryStorage store(World w) {
    InMemoryStorage s = new InMemoryStorage();
    for (int p = 0; p < w.profiles().size(); p++) {
      Set<Identifier> ids = new HashSet<>();
      for (int i = 0; i < w.profiles().get(p).size(); i++) {
        ids.add(identifierOf(w, p, i));
      }
      Profile.Builder b = Profile.builder(ProfileId.of("p-" + p), START).version(1);
      Commit.Builder c = Commit.builder();
      for (Identifier id : ids) {
        b.putIdentifier(IdentifierState.firstSeen(id, START, true, "test"));
        c.assign(id, Optional.empty(), ProfileId.of("p-" + p));
      }
      s.commit(c.putProfile(b.build(), 0).build());
    }
    for (int n = 0; n < w.events().size(); n++) {
      append(s, "e-" + n, w.events().get(n), identifierOf(w, w.events().get(n).profile(), w.events().get(n).identifier()));
    }
    return s;
  }

  private static void append(InMemoryStorage s, String id, Spec spec, Identifier anchor) {
    String[] parts = spec.type().split("/", 2);
    Event e = Event.builder(id, parts[0], START.plusSeconds(60L * spec.minute()))
        .action(parts.length > 1 ? parts[1] : "").identifier(anchor).build();
    s.commit(Commit.builder().append(new StoredEvent(e, anchor)).build());
  }

  /** The definition, computed from the generated world rather than from the store. */
  private static MauCount expected(World w, LocalDate day) {
    Instant from = day.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<Integer> active = new HashSet<>();
    for (Spec s : w.events()) {
      Instant t = START.plusSeconds(60L * s.minute());
      boolean isActive = List.of(ACTIVE).contains(s.type());
      if (isActive && !t.isBefore(from) && t.isBefore(to)) {
        active.add(s.profile());
      }
    }
    long anonymous = active.stream().filter(p -> w.profiles().get(p).stream().allMatch(k -> k)).count();
    return new MauCount(day, YearMonth.from(day), active.size(), active.size() - anonymous, anonymous);
  }

  @Property(tries = 300)
  void mau_laterDayOfTheSameMonth_neverSmallerAndAsDefined(
      @ForAll("worlds") World w, @ForAll @IntRange(min = 1, max = 31) int d1, @ForAll @IntRange(min = 1, max = 31) int d2) {
    LocalDate early = OCTOBER.atDay(Math.min(d1, d2));
    LocalDate late = OCTOBER.atDay(Math.max(d1, d2));
    ActiveUsers users = new ActiveUsers(store(w), ActivityRules.defaults());

    MauCount a = users.mau(early);
    MauCount b = users.mau(late);

    assertThat(a).isEqualTo(expected(w, early));
    assertThat(b).isEqualTo(expected(w, late));
    assertThat(a.mau()).isLessThanOrEqualTo(b.mau());
    assertThat(a.identified()).isLessThanOrEqualTo(b.identified());
    assertThat(a.anonymous()).isLessThanOrEqualTo(b.anonymous());
  }

  @Property(tries = 300)
  void mau_extraNonActiveEvent_neverChangesIt(
      @ForAll("worlds") World w,
      @ForAll @IntRange(min = 0, max = 8) int profile,
      @ForAll @IntRange(min = 0, max = 2) int identifier,
      @ForAll @IntRange(min = 0, max = MINUTES - 1) int minute,
      @ForAll @IntRange(min = 0, max = 5) int kind,
      @ForAll @IntRange(min = 1, max = 31) int day) {
    InMemoryStorage s = store(w);
    ActiveUsers users = new ActiveUsers(s, ActivityRules.defaults());
    LocalDate d = OCTOBER.atDay(day);
    MauCount before = users.mau(d);
    Spec extra = new Spec(profile, identifier, INACTIVE[kind], minute);
    Identifier anchor;
    if (profile < w.profiles().size()) {
      anchor = identifierOf(w, profile, identifier);
    } else { // someone new, known only from this event
      anchor = email("new-" + minute);
      Profile p = Profile.builder(ProfileId.of("p-new"), START).version(1)
          .putIdentifier(IdentifierState.firstSeen(anchor, START, false, "test")).build();
      s.commit(Commit.builder().putProfile(p, 0).assign(anchor, Optional.empty(), p.id()).build());
    }

    append(s, "e-extra", extra, anchor);

    assertThat(users.mau(d)).isEqualTo(before);
  }
}
