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

  /**
   * Adds person {@code p}'s identifiers chosen by the bits of {@code mask} to {@code event}: 1 the
   * email, 2 the phone, 4 the customer id, 8 the device.
   */
  static dev.clientele.core.Event.Builder withIdentifiers(dev.clientele.core.Event.Builder event, int p, int mask) {
    if ((mask & 1) != 0) {
      event.identifier(email(p));
    }
    if ((mask & 2) != 0) {
      event.identifier(phone(p));
    }
    if ((mask & 4) != 0) {
      event.identifier(customerId(p));
    }
    if ((mask & 8) != 0) {
      event.identifier(device(p));
    }
    return event;
  }
}
