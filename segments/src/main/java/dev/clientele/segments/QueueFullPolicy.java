package dev.clientele.segments;

/**
 * What happens to a segment transition when the trigger queue already holds
 * {@link SegmentConfig#triggerQueueCapacity()} transitions waiting for listeners. Chosen with
 * {@link SegmentConfig.Builder#whenQueueFull}.
 */
public enum QueueFullPolicy {
  /**
   * The default: nothing is lost while the instance is open. The transition is queued and the
   * thread that committed it (an ingest, merge, split, erasure or {@link Segments#refresh})
   * waits, after its membership writes and without holding any lock, until the queue is back
   * within its capacity: listeners slow down writers instead of losing transitions. The trigger
   * thread itself never waits, so a listener may call back into the instance (ingest, tag,
   * merge) without deadlocking; what it commits is queued behind the current transition. A
   * listener that never returns therefore stops the instance's writers once the queue is full;
   * closing still ends within its bound ({@link SegmentConfig#drainOnClose()}).
   */
  BLOCK,
  /**
   * Writers never wait for listeners: a transition that finds the queue full is not delivered.
   * It stays recorded in the {@link MembershipStore} (nothing fires it again), is counted in
   * {@link TriggerStats#dropped()} and is logged in a periodic summary (counts only). For
   * listeners that are a best-effort side channel (metrics, cache warming), not for ones that
   * must hear every entry (win-back mails).
   */
  DROP
}
