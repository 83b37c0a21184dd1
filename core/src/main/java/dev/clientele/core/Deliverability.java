package dev.clientele.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a messaging identifier can receive messages, and if not, why and since when.
 *
 * @param reason empty when deliverable; otherwise why it is not
 * @param since when the current state was reported; empty for the initial deliverable state
 */
public record Deliverability(Optional<UndeliverableReason> reason, Optional<Instant> since) {
  /** The state of an identifier nothing bad is known about. */
  public static final Deliverability DELIVERABLE = new Deliverability(Optional.empty(), Optional.empty());

  /** Creates a state; see the factory methods. */
  public Deliverability {
    requireNonNull(reason, "reason");
    requireNonNull(since, "since");
  }

  /** An undeliverable state with its reason and time. */
  public static Deliverability undeliverable(UndeliverableReason reason, Instant since) {
    return new Deliverability(Optional.of(requireNonNull(reason, "reason")), Optional.of(requireNonNull(since, "since")));
  }

  /** A deliverable state reported at {@code since} (e.g. a bounce cleared). */
  public static Deliverability deliverableSince(Instant since) {
    return new Deliverability(Optional.empty(), Optional.of(requireNonNull(since, "since")));
  }

  /** Whether messages can be sent. */
  public boolean isDeliverable() {
    return reason.isEmpty();
  }
}
