package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Blocked values, custom normalisers, the cache, and {@link IdentityResolver#resolve} (folding, priority, anchor). */
class IdentityResolverTest {
  private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");
  private static final IdentifierType CRM = IdentifierType.of("crm_id");
  private static final IdentityResolver DEFAULTS = new IdentityResolver(IdentityRules.defaults());

  private static Identifier id(IdentifierType type, String value) {
    return Identifier.of(type, value);
  }

  private static Event event(Identifier... identifiers) {
    Event.Builder b = Event.builder("e-1", "pageview", T0).action("view").data("page", "/home").source("web");
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    return b.build();
  }

  // ---- blocked values

  @ParameterizedTest
  @CsvSource({
      "customer_id, null",
      "customer_id, NULL",
      "customer_id, ' Null '",
      "customer_id, undefined",
      "customer_id, UNDEFINED",
      "customer_id, 0",
      "customer_id, -1",
      "customer_id, anonymous",
      "anonymous_id, Anonymous",
      "anonymous_id, ' undefined'",
      "email, test@test.com",
      "email, ' Test@Test.com '",
      "email, TEST@TEST.COM",
      "push_token, null",
      "loyalty_card, NULL",
      "phone, -1",
      "phone, 0"
  })
  void normalize_defaultBlockedValue_blockedCaseInsensitively(String type, String raw) {
    NormalizedIdentifier n = DEFAULTS.normalize(Identifier.of(type, raw));

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(n.problem()).contains("value is blocked");
  }

  @ParameterizedTest
  @CsvSource({"customer_id, nullable", "customer_id, 00", "customer_id, c-0", "email, test@test.co", "anonymous_id, anonymous-7"})
  void normalize_valueMerelyResemblingABlockedOne_valid(String type, String raw) {
    assertThat(DEFAULTS.normalize(Identifier.of(type, raw)).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
  }

  @Test
  void normalize_customBlockValue_blockedAfterNormalisationAndCaseInsensitively() {
    IdentityResolver resolver = new IdentityResolver(
        IdentityRules.builder().blockValue("NoReply@Example.com").blockValue("guest").build());

    assertThat(resolver.normalize(id(IdentifierType.EMAIL, " NOREPLY@example.COM ")).status())
        .isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(resolver.normalize(id(IdentifierType.CUSTOMER_ID, "Guest")).status())
        .isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(resolver.normalize(id(IdentifierType.CUSTOMER_ID, "null")).status())
        .as("defaults stay")
        .isEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }

  @Test
  void normalize_blockedValueWrittenInAnotherFormat_blockedAfterTheTypesNormalisation() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().blockValue("+1 (650) 555-0100").build());

    assertThat(resolver.normalize(id(IdentifierType.PHONE, "650.555.0100")).status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(resolver.normalize(id(IdentifierType.PHONE, "+16505550100")).status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(resolver.normalize(id(IdentifierType.PHONE, "+16505550101")).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
  }

  @Test
  void normalize_blockedPattern_blocksWholeMatchesOnlyInAnyCase() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().blockPattern(".*@mailinator\\.com").build());

    assertThat(resolver.normalize(id(IdentifierType.EMAIL, "Someone@MAILINATOR.com")).status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(resolver.normalize(id(IdentifierType.EMAIL, "someone@mailinator.com.au")).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThatIllegalArgumentException().isThrownBy(() -> IdentityRules.builder().blockPattern("(")).withMessageContaining("regular expression");
  }

  @Test
  void normalize_clearBlockedValues_defaultsNoLongerBlocked() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().clearBlockedValues().blockValue("guest").build());

    assertThat(resolver.normalize(id(IdentifierType.CUSTOMER_ID, "null")).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(resolver.normalize(id(IdentifierType.EMAIL, "test@test.com")).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(resolver.normalize(id(IdentifierType.CUSTOMER_ID, "GUEST")).status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }

  @Test
  void normalize_nonMessagingTypes_onlyStripped() {
    NormalizedIdentifier n = DEFAULTS.normalize(id(IdentifierType.CUSTOMER_ID, "  C-77 "));

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier()).isEqualTo(id(IdentifierType.CUSTOMER_ID, "C-77"));
  }

  @Test
  void normalize_null_npe() {
    assertThatNullPointerException().isThrownBy(() -> DEFAULTS.normalize(null)).withMessage("raw");
  }

  // ---- custom normalisers

  @Test
  void normalize_customNormalizerForHostDefinedType_used() {
    IdentifierNormalizer upper = raw -> {
      String v = raw.value().strip().toUpperCase(Locale.ROOT).replace("-", "");
      return v.matches("[A-Z0-9]{8}")
          ? NormalizedIdentifier.valid(Identifier.of(raw.type(), v))
          : NormalizedIdentifier.malformed(IdentifierNormalizer.stripped(raw), "loyalty card must be 8 letters or digits");
    };
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().normalizer(LOYALTY, upper).build());

    NormalizedIdentifier good = resolver.normalize(id(LOYALTY, " abcd-1234 "));
    NormalizedIdentifier bad = resolver.normalize(id(LOYALTY, "abc"));

    assertThat(good.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(good.identifier()).isEqualTo(id(LOYALTY, "ABCD1234"));
    assertThat(bad.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(bad.problem()).contains("loyalty card must be 8 letters or digits");
    assertThat(DEFAULTS.normalize(id(LOYALTY, " abcd-1234 ")).identifier())
        .as("without the custom normaliser the value is only stripped")
        .isEqualTo(id(LOYALTY, "abcd-1234"));
  }

  @Test
  void normalize_customNormalizerOutput_stillCheckedAgainstBlockedValues() {
    IdentifierNormalizer toNull = raw -> NormalizedIdentifier.valid(Identifier.of(raw.type(), "NULL"));
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().normalizer(LOYALTY, toNull).build());

    assertThat(resolver.normalize(id(LOYALTY, "x")).status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }

  @Test
  void normalize_customNormalizerForBuiltInType_replacesBuiltIn() {
    IdentifierNormalizer keepCase = raw -> NormalizedIdentifier.valid(IdentifierNormalizer.stripped(raw));
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().normalizer(IdentifierType.EMAIL, keepCase).build());

    assertThat(resolver.normalize(id(IdentifierType.EMAIL, "Ann@Example.com")).identifier().value()).isEqualTo("Ann@Example.com");
  }

  @Test
  void resolve_hostNormaliserReturningAnotherType_keepsTheRawValueMalformed() {
    // A host normaliser that maps loyalty cards to customer ids would otherwise put the value
    // under customer_id's rules: unique, linking, the highest priority.
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder()
        .normalizer(LOYALTY, raw -> NormalizedIdentifier.valid(Identifier.of(IdentifierType.CUSTOMER_ID, raw.value())))
        .normalizer(CRM, raw -> null)
        .build());

    ResolvedIdentifiers r = resolver.resolve(event(
        id(LOYALTY, "L-123"), id(CRM, "crm-9"), id(IdentifierType.EMAIL, "ann@example.com")));

    assertThat(r.linkable()).containsExactly(id(IdentifierType.EMAIL, "ann@example.com"));
    assertThat(r.malformed()).containsExactlyInAnyOrder(id(LOYALTY, "L-123"), id(CRM, "crm-9"));
    assertThat(r.problems()).containsExactlyInAnyOrder(
        "loyalty_card malformed: the normaliser of loyalty_card returned an identifier of another type (customer_id)",
        "crm_id malformed: the normaliser of crm_id returned nothing");
    assertThat(String.join("\n", r.problems())).doesNotContain("L-123").doesNotContain("crm-9");
  }

  // ---- cache

  @Test
  void normalize_defaultCache_normalisesARawValueOnce() {
    AtomicInteger calls = new AtomicInteger();
    IdentifierNormalizer counting = raw -> {
      calls.incrementAndGet();
      return NormalizedIdentifier.valid(raw);
    };
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().normalizer(LOYALTY, counting).build());
    calls.set(0); // the blocked values were normalised once, at construction

    resolver.normalize(id(LOYALTY, "a"));
    resolver.normalize(id(LOYALTY, "a"));
    resolver.normalize(id(LOYALTY, "b"));

    assertThat(calls).hasValue(2);
  }

  @Test
  void normalize_cacheSizeZero_worksWithoutCaching() {
    AtomicInteger calls = new AtomicInteger();
    IdentifierNormalizer counting = raw -> {
      calls.incrementAndGet();
      return NormalizedIdentifier.valid(raw);
    };
    IdentityResolver resolver = new IdentityResolver(
        IdentityRules.builder().cacheSize(0).normalizer(LOYALTY, counting).build());
    calls.set(0); // the blocked values were normalised once, at construction

    resolver.normalize(id(LOYALTY, "a"));
    resolver.normalize(id(LOYALTY, "a"));
    NormalizedIdentifier email = resolver.normalize(id(IdentifierType.EMAIL, "Ann@Example.com"));
    NormalizedIdentifier blocked = resolver.normalize(id(IdentifierType.CUSTOMER_ID, "null"));
    ResolvedIdentifiers r = resolver.resolve(event(id(IdentifierType.EMAIL, "Ann@Example.com"), id(IdentifierType.EMAIL, "ann@example.com")));

    assertThat(calls).hasValue(2);
    assertThat(email.identifier().value()).isEqualTo("ann@example.com");
    assertThat(blocked.status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(r.linkable()).containsExactly(id(IdentifierType.EMAIL, "ann@example.com"));
  }

  // ---- resolve

  @Test
  void resolve_twoSpellingsOfOneEmail_foldedToOne() {
    ResolvedIdentifiers r = DEFAULTS.resolve(event(id(IdentifierType.EMAIL, "Ann@X.com"), id(IdentifierType.EMAIL, "ann@x.com")));

    assertThat(r.linkable()).containsExactly(id(IdentifierType.EMAIL, "ann@x.com"));
    assertThat(r.event().identifiers()).containsExactly(id(IdentifierType.EMAIL, "ann@x.com"));
    assertThat(r.malformed()).isEmpty();
    assertThat(r.blocked()).isEmpty();
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void resolve_twoSpellingsOfOnePhone_foldedToOne() {
    ResolvedIdentifiers r = new IdentityResolver(IdentityRules.builder().defaultRegion("GB").build()).resolve(event(
        id(IdentifierType.PHONE, "+44 20 7946 0123"), id(IdentifierType.PHONE, "020 7946 0123"), id(IdentifierType.PHONE, "0044 20 7946 0123")));

    assertThat(r.linkable()).containsExactly(id(IdentifierType.PHONE, "+442079460123"));
  }

  @Test
  void resolve_keepsTheRestOfTheEvent() {
    Event e = event(id(IdentifierType.EMAIL, "Ann@X.com"));

    Event normalized = DEFAULTS.resolve(e).event();

    assertThat(normalized.id()).isEqualTo(e.id());
    assertThat(normalized.type()).isEqualTo(e.type());
    assertThat(normalized.action()).isEqualTo(e.action());
    assertThat(normalized.timestamp()).isEqualTo(e.timestamp());
    assertThat(normalized.data()).isEqualTo(e.data());
    assertThat(normalized.source()).isEqualTo(e.source());
  }

  @Test
  void resolve_linkable_orderedByPriorityWhateverTheEventOrder() {
    Identifier anon = id(IdentifierType.ANONYMOUS_ID, "a-9");
    Identifier loyalty = id(LOYALTY, "L-1");
    Identifier crm = id(CRM, "crm-1");
    Identifier push = id(IdentifierType.PUSH_TOKEN, "tok-1");
    Identifier phone = id(IdentifierType.PHONE, "+442079460123");
    Identifier email = id(IdentifierType.EMAIL, "ann@example.com");
    Identifier customer = id(IdentifierType.CUSTOMER_ID, "c-77");

    ResolvedIdentifiers r = DEFAULTS.resolve(event(anon, loyalty, push, phone, crm, email, customer));

    assertThat(r.linkable()).containsExactly(customer, email, phone, push, crm, loyalty, anon);
    assertThat(r.anchor()).contains(customer);
  }

  @Test
  void resolve_normalisedValues_linkableByPriority_eventInItsOwnOrder() {
    Identifier anon = id(IdentifierType.ANONYMOUS_ID, "a-9");
    Identifier customer = id(IdentifierType.CUSTOMER_ID, "c-77");
    Identifier email = id(IdentifierType.EMAIL, "ann@example.com");
    Identifier variant = id(IdentifierType.EMAIL, "Ann@Example.com");

    ResolvedIdentifiers outOfOrder = DEFAULTS.resolve(event(anon, variant, customer));
    assertThat(outOfOrder.linkable()).containsExactly(customer, email, anon);
    assertThat(outOfOrder.event().identifiers()).containsExactly(anon, email, customer);

    ResolvedIdentifiers inOrder = DEFAULTS.resolve(event(customer, variant, anon));
    assertThat(inOrder.linkable()).containsExactly(customer, email, anon);
    assertThat(inOrder.event().identifiers()).containsExactly(customer, email, anon);
  }

  @Test
  void resolve_twoValuesOfOneType_orderedByValue() {
    ResolvedIdentifiers r = DEFAULTS.resolve(event(
        id(IdentifierType.ANONYMOUS_ID, "a-2"), id(IdentifierType.EMAIL, "zed@example.com"),
        id(IdentifierType.ANONYMOUS_ID, "a-1"), id(IdentifierType.EMAIL, "amy@example.com")));

    assertThat(r.linkable()).containsExactly(
        id(IdentifierType.EMAIL, "amy@example.com"), id(IdentifierType.EMAIL, "zed@example.com"),
        id(IdentifierType.ANONYMOUS_ID, "a-1"), id(IdentifierType.ANONYMOUS_ID, "a-2"));
  }

  @Test
  void resolve_mixed_sortedIntoLinkableMalformedBlockedWithProblems() {
    ResolvedIdentifiers r = DEFAULTS.resolve(event(
        id(IdentifierType.CUSTOMER_ID, "null"),
        id(IdentifierType.PHONE, "12345"),
        id(IdentifierType.EMAIL, "not-an-email"),
        id(IdentifierType.ANONYMOUS_ID, "a-9")));

    assertThat(r.linkable()).containsExactly(id(IdentifierType.ANONYMOUS_ID, "a-9"));
    assertThat(r.malformed()).containsExactly(id(IdentifierType.EMAIL, "not-an-email"), id(IdentifierType.PHONE, "12345"));
    assertThat(r.blocked()).containsExactly(id(IdentifierType.CUSTOMER_ID, "null"));
    assertThat(r.problems()).hasSize(3).allSatisfy(p -> assertThat(p)
        .doesNotContain("not-an-email").doesNotContain("12345"));
    assertThat(r.problems()).contains("customer_id blocked: value is blocked");
    assertThat(r.event().identifiers()).as("the stored event keeps every identifier, blocked ones too").hasSize(4);
    assertThat(r.anchor()).contains(id(IdentifierType.ANONYMOUS_ID, "a-9"));
  }

  @Test
  void anchor_noLinkable_firstMalformedByPriority() {
    ResolvedIdentifiers r = DEFAULTS.resolve(event(
        id(IdentifierType.PHONE, "12345"), id(IdentifierType.EMAIL, "not-an-email"), id(IdentifierType.CUSTOMER_ID, "undefined")));

    assertThat(r.linkable()).isEmpty();
    assertThat(r.anchor()).contains(id(IdentifierType.EMAIL, "not-an-email"));
  }

  @Test
  void anchor_allBlocked_empty() {
    ResolvedIdentifiers r = DEFAULTS.resolve(event(
        id(IdentifierType.CUSTOMER_ID, "null"), id(IdentifierType.EMAIL, "test@test.com"), id(IdentifierType.PHONE, "000 000 0000")));

    assertThat(r.linkable()).isEmpty();
    assertThat(r.malformed()).isEmpty();
    assertThat(r.blocked()).hasSize(3);
    assertThat(r.anchor()).isEmpty();
  }

  @Test
  void resolvedIdentifiers_lists_immutableCopies() {
    List<Identifier> linkable = new java.util.ArrayList<>(List.of(id(IdentifierType.EMAIL, "ann@example.com")));
    ResolvedIdentifiers r = new ResolvedIdentifiers(event(linkable.get(0)), linkable, List.of(), List.of(), List.of());
    linkable.clear();

    assertThat(r.linkable()).hasSize(1);
    assertThat(r.anchor()).contains(id(IdentifierType.EMAIL, "ann@example.com"));
  }

  @Test
  void resolve_null_npe() {
    assertThatNullPointerException().isThrownBy(() -> DEFAULTS.resolve(null)).withMessage("event");
  }
}
