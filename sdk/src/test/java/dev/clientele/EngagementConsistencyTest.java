package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.Engagement;
import dev.clientele.analytics.EngagementLevel;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import dev.clientele.export.ComputedValues;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The three faces of engagement agree on real ingested histories, with merges (an anonymous
 * device joining a known person, households refused), out-of-order arrival and profiles created
 * after the day asked about: the export value of every profile equals
 * {@link Clientele#engagement}, and {@link Clientele#engagementCounts} counts exactly the
 * profiles created by the end of the day, each at that level.
 */
class EngagementConsistencyTest {
  private static final LocalDate D = LocalDate.parse("2026-10-20");
  private static final String[] TYPES = {"pageview", "login", "consent", "campaign", "order"};

  @Property(tries = 60)
  void valuesCountsAndPerProfile_agree(@ForAll("histories") List<Event> events, @ForAll @IntRange(min = -3, max = 40) int back,
      @ForAll @IntRange(min = 1, max = 40) int window) {
    LocalDate day = D.minusDays(back);
    EngagementThresholds t = new EngagementThresholds(window, Math.min(2, window), Math.min(3, window), 10, 1);
    try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds()).engagementThresholds(t).build()) {
      events.forEach(c::ingest);
      ComputedValues values = c.engagementValues(day);
      Map<EngagementLevel, Long> counts = c.engagementCounts(day);

      Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Map<EngagementLevel, Long> tally = new EnumMap<>(EngagementLevel.class);
      for (EngagementLevel l : EngagementLevel.values()) {
        tally.put(l, 0L);
      }
      for (Profile p : Fixtures.profiles(c)) {
        Engagement one = c.engagement(p.id(), day);
        assertThat(values.values(p).get(ComputedValues.ENGAGEMENT)).isEqualTo(one.level().key());
        if (p.createdAt().isBefore(end)) {
          tally.merge(one.level(), 1L, Long::sum);
        } else {
          assertThat(one.level()).as("created after the day: nothing active by then").isEqualTo(EngagementLevel.LOW);
        }
      }
      assertThat(counts).isEqualTo(tally);
    }
  }

  @Provide
  Arbitrary<List<Event>> histories() {
    Arbitrary<Event> event = Combinators.combine(
            Arbitraries.integers().between(0, 4), // person
            Arbitraries.integers().between(1, 7), // identifier mask
            Arbitraries.integers().between(0, TYPES.length - 1),
            Arbitraries.integers().between(0, 40 * 24)) // hours back from the end of D (any order)
        .as((p, mask, type, hours) -> {
          Instant at = D.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(3600L * hours - 1800);
          Event.Builder b = Event.builder(String.format(Locale.ROOT, "e-%d-%d-%d-%d", p, mask, type, hours), TYPES[type], at);
          if ((mask & 1) != 0) {
            b.identifier(customerId("c-" + p));
          }
          if ((mask & 2) != 0) {
            b.identifier(email("p" + p + "@example.com"));
          }
          if ((mask & 4) != 0) {
            b.identifier(Fixtures.anonymousId("dev-" + (hours % 3 == 0 ? p + 1 : p))); // sometimes a neighbour's device
          }
          switch (TYPES[type]) {
            case "login" -> b.action("login");
            case "consent" -> b.action("opt_out");
            case "campaign" -> b.action("sent");
            case "order" -> b.action("purchase").data("total", 10);
            default -> { }
          }
          return b.build();
        });
    return event.list().ofMaxSize(40);
  }
}
