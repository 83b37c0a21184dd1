package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A split undoes a merge: for any two histories, merge then split gives back both profiles. */
class SplitPropertiesTest {
  private static final List<String> TYPES = List.of("pageview", "identify", "order", "consent", "login");

  record Step(int person, String type, int variant, boolean phone, boolean anonymous) {}

  @Property(tries = 80)
  void forcedMergeThenSplit_restoresBothProfilesExactly(@ForAll("histories") List<Step> steps) {
    try (Clientele c = Fixtures.clientele()) {
      for (int i = 0; i < steps.size(); i++) {
        IngestResult r = c.ingest(event(i, steps.get(i)));
        assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      }
      Profile a = c.profile(email(0)).orElseThrow();
      Profile b = c.profile(email(1)).orElseThrow();
      long events = c.storage().eventCount();

      Profile merged = c.merge(a.id(), b.id(), "property test");
      MergeRecord forced = c.mergeLog(merged.id()).get(c.mergeLog(merged.id()).size() - 1);
      c.split(forced.id(), "property test");

      assertThat(withoutVersion(c.profile(email(0)).orElseThrow())).isEqualTo(withoutVersion(a));
      assertThat(withoutVersion(c.profile(email(1)).orElseThrow())).isEqualTo(withoutVersion(b));
      assertThat(c.storage().profileCount()).isEqualTo(2);
      assertThat(c.storage().eventCount()).isEqualTo(events);
    }
  }

  private static Profile withoutVersion(Profile p) {
    return p.toBuilder().version(1).build();
  }

  private static Identifier email(int person) {
    return Identifier.of(IdentifierType.EMAIL, "person" + person + "@example.com");
  }

  private static Event event(int i, Step s) {
    Event.Builder e = Event.builder("e-" + i, s.type(), Fixtures.at(i * 7L)).identifier(email(s.person()));
    if (s.phone()) {
      e.identifier(Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+1650253%04d", s.person())));
    }
    if (s.anonymous()) {
      e.identifier(Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + s.person()));
    }
    switch (s.type()) {
      case "identify" -> e.data("first_name", "Name" + s.variant());
      case "order" -> e.data("total", new BigDecimal(s.variant() * 10 + 5));
      case "consent" -> e.action(s.variant() % 2 == 0 ? "opt_in" : "opt_out");
      default -> e.data("device", "device-" + s.variant());
    }
    return e.build();
  }

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 1),
            Arbitraries.of(TYPES),
            Arbitraries.integers().between(0, 3),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as(Step::new);
    return step.list().ofMinSize(2).ofMaxSize(20).map(steps -> {
      List<Step> out = new ArrayList<>(steps);
      // Both people exist.
      out.add(0, new Step(0, "pageview", 0, false, false));
      out.add(1, new Step(1, "pageview", 0, false, false));
      return out;
    });
  }
}
