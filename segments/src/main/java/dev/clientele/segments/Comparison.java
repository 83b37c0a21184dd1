package dev.clientele.segments;

import java.util.Locale;
import java.util.Optional;

/** How a measured value is compared with a segment's threshold. */
public enum Comparison {
  /** Equal to. */
  EQ("="),
  /** Not equal to. */
  NE("!="),
  /** Greater than. */
  GT(">"),
  /** Greater than or equal to. */
  GE(">="),
  /** Less than. */
  LT("<"),
  /** Less than or equal to. */
  LE("<=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  /** The symbol used in the readable form, e.g. {@code >=}. */
  public String symbol() {
    return symbol;
  }

  /** The lower-case key used in JSON, e.g. {@code ge}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The comparison with this JSON key (case-insensitive); empty if there is none (or {@code key} is null). */
  public static Optional<Comparison> fromKey(String key) {
    for (Comparison c : values()) {
      if (c.key().equalsIgnoreCase(key)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code compareResult} (as from {@link Comparable#compareTo}) satisfies this comparison. */
  public boolean holds(int compareResult) {
    return switch (this) {
      case EQ -> compareResult == 0;
      case NE -> compareResult != 0;
      case GT -> compareResult > 0;
      case GE -> compareResult >= 0;
      case LT -> compareResult < 0;
      case LE -> compareResult <= 0;
    };
  }

  /**
   * Whether {@code value} compares to {@code threshold} as this says, by {@link Double#compare}:
   * infinities are ordered as usual and {@code NaN} is above every other value.
   */
  public boolean test(double value, double threshold) {
    return holds(Double.compare(value, threshold));
  }
}
