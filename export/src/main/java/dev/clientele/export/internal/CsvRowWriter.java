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
      Object v = Cells.unwrap(cells[i]);
      if (v == null) {
        g.writeString("");
      } else {
        String t = Cells.text(v, names[i]);
        g.writeString(Cells.isText(v) ? guard.apply(t) : t);
      }
    }
    g.writeEndArray();
  }

  @Override
  public void close() throws IOException {
    g.close();
  }
}
