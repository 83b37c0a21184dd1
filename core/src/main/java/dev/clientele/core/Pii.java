package dev.clientele.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks personal data for exception messages and logs.
 *
 * <p>Clientele never writes a raw email address, phone number or name into a message. Every
 * message that has to mention such a value shows it through {@link #mask(String)}, which keeps
 * just enough to recognise a typo ("a***@e***.com") and nothing that identifies a person.
 *
 * <pre>{@code
 * Pii.mask("ann@example.com")  // "a***@e***.com"
 * Pii.mask("+447700900123")    // "***23"
 * Pii.mask("c-77")             // "c***(4)"
 * }</pre>
 */
public final class Pii {
  /** What is shown of a domain's last label: a plausible top-level domain, nothing else. */
  private static final Pattern TLD = Pattern.compile("\\.[a-z][a-z0-9-]{1,23}");

  private Pii() {}

  /**
   * Returns a masked form of {@code value} that is safe to put in a message or a log line.
   *
   * <p>The first character shown (of the value, or of an email's local part and domain) is
   * written as {@code ?} when it is a control character, an unpaired surrogate or an invisible
   * format character, so that a masked value can neither break a log line nor hide text:
   * {@code mask("\nann@example.com")} is {@code "?***@e***.com"}.
   *
   * @param value any value, possibly personal; {@code null} gives {@code "null"}
   * @return the masked form
   */
  public static String mask(String value) {
    if (value == null) {
      return "null";
    }
    if (value.isEmpty()) {
      return "(empty)";
    }
    int at = value.indexOf('@');
    if (at >= 0) {
      String domain = value.substring(at + 1);
      int dot = domain.lastIndexOf('.');
      String tld = dot >= 0 ? domain.substring(dot).toLowerCase(Locale.ROOT) : "";
      if (!TLD.matcher(tld).matches() || domain.indexOf('@') >= 0) {
        // A long or odd suffix could carry personal data or control characters; after a second
        // '@' (a value of repeated or joined addresses) the last dot's suffix may run into the next
        // address's local part.
        tld = "";
      }
      return firstChar(value.substring(0, at)) + "***@" + firstChar(domain) + "***" + tld;
    }
    if (looksLikePhone(value)) {
      String digits = value.replaceAll("[^0-9]", "");
      return "***" + digits.substring(Math.max(0, digits.length() - 2));
    }
    return firstChar(value) + "***(" + value.length() + ")";
  }

  /**
   * Returns {@code value} as it is when it reads as a name, else {@linkplain #mask masked}: for
   * messages that echo a name the caller gave (a segment, list, field or record id), which is
   * usually safe to show, but may be an email pasted in the wrong place, a phone number, a line
   * break or megabytes of text.
   *
   * <p>A name is 1 to {@code maxLength} characters of {@code [A-Za-z0-9_.:-]} with no run of six
   * or more digits (a run ends only at a letter, so digits separated by {@code _ . : -} count
   * together, as phone numbers and dates are written): such a run may be a phone number, so
   * {@code "tel:447700900123"}, {@code "123456"}, {@code "44_7700_900123"} and {@code
   * "2024-11-25"} are masked too. Allocates nothing for a name.
   *
   * <pre>{@code
   * Pii.maskUnlessName("vip_customers", 64)    // "vip_customers"
   * Pii.maskUnlessName("ann@example.com", 64)  // "a***@e***.com"
   * Pii.maskUnlessName("447700900123", 64)     // "***23"
   * }</pre>
   *
   * @param value a name or something else; {@code null} gives {@code "null"}
   * @param maxLength the longest value shown as it is; at least 1
   * @return {@code value}, or its masked form
   * @throws IllegalArgumentException if {@code maxLength} is less than 1
   */
  public static String maskUnlessName(String value, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
    }
    if (value == null) {
      return "null";
    }
    int n = value.length();
    boolean name = n >= 1 && n <= maxLength;
    int run = 0; // digits in the current run (digits, possibly separated by - or .)
    for (int i = 0; name && i < n; i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        name = ++run < 6;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        run = 0; // only a letter ends a run: 44_7700:900-123 is one
      } else {
        name = c == '_' || c == '.' || c == ':' || c == '-';
      }
    }
    return name ? value : mask(value);
  }

  /**
   * The first character (code point) of {@code s}, or {@code ?} when it is one that a message
   * should not carry: a control character (a line break would forge a log line), an unpaired
   * surrogate (not encodable) or an invisible format character (e.g. a bidi override).
   */
  private static String firstChar(String s) {
    if (s.isEmpty()) {
      return "";
    }
    int cp = s.codePointAt(0);
    int kind = Character.getType(cp);
    if (kind == Character.CONTROL || kind == Character.SURROGATE || kind == Character.FORMAT) {
      return "?";
    }
    return s.substring(0, Character.charCount(cp));
  }

  /** Whether {@code value} is made of at least six digits and phone punctuation only. */
  static boolean looksLikePhone(String value) {
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if ("+-() .".indexOf(c) < 0) {
        return false;
      }
    }
    return digits >= 6;
  }
}
