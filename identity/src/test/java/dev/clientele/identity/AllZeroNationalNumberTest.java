package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a placeholder phone with a country code ({@code +1 000 000 0000}) used to come out
 * MALFORMED, not BLOCKED, because the country code made its digits not all zeros; so the junk
 * value was attached to profiles. The national part decides now.
 */
class AllZeroNationalNumberTest {
  private static final IdentityResolver RESOLVER = new IdentityResolver(IdentityRules.defaults());

  private static Identifier phone(String raw) {
    return Identifier.of(IdentifierType.PHONE, raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 000 000 0000", "+1 (000) 000-0000", "+10000000000", "+44 0000 000000", "0044 0000 000000"})
  void normalize_countryCodeThenZeros_blockedWithoutTheValueInTheProblem(String raw) {
    NormalizedIdentifier n = RESOLVER.normalize(phone(raw));

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(n.problem()).hasValueSatisfying(p -> assertThat(p).doesNotContain(raw).doesNotContain("000"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 000 000 0000", "0044 0000 000000"})
  void resolve_onlyAPlaceholderPhone_noAnchor(String raw) {
    ResolvedIdentifiers r = RESOLVER.resolve(
        Event.builder("e-1", "pageview", Instant.parse("2026-10-01T00:00:00Z")).identifier(phone(raw)).build());

    assertThat(r.blocked()).hasSize(1);
    assertThat(r.linkable()).isEmpty();
    assertThat(r.malformed()).isEmpty();
    assertThat(r.anchor()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 650 253 0000", "+44 20 7946 0000"})
  void normalize_realNumberEndingInZeros_valid(String raw) {
    assertThat(RESOLVER.normalize(phone(raw)).status()).isEqualTo(NormalizedIdentifier.Status.VALID);
  }
}
