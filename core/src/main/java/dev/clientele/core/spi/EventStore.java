package dev.clientele.core.spi;

import dev.clientele.core.Identifier;
import dev.clientele.core.TimelineQuery;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads events. Events are appended by {@link Storage#commit(Commit)} and never rewritten: they
 * stay keyed by their anchor identifier (see {@link StoredEvent}), so merges and splits move no
 * event. Implementations must be safe for concurrent use.
 */
public interface EventStore {
  /** Whether an event with this id was ever appended (and not erased). */
  boolean containsEvent(String eventId);

  /**
   * Which of {@code eventIds} are stored: {@link #containsEvent} for many ids at once, as one
   * read where the backend can (the batch path of ingestion checks a whole batch with it). The
   * default asks {@link #containsEvent} for each id.
   *
   * @return the stored ones among {@code eventIds}
   */
  default java.util.Set<String> containedEvents(Collection<String> eventIds) {
    dev.clientele.core.internal.Arguments.noNulls(eventIds, "eventIds");
    java.util.Set<String> out = new java.util.HashSet<>();
    for (String id : eventIds) {
      if (containsEvent(id)) {
        out.add(id);
      }
    }
    return out;
  }

  /**
   * Whether the event with this id is stored filed under {@code anchor} (as {@link StoredEvent#anchor()}):
   * {@link #containsEvent} that also checks which identifier the event is anchored at. Ingestion
   * asks it after a commit was reported failed, to learn whether the commit was applied after all,
   * so a backend should answer it with one keyed read (by event id), however many events
   * {@code anchor} has. The default reads {@code anchor}'s whole timeline ({@link #events}): correct
   * for any backend, but as costly as that timeline is long.
   *
   * @throws NullPointerException if an argument is null
   */
  default boolean containsEventAt(String eventId, Identifier anchor) {
    java.util.Objects.requireNonNull(eventId, "eventId");
    java.util.Objects.requireNonNull(anchor, "anchor");
    if (!containsEvent(eventId)) {
      return false;
    }
    for (StoredEvent e : events(List.of(anchor))) {
      if (e.event().id().equals(eventId)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The events anchored at any of {@code anchors}, in {@link StoredEvent#TIMELINE_ORDER}. A
   * profile's timeline is {@code events(its identifiers)}.
   */
  List<StoredEvent> events(Collection<Identifier> anchors);

  /**
   * The events anchored at any of {@code anchors} that {@code query} {@linkplain
   * TimelineQuery#matches matches}, in {@link StoredEvent#TIMELINE_ORDER} (reversed when the query
   * asks for the newest first), at most {@link TimelineQuery#limit()} of them: exactly
   * {@link #events} filtered, cut after the limit. What a profile page reads ("the newest 20
   * events"), so a backend that can should read no more than that needs; the default reads the
   * whole timeline and filters it, as costly as the timeline is long.
   *
   * <pre>{@code
   * List<StoredEvent> recent = storage.events(anchors, TimelineQuery.all().newestFirst(20));
   * }</pre>
   *
   * @throws NullPointerException if an argument is null or {@code anchors} holds null
   */
  default List<StoredEvent> events(Collection<Identifier> anchors, TimelineQuery query) {
    dev.clientele.core.internal.Arguments.noNulls(anchors, "anchors");
    java.util.Objects.requireNonNull(query, "query");
    return dev.clientele.core.internal.Timelines.select(events(anchors), query);
  }

  /**
   * Every stored event, in no particular order, from one consistent state or streamed (an
   * implementation documents which). The caller must close the stream; backends may hold a
   * cursor open until then. An open stream must not keep commits of other threads from
   * completing (whole-store passes, such as analytics and exports, read while ingestion goes on),
   * as long as the backend's own resources allow a second operation (a pool with one connection
   * held by the stream cannot serve a commit).
   */
  Stream<StoredEvent> allEvents();

  /** The number of stored events. */
  long eventCount();
}
