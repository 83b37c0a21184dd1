package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * An identifier as held by a profile, with what is known about it.
 *
 * @param identifier the (normalised) identifier
 * @param firstSeen when it first appeared in any event
 * @param lastSeen when it last appeared in an <em>active</em> event (see {@link ActivityRules});
 *     empty if it only ever came with system events such as consent changes or bounces
 * @param source the source of the event that first brought it
 * @param deliverability for messaging identifiers, whether messages can be sent
 * @param consent for messaging identifiers, the marketing consent
 * @param consentAt when {@code consent} was last changed; empty while it was never set
 * @param linkedAt when it was linked to the profile that holds it: the time of the event that
 *     attached it. Unlike {@code firstSeen} it never moves once set (an older event arriving later
 *     moves {@code firstSeen} back, not this); a merge keeps it (the earlier of two, for a value
 *     on both sides) and a split restores it. Windowed identity limits ("five anonymous ids a
 *     week") count values by this time, so they hold whatever order events arrive in. Usually
 *     not before {@code firstSeen}, but not required to be: a split rebuilds first-seen times
 *     from the events each side keeps. It depends on arrival order by design.
 */
public record IdentifierState(
    Identifier identifier,
    Instant firstSeen,
    Optional<Instant> lastSeen,
    String source,
    Deliverability deliverability,
    Consent consent,
    Optional<Instant> consentAt,
    Instant linkedAt) {

  /** Validates the state. */
  public IdentifierState {
    requireNonNull(identifier, "identifier");
    requireNonNull(firstSeen, "firstSeen");
    requireNonNull(lastSeen, "lastSeen");
    requireNonNull(source, "source");
    requireNonNull(deliverability, "deliverability");
    requireNonNull(consent, "consent");
    requireNonNull(consentAt, "consentAt");
    requireNonNull(linkedAt, "linkedAt");
    checkArgument(
        lastSeen.isEmpty() || !lastSeen.get().isBefore(firstSeen),
        "lastSeen must not be before firstSeen: %s < %s",
        lastSeen.orElse(null),
        firstSeen);
  }

  /**
   * A state linked when it was first seen ({@code linkedAt = firstSeen}): for states made outside
   * identity resolution (tests, imports, stores written before {@code linkedAt} existed).
   */
  public IdentifierState(
      Identifier identifier,
      Instant firstSeen,
      Optional<Instant> lastSeen,
      String source,
      Deliverability deliverability,
      Consent consent,
      Optional<Instant> consentAt) {
    this(identifier, firstSeen, lastSeen, source, deliverability, consent, consentAt, requireNonNull(firstSeen, "firstSeen"));
  }

  /** A newly seen identifier, linked now: deliverable, consent unknown, {@code linkedAt = at}. */
  public static IdentifierState firstSeen(Identifier identifier, Instant at, boolean active, String source) {
    return firstSeen(identifier, at, active ? Optional.of(at) : Optional.empty(), source);
  }

  /** {@link #firstSeen(Identifier, Instant, boolean, String)} with its last-seen time given: {@code Optional.of(at)} or empty. */
  static IdentifierState firstSeen(Identifier identifier, Instant at, Optional<Instant> lastSeen, String source) {
    return new IdentifierState(
        identifier,
        at,
        lastSeen,
        source,
        Deliverability.DELIVERABLE,
        Consent.UNKNOWN,
        Optional.empty(),
        at);
  }

  /** Shorthand for {@code identifier().type()}. */
  public IdentifierType type() {
    return identifier.type();
  }

  /**
   * A copy seen again at {@code at} in an event from {@code eventSource}: widens first/last seen,
   * never narrows them, so the result does not depend on the order events arrive in. The source
   * is that of the earliest sighting; of sightings at the same time, the lesser source wins.
   * {@link #linkedAt()} does not change.
   * Returns this state itself when the sighting changes nothing.
   */
  public IdentifierState seenAt(Instant at, boolean active, String eventSource) {
    return seenAt(at, null, active, eventSource);
  }

  /**
   * {@link #seenAt(Instant, boolean, String)} with {@code Optional.of(at)} supplied by the caller
   * when it has one (a profile builder shares one per event time), or null to make it here if
   * needed.
   */
  IdentifierState seenAt(Instant at, Optional<Instant> atPresent, boolean active, String eventSource) {
    requireNonNull(at, "at");
    assert atPresent == null || atPresent.get().equals(at) : "atPresent must be Optional.of(at)";
    requireNonNull(eventSource, "eventSource");
    boolean before = at.isBefore(firstSeen);
    boolean earlier = before || (at.equals(firstSeen) && eventSource.compareTo(source) < 0);
    boolean later = active && (lastSeen.isEmpty() || at.isAfter(lastSeen.get()));
    if (!earlier && !later) {
      return this; // inside what is known already (at >= firstSeen here, so first seen stays)
    }
    Instant first = before ? at : firstSeen;
    Optional<Instant> last = !later ? lastSeen : atPresent != null ? atPresent : Optional.of(at);
    String src = earlier ? eventSource : source;
    return new IdentifierState(identifier, first, last, src, deliverability, consent, consentAt, linkedAt);
  }

  /** A copy with another deliverability. */
  public IdentifierState withDeliverability(Deliverability value) {
    return new IdentifierState(identifier, firstSeen, lastSeen, source, value, consent, consentAt, linkedAt);
  }

  /** A copy with another consent, changed at {@code at}. */
  public IdentifierState withConsent(Consent value, Instant at) {
    requireNonNull(at, "at");
    return new IdentifierState(
        identifier, firstSeen, lastSeen, source, deliverability, value, Optional.of(at), linkedAt);
  }

  /**
   * A copy linked at {@code at}: for merges and splits, which carry the time an identifier was
   * linked over to the profile that holds it next.
   */
  public IdentifierState withLinkedAt(Instant at) {
    requireNonNull(at, "linkedAt");
    return new IdentifierState(identifier, firstSeen, lastSeen, source, deliverability, consent, consentAt, at);
  }
}
