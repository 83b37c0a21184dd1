package dev.clientele.export.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.export.CsvOptions;
import dev.clientele.export.FormulaGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Writes CSV through Jackson's streaming {@link CsvGenerator}: each row is one root-level array,
 * the header is written as the first row so an empty table still has it. Not API.
 */
public final class CsvRowWriter implements RowWriter {
  private static final CsvFactory FACTORY = new CsvFactory();

  private final CsvGenerator g;
  private final FormulaGuard guard;
  private final CsvOptions options;
  /**
   * Whether a number may go through the generator's number path (digits written straight into
   * its buffer, never quoted) and still come out as the same bytes as its text would: true
   * unless the delimiter is a character of a number, which would make the text path quote it.
   */
  private final boolean numbersAsText;
  /**
   * Whether times and the words {@code true}/{@code false} can skip the generator's quoting check
   * ({@link CsvGenerator#writeRawValue(String)}, which still writes the delimiter): their
   * characters ({@code 0-9 - : . T Z}, the letters of the two words) never need quotes unless one
   * of them is the delimiter.
   */
  private final boolean timesRaw;
  private final boolean wordsRaw;
  /** The reused buffer of multi-valued cells ({@link #multi()}). */
  private final StringBuilder multi = new StringBuilder(128);
  /** The reused buffer of times ({@link #time}). */
  private final char[] timeChars = new char[IsoTimes.MAX_CHARS];
  private String[] names = new String[0];

  private CsvRowWriter(CsvGenerator g, CsvOptions options) {
    this.g = g;
    this.options = options;
    this.guard = options.formulaGuard();
    char d = options.delimiter();
    this.numbersAsText = (d >= '0' && d <= '9') || d == '-';
    this.timesRaw = "0123456789-:.TZ".indexOf(d) < 0;
    this.wordsRaw = "truefals".indexOf(d) < 0;
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    // Quote only the fields that need it (delimiter, quote, line break, edge spaces) instead of
    // Jackson's quick guess, which quotes anything with a character below the delimiter.
    g.enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
  }

  /** A writer to {@code out} (UTF-8), which is flushed but not closed by {@link #close()}. */
  public static CsvRowWriter to(OutputStream out, CsvOptions options) throws IOException {
    return new CsvRowWriter(FACTORY.createGenerator(out, JsonEncoding.UTF8), options);
  }

  /** A writer to {@code out}, which is flushed but not closed by {@link #close()}. */
  public static CsvRowWriter to(Writer out, CsvOptions options) throws IOException {
    return new CsvRowWriter(FACTORY.createGenerator(out), options);
  }

  @Override
  public void start(List<String> columnNames) throws IOException {
    CsvSchema.Builder b = CsvSchema.builder();
    for (String n : columnNames) {
      b.addColumn(n);
    }
    CsvSchema schema = b.build().withoutHeader()
        .withColumnSeparator(options.delimiter())
        .withLineSeparator(options.lineSeparator());
    g.setSchema(schema);
    this.names = columnNames.toArray(String[]::new);
    g.writeStartArray();
    for (String n : names) {
      g.writeString(guard.apply(n));
    }
    g.writeEndArray();
  }

  @Override
  public void row(Object[] cells) throws IOException {
    g.writeStartArray();
    for (int i = 0; i < cells.length; i++) {
      g.writeString(cell(cells[i], names[i]));
    }
    g.writeEndArray();
  }

  // Cell by cell: a row is startRow(), one call per column, endRow(). The typed calls write what
  // row(Object[]) would write for the same value, without boxing or intermediate objects.

  /** Starts a row written cell by cell. */
  public void startRow() throws IOException {
    g.writeStartArray();
  }

  /** Ends a row started by {@link #startRow()}. */
  public void endRow() throws IOException {
    g.writeEndArray();
  }

  /** An absent value: an empty cell. */
  public void empty() throws IOException {
    g.writeRawValue("");
  }

  /** A text cell, formula-guarded (the check allocates nothing; only a guarded cell is copied). */
  public void text(String value) throws IOException {
    g.writeString(guard.apply(value));
  }

