package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Production review H2: {@link IdentityResolver#resolve} folded identifiers that normalise to the
 * same value by comparing each with all before it, quadratic in the event's identifiers. It now
 * folds through a hash map above {@link IdentityResolver#LINEAR_FOLD_MAX}; both folds must give
 * exactly the same result (first-occurrence order, the most usable status, problem lines).
 */
class IdentityResolverFoldPropertiesTest {
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  private static final IdentityResolver RESOLVER = new IdentityResolver(
      IdentityRules.builder().blockValue("blocked@example.com").blockValue("b1").build());

  @Property(tries = 500)
  void hashedFold_equalsLinearFold(@ForAll("eventsWithRepeats") Event event) {
    ResolvedIdentifiers linear = RESOLVER.resolve(event, false);

    assertThat(RESOLVER.resolve(event, true)).isEqualTo(linear);
    assertThat(RESOLVER.resolve(event)).isEqualTo(linear);
  }

  @Example
  void manySpellingsOfFewValues_foldToFirstOccurrenceOrder() {
    List<Identifier> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(Identifier.of(LOYALTY, " ".repeat(i / 10) + "v" + (i % 10) + " ".repeat(i % 3)));
    }
    Event event = event(ids);

    ResolvedIdentifiers r = RESOLVER.resolve(event);

    assertThat(r).isEqualTo(RESOLVER.resolve(event, false));
    assertThat(r.event().identifiers()).extracting(Identifier::value)
        .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
  }

  @Example
  void maximalEvent_needingNormalisation_resolvesQuickly() {
    List<Identifier> ids = new ArrayList<>();
    ids.add(Identifier.of(LOYALTY, " v0")); // not in normal form: the fold runs for every identifier
    for (int i = 1; i < Event.MAX_IDENTIFIERS; i++) {
      ids.add(Identifier.of(LOYALTY, "v" + i));
    }
    Event event = event(ids);

    ResolvedIdentifiers r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RESOLVER.resolve(event));

    assertThat(r.linkable()).hasSize(Event.MAX_IDENTIFIERS);
  }

  private static Event event(List<Identifier> ids) {
    Event.Builder b = Event.builder("e-1", "pageview", Instant.parse("2026-10-03T14:05:00Z"));
    ids.forEach(b::identifier);
    return b.build();
  }

  /**
   * Events of 1 to 60 identifiers drawn from few values in several spellings (surrounding spaces,
   * upper case, malformed and blocked ones), so that many normalise to the same value.
   */
  @Provide
  Arbitrary<Event> eventsWithRepeats() {
    Arbitrary<Identifier> email = Combinators.combine(
            Arbitraries.of("ann@example.com", "bob@example.com", "blocked@example.com", "not-an-email", "x@y"),
            Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
        .as((v, pad, upper) -> Identifier.of(IdentifierType.EMAIL,
            " ".repeat(pad) + (upper ? v.toUpperCase(java.util.Locale.ROOT) : v)));
    Arbitrary<Identifier> stripped = Combinators.combine(
            Arbitraries.of(IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID, LOYALTY),
            Arbitraries.of("a1", "b1", "c1", "d1"), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1))
        .as((t, v, lead, trail) -> Identifier.of(t, " ".repeat(lead) + v + " ".repeat(trail)));
    Arbitrary<Identifier> phone = Arbitraries.of("+1 201 555 0123", "+12015550123", "001 201 555 0123", "12", "+1 000 000 0000")
        .map(v -> Identifier.of(IdentifierType.PHONE, v));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, email), net.jqwik.api.Tuple.of(3, stripped), net.jqwik.api.Tuple.of(1, phone))
        .list().ofMinSize(1).ofMaxSize(60)
        .map(list -> event(new ArrayList<>(new LinkedHashSet<>(list)))); // raw identifiers never repeat
  }
}
