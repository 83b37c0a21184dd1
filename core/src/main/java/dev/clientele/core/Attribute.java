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
  /** The last device used, taken from event data {@code device}. */
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
   * name wins (so {@code 1L} and {@code "1"} never tie). The result of applying
   * observations therefore does not depend on the order they arrive in.
   */
  public static final Comparator<Attribute> OBSERVATION_ORDER =
      Comparator.comparing(Attribute::updatedAt)
          .thenComparing(Attribute::source)
          .thenComparing(a -> String.valueOf(a.value()))
          .thenComparing(a -> a.value().getClass().getName());

  /**
   * The most characters a text value may have (8,192). A profile is read and written whole, so
   * one client sending megabytes of text as a "name" would slow every later event of that person.
   */
  public static final int MAX_TEXT_LENGTH = 8_192;

  /**
   * Validates the attribute.
   *
   * @throws IllegalArgumentException if the name is not a valid attribute name, the value is not
   *     a JSON-like value, or it is a text longer than {@link #MAX_TEXT_LENGTH} characters
   */
  public Attribute {
    requireNonNull(name, "name");
    if (!Names.isLowerName(name)) {
      throw new IllegalArgumentException("attribute name must match [a-z][a-z0-9_]{0,63}: " + Pii.mask(name));
    }
    value = EventData.checkValue(name, value);
    if (value instanceof String text && text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException("attribute " + name + " must be at most " + MAX_TEXT_LENGTH
          + " characters: " + text.length() + " characters");
    }
    requireNonNull(source, "source");
    requireNonNull(updatedAt, "updatedAt");
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
