package dev.clientele.core;

/**
 * The name rules of the model, checked by hand instead of by regular expression: these checks
 * run for every event (type, action) and every observed attribute, so they allocate nothing.
 */
final class Names {
  private Names() {}

  /** {@code [a-z][a-z0-9_]{0,63}}: identifier types and attribute names. */
  static boolean isLowerName(String s) {
    int n = s.length();
    if (n < 1 || n > 64) {
      return false;
    }
    char first = s.charAt(0);
    if (first < 'a' || first > 'z') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9_.:-]{1,64}}: event types and actions. */
  static boolean isEventName(String s) {
    int n = s.length();
    if (n < 1 || n > 64) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A data key as a message may show it: as it is when it is a plain field name (1 to 64 of
   * {@code [A-Za-z0-9_-]}, no run of six digits), else {@linkplain Pii#mask masked}, because hosts
   * key maps by emails, phones or names too. Stricter than {@link Pii#maskUnlessName}: no {@code .}
   * or {@code :}, which join a path of keys ({@code guests.john.smith}) or a scheme and a value
   * ({@code tel:…}). Allocates nothing for a plain key.
   */
  static String forMessage(String key) {
    return key.indexOf('.') < 0 && key.indexOf(':') < 0 ? Pii.maskUnlessName(key, 64) : Pii.mask(key);
  }

  /**
   * Where {@code s} holds text that not every backend can store as it is, or -1 if nowhere: an
   * unpaired UTF-16 surrogate (PostgreSQL's driver sends it as {@code ?}, so two values would
   * become one), a NUL (refused by PostgreSQL) and, unless {@code controlsAllowed}, any ISO
   * control character.
   */
  static int badCharAt(String s, boolean controlsAllowed) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        if (c == 0 || !controlsAllowed) {
          return i;
        }
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return i;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** What {@link #badCharAt} found at {@code i}, for a message (the character, not the text). */
  static String describeBadChar(String s, int i) {
    char c = s.charAt(i);
    String kind = Character.isSurrogate(c) ? "an unpaired surrogate" : c == 0 ? "a NUL" : "a control character";
    return kind + String.format(java.util.Locale.ROOT, " (U+%04X) at index %d", (int) c, i);
  }
}
