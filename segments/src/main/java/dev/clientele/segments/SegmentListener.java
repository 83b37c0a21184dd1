package dev.clientele.segments;

/**
 * Reacts to profiles entering or leaving a segment.
 *
 * <p>Called on the instance's one trigger thread, after the transition is recorded in the
 * {@link MembershipStore}, in the order transitions were queued (a profile's transitions in the
 * order they happened). A listener may be slow or throw: it never fails ingestion. A slow
 * listener slows writers down only once the trigger queue is full, and only under
 * {@link QueueFullPolicy#BLOCK}.
 *
 * <h2>Delivery guarantees</h2>
 * <ul>
 *   <li><b>Never more than once.</b> Each listener of a segment is called at most once per
 *       recorded transition, and a transition is recorded by one caller only, even when several
 *       threads or nodes evaluate the same profile (the store's conditional writes).
 *   <li><b>Exactly once while the instance is open, under {@link QueueFullPolicy#BLOCK}</b>
 *       (the default), in this process: a full queue makes the writer wait instead of dropping
 *       anything, and closing delivers what is queued for up to
 *       {@link SegmentConfig#drainOnClose()} (5 s by default).
 *   <li><b>At most once otherwise.</b> A transition is not delivered, and not offered again
 *       (its membership is stored, so no later event or {@link Segments#refresh} fires it), when:
 *       <ul>
 *         <li>the queue is full under {@link QueueFullPolicy#DROP};
 *         <li>closing does not finish the queue within {@link SegmentConfig#drainOnClose()}, or
 *             the transition is recorded after closing began;
 *         <li>the process ends without closing the instance (JVM exit, crash, kill): the queue
 *             is in memory and the trigger thread is a daemon. (A leave the process had not yet
 *             recorded, of a profile merged away or erased just before the kill, is recorded and
 *             delivered by the first {@link Segments#refresh} after the restart, without a cause
 *             event; an erased profile's without the profile);
 *         <li>a {@link MembershipStore} write was applied but reported as failed (a lost
 *             database acknowledgement): it counts as an evaluation failure, not a transition;
 *         <li>the profile was erased (by another thread or node) between the evaluation's read
 *             and its recording of an entry: the entry is not delivered, so that listeners never
 *             get an erased profile (its leaves are, without the profile and the cause event).
 *       </ul>
 *       Those not delivered for a full or closed queue are counted in
 *       {@link TriggerStats#dropped()}. A host that must hear every transition across restarts
 *       reconciles at start from {@link Segments#history} (spans opened or closed after the
 *       last transition it handled).
 *   <li><b>No retry.</b> A listener that throws has had its call: it is counted in
 *       {@link TriggerStats#failed()} and not called again for that transition. A listener that
 *       must not lose one catches its own failures and retries or records them.
 * </ul>
 *
 * <h2>Logging</h2>
 * Drops and failures are logged as summaries with counts, the segment name and the exception's
 * type, never its message (it may quote personal data): the first at once, then at most one
 * line every 10 seconds.
 *
 * <h2>Calling back into the instance</h2>
 * A listener may ingest, tag, merge or split through the same {@code Clientele}: on the trigger
 * thread those calls never wait for queue space, and what they commit is queued behind the
 * current transition. A listener must not call {@link Segments#awaitTriggers} or close the
 * instance (both would wait for the trigger thread itself, and throw
 * {@link IllegalStateException}), nor wait for another thread that writes to the instance
 * (under {@link QueueFullPolicy#BLOCK} that thread may be waiting for the listener).
 */
@FunctionalInterface
public interface SegmentListener {
  /** Handles one transition. */
  void onTransition(SegmentTransition transition);
}
