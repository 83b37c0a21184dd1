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
 *
 * <h2>Cell by cell: the raw row buffer</h2>
 * A row written cell by cell ({@link #startRow()}, the typed calls, {@link #endRow()}) is
 * assembled in one reused {@code char[]}: a cell that Jackson would write without quotes is
 * appended there with its delimiter, and the buffer goes to the generator as raw text
 * ({@link CsvGenerator#writeRaw(char[], int, int)}, which copies the characters and encodes them
 * to UTF-8, nothing more) once per row. A cell that needs quotes is handed to
 * {@link CsvGenerator#writeString(String)}, so Jackson does all the quoting. The bytes are the
 * same as writing every cell with {@code writeString}, because the test for "needs quotes" is
 * Jackson's own strict one ({@link CsvGenerator.Feature#STRICT_CHECK_FOR_QUOTING}, which this
 * writer enables): a cell needs quotes exactly when it holds the delimiter, the quote character
 * or a line break. Jackson's other reason to quote, a {@code #} at the start of the first column
 * when the schema allows comments, never applies: the schema here does not allow them.
 *
 * <p>To keep Jackson's delimiters right when raw cells and Jackson's own cells mix in one row:
 * Jackson writes a delimiter before each of its cells but the first of the row, and counts only
 * its own cells, so this writer adds the delimiter before Jackson's first cell when raw cells
 * came before it, ends a row that has no Jackson cell itself (Jackson leaves such a row empty),
 * and turns Jackson's padding of short rows off ({@link CsvGenerator.Feature#OMIT_MISSING_TAIL_COLUMNS}).
 */
public final class CsvRowWriter implements RowWriter {
  private static final CsvFactory FACTORY = new CsvFactory();
  /** Flush the raw row buffer between cells once it holds this many characters. */
  private static final int FLUSH_AT = 8192;

  private final CsvGenerator g;
  private final FormulaGuard guard;
  private final boolean guarding;
  private final CsvOptions options;
  private final char delimiter;
  private final char[] lineSeparator;
  /** Whether a number's characters (digits, {@code -}, {@code .}) may need quotes: one is the delimiter. */
  private final boolean numbersMayNeedQuotes;
  /** Whether a time's characters ({@code 0-9 - : . T Z}) may need quotes. */
  private final boolean timesMayNeedQuotes;
  /** Whether {@code true}/{@code false} may need quotes. */
  private final boolean wordsMayNeedQuotes;
  /** {@code quoteTable[c]}: whether character {@code c} makes a cell need quotes (the delimiter, {@code "}, CR, LF). */
  private final boolean[] quoteTable;
  /** The raw row buffer: {@link #n} characters not yet given to the generator. */
  private char[] buf = new char[512];
  private int n;
  /** Cells of the current row so far, and how many of them went through Jackson. */
  private int cells;
  private int jacksonCells;
  /** Where the open multi-valued cell's text starts in {@link #buf}, and where its delimiter does. */
  private int multiStart = -1;
  private int multiCellStart;
  private boolean multiFirst;
  private String[] names = new String[0];
  /** Dates written by {@link #time}, made at the first time cell. */
  private IsoTimes.DateCache dates;

  private CsvRowWriter(CsvGenerator g, CsvOptions options) {
    this.g = g;
    this.options = options;
    this.guard = options.formulaGuard();
    this.guarding = guard != FormulaGuard.OFF;
    this.delimiter = options.delimiter();
    this.lineSeparator = options.lineSeparator().toCharArray();
    this.numbersMayNeedQuotes = "0123456789-.".indexOf(delimiter) >= 0;
    this.timesMayNeedQuotes = "0123456789-:.TZ".indexOf(delimiter) >= 0;
    this.wordsMayNeedQuotes = "truefals".indexOf(delimiter) >= 0;
    this.quoteTable = new boolean[Math.max(delimiter, '"') + 1];
    quoteTable[delimiter] = true;
    quoteTable['"'] = true;
    quoteTable['\r'] = true;
    quoteTable['\n'] = true;
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    // Quote only the fields that need it (delimiter, quote, line break) instead of Jackson's
    // quick guess, which quotes anything with a character below the delimiter.
    g.enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
    // Rows written cell by cell hand Jackson only the cells that need quotes (see the class
    // comment): it must not pad such a row with empty cells up to the schema's size.
    g.enable(CsvGenerator.Feature.OMIT_MISSING_TAIL_COLUMNS);
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
    CsvSchema schema = b.build().withoutHeader().withoutComments()
        .withColumnSeparator(options.delimiter())
        .withLineSeparator(options.lineSeparator());
    if (schema.getQuoteChar() != '"') {
      throw new IllegalStateException("the raw row buffer assumes the quote character '\"'");
    }
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
    cells = 0;
    jacksonCells = 0;
  }

  /** Ends a row started by {@link #startRow()}. */
  public void endRow() throws IOException {
    if (jacksonCells == 0 && cells > 0) {
      // Jackson ends a row only after a cell of its own: this one is ended here.
      ensure(lineSeparator.length);
      for (char c : lineSeparator) {
        buf[n++] = c;
      }
    }
    flushRaw();
    g.writeEndArray();
  }

  /** An absent value: an empty cell. */
  public void empty() throws IOException {
    beginRaw();
    cells++;
  }

  /** A text cell, formula-guarded (the check allocates nothing; only a guarded cell is copied). */
  public void text(String value) throws IOException {
    if (guarding && !value.isEmpty() && FormulaTriggers.mayStart(value.charAt(0))) {
      value = guard.apply(value);
    }
    plain(value);
  }

  /** A boolean cell: {@code true} or {@code false}. */
  public void bool(boolean value) throws IOException {
    if (wordsMayNeedQuotes) {
      plain(value ? "true" : "false");
      return;
    }
    beginRaw();
    ensure(5);
    if (value) {
      buf[n++] = 't';
      buf[n++] = 'r';
      buf[n++] = 'u';
      buf[n++] = 'e';
    } else {
      buf[n++] = 'f';
      buf[n++] = 'a';
      buf[n++] = 'l';
      buf[n++] = 's';
      buf[n++] = 'e';
    }
    cells++;
  }

  /** A whole-number cell, as {@link Long#toString(long)} writes it. */
  public void number(long value) throws IOException {
    if (numbersMayNeedQuotes) {
      plain(Long.toString(value));
      return;
    }
    beginRaw();
    ensure(Digits.MAX_LONG_CHARS);
    n = Digits.write(value, buf, n);
    cells++;
  }

  /** A decimal cell, as {@link BigDecimal#toPlainString()} writes it. */
  public void decimal(BigDecimal value) throws IOException {
    if (value.scale() == 0 && value.precision() < 19) {
      number(value.longValue()); // a whole number (revenue 0): its plain text is the long's
    } else if (numbersMayNeedQuotes) {
      plain(value.toPlainString());
    } else {
      int start = beginRaw();
      ensure(Digits.MAX_PLAIN_CHARS);
      int end = Digits.writePlain(value, buf, n);
      if (end < 0) { // not a small decimal: BigDecimal's own text
        n = start;
        plain(value.toPlainString());
        return;
      }
      n = end;
      cells++;
    }
  }

  /**
   * A decimal cell of {@code dividend / divisor} rounded half-even to {@code scale} digits after
   * the point: the text {@link #decimal} writes for {@code dividend.divide(BigDecimal.valueOf(divisor),
   * scale, RoundingMode.HALF_EVEN)}, computed in {@code long}s when that is exact (an average order
   * value on every row with orders), else by that division.
   *
   * @param scale 0 to 18
   */
  public void quotient(BigDecimal dividend, long divisor, int scale) throws IOException {
    long q = numbersMayNeedQuotes ? Long.MIN_VALUE : Digits.quotient(dividend, divisor, scale);
    if (q == Long.MIN_VALUE) {
      decimal(dividend.divide(BigDecimal.valueOf(divisor), scale, java.math.RoundingMode.HALF_EVEN));
    } else if (scale == 0) {
      number(q);
    } else {
      beginRaw();
      ensure(Digits.MAX_PLAIN_CHARS);
      n = Digits.writePlain(q, scale, buf, n);
      cells++;
    }
  }

  /** A time cell, ISO-8601 as {@link Instant#toString()} writes it. */
  public void time(Instant value) throws IOException {
    if (timesMayNeedQuotes) {
      plain(IsoTimes.format(value));
      return;
    }
    int start = beginRaw();
    ensure(IsoTimes.MAX_CHARS);
    if (dates == null) {
      dates = new IsoTimes.DateCache();
    }
    int end = IsoTimes.format(value, buf, n, dates);
    if (end < 0) { // a year outside 0000-9999: toString() may hold a '+'
      n = start;
      plain(value.toString());
      return;
    }
    n = end;
    cells++;
  }

  /**
   * Opens a multi-valued cell: add its values with {@link #multiValue} (and
   * {@link #multiPart}), then close it with {@link #endMulti()}. The values are joined with
   * {@link dev.clientele.export.MultiValues#SEPARATOR} and escaped as
   * {@link dev.clientele.export.MultiValues} says, straight into the row buffer.
   */
  public void beginMulti() throws IOException {
    multiCellStart = beginRaw();
    multiStart = n;
    multiFirst = true;
  }

  /** Adds one value to the open multi-valued cell, after a separator unless it is the first. */
  public void multiValue(String value) {
    if (!multiFirst) {
      ensure(1);
      buf[n++] = dev.clientele.export.MultiValues.SEPARATOR;
    }
    multiFirst = false;
    multiPart(value);
  }

  /**
   * {@link #multiValue} for a value that holds neither {@link dev.clientele.export.MultiValues#SEPARATOR}
   * nor {@link dev.clientele.export.MultiValues#ESCAPE}, so needs no escaping (an identifier
   * type's name: lower-case letters, digits and underscores), copied without looking.
   */
  public void multiValueVerbatim(String value) {
    int len = value.length();
    ensure(len + 1);
    if (!multiFirst) {
      buf[n++] = dev.clientele.export.MultiValues.SEPARATOR;
    }
    multiFirst = false;
    value.getChars(0, len, buf, n);
    n += len;
  }

  /** Appends {@code value}, escaped, to the current value of the open multi-valued cell. */
  public void multiPart(String value) {
    int len = value.length();
    ensure(2 * len);
    if (value.indexOf(dev.clientele.export.MultiValues.SEPARATOR) >= 0 || value.indexOf(dev.clientele.export.MultiValues.ESCAPE) >= 0) {
      n = appendEscaped(value, n);
    } else {
      value.getChars(0, len, buf, n); // the common case, copied in bulk
      n += len;
    }
  }

  /** Appends one character, not escaped, to the current value of the open multi-valued cell. */
  public void multiChar(char c) {
    ensure(1);
    buf[n++] = c;
  }

  private int appendEscaped(String value, int at) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == dev.clientele.export.MultiValues.SEPARATOR || c == dev.clientele.export.MultiValues.ESCAPE) {
        buf[at++] = dev.clientele.export.MultiValues.ESCAPE;
      }
      buf[at++] = c;
    }
    return at;
  }

  /** Writes the multi-valued cell opened by {@link #beginMulti()}, formula-guarded. */
  public void endMulti() throws IOException {
    int start = multiStart;
    multiStart = -1;
    if (start == n) {
      cells++; // no values: an empty cell
      return;
    }
    if ((guarding && FormulaTriggers.mayStart(buf[start])) || needsQuotes(buf, start, n)) {
      String text = new String(buf, start, n - start);
      n = multiCellStart;
      text(text);
      return;
    }
    cells++;
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
      empty();
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
      beginMulti();
      for (Object o : c) {
        Object e = Cells.unwrap(o);
        multiValue(e == null ? "" : e instanceof String s ? s : Cells.text(e, column));
      }
      endMulti();
    } else {
      plain(cell(v, column));
    }
  }

  /**
   * A cell of {@code text} as it is (already guarded where guarding applies): raw when Jackson
   * would not quote it, else through Jackson.
   */
  private void plain(String text) throws IOException {
    int start = beginRaw();
    int len = text.length();
    ensure(len);
    int at = n;
    text.getChars(0, len, buf, at); // copied first: scanning the char[] is cheaper than charAt
    if (needsQuotes(buf, at, at + len)) {
      n = start;
      jackson(text);
      return;
    }
    n = at + len;
    cells++;
  }

  /** A cell that needs quotes, written by Jackson's {@code writeString} after the raw text so far. */
  private void jackson(String text) throws IOException {
    if (cells > 0 && jacksonCells == 0) {
      ensure(1); // Jackson adds no delimiter before its first cell of a row
      buf[n++] = delimiter;
    }
    flushRaw();
    g.writeString(text);
    jacksonCells++;
    cells++;
  }

  /**
   * Starts a raw cell: gives the buffer to the generator if it is large, then appends the
   * delimiter unless this is the row's first cell. Returns where the cell (with its delimiter)
   * starts, to undo it.
   */
  private int beginRaw() throws IOException {
    if (n >= FLUSH_AT) {
      flushRaw();
    }
    int start = n;
    if (cells > 0) {
      ensure(1);
      buf[n++] = delimiter;
    }
    return start;
  }

  private void ensure(int more) {
    if (n + more > buf.length) {
      buf = java.util.Arrays.copyOf(buf, Math.max(2 * buf.length, n + more));
    }
  }

  private void flushRaw() throws IOException {
    if (n > 0) {
      g.writeRaw(buf, 0, n);
      n = 0;
    }
  }

  /**
   * Jackson's strict test (see the class comment): whether the characters hold the delimiter,
   * the quote or a line break. One table look-up per character below {@link #quoteTable}'s
   * length; no character above it needs quotes.
   */
  private boolean needsQuotes(char[] b, int from, int to) {
    boolean[] table = quoteTable;
    int max = table.length;
    for (int i = from; i < to; i++) {
      char c = b[i];
      if (c < max && table[c]) {
        return true;
      }
    }
    return false;
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
    flushRaw();
    g.close();
  }
}
