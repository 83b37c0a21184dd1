package dev.clientele;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.util.Locale;

/**
 * The identifiers of generated person {@code p} in the hunt properties, already normalised, so a
 * test can compare them with what is stored: an email, a phone, a customer id and a device.
 */
final class People {
  private People() {}

  static Identifier email(int p) {
    return Identifier.of(IdentifierType.EMAIL, "person" + p + "@example.com");
  }

  static Identifier phone(int p) {
    return Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+1650253%04d", p));
  }

  static Identifier customerId(int p) {
    return Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
  }

  /** The person's own device (an anonymous id). */
  static Identifier device(int p) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + p);
  }
}
