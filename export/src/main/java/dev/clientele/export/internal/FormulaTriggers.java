package dev.clientele.export.internal;

/**
 * A quick test before {@link dev.clientele.export.FormulaGuard#apply}: a cell whose first
 * character is none of these is never guarded by any guard, so it needs no further look. Not API.
 */
final class FormulaTriggers {
  private FormulaTriggers() {}

  /**
   * Whether a cell starting with {@code c} may be guarded: a formula trigger ({@code = + - @},
   * tab, carriage return) or an apostrophe (guarded when a trigger follows it).
   */
  static boolean mayStart(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'';
  }
}
