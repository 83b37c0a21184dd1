package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EngagementLevelsTest {
  static final LocalDate D = LocalDate.parse("2026-10-31");

  final InMemoryStorage storage = new InMemoryStorage();
  int events;

  Identifier person(String name) {
    Identifier id = Identifier.of(IdentifierType.CUSTOMER_ID, name);
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    Profile p = Profile.builder(ProfileId.of("p-" + name), at).version(1)
        .putIdentifier(IdentifierState.firstSeen(id, at, true, "test")).build();
    storage.commit(Commit.builder().putProfile(p, 0).assign(id, Optional.empty(), p.id()).build());
    return id;
  }

  void event(Identifier who, String type, Instant at) {
    Event e = Event.builder("e-" + (events++), type, at).identifier(who).build();
    storage.commit(Commit.builder().append(new StoredEvent(e, who)).build());
  }

  /** One active event at noon on each of {@code days} days before D (0 = D itself). */
  void activeOn(Identifier who, int... daysBack) {
    for (int back : daysBack) {
      event(who, "page", D.minusDays(back).atTime(12, 0).toInstant(ZoneOffset.UTC));
    }
  }

  EngagementLevels levels() {
    return new EngagementLevels(storage, ActivityRules.defaults(), EngagementThresholds.defaults());
  }

  @Test
  void of_classifiesByRecencyAndDistinctActiveDays() {
    Identifier high = person("high");
    activeOn(high, 0, 3, 5, 8, 10, 14, 20, 29); // 8 days in the window, last on D
    Identifier stale = person("stale");
    activeOn(stale, 8, 9, 10, 11, 12, 13, 14, 15); // 8 days, but the last 8 days ago: medium
    Identifier returning = person("ret");
    activeOn(returning, 29, 29, 29, 30); // one day in the window (three events on it): low
    Identifier twice = person("twice");
    activeOn(twice, 1, 29);
    Identifier silent = person("silent");
    event(silent, "consent", D.atStartOfDay().toInstant(ZoneOffset.UTC)); // not active

    EngagementLevels l = levels();

    assertThat(l.of(ProfileId.of("p-high"), D))
        .isEqualTo(new Engagement(D, EngagementLevel.HIGH, Optional.of(D), 8));
    assertThat(l.of(ProfileId.of("p-stale"), D).level()).isEqualTo(EngagementLevel.MEDIUM);
    assertThat(l.of(ProfileId.of("p-ret"), D))
        .isEqualTo(new Engagement(D, EngagementLevel.LOW, Optional.of(D.minusDays(29)), 1));
    assertThat(l.of(ProfileId.of("p-twice"), D).level()).isEqualTo(EngagementLevel.MEDIUM);
    assertThat(l.of(ProfileId.of("p-silent"), D))
        .isEqualTo(new Engagement(D, EngagementLevel.LOW, Optional.empty(), 0));
    assertThat(l.count(D)).containsExactlyInAnyOrderEntriesOf(Map.of(
        EngagementLevel.HIGH, 1L, EngagementLevel.MEDIUM, 2L, EngagementLevel.LOW, 2L));
  }

  @Test
  void of_ignoresEventsAfterTheDay_andWindowEdgesAreWholeUtcDays() {
    Identifier who = person("w");
    event(who, "page", D.minusDays(29).atStartOfDay().toInstant(ZoneOffset.UTC)); // first second of the window
    event(who, "page", D.minusDays(30).atTime(23, 59, 59).toInstant(ZoneOffset.UTC)); // last second before it
    event(who, "page", D.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)); // after D: ignored

    Engagement e = levels().of(ProfileId.of("p-w"), D);

    assertThat(e.activeDays()).isEqualTo(1);
    assertThat(e.lastActiveDay()).contains(D.minusDays(29));
  }

  @Test
  void of_unknownProfile_throws() {
    assertThatThrownBy(() -> levels().of(ProfileId.of("p-none"), D)).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void thresholds_rejectHighLooserThanMedium() {
    assertThatIllegalArgumentException().isThrownBy(() -> new EngagementThresholds(30, 10, 8, 7, 2))
        .withMessageContaining("highRecencyDays");
    assertThatIllegalArgumentException().isThrownBy(() -> new EngagementThresholds(30, 7, 2, 30, 3))
        .withMessageContaining("mediumActiveDays");
    assertThatIllegalArgumentException().isThrownBy(() -> new EngagementThresholds(400, 7, 8, 30, 2))
        .withMessageContaining("windowDays");
  }

  /** More recent or more frequent activity never lowers the level. */
  @Property
  void classify_isMonotone(
      @ForAll @IntRange(min = -1, max = 60) int recency, @ForAll @IntRange(min = 0, max = 30) int days,
      @ForAll @IntRange(min = 0, max = 60) int fresher, @ForAll @IntRange(min = 0, max = 30) int more) {
    EngagementThresholds t = EngagementThresholds.defaults();
    int r2 = recency < 0 ? Math.min(60, fresher) : Math.max(0, recency - fresher);
    int d2 = Math.min(30, days + more);
    if (recency < 0) {
      days = 0;
    }
    assertThat(t.classify(r2, d2).ordinal()).isLessThanOrEqualTo(t.classify(recency, days).ordinal());
  }

  /** The one-pass levels and counts agree with each profile's own timeline, for any history. */
  @Property(tries = 60)
  void levelsAsOf_agreesWithOf(@ForAll("histories") List<int[]> history, @ForAll @IntRange(min = 1, max = 90) int window) {
    EngagementLevelsTest t = new EngagementLevelsTest();
    List<Identifier> people = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      people.add(t.person("x" + i));
    }
    for (int[] e : history) { // person, days back (negative: after D), hour, active?
      Instant at = D.minusDays(e[1]).atTime(e[2], 0).toInstant(ZoneOffset.UTC);
      t.event(people.get(e[0]), e[3] == 1 ? "page" : "consent", at);
    }
    EngagementThresholds th = new EngagementThresholds(window, Math.min(7, window), Math.min(8, window), 30, Math.min(2, window));
    EngagementLevels l = new EngagementLevels(t.storage, ActivityRules.defaults(), th);
    Function<ProfileId, Engagement> all = l.levelsAsOf(D);
    Map<EngagementLevel, Long> counts = l.count(D);
    long[] tally = new long[EngagementLevel.values().length];
    for (int i = 0; i < 6; i++) {
      ProfileId id = ProfileId.of("p-x" + i);
      Engagement one = l.of(id, D);
      assertThat(all.apply(id)).isEqualTo(one);
      assertThat(one.activeDays()).isLessThanOrEqualTo(window);
      tally[one.level().ordinal()]++;
    }
    for (EngagementLevel level : EngagementLevel.values()) {
      assertThat(counts.get(level)).isEqualTo(tally[level.ordinal()]);
    }
  }

  @Provide
  Arbitrary<List<int[]>> histories() {
    Arbitrary<int[]> event = Combinators.combine(
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(-3, 120),
        Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 3))
        .as((p, back, hour, kind) -> new int[] {p, back, hour, kind == 0 ? 0 : 1});
    return event.list().ofMaxSize(80);
  }
}
