package dev.clientele.segments;

/**
 * Reacts to profiles entering or leaving a segment.
 *
 * <p>Called on Clientele's trigger thread after the membership change is committed, once per
 * transition, in the order transitions were committed. A listener may be slow or throw: it never
 * blocks or fails ingestion. A failure is counted in {@link TriggerStats#failed()} and logged
 * with the segment name and exception type only (no personal data); a transition that finds the
 * trigger queue full is counted in {@link TriggerStats#dropped()} and not delivered.
 */
@FunctionalInterface
public interface SegmentListener {
  /** Handles one transition. */
  void onTransition(SegmentTransition transition);
}
