package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Bug hunt (session 11): MAU, trended and monthly MAU, activity status and engagement over
 * random event histories, against brute-force counts written here from DESIGN.md ("Active
 * users", "Activity status", "Metric snapshot") and the thresholds' Javadoc.
 *
 * <p>Timestamps cluster at UTC day and month boundaries (the last nanosecond of a day, exactly
 * midnight, month and year ends, 29 February, the EU and US daylight-saving change dates, which
 * must not matter in UTC, and a day before 1970), events are stored in random order, some are
 * anchored on identifiers nobody owns, and some profiles are anonymous or created late.
 */
class ActivityHuntPropertiesTest {
  /** Days around which timestamps cluster. */
  static final List<LocalDate> ANCHORS = List.of(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-03-29"),
      LocalDate.parse("2026-03-08"), LocalDate.parse("2026-10-25"), LocalDate.parse("2026-11-01"),
      LocalDate.parse("2026-12-31"), LocalDate.parse("2028-02-29"), LocalDate.parse("2026-04-30"),
      LocalDate.parse("1969-12-31"));

  /** Type/action pairs: active ones and each kind DESIGN.md names as not active. */
  static final List<String[]> KINDS = List.of(new String[] {"login", "login"}, new String[] {"pageview", "view"},
      new String[] {"order", "purchase"}, new String[] {"campaign", "open"}, new String[] {"campaign", "sent"},
      new String[] {"consent", "opt_in"}, new String[] {"reachability", "hard_bounce"},
      new String[] {"list", "subscribe"}, new String[] {"compliance", "ccpa_opt_out"},
      new String[] {"discovery", "found"}, new String[] {"feedback", "negative"}, new String[] {"login", "login"});

  /** DESIGN.md's default rule, written independently of {@link ActivityRules}. */
  static boolean designActive(String type, String action) {
    return switch (type) {
      case "consent", "reachability", "list", "compliance", "discovery" -> false;
      case "campaign" -> !action.equals("sent");
      default -> true;
    };
  }

  record Ev(int person, int kind, Instant at) {}

  record Person(boolean anonymous, int createdOffsetDays) {}

  record World(List<Person> people, List<Ev> events, List<LocalDate> days) {}

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<LocalDate> anchor = Arbitraries.of(ANCHORS);
    Arbitrary<Integer> dayShift = Arbitraries.oneOf(Arbitraries.integers().between(-2, 2),
        Arbitraries.integers().between(-100, 100));
    Arbitrary<Long> nanoOfDay = Arbitraries.oneOf(Arbitraries.of(0L, 86_400_000_000_000L - 1, 1L,
        43_200_000_000_000L), Arbitraries.longs().between(0, 86_400_000_000_000L - 1));
    return Combinators.combine(anchor, dayShift, nanoOfDay)
        .as((d, s, n) -> d.plusDays(s).atStartOfDay(ZoneOffset.UTC).toInstant().plusNanos(n));
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<Person> person = Combinators.combine(Arbitraries.integers().between(0, 3).map(i -> i == 0),
        Arbitraries.integers().between(-400, 40)).as(Person::new);
    Arbitrary<List<Person>> people = person.list().ofMinSize(1).ofMaxSize(6);
    return people.flatMap(ps -> {
      Arbitrary<Ev> ev = Combinators.combine(Arbitraries.integers().between(0, ps.size()), // ps.size(): nobody
          Arbitraries.integers().between(0, KINDS.size() - 1), instants()).as(Ev::new);
      Arbitrary<LocalDate> day = Combinators.combine(Arbitraries.of(ANCHORS), Arbitraries.integers().between(-3, 40))
          .as(LocalDate::plusDays);
      return Combinators.combine(ev.list().ofMaxSize(40), day.list().ofMinSize(1).ofMaxSize(4))
          .as((es, ds) -> new World(ps, es, ds));
    });
  }

  /** The store: person i owns customer_id / anonymous_id "i"; events in the given (random) order. */
  static InMemoryStorage store(World w, List<ProfileId> ids, List<Identifier> keys) {
    InMemoryStorage storage = new InMemoryStorage();
    for (int i = 0; i < w.people().size(); i++) {
      Person p = w.people().get(i);
      Identifier id = Identifier.of(p.anonymous() ? IdentifierType.ANONYMOUS_ID : IdentifierType.CUSTOMER_ID, "u" + i);
      Instant created = createdAt(p);
      Profile profile = Profile.builder(ProfileId.of("p-" + i), created).version(1)
          .putIdentifier(IdentifierState.firstSeen(id, created, true, "test")).build();
      storage.commit(Commit.builder().putProfile(profile, 0).assign(id, Optional.empty(), profile.id()).build());
      ids.add(profile.id());
      keys.add(id);
    }
    Identifier nobody = Identifier.of(IdentifierType.CUSTOMER_ID, "nobody");
    int n = 0;
    for (Ev e : w.events()) {
      String[] k = KINDS.get(e.kind());
      Identifier who = e.person() < keys.size() ? keys.get(e.person()) : nobody;
      Event event = Event.builder("e-" + n++, k[0], e.at()).action(k[1]).identifier(who).build();
      storage.commit(Commit.builder().append(new StoredEvent(event, who)).build());
    }
    return storage;
  }

  static Instant createdAt(Person p) {
    return LocalDate.parse("2026-06-01").plusDays(p.createdOffsetDays()).atTime(23, 59, 59).toInstant(ZoneOffset.UTC);
  }

  static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  /** Brute-force MAU of {@code d}: distinct owned people with an active event in [first of month, d]. */
  static long[] bruteMau(World w, LocalDate d) {
    Set<Integer> active = new HashSet<>();
    for (Ev e : w.events()) {
      String[] k = KINDS.get(e.kind());
      LocalDate ed = day(e.at());
      if (e.person() < w.people().size() && designActive(k[0], k[1]) && YearMonth.from(ed).equals(YearMonth.from(d))
          && !ed.isAfter(d)) {
        active.add(e.person());
      }
    }
    long anon = active.stream().filter(i -> w.people().get(i).anonymous()).count();
    return new long[] {active.size(), active.size() - anon, anon};
  }

  @Property(tries = 200)
  void mau_trend_monthly_equalABruteForceCount(@ForAll("worlds") World w) {
    List<ProfileId> ids = new ArrayList<>();
    InMemoryStorage storage = store(w, ids, new ArrayList<>());
    ActivityRules rules = ActivityRules.defaults();
    for (String[] k : KINDS) {
      assertThat(rules.isActive(k[0], k[1])).as("%s/%s active", k[0], k[1]).isEqualTo(designActive(k[0], k[1]));
    }
    ActiveUsers users = new ActiveUsers(storage, rules);
    ActivityIndex index = users.index();
    long unowned = w.events().stream()
        .filter(e -> e.person() == w.people().size() && designActive(KINDS.get(e.kind())[0], KINDS.get(e.kind())[1]))
        .count();
    assertThat(index.unownedEvents()).isEqualTo(unowned);
    for (LocalDate d : w.days()) {
      long[] expected = bruteMau(w, d);
      MauCount m = users.mau(d);
      assertThat(new long[] {m.mau(), m.identified(), m.anonymous()}).as("mau %s", d).containsExactly(expected);
      // A trend across a month boundary: every day equals its own brute-force count.
      List<MauCount> trend = index.trend(d.minusDays(3), d.plusDays(2));
      assertThat(trend).hasSize(6);
      for (MauCount t : trend) {
        assertThat(new long[] {t.mau(), t.identified(), t.anonymous()}).as("trend %s", t.date())
            .containsExactly(bruteMau(w, t.date()));
        assertThat(t.month()).isEqualTo(YearMonth.from(t.date()));
      }
      List<MauCount> monthly = index.monthly(YearMonth.from(d).minusMonths(1), YearMonth.from(d));
      assertThat(monthly).hasSize(2);
      for (MauCount t : monthly) {
        assertThat(t.date()).isEqualTo(YearMonth.from(t.date()).atEndOfMonth());
        assertThat(t.mau()).isEqualTo(bruteMau(w, t.date())[0]);
      }
    }
  }

  /** Logins of person i in [from, to] (UTC days, inclusive). */
  static int logins(World w, int person, LocalDate from, LocalDate to) {
    int n = 0;
    for (Ev e : w.events()) {
      LocalDate ed = day(e.at());
      if (e.person() == person && KINDS.get(e.kind())[0].equals("login") && !ed.isBefore(from) && !ed.isAfter(to)) {
        n++;
      }
    }
    return n;
  }

  @Property(tries = 200)
  void activityStatus_equalsABruteForceClassification(@ForAll("worlds") World w) {
    List<ProfileId> ids = new ArrayList<>();
    InMemoryStorage storage = store(w, ids, new ArrayList<>());
    ActivityStatuses statuses = new ActivityStatuses(storage, ActivityThresholds.defaults());
    for (LocalDate d : w.days()) {
      Map<ActivityStatus, Long> expected = new EnumMap<>(ActivityStatus.class);
      Function<ProfileId, ActivityStatus> each = statuses.statusesAsOf(d);
      for (int i = 0; i < w.people().size(); i++) {
        ActivityStatus s;
        // DESIGN: more than one login in the last 7 (30) days, windows ending with D; a sleeper
        // has no login in the last 3 calendar months (after D minus 3 months, through D).
        if (logins(w, i, d.minusDays(6), d) > 1) {
          s = ActivityStatus.VERY_ACTIVE;
        } else if (logins(w, i, d.minusDays(29), d) > 1) {
          s = ActivityStatus.ACTIVE;
        } else if (logins(w, i, d.minusMonths(3).plusDays(1), d) == 0) {
          s = ActivityStatus.SLEEPER;
        } else {
          s = ActivityStatus.OCCASIONAL;
        }
        assertThat(each.apply(ids.get(i))).as("status of %s on %s", i, d).isEqualTo(s);
        if (!day(createdAt(w.people().get(i))).isAfter(d)) {
          expected.merge(s, 1L, Long::sum);
        }
      }
      ActivityStatusCounts counts = statuses.count(d);
      for (ActivityStatus s : ActivityStatus.values()) {
        assertThat(counts.count(s)).as("%s on %s", s, d).isEqualTo(expected.getOrDefault(s, 0L));
      }
    }
  }

  @Property(tries = 100)
  void engagement_equalsABruteForceRecencyAndFrequency(@ForAll("worlds") World w) {
    List<ProfileId> ids = new ArrayList<>();
    InMemoryStorage storage = store(w, ids, new ArrayList<>());
    EngagementThresholds t = EngagementThresholds.defaults();
    EngagementLevels levels = new EngagementLevels(storage, ActivityRules.defaults(), t);
    for (LocalDate d : w.days()) {
      Function<ProfileId, Engagement> all = levels.levelsAsOf(d);
      Map<EngagementLevel, Long> expectedCounts = new EnumMap<>(EngagementLevel.class);
      for (int i = 0; i < w.people().size(); i++) {
        LocalDate last = null;
        Set<LocalDate> activeDays = new HashSet<>();
        for (Ev e : w.events()) {
          LocalDate ed = day(e.at());
          if (e.person() == i && designActive(KINDS.get(e.kind())[0], KINDS.get(e.kind())[1]) && !ed.isAfter(d)) {
            last = last == null || ed.isAfter(last) ? ed : last;
            if (ed.isAfter(d.minusDays(t.windowDays()))) {
              activeDays.add(ed);
            }
          }
        }
        EngagementLevel expected;
        if (last == null) {
          expected = EngagementLevel.LOW;
        } else {
          long since = d.toEpochDay() - last.toEpochDay();
          expected = since <= t.highRecencyDays() && activeDays.size() >= t.highActiveDays() ? EngagementLevel.HIGH
              : since <= t.mediumRecencyDays() && activeDays.size() >= t.mediumActiveDays() ? EngagementLevel.MEDIUM
              : EngagementLevel.LOW;
        }
        Engagement one = levels.of(ids.get(i), d);
        assertThat(one.level()).as("engagement of %s on %s", i, d).isEqualTo(expected);
        assertThat(all.apply(ids.get(i))).isEqualTo(one);
        if (!day(createdAt(w.people().get(i))).isAfter(d)) {
          expectedCounts.merge(expected, 1L, Long::sum);
        }
      }
      Map<EngagementLevel, Long> counts = levels.count(d);
      for (EngagementLevel l : EngagementLevel.values()) {
        assertThat(counts.get(l)).as("%s on %s", l, d).isEqualTo(expectedCounts.getOrDefault(l, 0L));
      }
    }
  }

  /** Out-of-order feeding of a host-built index gives the same counts as sorted feeding. */
  @Property(tries = 100)
  void builtIndex_isIndependentOfEventOrder(@ForAll @Size(max = 60) List<@net.jqwik.api.From("instants") Instant> times,
      @ForAll long seed) {
    ActivityIndex.Builder a = ActivityIndex.builder();
    ActivityIndex.Builder b = ActivityIndex.builder();
    for (int i = 0; i < 5; i++) {
      a.profile(ProfileId.of("p" + i), i == 0);
      b.profile(ProfileId.of("p" + i), i == 0);
    }
    List<Instant> shuffled = new ArrayList<>(times);
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    Map<Instant, Integer> owner = new HashMap<>();
    for (Instant t : times) {
      owner.putIfAbsent(t, Math.floorMod(t.hashCode(), 5));
      a.activeEvent(owner.get(t), t);
    }
    for (Instant t : shuffled) {
      b.activeEvent(owner.get(t), t);
    }
    ActivityIndex ia = a.build();
    ActivityIndex ib = b.build();
    for (Instant t : times) {
      LocalDate d = day(t);
      assertThat(ib.mau(d)).isEqualTo(ia.mau(d));
      Set<Integer> expected = new HashSet<>();
      for (Instant u : times) {
        if (YearMonth.from(day(u)).equals(YearMonth.from(d)) && !day(u).isAfter(d)) {
          expected.add(owner.get(u));
        }
      }
      assertThat(ia.mau(d).mau()).isEqualTo(expected.size());
      assertThat(ia.mau(d).anonymous()).isEqualTo(expected.contains(0) ? 1 : 0);
    }
  }
}
