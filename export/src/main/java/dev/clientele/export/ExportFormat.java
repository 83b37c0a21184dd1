package dev.clientele.export;

/** The output formats of a profile export. */
public enum ExportFormat {
  /**
   * CSV (RFC 4180): a header row, then one row per profile, UTF-8 without a byte-order mark;
   * delimiter, line separator and formula guarding set by {@link CsvOptions}.
   */
  CSV,
  /** JSON Lines: one JSON object per profile and line, keys being the column names. */
  JSON_LINES,
  /** One JSON array holding one object per profile, keys being the column names. */
  JSON_ARRAY
}
