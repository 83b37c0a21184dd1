package dev.clientele.export.internal;

import dev.clientele.export.ProfileRow;
import java.io.IOException;

/**
 * Writes one column's cell of a row straight into a {@link CsvRowWriter}, with the typed calls
 * ({@link CsvRowWriter#text}, {@link CsvRowWriter#number}, {@link CsvRowWriter#time},
 * {@link CsvRowWriter#beginMulti}, …) instead of extracting a value object first. A built-in column
 * writes exactly the text that its extracted value would give. Not API: may change without notice.
 */
@FunctionalInterface
public interface CsvCell {
  /** Writes the cell of {@code row}. */
  void write(ProfileRow row, CsvRowWriter out) throws IOException;
}
