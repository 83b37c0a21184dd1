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
import java.util.List;

/**
 * Writes CSV through Jackson's streaming {@link CsvGenerator}: each row is one root-level array,
 * the header is written as the first row so an empty table still has it. Not API.
 */
public final class CsvRowWriter implements RowWriter {
  private static final CsvFactory FACTORY = new CsvFactory();

  private final CsvGenerator g;
  private final FormulaGuard guard;
  private final CsvOptions options;
  private String[] names = new String[0];

  private CsvRowWriter(CsvGenerator g, CsvOptions options) {
    this.g = g;
    this.options = options;
    this.guard = options.formulaGuard();
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

  /**
   * The text of one cell. The common classes are told apart by identity first: a chain of
   * interface {@code instanceof} checks per cell was the larger part of the writing cost.
   */
  private String cell(Object raw, String column) {
    Object v = raw instanceof java.util.Optional<?> ? Cells.unwrap(raw) : raw;
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
    if (k == java.time.Instant.class) {
      return IsoTimes.format((java.time.Instant) v);
    }
    if (k == java.math.BigDecimal.class) {
      return ((java.math.BigDecimal) v).toPlainString();
    }
    if (v instanceof java.util.Collection<?> c) {
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
