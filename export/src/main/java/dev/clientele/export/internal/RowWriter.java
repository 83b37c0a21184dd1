package dev.clientele.export.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Writes a table row by row. Not API: may change without notice. */
public interface RowWriter extends Closeable {
  /** Starts the table with these column names (a CSV header; nothing for JSON). */
  void start(List<String> names) throws IOException;

  /** Writes one row; {@code cells} line up with the names and may be reused by the caller afterwards. */
  void row(Object[] cells) throws IOException;

  /** Ends the table and flushes; the target stream stays open. */
  @Override
  void close() throws IOException;
}
