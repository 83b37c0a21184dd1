package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link IdentityResolver#resolve} against a plain model of its contract, built from
 * {@link IdentityResolver#normalizeUncached} alone (no shortcut, no cache, no per-type lookups
 * kept by the resolver): normalise each identifier, fold equal results keeping the most usable
 * status (first on ties), sort the valid and the malformed ones by priority, keep the blocked ones
 * and the problem lines in first-occurrence order. The resolver's shortcuts (values decided
 * valid or blocked as they are, per-type normaliser and blocked values found by reference, one
 * problem line per type for blocked values) must give exactly the model's result, with the
 * default rules and with host rules (blocked values and patterns, a replaced normaliser), for
 * built-in types given as their shared constants or as other instances.
 */
class IdentityResolverModelPropertiesTest {
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  /** Equal to the shared constants but other instances: the resolver must look them up by equality. */
  private static final IdentifierType EMAIL_COPY = new IdentifierType("email");
  private static final IdentifierType CUSTOMER_COPY = new IdentifierType("customer_id");
  private static final List<IdentifierType> TYPES = List.of(IdentifierType.EMAIL, IdentifierType.CUSTOMER_ID,
      IdentifierType.ANONYMOUS_ID, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN, LOYALTY, EMAIL_COPY, CUSTOMER_COPY);

  private static final IdentityRules HOST_RULES = IdentityRules.builder()
      .blockValue("N/A")
      .blockValue(" Unknown ")
      .blockPattern("x+")
      .normalizer(IdentifierType.CUSTOMER_ID, raw -> NormalizedIdentifier.valid(
          Identifier.of(raw.type(), raw.value().strip().toUpperCase(Locale.ROOT))))
      .build();

  @Property(tries = 1500)
  void resolve_defaultRules_equalsTheModel(@ForAll("events") Event event) {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());

    assertThat(resolver.resolve(event)).isEqualTo(model(resolver, event));
    assertThat(resolver.resolve(event)).as("again, from the cache").isEqualTo(model(resolver, event));
  }

  @Property(tries = 1500)
  void resolve_hostRules_equalsTheModel(@ForAll("events") Event event) {
    IdentityResolver resolver = new IdentityResolver(HOST_RULES);

    assertThat(resolver.resolve(event)).isEqualTo(model(resolver, event));
    for (Identifier raw : event.identifiers()) {
      assertThat(resolver.normalize(raw)).isEqualTo(resolver.normalizeUncached(raw));
    }
  }

  /** What {@link IdentityResolver#resolve} must return, from the uncached normalisations. */
  private static ResolvedIdentifiers model(IdentityResolver resolver, Event event) {
    IdentityRules rules = resolver.rules();
    Comparator<Identifier> order = Comparator.comparingInt((Identifier i) -> -rules.policy(i.type()).priority())
        .thenComparing(Comparator.naturalOrder());
    List<NormalizedIdentifier> outcomes = new ArrayList<>();
    boolean unchanged = true;
    for (Identifier raw : event.identifiers()) {
      NormalizedIdentifier norm = resolver.normalizeUncached(raw);
      int at = -1;
      for (int j = 0; j < outcomes.size(); j++) {
        if (outcomes.get(j).identifier().equals(norm.identifier())) {
          at = j;
        }
      }
      if (at < 0) {
        unchanged &= norm.identifier().equals(raw);
        outcomes.add(norm);
      } else {
        unchanged = false;
        if (norm.status().compareTo(outcomes.get(at).status()) < 0) {
          outcomes.set(at, norm);
        }
      }
    }
    List<Identifier> linkable = new ArrayList<>();
    List<Identifier> malformed = new ArrayList<>();
    List<Identifier> blocked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Identifier> keys = new ArrayList<>();
    for (NormalizedIdentifier o : outcomes) {
      keys.add(o.identifier());
      switch (o.status()) {
        case VALID -> linkable.add(o.identifier());
        case MALFORMED -> malformed.add(o.identifier());
        case BLOCKED -> blocked.add(o.identifier());
      }
      o.problem().ifPresent(p -> problems.add(
          o.identifier().type() + " " + o.status().name().toLowerCase(Locale.ROOT) + ": " + p));
    }
    linkable.sort(order);
    malformed.sort(order);
    return new ResolvedIdentifiers(unchanged ? event : event.withIdentifiers(keys), linkable, malformed, blocked, problems);
  }

  @Provide
  Arbitrary<Event> events() {
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abX-0 @.\u2003\u0130").ofMinLength(1).ofMaxLength(10),
        Arbitraries.of("null", "NULL", " null ", "undefined", "0", "-1", "anonymous", "n/a", "N/A", " unknown", "UNKNOWN",
            "xxx", "XX", "test@test.com", "Test@Test.com", " test@test.com", "ann@example.com", "Ann@Example.com ",
            "ann@example", "+1 650 555 0100", "(650) 555-0100", "+16505550100", "0016505550100", "+1 000 000 0000",
            "0000000000", "c-77", "C-77", " c-77"))
        .filter(v -> !v.isBlank());
    Arbitrary<Identifier> identifiers = Combinators.combine(Arbitraries.of(TYPES), values).as(Identifier::of);
    return identifiers.list().ofMinSize(1).ofMaxSize(6).uniqueElements().map(ids -> {
      Event.Builder b = Event.builder("e-1", "login", Instant.parse("2026-10-03T14:05:00Z"));
      ids.forEach(b::identifier);
      return b.build();
    });
  }
}
