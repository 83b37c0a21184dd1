package dev.clientele.analytics;

import dev.clientele.core.Pii;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A deliberately small CSV reader for the two numeric input tables of the value models
 * (summaries and transactions). It handles a header row, commas, CRLF line ends, a UTF-8 byte
 * order mark, blank lines and RFC 4180 double-quoted fields without embedded line breaks. It is
 * The caller owns the reader; this class never closes it. It is
 * not a general CSV library: that belongs to the export module and the CLI (DESIGN.md keeps
 * formats out of the model modules), and the analytics module stays free of Jackson.
 */
final class SimpleCsv {
  private static final java.util.regex.Pattern COLUMN_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_ .-]{0,63}");
  private final BufferedReader in;
  private final Map<String, Integer> columns = new HashMap<>();
  private final List<String> header;
  private int lineNumber;

  SimpleCsv(Reader reader) throws IOException {
    this.in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
    String first = nextNonBlank();
    if (first == null) {
      throw new IllegalArgumentException("csv is empty: a header row is required");
    }
    if (first.startsWith("\uFEFF")) {
      first = first.substring(1);
    }
    header = split(first);
    for (int i = 0; i < header.size(); i++) {
      columns.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
    }
  }

  /** The index of the first header among {@code names} (case-insensitive), if any. */
  Optional<Integer> column(String... names) {
    for (String name : names) {
      Integer i = columns.get(name.toLowerCase(Locale.ROOT));
      if (i != null) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #column} but required. */
  int requiredColumn(String... names) {
    return column(names).orElseThrow(() -> new IllegalArgumentException(
        "csv header must have a column " + String.join(" or ", names) + ": " + header.stream().map(SimpleCsv::headerForMessage).toList()));
  }

  /** The 1-based line number of the row last returned. */
  int lineNumber() {
    return lineNumber;
  }

  /** The next row's fields, or {@code null} at the end. */
  List<String> next() throws IOException {
    String line = nextNonBlank();
    return line == null ? null : split(line);
  }

  private String nextNonBlank() throws IOException {
    String line;
    do {
      line = in.readLine();
      lineNumber++;
    } while (line != null && line.isBlank());
    return line;
  }

  /** Splits one line into fields, honouring double quotes. */
  List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("line " + lineNumber + ": unterminated quoted field");
    }
    out.add(field.toString());
    return out;
  }

  /** The field at {@code index} of {@code row}, trimmed; fails naming the line and column. */
  String field(List<String> row, int index) {
    if (index >= row.size()) {
      throw new IllegalArgumentException("line " + lineNumber + ": expected at least " + (index + 1)
          + " fields, found " + row.size());
    }
    return row.get(index).trim();
  }

  /**
   * A header cell as a message shows it: as it is when it looks like a column name, else masked
   * (a file without a header row has data there, e.g. an email).
   */
  static String headerForMessage(String name) {
    return COLUMN_NAME.matcher(name.strip()).matches() ? name.strip() : Pii.mask(name);
  }

  /** A finite number at {@code index}; fails naming the line and column. */
  double number(List<String> row, int index) {
    String s = field(row, index);
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("line " + lineNumber + ": " + header.get(index)
          + " is not a number: '" + Pii.mask(s) + "'", e);
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("line " + lineNumber + ": " + header.get(index)
          + " must be finite: " + s);
    }
    return v;
  }
}
