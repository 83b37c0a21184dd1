package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The type of an {@link Identifier}: one of the built-in types or a host-defined one.
 *
 * <p>Built-in types: {@link #EMAIL}, {@link #PHONE} and {@link #PUSH_TOKEN} are messaging
 * identifiers (each maps to a {@link Channel}); {@link #CUSTOMER_ID} is the host's user id;
 * {@link #ANONYMOUS_ID} is a cookie, visitor or device id. Any other name made of lower-case
 * letters, digits and underscores is a host-defined type, e.g. {@code IdentifierType.of("loyalty_card")}.
 *
 * @param name the type's name as it appears in event files, e.g. {@code "email"}
 */
public record IdentifierType(String name) implements Comparable<IdentifierType> {

  /** An email address; messaging channel {@link Channel#EMAIL}. */
  public static final IdentifierType EMAIL = new IdentifierType("email");
  /** A phone number in E.164 form once normalised; messaging channel {@link Channel#SMS}. */
  public static final IdentifierType PHONE = new IdentifierType("phone");
  /** A device push token; messaging channel {@link Channel#PUSH}. */
  public static final IdentifierType PUSH_TOKEN = new IdentifierType("push_token");
  /** The host application's own user id. */
  public static final IdentifierType CUSTOMER_ID = new IdentifierType("customer_id");
  /** A cookie, visitor or device id that does not by itself say who the person is. */
  public static final IdentifierType ANONYMOUS_ID = new IdentifierType("anonymous_id");

  /**
   * Creates a type; prefer the constants or {@link #of(String)}.
   *
   * @throws IllegalArgumentException if {@code name} is not lower-case letters, digits and
   *     underscores starting with a letter (at most 64 characters)
   */
  public IdentifierType {
    requireNonNull(name, "name");
    if (!Names.isLowerName(name)) {
      throw new IllegalArgumentException("identifier type must match [a-z][a-z0-9_]{0,63}: " + Pii.mask(name));
    }
  }

  /**
   * Returns the type named {@code name}, built-in or host-defined. A built-in name gives the
   * shared constant (so parsing events makes no new type per identifier, and comparing two
   * identifiers of a built-in type finds the same instance).
   *
   * @throws IllegalArgumentException if the name is not a valid type name
   */
  public static IdentifierType of(String name) {
    requireNonNull(name, "name");
    return switch (name) {
      case "email" -> EMAIL;
      case "phone" -> PHONE;
      case "push_token" -> PUSH_TOKEN;
      case "customer_id" -> CUSTOMER_ID;
      case "anonymous_id" -> ANONYMOUS_ID;
      default -> new IdentifierType(name);
    };
  }

  /** Whether identifiers of this type can receive messages (email, phone, push token). */
  public boolean isMessaging() {
    return channel().isPresent();
  }

  /** Whether this is the anonymous (cookie, visitor, device) type. */
  public boolean isAnonymous() {
    return equals(ANONYMOUS_ID);
  }

  /** Whether this is one of the five built-in types. */
  public boolean isBuiltIn() {
    return isMessaging() || equals(CUSTOMER_ID) || equals(ANONYMOUS_ID);
  }

  /** The messaging channel of this type, or empty for non-messaging types. */
  public Optional<Channel> channel() {
    for (Channel channel : Channel.values()) {
      if (channel.identifierType().equals(this)) {
        return Optional.of(channel);
      }
    }
    return Optional.empty();
  }

  @Override
  public int compareTo(IdentifierType other) {
    return name.compareTo(other.name);
  }

  /**
   * The hash of the name: the same number the record's own {@code hashCode} gives (which for one
   * component is that component's hash), written out so the hash of every {@link Identifier}
   * calls {@link String#hashCode()} directly. Consistent with {@code equals}, which compares the
   * name.
   */
  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /**
   * Whether {@code o} is an identifier type with an equal name, as the record's own {@code
   * equals} decides, written out for the same reason as {@link #hashCode}.
   */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof IdentifierType other && name.equals(other.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
