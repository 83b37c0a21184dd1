package dev.clientele.export;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.export.internal.CsvRowWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;

/**
 * Writes a {@link DailySeries} as CSV: a header {@code date,COLUMN…}, then one row per day from
 * the first to the last, the date as {@code YYYY-MM-DD} and numbers in plain notation
 * ({@code 1234}, {@code 0.25}). Each day's values are computed and written before the next, so
 * memory does not grow with the length of the series. Thread-safe.
 *
 * <pre>{@code
 * SeriesExporter.writeCsv(series, CsvOptions.defaults(), out);
 * }</pre>
 */
public final class SeriesExporter {
  private SeriesExporter() {}

  /**
   * Writes {@code series} to {@code out} (not closed).
   *
   * @return the number of day rows written
   * @throws UncheckedIOException if writing fails
   */
  public static long writeCsv(DailySeries series, CsvOptions options, OutputStream out) {
    requireNonNull(series, "series");
    requireNonNull(options, "options");
    requireNonNull(out, "out");
    long n = 0;
    try (CsvRowWriter w = CsvRowWriter.to(out, options)) {
      w.start(ImmutableList.<String>builder().add("date").addAll(series.columns()).build());
      Object[] cells = new Object[series.columns().size() + 1];
      for (LocalDate d = series.from(); !d.isAfter(series.to()); d = d.plusDays(1)) {
        List<? extends Number> v = series.values(d);
        cells[0] = d;
        for (int i = 0; i < v.size(); i++) {
          cells[i + 1] = v.get(i);
        }
        w.row(cells);
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the series", e);
    }
    return n;
  }
}
