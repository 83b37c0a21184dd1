package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The resolver skips the normalisation cache for values it can tell are already in normal form
 * (stripped ids, lower-case ASCII emails of the right shape). Those shortcuts must never change a
 * result: for any value, {@link IdentityResolver#normalize} equals the full normalisation, and
 * {@link IdentityResolver#resolve} equals that of a resolver whose normalisers are opaque
 * wrappers of the built-in ones (so it takes no shortcut and caches everything).
 */
class IdentityResolverFastPathPropertiesTest {
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  private static final List<IdentifierType> TYPES = List.of(
      IdentifierType.EMAIL, IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID, IdentifierType.PHONE, LOYALTY);
  private static final IdentityResolver FAST = new IdentityResolver(IdentityRules.defaults());
  private static final IdentityResolver UNCACHED = new IdentityResolver(IdentityRules.builder().cacheSize(0).build());
  private static final IdentityResolver OPAQUE = opaque();

  /** Built-in behaviour behind normalisers the resolver cannot recognise: no shortcut applies. */
  private static IdentityResolver opaque() {
    IdentifierNormalizer email = new EmailNormalizer();
    IdentifierNormalizer strip = raw -> IdentifierNormalizer.STRIP.normalize(raw);
    return new IdentityResolver(IdentityRules.builder()
        .normalizer(IdentifierType.EMAIL, raw -> email.normalize(raw))
        .normalizer(IdentifierType.CUSTOMER_ID, strip)
        .normalizer(IdentifierType.ANONYMOUS_ID, strip)
        .normalizer(LOYALTY, strip)
        .build());
  }

  @Property(tries = 2000)
  void normalize_equalsFullNormalisation(@ForAll("identifiers") Identifier raw) {
    NormalizedIdentifier full = FAST.normalizeUncached(raw);

    assertThat(FAST.normalize(raw)).isEqualTo(full);
    assertThat(UNCACHED.normalize(raw)).isEqualTo(full);
    assertThat(OPAQUE.normalize(raw)).isEqualTo(full);
  }

  @Property(tries = 2000)
  void isNormalAndValid_agreesWithTheRegex(@ForAll("emailValues") String value) {
    boolean regex = EmailNormalizer.SHAPE.matcher(value).matches() && value.length() <= 254;
    boolean normalAsciiLowerCase = value.chars().allMatch(c -> c > ' ' && c <= '~' && !(c >= 'A' && c <= 'Z'));

    if (EmailNormalizer.isNormalAndValid(value)) {
      assertThat(regex).as("the shortcut accepts only what the regex accepts").isTrue();
      assertThat(value.strip().toLowerCase(java.util.Locale.ROOT)).isEqualTo(value);
    } else if (normalAsciiLowerCase) {
      // Within its domain (printable lower-case ASCII) the shortcut decides exactly as the regex does.
      assertThat(regex).isFalse();
    }
  }

  @Property(tries = 2000)
  void isAsciiVariantOfValid_impliesAValidLowerCaseStrippedAddress(@ForAll("emailValues") String value) {
    if (EmailNormalizer.isAsciiVariantOfValid(value)) {
      NormalizedIdentifier full = new EmailNormalizer().normalize(Identifier.of(IdentifierType.EMAIL, value));
      assertThat(full.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
      assertThat(full.identifier().value()).isEqualTo(value.strip().toLowerCase(java.util.Locale.ROOT));
    }
    if (EmailNormalizer.isNormalAndValid(value)) {
      assertThat(EmailNormalizer.isAsciiVariantOfValid(value)).as("the variant check widens the normal-form one").isTrue();
    }
  }

  @Property(tries = 1000)
  void normalize_asciiVariantOfAValidEmail_equalsFullNormalisationWithoutTheCache(@ForAll("emailVariants") String value) {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    Identifier raw = Identifier.of(IdentifierType.EMAIL, value);

    NormalizedIdentifier result = resolver.normalize(raw);

    assertThat(result).isEqualTo(resolver.normalizeUncached(raw));
    assertThat(result).isEqualTo(OPAQUE.normalize(raw));
    assertThat(resolver.cachedEntries()).as("such spellings bypass the cache").isZero();
  }

  /** Case and space variants of shaped addresses, some of them blocked ({@code TEST@test.com}). */
  @Provide
  Arbitrary<String> emailVariants() {
    Arbitrary<String> shaped = Combinators.combine(
            Arbitraries.strings().withChars("abcXY.+_09").ofMinLength(1).ofMaxLength(64),
            Arbitraries.strings().withChars("xyzQ-").ofMinLength(1).ofMaxLength(8),
            Arbitraries.of("com", "org", "co.uk", "COM"))
        .as((l, d, tld) -> l + "@" + d + "." + tld);
    Arbitrary<String> base = Arbitraries.oneOf(shaped, Arbitraries.of("test@test.com", "Test@Test.com", "a@b.c"));
    return Combinators.combine(base, Arbitraries.longs(), Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
        .as((v, bits, lead, trail) -> {
          StringBuilder s = new StringBuilder(" ".repeat(lead));
          for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            s.append((bits >>> (i % 64) & 1) == 1 ? Character.toUpperCase(c) : c);
          }
          return s.append(" ".repeat(trail)).toString();
        })
        .filter(IdentityResolverFastPathPropertiesTest::isIdentifierValue);
  }

  @Property(tries = 1000)
  void resolve_equalsResolutionWithoutShortcuts(@ForAll("events") Event event) {
    assertThat(FAST.resolve(event)).isEqualTo(OPAQUE.resolve(event));
    assertThat(UNCACHED.resolve(event)).isEqualTo(OPAQUE.resolve(event));
  }

  @Example
  void resolve_allNormal_keepsTheEventItself() {
    Event e = Event.builder("e-1", "login", Instant.parse("2026-10-03T14:05:00Z"))
        .identifier(IdentifierType.ANONYMOUS_ID, "a-9")
        .identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.CUSTOMER_ID, "c-77")
        .build();

    IdentityResolver resolver = new IdentityResolver(IdentityRules.defaults());
    ResolvedIdentifiers r = resolver.resolve(e);

    assertThat(r.event()).isSameAs(e);
    assertThat(r.linkable()).extracting(Identifier::type)
        .containsExactly(IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.ANONYMOUS_ID);
    assertThat(resolver.cachedEntries()).isZero();
  }

  @Provide
  Arbitrary<String> emailValues() {
    Arbitrary<String> local = Arbitraries.strings().withChars("abzAZ09.+-_@ \u2003\u0130\u0131").ofMinLength(0).ofMaxLength(70);
    Arbitrary<String> domain = Arbitraries.strings().withChars("abyZ09.-@ ").ofMinLength(0).ofMaxLength(20);
    Arbitrary<String> composed = Combinators.combine(local, domain).as((l, d) -> l + "@" + d);
    Arbitrary<String> shaped = Combinators.combine(
            Arbitraries.strings().withChars("abc.+_").ofMinLength(1).ofMaxLength(66),
            Arbitraries.strings().withChars("xyz").ofMinLength(1).ofMaxLength(8),
            Arbitraries.of("com", "org", "co.uk", "", ".", "c..m", "COM"))
        .as((l, d, tld) -> l + "@" + d + "." + tld);
    Arbitrary<String> blockedOrLong = Arbitraries.of(
        "test@test.com", "TEST@test.com", " test@test.com", "null", "undefined", "a@b.c",
        "a".repeat(64) + "@example.com", "a".repeat(65) + "@example.com", "a".repeat(60) + "@" + "b".repeat(190) + ".com",
        "a".repeat(60) + "@" + "b".repeat(189) + ".com");
    return Arbitraries.oneOf(composed, shaped, blockedOrLong, Arbitraries.strings().ofMinLength(1).ofMaxLength(30))
        .filter(IdentityResolverFastPathPropertiesTest::isIdentifierValue);
  }

  @Provide
  Arbitrary<Identifier> identifiers() {
    Arbitrary<String> ids = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abC-0 \u2003").ofMinLength(1).ofMaxLength(12),
        Arbitraries.of("null", "NULL", " null ", "undefined", "0", "-1", "anonymous", "0000000000", "+1 650 555 0100",
            "(650) 555-0100", "+44 20 7946 0123", "+1 000 000 0000"))
        .filter(IdentityResolverFastPathPropertiesTest::isIdentifierValue);
    Arbitrary<Identifier> emails = emailValues().map(v -> Identifier.of(IdentifierType.EMAIL, v));
    Arbitrary<Identifier> others = Combinators.combine(Arbitraries.of(TYPES), ids).as(Identifier::of);
    return Arbitraries.oneOf(emails, others);
  }

  @Provide
  Arbitrary<Event> events() {
    return identifiers().list().ofMinSize(1).ofMaxSize(5).uniqueElements().map(ids -> {
      Event.Builder b = Event.builder("e-1", "login", Instant.parse("2026-10-03T14:05:00Z"));
      List<Identifier> distinct = new ArrayList<>(ids);
      distinct.forEach(b::identifier);
      return b.build();
    });
  }

  private static boolean isIdentifierValue(String v) {
    return !v.isBlank() && v.length() <= Identifier.MAX_LENGTH && v.chars().noneMatch(Character::isISOControl);
  }
}
