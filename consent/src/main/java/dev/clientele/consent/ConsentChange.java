package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the consent ledger: a change of marketing consent of one identifier.
 *
 * @param at when the change happened
 * @param identifier the messaging identifier it applies to
 * @param consent the value it set
 * @param source where it came from (the event's source)
 * @param method how consent was collected, from event data {@code method} (e.g. {@code double_opt_in})
 * @param eventId the consent event that recorded it
 */
public record ConsentChange(
    Instant at, Identifier identifier, Consent consent, String source, Optional<String> method, String eventId) {
  /** Validates the entry. */
  public ConsentChange {
    requireNonNull(at, "at");
    requireNonNull(identifier, "identifier");
    requireNonNull(consent, "consent");
    requireNonNull(source, "source");
    requireNonNull(method, "method");
    requireNonNull(eventId, "eventId");
  }
}
