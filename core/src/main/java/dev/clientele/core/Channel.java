package dev.clientele.core;

import java.util.Locale;
import java.util.Optional;

/** A marketing channel and the identifier type that reaches a customer on it. */
public enum Channel {
  /** Email, reached through {@link IdentifierType#EMAIL}. */
  EMAIL("email", "email"),
  /** Text messages, reached through {@link IdentifierType#PHONE}. */
  SMS("sms", "phone"),
  /** Push notifications, reached through {@link IdentifierType#PUSH_TOKEN}. */
  PUSH("push", "push_token");

  private final String key;
  private final IdentifierType identifierType;

  Channel(String key, String identifierType) {
    this.key = key;
    this.identifierType = new IdentifierType(identifierType);
  }

  /** The lower-case name used in event data and JSON output: {@code email}, {@code sms}, {@code push}. */
  public String key() {
    return key;
  }

  /** The identifier type that reaches a customer on this channel. */
  public IdentifierType identifierType() {
    return identifierType;
  }

  /** The channel with the given key, ignoring case; empty if there is none (or {@code key} is null). */
  public static Optional<Channel> fromKey(String key) {
    if (key == null) {
      return Optional.empty();
    }
    String lower = key.toLowerCase(Locale.ROOT);
    for (Channel c : values()) {
      if (c.key.equals(lower)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
