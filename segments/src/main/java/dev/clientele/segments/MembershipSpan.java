package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One stay of a profile in a segment: when it entered (the "added on" date) and, once it has
 * left, when it left.
 *
 * @param segment the segment's name
 * @param enteredAt the as-of instant of the evaluation that saw the profile enter
 * @param enteredBy the id of the event whose ingestion caused the entry; empty for a
 *     {@link Segments#refresh} or an evaluation not caused by an event. Under batched
 *     ingestion (an ingest batch size above 1), segments are evaluated on the state after each
 *     batch, so this is the batch's first event for the profile, and a stay that began and
 *     ended within one batch is not recorded
 * @param leftAt when it left; empty while it is a member
 * @param leftBy the id of the event that caused the leave, if any
 */
public record MembershipSpan(
    String segment, Instant enteredAt, Optional<String> enteredBy, Optional<Instant> leftAt, Optional<String> leftBy) {
  /** Validates. */
  public MembershipSpan {
    requireNonNull(segment, "segment");
    requireNonNull(enteredAt, "enteredAt");
    requireNonNull(enteredBy, "enteredBy");
    requireNonNull(leftAt, "leftAt");
    requireNonNull(leftBy, "leftBy");
    checkArgument(leftAt.isPresent() || leftBy.isEmpty(), "leftBy is set only once left");
  }

  /** Whether the profile is still a member. */
  public boolean isCurrent() {
    return leftAt.isEmpty();
  }

  /** The span closed at {@code at} by {@code eventId}. */
  public MembershipSpan leave(Instant at, Optional<String> eventId) {
    return new MembershipSpan(segment, enteredAt, enteredBy, Optional.of(java.util.Objects.requireNonNull(at, "at")), eventId);
  }
}
