package dev.clientele.core.internal;

import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/** What {@link dev.clientele.core.spi.EventStore#events(java.util.Collection, TimelineQuery)} selects from a timeline. Not API. */
public final class Timelines {
  private Timelines() {}

  /**
   * The events of {@code timeline} (in {@link StoredEvent#TIMELINE_ORDER}) that {@code query}
   * matches, from the oldest or the newest as the query says, at most its limit: a new list.
   *
   * @param timeline events in timeline order
   * @param query the filter, direction and limit
   * @return the selected events, in the query's direction
   */
  public static List<StoredEvent> select(List<StoredEvent> timeline, TimelineQuery query) {
    int n = timeline.size();
    List<StoredEvent> out = new ArrayList<>(Math.min(n, query.limit()));
    for (int i = 0; i < n && out.size() < query.limit(); i++) {
      StoredEvent e = timeline.get(query.newestFirst() ? n - 1 - i : i);
      if (query.matches(e.event())) {
        out.add(e);
      }
    }
    return out;
  }
}
