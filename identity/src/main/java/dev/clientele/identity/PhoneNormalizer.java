package dev.clientele.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.clientele.core.Identifier;
import java.util.Optional;

/**
 * Phone numbers to E.164 with libphonenumber. A number with a leading {@code +} (or {@code 00})
 * is parsed on its own; others in the configured default region. Numbers libphonenumber does
 * not consider valid are kept as given (stripped) and marked malformed. A number whose national
 * part is all zeros ({@code +1 000 000 0000}, {@code 0044 0000 000000}) is a placeholder and is
 * blocked, like a value whose digits are all zeros.
 */
final class PhoneNormalizer implements IdentifierNormalizer {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private final String defaultRegion;

  PhoneNormalizer(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  @Override
  public NormalizedIdentifier normalize(Identifier raw) {
    Identifier stripped = IdentifierNormalizer.stripped(raw);
    String v = stripped.value();
    if (v.startsWith("00")) {
      v = "+" + v.substring(2);
    }
    try {
      PhoneNumber number = UTIL.parse(v, defaultRegion);
      if (isAllZeros(UTIL.getNationalSignificantNumber(number))) {
        return new NormalizedIdentifier(stripped, NormalizedIdentifier.Status.BLOCKED, Optional.of("value is blocked"));
      }
      if (!UTIL.isValidNumber(number)) {
        return NormalizedIdentifier.malformed(stripped, "phone number is not valid for its region");
      }
      return NormalizedIdentifier.valid(
          Identifier.of(raw.type(), UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164)));
    } catch (NumberParseException e) {
      return NormalizedIdentifier.malformed(stripped, "phone number does not parse: " + e.getErrorType());
    }
  }

  private static boolean isAllZeros(String digits) {
    return !digits.isEmpty() && digits.chars().allMatch(c -> c == '0');
  }
}
