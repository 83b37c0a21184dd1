package dev.clientele.segments;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.consent.ReachabilityEvaluator;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.EventStore;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of evaluating conditions on one profile as of an instant. The timeline is read
 * from the event store on first use only, so conditions over profile state alone cost no I/O.
 * Not thread-safe; one per profile evaluation.
 */
final class Evaluation {
  final Profile profile;
  final Instant asOf;
  final FigureSource figures;
  final ReachabilityEvaluator reachability;
  final ActivityThresholds thresholds;
  private final EventStore events;
  private List<Event> timeline;

  Evaluation(Profile profile, Instant asOf, EventStore events, FigureSource figures, ReachabilityEvaluator reachability,
      ActivityThresholds thresholds) {
    this.profile = profile;
    this.asOf = asOf;
    this.events = events;
    this.figures = figures;
    this.reachability = reachability;
    this.thresholds = thresholds;
  }

  /** The profile's events up to and including {@link #asOf}, in timeline order. */
  List<Event> timeline() {
    if (timeline == null) {
      List<IdentifierState> ids = profile.identifiers();
      List<dev.clientele.core.Identifier> anchors = new ArrayList<>(ids.size());
      for (IdentifierState s : ids) {
        anchors.add(s.identifier());
      }
      List<StoredEvent> stored = events.events(anchors);
      List<Event> out = new ArrayList<>(stored.size());
      for (StoredEvent e : stored) {
        if (!e.event().timestamp().isAfter(asOf)) {
          out.add(e.event());
        }
      }
      timeline = out;
    }
    return timeline;
  }

  /** Whether the timeline was read (for tests of the lazy path). */
  boolean timelineRead() {
    return timeline != null;
  }
}
