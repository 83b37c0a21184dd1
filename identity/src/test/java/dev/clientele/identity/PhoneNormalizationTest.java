package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Phone normalisation to E.164 with libphonenumber, the default region, and all-zero blocking. */
class PhoneNormalizationTest {
  private static final IdentityResolver US = new IdentityResolver(IdentityRules.defaults());
  private static final IdentityResolver GB = new IdentityResolver(IdentityRules.builder().defaultRegion("GB").build());
  private static final String LONDON_E164 = "+442079460123";

  /** A US national number that libphonenumber (the pinned version) considers valid. */
  private static String usNational;
  private static String usE164;

  @BeforeAll
  static void pickValidUsNumber() throws NumberParseException {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    for (String candidate : List.of("(201) 555-0123", "(212) 555-0199", "(650) 253-0000")) {
      var number = util.parse(candidate, "US");
      if (util.isValidNumber(number)) {
        usNational = candidate;
        usE164 = util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        return;
      }
    }
    throw new AssertionError("no candidate US number is valid in this libphonenumber version");
  }

  private static NormalizedIdentifier phone(IdentityResolver resolver, String raw) {
    return resolver.normalize(Identifier.of(IdentifierType.PHONE, raw));
  }

  @Test
  void normalize_internationalPlus_e164() {
    NormalizedIdentifier n = phone(US, "+44 20 7946 0123");

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier()).isEqualTo(Identifier.of(IdentifierType.PHONE, LONDON_E164));
    assertThat(n.problem()).isEmpty();
  }

  @Test
  void normalize_threeSpellingsOfOneLondonNumber_sameE164() {
    assertThat(phone(GB, "+44 20 7946 0123").identifier().value()).isEqualTo(LONDON_E164);
    assertThat(phone(GB, "0044 20 7946 0123").identifier().value()).isEqualTo(LONDON_E164);
    assertThat(phone(GB, "020 7946 0123").identifier().value()).isEqualTo(LONDON_E164);
    assertThat(phone(GB, "020 7946 0123").status()).isEqualTo(NormalizedIdentifier.Status.VALID);
  }

  @Test
  void normalize_doubleZeroPrefix_readAsInternationalWhateverTheDefaultRegion() {
    NormalizedIdentifier n = phone(US, "0044 20 7946 0123");

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier().value()).isEqualTo(LONDON_E164);
  }

  @Test
  void normalize_usNationalNumber_defaultRegionUs() {
    NormalizedIdentifier n = phone(US, usNational);

    assertThat(US.rules().defaultRegion()).isEqualTo("US");
    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.VALID);
    assertThat(n.identifier().value()).isEqualTo(usE164).startsWith("+1");
  }

  @Test
  void normalize_britishNationalNumberUnderUsRegion_notLondon() {
    NormalizedIdentifier n = phone(US, "020 7946 0123");

    assertThat(n.identifier().value()).isNotEqualTo(LONDON_E164);
    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
  }

  /** +44 7700 900xxx is the Ofcom drama range, which libphonenumber 9.0.43 does not treat as valid. */
  @ParameterizedTest
  @ValueSource(strings = {"12345", "+44 7700 900123", "+1 555", "call me", "+999 1234 5678"})
  void normalize_invalidNumber_malformedKeptStrippedWithoutDigitsInProblem(String raw) {
    NormalizedIdentifier n = phone(US, " " + raw + " ");

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.MALFORMED);
    assertThat(n.identifier()).isEqualTo(Identifier.of(IdentifierType.PHONE, raw));
    assertThat(n.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("phone number ").doesNotContain(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0000000000", "000 000 0000", "+00 000 000", "00000", "(000) 000-0000"})
  void normalize_allZeroPhone_blocked(String raw) {
    NormalizedIdentifier n = phone(US, raw);

    assertThat(n.status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
    assertThat(n.problem()).contains("value is blocked");
  }

  @Test
  void normalize_allZeroPhoneWithDefaultsCleared_stillBlocked() {
    IdentityResolver resolver = new IdentityResolver(IdentityRules.builder().clearBlockedValues().build());

    assertThat(phone(resolver, "000 000 0000").status()).isEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }

  @Test
  void normalize_zerosInsideARealNumber_notBlocked() {
    assertThat(phone(US, "+1 201 555 0100").status()).isNotEqualTo(NormalizedIdentifier.Status.BLOCKED);
  }
}