  /** A boolean cell: {@code true} or {@code false}. */
  public void bool(boolean value) throws IOException {
    if (wordsRaw) {
      g.writeRawValue(value ? "true" : "false");
    } else {
      g.writeString(value ? "true" : "false");
    }
  }

  /** A whole-number cell, as {@link Long#toString(long)} writes it. */
  public void number(long value) throws IOException {
    if (numbersAsText) {
      g.writeString(Long.toString(value));
    } else {
      g.writeNumber(value);
    }
  }

  /** A decimal cell, as {@link BigDecimal#toPlainString()} writes it. */
  public void decimal(BigDecimal value) throws IOException {
    if (value.scale() == 0 && value.precision() < 19) {
      number(value.longValue()); // a whole number (revenue 0): its plain text is the long's
    } else {
      g.writeString(value.toPlainString());
    }
  }

  /** A time cell, ISO-8601 as {@link Instant#toString()} writes it. */
  public void time(Instant value) throws IOException {
    int n = IsoTimes.format(value, timeChars);
    if (n < 0) {
      g.writeString(value.toString());
    } else if (timesRaw) {
      g.writeRawValue(timeChars, 0, n);
    } else {
      g.writeString(timeChars, 0, n);
    }
  }

  /**
   * The reused, emptied buffer of a multi-valued cell: append the values joined with
   * {@link dev.clientele.export.MultiValues#SEPARATOR}, each escaped as
   * {@link dev.clientele.export.MultiValues} says, then call {@link #endMulti()}.
   */
  public StringBuilder multi() {
    multi.setLength(0);
    return multi;
  }

  /** Writes the multi-valued cell built in {@link #multi()}, formula-guarded. */
  public void endMulti() throws IOException {
    if (multi.length() == 0) {
      g.writeString("");
    } else {
      g.writeString(guard.apply(multi.toString()));
    }
  }

  /**
   * A cell of any supported value ({@link Optional}, null, text, number, time, list, map), as
   * {@link #row(Object[])} writes it; {@code column} names the column in the error of an
   * unsupported value.
   *
   * @throws IllegalArgumentException if the value's type is not supported
   */
  public void value(Object raw, String column) throws IOException {
    Object v = raw instanceof Optional<?> ? Cells.unwrap(raw) : raw;
    if (v == null) {
      g.writeString("");
      return;
    }
    Class<?> k = v.getClass();
    if (k == String.class) {
      text((String) v);
    } else if (k == Long.class || k == Integer.class) {
      number(((Number) v).longValue());
    } else if (k == Boolean.class) {
      bool((Boolean) v);
    } else if (k == Instant.class) {
      time((Instant) v);
    } else if (v instanceof Collection<?> c) {
      StringBuilder b = multi();
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          b.append(dev.clientele.export.MultiValues.SEPARATOR);
        }
        first = false;
        Object e = Cells.unwrap(o);
        if (e != null) {
          Cells.appendEscaped(b, e instanceof String s ? s : Cells.text(e, column));
        }
      }
      endMulti();
    } else {
      g.writeString(cell(v, column));
    }
  }

  /**
   * The text of one cell. The common classes are told apart by identity first: a chain of
   * interface {@code instanceof} checks per cell was the larger part of the writing cost.
   */
  private String cell(Object raw, String column) {
    Object v = raw instanceof Optional<?> ? Cells.unwrap(raw) : raw;
    if (v == null) {
      return "";
    }
    Class<?> k = v.getClass();
    if (k == String.class) {
      return guard.apply((String) v);
    }
    if (k == Long.class || k == Boolean.class || k == Integer.class) {
      return v.toString();
    }
    if (k == Instant.class) {
      return IsoTimes.format((Instant) v);
    }
    if (k == BigDecimal.class) {
      return ((BigDecimal) v).toPlainString();
    }
    if (v instanceof Collection<?> c) {
      return c.isEmpty() ? "" : guard.apply(Cells.text(c, column));
    }
    String t = Cells.text(v, column);
    return Cells.isText(v) ? guard.apply(t) : t;
  }

  @Override
  public void close() throws IOException {
    g.close();
  }
}
