package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * How CSV is written: delimiter, line separator and formula guarding. Immutable.
 *
 * <p>Defaults ({@link #defaults()}): comma, CRLF line ends as RFC 4180 asks, and
 * {@link FormulaGuard#PREFIX}. A field is quoted with {@code "} when it holds the delimiter,
 * a quote or a line break (leading and trailing spaces are kept as they are, unquoted), and a
 * quote inside a field is doubled (Jackson's CSV generator decides the quoting).
 *
 * <pre>{@code
 * CsvOptions semicolons = CsvOptions.builder().delimiter(';').lineSeparator("\n").build();
 * }</pre>
 *
 * @param delimiter the field delimiter; not a quote, line break, the multi-value separator or half of a surrogate pair
 * @param lineSeparator {@code "\r\n"} or {@code "\n"}
 * @param formulaGuard how formula-like cells are neutralised
 */
public record CsvOptions(char delimiter, String lineSeparator, FormulaGuard formulaGuard) {
  /** Validates the options. */
  public CsvOptions {
    checkArgument(delimiter != '"' && delimiter != '\r' && delimiter != '\n' && delimiter != MultiValues.SEPARATOR
            && delimiter != MultiValues.ESCAPE,
        "delimiter must not be a quote, a line break, '|' or '\\': %s", delimiter);
    // Half of a surrogate pair is no character: written alone it is not UTF-8 (the encoder
    // writes '?' instead, and no reader splits on it).
    checkArgument(!Character.isSurrogate(delimiter), "delimiter must not be half of a surrogate pair: U+%s",
        Integer.toHexString(delimiter).toUpperCase(java.util.Locale.ROOT));
    requireNonNull(lineSeparator, "lineSeparator");
    checkArgument(lineSeparator.equals("\r\n") || lineSeparator.equals("\n"),
        "lineSeparator must be CRLF or LF: %s", shown(lineSeparator));
    requireNonNull(formulaGuard, "formulaGuard");
  }

  /**
   * A bad line separator as a message shows it: a short one with its control characters and
   * surrogates escaped ({@code \r}, {@code \n}, or a backslash, {@code u} and four hex digits), a long one masked.
   */
  private static String shown(String separator) {
    if (separator.length() > 8) {
      return dev.clientele.core.Pii.mask(separator);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < separator.length(); i++) {
      char c = separator.charAt(i);
      if (c == '\r') {
        b.append("\\r");
      } else if (c == '\n') {
        b.append("\\n");
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Comma, CRLF, {@link FormulaGuard#PREFIX}. */
  public static CsvOptions defaults() {
    return new CsvOptions(',', "\r\n", FormulaGuard.PREFIX);
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link CsvOptions}; each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private Character delimiter;
    private String lineSeparator;
    private FormulaGuard formulaGuard;

    private Builder() {}

    /** The field delimiter (default {@code ,}), e.g. {@code ;} or a tab. */
    public Builder delimiter(char value) {
      checkState(delimiter == null, "delimiter was already set to %s", delimiter);
      this.delimiter = value;
      return this;
    }

    /** The line separator: {@code "\r\n"} (default) or {@code "\n"}. */
    public Builder lineSeparator(String value) {
      checkState(lineSeparator == null, "line separator was already set");
      this.lineSeparator = requireNonNull(value, "lineSeparator");
      return this;
    }

    /** How formula-like cells are neutralised (default {@link FormulaGuard#PREFIX}). */
    public Builder formulaGuard(FormulaGuard value) {
      checkState(formulaGuard == null, "formula guard was already set to %s", formulaGuard);
      this.formulaGuard = requireNonNull(value, "formulaGuard");
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException if the delimiter or line separator is not allowed
     */
    public CsvOptions build() {
      CsvOptions d = defaults();
      return new CsvOptions(
          delimiter != null ? delimiter : d.delimiter(),
          lineSeparator != null ? lineSeparator : d.lineSeparator(),
          formulaGuard != null ? formulaGuard : d.formulaGuard());
    }
  }
}
