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
import java.util.function.Supplier;

/**
 * The inputs of evaluating conditions on one profile as of an instant. The timeline is read
 * from the event store on first use only, so conditions over profile state alone cost no I/O.
 * When made with a source of a {@link TimelineIndex} (re-evaluation of the configured
 * segments), event-history conditions read the index instead of the timeline; it too is
 * obtained on first use only. Not thread-safe; one per profile evaluation.
 */
final class Evaluation {
  final Profile profile;
  final Instant asOf;
  final FigureSource figures;
  final ReachabilityEvaluator reachability;
  final ActivityThresholds thresholds;
  private final EventStore events;
  private final Supplier<TimelineIndex> indexSource;
  private List<Event> timeline;
  private TimelineIndex index;

  Evaluation(Profile profile, Instant asOf, EventStore events, FigureSource figures, ReachabilityEvaluator reachability,
      ActivityThresholds thresholds) {
    this(profile, asOf, events, figures, reachability, thresholds, null);
  }

  /**
   * An evaluation whose event-history conditions read the index {@code indexSource} gives
   * (asked once, on first use) instead of the timeline, for the keys the index holds.
   */
  Evaluation(Profile profile, Instant asOf, EventStore events, FigureSource figures, ReachabilityEvaluator reachability,
      ActivityThresholds thresholds, Supplier<TimelineIndex> indexSource) {
    this.indexSource = indexSource;
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

  /**
   * The series of {@code key} in this evaluation's timeline index, or null when there is no
   * index or it does not hold the key: the caller then reads {@link #timeline()}.
   */
  TimelineIndex.Series series(TimelineIndex.Key key) {
    if (indexSource == null) {
      return null;
    }
    if (index == null) {
      index = indexSource.get();
    }
    return index.series(key);
  }

  /** Whether the timeline was read (for tests of the lazy path). */
  boolean timelineRead() {
    return timeline != null || index != null;
  }
}
