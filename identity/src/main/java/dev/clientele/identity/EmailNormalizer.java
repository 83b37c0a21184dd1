package dev.clientele.identity;

import dev.clientele.core.Identifier;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Emails: strip, lower-case the whole address with {@link Locale#ROOT} (never the default
 * locale, whose Turkish rules would turn {@code I} into a dotless {@code ı}), then check the
 * shape {@code local@domain.tld}.
 */
final class EmailNormalizer implements IdentifierNormalizer {
  /** The shape of a valid address (with at most 254 characters); package-private for the tests' oracle. */
  static final Pattern SHAPE = Pattern.compile("[^\\s@]{1,64}@[^\\s@.]+(\\.[^\\s@.]+)+");

  @Override
  public NormalizedIdentifier normalize(Identifier raw) {
    String v = raw.value().strip().toLowerCase(Locale.ROOT);
    Identifier id = v.isEmpty() ? raw : Identifier.of(raw.type(), v);
    // The one-scan check accepts only what the regex accepts; the regex decides the rest.
    return isNormalAndValid(v) || (SHAPE.matcher(v).matches() && v.length() <= 254)
        ? NormalizedIdentifier.valid(id)
        : NormalizedIdentifier.malformed(id, "email is not of the form local@domain.tld");
  }

  /**
   * Whether {@link #normalize} would return {@code value} unchanged and valid, decided by one
   * scan without the regular expression, for the common case only: printable ASCII without
   * spaces or upper-case letters (so stripping and lower-casing change nothing), at most 254
   * characters, one {@code @} after 1 to 64 characters, and a domain of at least two non-empty
   * dot-separated labels. False for everything else, which may still be valid: the caller then
   * normalises in full.
   */
  static boolean isNormalAndValid(String value) {
    return isValidAscii(value, 0, value.length(), false);
  }

  /**
   * Whether {@code value} is {@link #isNormalAndValid} but for upper-case ASCII letters and
   * surrounding spaces: a spelling that {@link #normalize} turns, with {@code strip} and an ASCII
   * lower-casing and no regular expression, into a valid address. The resolver normalises such
   * values without its cache (that costs about what a cache lookup does, and these spellings
   * are many and seldom repeat). Only a routing decision: the result is {@link #normalize}'s
   * either way.
   */
  static boolean isAsciiVariantOfValid(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) == ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) == ' ') {
      to--;
    }
    return isValidAscii(value, from, to, true);
  }

  /** The scan of {@link #isNormalAndValid} over {@code value[from, to)}, upper-case letters allowed or not. */
  private static boolean isValidAscii(String value, int from, int to, boolean upperCase) {
    int n = to - from;
    if (n > 254) {
      return false;
    }
    int at = -1;
    int labels = 0;
    int label = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(from + i);
      if (c <= ' ' || c > '~' || (!upperCase && c >= 'A' && c <= 'Z')) {
        return false;
      }
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      } else if (at >= 0) { // in the domain
        if (c == '.') {
          if (label == 0) {
            return false;
          }
          labels++;
          label = 0;
        } else {
          label++;
        }
      }
    }
    return at >= 1 && at <= 64 && label > 0 && labels >= 1;
  }
}
