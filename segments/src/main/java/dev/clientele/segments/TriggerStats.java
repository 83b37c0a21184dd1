package dev.clientele.segments;

/**
 * Counts of trigger deliveries since the {@link Segments} instance was built.
 *
 * @param transitions membership transitions committed (whether or not a listener was registered)
 * @param delivered listener calls that returned normally
 * @param failed listener calls that threw
 * @param dropped listener calls not made because the trigger queue was full (only under
 *     {@link QueueFullPolicy#DROP}) or closed (a transition recorded after closing began, or
 *     still queued when {@link SegmentConfig#drainOnClose()} ran out)
 * @param evaluationFailures incremental re-evaluations after an ingested event that threw (a
 *     failing {@link FigureSource} or {@link MembershipStore}); the event stays ingested and the
 *     profile's memberships are brought up to date by its next event or a {@link Segments#refresh}
 */
public record TriggerStats(long transitions, long delivered, long failed, long dropped, long evaluationFailures) {}
