package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A typed identifier value, e.g. {@code email:ann@example.com}.
 *
 * <p>An identifier is a plain value: it says nothing about whether the value has been
 * normalised (the identity module does that) or who owns it. Its {@link #toString()} masks the
 * value, so identifiers can appear in exception messages without leaking personal data.
 *
 * <pre>{@code
 * Identifier email = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
 * Identifier cid = Identifier.of("customer_id", "c-77");
 * }</pre>
 *
 * @param type the identifier's type
 * @param value the value; not blank, at most {@value #MAX_LENGTH} characters, no control characters
 */
public record Identifier(IdentifierType type, String value) implements Comparable<Identifier> {
  /** The longest value accepted. */
  public static final int MAX_LENGTH = 512;

  /**
   * Creates an identifier.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the value is blank, too long, or has control characters
   *     or unpaired surrogates (text that not every backend stores as it is)
   */
  public Identifier {
    requireNonNull(type, "type");
    requireNonNull(value, "value");
    checkArgument(!value.isBlank(), "identifier value must not be blank: %s", type);
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "identifier value must be at most " + MAX_LENGTH + " characters: " + type + " "
              + Pii.mask(value) + " (" + value.length() + " characters)");
    }
    int bad = Names.badCharAt(value, false);
    if (bad >= 0) {
      throw new IllegalArgumentException("identifier value must not contain control characters or unpaired surrogates: "
          + type + " " + Pii.mask(value) + " has " + Names.describeBadChar(value, bad));
    }
  }

  /** Creates an identifier of a built-in or host-defined type. */
  public static Identifier of(IdentifierType type, String value) {
    return new Identifier(type, value);
  }

  /** Creates an identifier, looking the type up by name. */
  public static Identifier of(String type, String value) {
    return new Identifier(IdentifierType.of(requireNonNull(type, "type")), value);
  }

  /** Orders by type name, then value. */
  @Override
  public int compareTo(Identifier other) {
    // Same instances compare without reading their characters (types are mostly the shared
    // constants; a value is often the very string the other identifier holds).
    int c = type == other.type ? 0 : type.compareTo(other.type);
    return c != 0 || value == other.value ? c : value.compareTo(other.value);
  }

  /**
   * {@code 31 * type.hashCode() + value.hashCode()}: the same number the record's own {@code
   * hashCode} gives, written out so the identifier index hashes without the record's generic
   * method. Consistent with {@code equals}, which compares type and value.
   */
  @Override
  public int hashCode() {
    return 31 * type.hashCode() + value.hashCode();
  }

  /**
   * Whether {@code o} is an identifier with an equal type and value, as the record's own {@code
   * equals} decides, written out for the same reason as {@link #hashCode}: identifier lookups
   * compare on every event.
   */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Identifier other && value.equals(other.value) && type.equals(other.type);
  }

  /** Returns {@code type:maskedValue}; never the raw value. */
  @Override
  public String toString() {
    return type + ":" + Pii.mask(value);
  }
}
