package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.Set;

/**
 * One attribute value of a profile with its provenance: which source set it and when.
 *
 * <p>Values are JSON-like: {@link String}, {@link Boolean}, {@link Long}, {@link java.math.BigDecimal},
 * or immutable {@link java.util.List}s and string-keyed {@link java.util.Map}s of those (see
 * {@link EventData}). Standard attribute
 * names are listed in {@link #STANDARD}; any other valid name is a custom attribute.
 *
 * @param name lower-case name, e.g. {@code first_name}
 * @param value the value
 * @param source the source of the event (or API call) that set it
 * @param updatedAt the time of the event that set it
 */
public record Attribute(String name, Object value, String source, Instant updatedAt) {

  /** The name of the first-name attribute. */
  public static final String FIRST_NAME = "first_name";
  /** The name of the last-name attribute. */
  public static final String LAST_NAME = "last_name";
  /** The name of the image-URL attribute. */
  public static final String IMAGE_URL = "image_url";
  /**
   * The last device used, taken from event data {@code device}: the latest observation, also when
   * the host's default attribute strategy is another one (unless it gives this name its own).
   */
  public static final String LAST_DEVICE = "last_device";

  /** The standard attribute names; every other name is custom. */
  public static final Set<String> STANDARD =
      Set.of(
          FIRST_NAME,
          LAST_NAME,
          "birth_date",
          "birth_year",
          "gender",
          "location",
          "city",
          "country",
          "timezone",
          "street_address",
          "phone",
          IMAGE_URL,
          LAST_DEVICE);

  /**
   * The order in which a newer observation replaces an older one: later {@code updatedAt} wins;
   * on equal times the greater source, then the greater value text, then the greater value type
   * name wins (so {@code 1L} and {@code "1"} never tie), then, for lists and maps, the greater
   * typed encoding of the value (so neither do {@code [1]} and {@code ["1"]}, the same list class
   * with the same text): each string written as {@code s<length>:<text>}, each number or boolean
   * as its class name, length and text, a list as {@code [<size>:<elements>]} and a map as
   * {@code {<size>:<entries>}} with its entries in key order. Two observations tie only when they
   * are equal, so the result of applying observations does not depend on the order they arrive in.
   * (Two equal maps whose keys iterate in different orders print differently, so they do not tie:
   * which one is kept then depends on that order, not on arrival; either is equal to the other.)
   */
  public static final Comparator<Attribute> OBSERVATION_ORDER =
      Comparator.comparing(Attribute::updatedAt)
          .thenComparing(Attribute::source)
          .thenComparing(a -> String.valueOf(a.value()))
          .thenComparing(a -> a.value().getClass().getName())
          // Only lists and maps can still tie here (same class, same text, different values):
          // a string, number or boolean is decided by its text and class already.
          .thenComparing((a, b) -> a.value() instanceof java.util.List<?> || a.value() instanceof java.util.Map<?, ?>
              ? dev.clientele.core.internal.TypedText.of(a.value()).compareTo(dev.clientele.core.internal.TypedText.of(b.value()))
              : 0);

  /**
   * The most characters of text an ingested attribute value may hold (8,192), counted over every
   * string in it, nested ones included, plus one per list element and map entry. A profile is read
   * and written whole, so one client sending megabytes as a "name" would slow every later event of
   * that person. Ingestion enforces it (an observation beyond it is not kept and its event records
   * why); the constructor does not, so attributes stored before the bound still load.
   */
  public static final int MAX_TEXT_LENGTH = 8_192;

  /**
   * Validates the attribute.
   *
   * @throws IllegalArgumentException if the name is not a valid attribute name or the value is
   *     not a JSON-like value
   */
  public Attribute {
    requireNonNull(name, "name");
    if (!Names.isLowerName(name)) {
      throw new IllegalArgumentException("attribute name must match [a-z][a-z0-9_]{0,63}: " + Pii.mask(name));
    }
    value = EventData.checkValue(name, value);
    requireNonNull(source, "source");
    requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The size of {@link #value()} as {@link #MAX_TEXT_LENGTH} counts it: the characters of every
   * string in it plus one per list element and map entry (map keys count as text), stopping early
   * once past {@code limit}.
   */
  public long textSize(long limit) {
    return sizeOf(value, limit, 0);
  }

  private static long sizeOf(Object v, long limit, long sofar) {
    if (v instanceof String s) {
      return sofar + s.length();
    }
    if (v instanceof java.util.List<?> list) {
      long n = sofar;
      for (Object e : list) {
        n = sizeOf(e, limit, n + 1);
        if (n > limit) {
          return n;
        }
      }
      return n;
    }
    if (v instanceof java.util.Map<?, ?> map) {
      long n = sofar;
      for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
        n = sizeOf(e.getValue(), limit, n + 1 + String.valueOf(e.getKey()).length());
        if (n > limit) {
          return n;
        }
      }
      return n;
    }
    return sofar; // a number or a boolean
  }

  /** Whether {@link #name()} is one of {@link #STANDARD}. */
  public boolean isStandard() {
    return STANDARD.contains(name);
  }

  /** Whether the value is non-empty (not a blank string, not an empty list). */
  public boolean isKnown() {
    if (value instanceof String s) {
      return !s.isBlank();
    }
    if (value instanceof java.util.List<?> l) {
      return !l.isEmpty();
    }
    return true;
  }

  /** Returns the name, source and time; never the value. */
  @Override
  public String toString() {
    return "Attribute{" + name + " from " + source + " @" + updatedAt + "}";
  }

  /** The value as text, as it would appear in a CSV cell. */
  public String text() {
    return value instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(value);
  }
}
