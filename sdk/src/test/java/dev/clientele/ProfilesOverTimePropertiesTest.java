package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.analytics.InMemoryProfileCountStore;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The history replay of profiles over time agrees with the live pipeline: after any events
 * (activity, consent, bounces, CCPA, merges through shared identifiers), the counts recomputed
 * from history for the last day equal those of the profiles as ingestion left them.
 */
class ProfilesOverTimePropertiesTest {
  private static final String[] KINDS = {
    "pageview/", "login/login", "consent/opt_in", "consent/opt_out", "consent/reset", "reachability/hard_bounce",
    "reachability/deliverable", "compliance/ccpa_opt_out", "compliance/ccpa_opt_in", "campaign/sent", "order/purchase"
  };
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

  /** One event: what, when (minutes from 1 October, within 10 days), and which of a few people's identifiers. */
  record Spec(String kind, int minute, List<Integer> identifiers) {}

  private static Identifier identifier(int n) {
    return switch (n % 4) {
      case 0 -> Fixtures.email("u" + n / 4 + "@example.com");
      case 1 -> Fixtures.phone("+1201555" + String.format(java.util.Locale.ROOT, "%04d", n));
      case 2 -> Fixtures.customerId("c-" + n / 4);
      default -> Fixtures.anonymousId("a-" + n / 4);
    };
  }

  @Provide
  Arbitrary<List<Spec>> histories() {
    return Combinators.combine(
            Arbitraries.of(KINDS),
            Arbitraries.integers().between(0, 10 * 24 * 60 - 1),
            Arbitraries.integers().between(0, 15).set().ofMinSize(1).ofMaxSize(2).map(List::copyOf))
        .as(Spec::new).list().ofMaxSize(25);
  }

  @Property(tries = 150)
  void historyOfTheLastDay_equalsTheCountsOfTheProfilesAsIngested(@ForAll("histories") List<Spec> history) {
    try (Clientele c = Fixtures.clientele()) {
      for (int i = 0; i < history.size(); i++) {
        Spec s = history.get(i);
        String[] ta = s.kind().split("/", -1);
        Event.Builder b = Event.builder("e-" + i, ta[0], START.plusSeconds(60L * s.minute())).action(ta[1]);
        if (ta[0].equals("order")) {
          b.data("total", 10);
        }
        s.identifiers().forEach(n -> b.identifier(identifier(n)));
        c.ingest(b.build());
      }
      LocalDate last = LocalDate.parse("2026-10-10");

      DailyProfileCounts replayed = c.profilesOverTime(last, last).get(0);
      DailyProfileCounts live = c.recordProfileCounts(last, new InMemoryProfileCountStore());

      assertThat(replayed).isEqualTo(live);
    }
  }
}
