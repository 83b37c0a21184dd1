package dev.clientele;

import static com.google.common.base.Preconditions.checkArgument;

import dev.clientele.core.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The event times an instance accepts ({@link Clientele.Builder#eventTimes}). */
final class EventTimes {
  /** Any time (the default). */
  static final EventTimes ANY = new EventTimes(null, null, null);

  private final Duration maxAge;
  private final Duration maxAhead;
  private final Clock clock;

  private EventTimes(Duration maxAge, Duration maxAhead, Clock clock) {
    this.maxAge = maxAge;
    this.maxAhead = maxAhead;
    this.clock = clock;
  }

  /** The window {@code maxAge} before and {@code maxAhead} after {@code clock}'s time; see {@link #check}. */
  static EventTimes within(Duration maxAge, Duration maxAhead, Clock clock) {
    check(maxAge, maxAhead);
    return new EventTimes(maxAge, maxAhead, clock);
  }

  /**
   * Checks the bounds of a window.
   *
   * @throws IllegalArgumentException if either is negative
   */
  static void check(Duration maxAge, Duration maxAhead) {
    checkArgument(!maxAge.isNegative(), "maxAge must not be negative: %s", maxAge);
    checkArgument(!maxAhead.isNegative(), "maxAhead must not be negative: %s", maxAhead);
  }

  /** Why {@code event}'s time is refused, or null when it is accepted. */
  String refusal(Event event) {
    if (clock == null) {
      return null;
    }
    Instant now = clock.instant();
    Instant at = event.timestamp();
    // Compared as durations from now, so that no bound overflows Instant's range.
    if (at.isBefore(now) && Duration.between(at, now).compareTo(maxAge) > 0) {
      return "event " + event.id() + " rejected: its time " + at + " is more than " + maxAge + " before now (" + now + ")";
    }
    if (at.isAfter(now) && Duration.between(now, at).compareTo(maxAhead) > 0) {
      return "event " + event.id() + " rejected: its time " + at + " is more than " + maxAhead + " after now (" + now + ")";
    }
    return null;
  }
}
