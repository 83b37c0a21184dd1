package dev.clientele.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.clientele.core.Identifier;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Phone numbers to E.164 with libphonenumber. A number with a leading {@code +} (or {@code 00})
 * is parsed on its own; others in the configured default region. Numbers libphonenumber does
 * not consider valid are kept as given (stripped) and marked malformed. A number whose national
 * part is all zeros ({@code +1 000 000 0000}, {@code 0044 0000 000000}) is a placeholder and is
 * blocked, like a value whose digits are all zeros.
 */
final class PhoneNormalizer implements IdentifierNormalizer {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  /**
   * libphonenumber's {@code MAX_INPUT_STRING_LENGTH}: longer input fails with {@code TOO_LONG}
   * before anything else is looked at, so its length matters and it gets no spelling key.
   */
  private static final int MAX_PARSED_LENGTH = 250;

  private final String defaultRegion;
  /** How many times libphonenumber parsed a value here (for the tests of the resolver's cache). */
  private final LongAdder parses = new LongAdder();

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
    parses.increment();
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

  /** How many values {@link #normalize} has parsed since this normaliser was made. */
  long parses() {
    return parses.sum();
  }

  /**
   * A key shared by every spelling of {@code value} that {@link #normalize} parses to the same
   * number, or null when {@code value} is not one of the spellings this rule covers (then only
   * the value itself is a safe key). The key is a leading {@code +} when the parsed text starts
   * with one (a leading {@code 00} becomes one in {@link #normalize}) followed by the ASCII digits
   * in order: {@code "+1 201-555-0123"}, {@code "+12015550123"}, {@code "001 (201) 555.0123"}
   * all give {@code "+12015550123"}; {@code "(201) 555-0123"} gives {@code "2015550123"} (a
   * national spelling, parsed in the default region, so a key of its own). A value already in
   * that form is returned itself (no allocation).
   *
   * <p>Covered: after stripping surrounding white space, an optional leading {@code +} (or the
   * two characters {@code 00}), then only ASCII digits and the separators space, {@code -},
   * {@code .}, {@code (}, {@code )}, {@code /}; at least three digits; at most 250 characters.
   * Why two such spellings with equal keys parse to the same {@code PhoneNumber} (libphonenumber
   * 9.0.x, {@code PhoneNumberUtil.parse}, whose input is documented as possibly containing
   * formatting such as {@code +}, {@code (} and {@code -}; what follows is how it treats them):
   * <ul>
   *   <li>the 250-character limit ({@code TOO_LONG} on the raw text) is not reached;
   *   <li>nothing to find for the parts that read the text before normalising: no
   *       {@code tel:}/{@code ;phone-context=}/{@code ;isub=} (no {@code ;} or letters), no
   *       extension (every extension pattern needs a letter or one of {@code # ~ , ;}), no second
   *       number ({@code extractPossibleNumber} cuts only at {@code / x} or {@code \ x});
   *   <li>{@code extractPossibleNumber} starts at the first {@code +} or digit and drops trailing
   *       characters that are neither digits nor letters: the {@code +} (if any) and all digits
   *       survive, in order;
   *   <li>{@code isViablePhoneNumber}: all the separators are in libphonenumber's
   *       {@code VALID_PUNCTUATION}, so with three or more digits the pattern {@code [+]*(punct*
   *       digit){3,}[punct digit]*} accepts every such spelling (with two digits only the bare
   *       {@code \d{2}} would be viable, hence the minimum of three);
   *   <li>from there on only two facts about the text are read: whether it starts with {@code +}
   *       ({@code LEADING_PLUS_CHARS}, the default-region check) and its digits
   *       ({@code normalize} drops everything but digits when there are fewer than three letters;
   *       here there are none), which the international prefix, country code and national prefix
   *       steps then work on.
   * </ul>
   * So the parsed number (country code, national number, leading zeros; no extension, no raw
   * input kept by {@code parse}) and with it validity, the all-zero check and the E.164 text are
   * the same for all spellings with one key. What is not the same is the stripped text a
   * malformed or blocked outcome keeps, so callers share only valid outcomes by this key. The
   * resolver's property tests compare this against parsing every spelling.
   */
  static String spellingKey(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && Character.isWhitespace(value.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
      to--;
    }
    if (to - from > MAX_PARSED_LENGTH || from == to) {
      return null;
    }
    boolean plus = false;
    int start = from;
    if (value.charAt(from) == '+') {
      plus = true;
      start = from + 1;
    } else if (to - from >= 2 && value.charAt(from) == '0' && value.charAt(from + 1) == '0') {
      plus = true;
      start = from + 2;
    }
    int digits = 0;
    boolean separators = false;
    for (int i = start; i < to; i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
        separators = true;
      } else {
        return null;
      }
    }
    if (digits < 3) {
      return null;
    }
    // Already the key: nothing stripped, no separators, and a written '+' rather than "00".
    if (from == 0 && to == value.length() && !separators && start - from == (plus ? 1 : 0)) {
      return value;
    }
    StringBuilder key = new StringBuilder(digits + 1);
    if (plus) {
      key.append('+');
    }
    for (int i = start; i < to; i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        key.append(c);
      }
    }
    return key.toString();
  }

  private static boolean isAllZeros(String digits) {
    return !digits.isEmpty() && digits.chars().allMatch(c -> c == '0');
  }
}
