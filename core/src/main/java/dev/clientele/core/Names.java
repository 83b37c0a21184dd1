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
}
