package dev.clientele.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import java.util.Comparator;

/**
 * An event as stored: the event (with normalised identifiers) and its <em>anchor</em>, the one
 * identifier through which it belongs to a profile.
 *
 * <p>An event reaches a profile only through the identifier index: it belongs to whichever
 * profile owns its anchor now. A merge re-points index entries and moves no event; a split
 * moves identifiers back and their events follow. Because every event has exactly one anchor and
 * every identifier exactly one owner, every event is on exactly one profile's timeline.
 *
 * @param event the event
 * @param anchor one of the event's identifiers, owned by the profile the event was applied to
 */
public record StoredEvent(Event event, Identifier anchor) {
  /** Timeline order: by timestamp, then event id. */
  public static final Comparator<StoredEvent> TIMELINE_ORDER =
      Comparator.comparing((StoredEvent e) -> e.event().timestamp()).thenComparing(e -> e.event().id());

  /**
   * Validates the pair.
   *
   * @throws IllegalArgumentException if {@code anchor} is not one of the event's identifiers
   */
  public StoredEvent {
    requireNonNull(event, "event");
    requireNonNull(anchor, "anchor");
    checkArgument(event.identifiers().contains(anchor), "anchor %s is not an identifier of event %s", anchor, event.id());
  }
}
