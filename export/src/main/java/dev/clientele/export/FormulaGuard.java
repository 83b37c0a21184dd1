package dev.clientele.export;

import static java.util.Objects.requireNonNull;


/**
 * How CSV cells that a spreadsheet would evaluate as a formula are neutralised ("CSV
 * injection"). Spreadsheets run a cell whose text starts with {@code =}, {@code +}, {@code -} or
 * {@code @}, and some strip a leading tab or carriage return first; such a cell can compute,
 * link out or, in old spreadsheets, start programs.
 *
 * <p>A guarded cell gets a leading apostrophe ({@code '}), which spreadsheets show as text and
 * which is easy to undo ({@link #undo}). So that undoing is exact for every value, a value that
 * already starts with apostrophes followed by a trigger also gets one more apostrophe:
 * {@code '=x} is written {@code ''=x}. Guarding applies to text only: numbers, booleans and times
 * written by the exporter are never formulas. JSON output is never guarded.
 *
 * <pre>{@code
 * FormulaGuard.PREFIX.apply("=HYPERLINK(\"http://x\")");   // '=HYPERLINK("http://x")
 * FormulaGuard.PREFIX.apply("+442079460958");            // unchanged: a plain signed number
 * FormulaGuard.PREFIX_ALL.apply("+442079460958");        // '+442079460958
 * }</pre>
 */
public enum FormulaGuard {
  /** No guarding: cells are written as they are. For files that no spreadsheet will open. */
  OFF,
  /**
   * The default: guard a cell starting with {@code =}, {@code @}, a tab or a carriage return,
   * and one starting with {@code +} or {@code -} unless it is a plain signed number (digits,
   * spaces, parentheses, dots and hyphens after the sign, such as an E.164 phone number
   * {@code +442079460958} or {@code -12.50}). Such a number cannot call a function or refer to
   * a cell, so it is kept readable and sortable.
   */
  PREFIX,
  /** Guard every text cell starting with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return. */
  PREFIX_ALL;

  /** The neutralised form of {@code cell}. */
  public String apply(String cell) {
    requireNonNull(cell, "cell");
    return needsGuard(cell) ? "'" + cell : cell;
  }

  /** The original of a cell written with this guard: the inverse of {@link #apply}. */
  public String undo(String cell) {
    requireNonNull(cell, "cell");
    return cell.startsWith("'") && needsGuard(cell.substring(1)) ? cell.substring(1) : cell;
  }

  /** Whether {@code cell}, after any leading apostrophes, starts like a formula. */
  boolean needsGuard(String cell) {
    if (this == OFF) {
      return false;
    }
    int i = 0;
    while (i < cell.length() && cell.charAt(i) == '\'') {
      i++;
    }
    if (i == cell.length()) {
      return false;
    }
    char c = cell.charAt(i);
    if (c == '=' || c == '@' || c == '\t' || c == '\r') {
      return true;
    }
    if (c == '+' || c == '-') {
      return this == PREFIX_ALL || !isPlainSignedNumber(cell, i);
    }
    return false;
  }

  /** Whether {@code cell} from {@code start} is a sign, a digit, then digits, spaces, parentheses, dots or hyphens. */
  private static boolean isPlainSignedNumber(String cell, int start) {
    if (cell.length() - start < 2 || !isDigit(cell.charAt(start + 1))) {
      return false;
    }
    for (int i = start + 2; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (!isDigit(c) && c != ' ' && c != '(' && c != ')' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
