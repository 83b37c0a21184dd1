package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The CSV encoding of a cell holding several values (identifiers, tags, lists, merged ids, list
 * attributes): the values joined with {@code |}, where a {@code |} or {@code \} inside a value
 * is preceded by {@code \}. An empty list is an empty cell; so is a list of one empty string
 * (CSV cannot tell them apart). JSON output writes such cells as arrays instead.
 *
 * <pre>{@code
 * MultiValues.join(List.of("a|b", "c"));   // a\|b|c
 * MultiValues.split("a\\|b|c");            // [a|b, c]
 * }</pre>
 */
public final class MultiValues {
  /** The separator between values. */
  public static final char SEPARATOR = '|';
  /** The escape character. */
  public static final char ESCAPE = '\\';

  private MultiValues() {}

  /** Joins {@code values}, escaping separators and escapes inside them. */
  public static String join(List<String> values) {
    requireNonNull(values, "values");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(SEPARATOR);
      }
      appendEscaped(b, values.get(i));
    }
    return b.toString();
  }

  static void appendEscaped(StringBuilder b, String v) {
    if (v.indexOf(SEPARATOR) < 0 && v.indexOf(ESCAPE) < 0) {
      b.append(v); // the common case, copied in bulk
      return;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == SEPARATOR || c == ESCAPE) {
        b.append(ESCAPE);
      }
      b.append(c);
    }
  }

  /** Splits a cell written by {@link #join}: its inverse for every list but {@code [""]}. */
  public static List<String> split(String cell) {
    requireNonNull(cell, "cell");
    List<String> out = new ArrayList<>();
    if (cell.isEmpty()) {
      return out;
    }
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == ESCAPE && i + 1 < cell.length()) {
        cur.append(cell.charAt(++i));
      } else if (c == SEPARATOR) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
