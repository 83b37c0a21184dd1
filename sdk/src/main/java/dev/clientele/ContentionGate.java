package dev.clientele;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the optimistic writers of one {@link Clientele} live under contention: a write that has
 * lost {@link #ESCALATE_AFTER} commit conflicts in a row (a tag on a profile that events keep
 * arriving for, say) retries {@linkplain #exclusively exclusively}, and the other writers of the
 * instance wait at their next attempt ({@link #awaitTurn}) until it is done.
 *
 * <p>Why this is enough: once a writer holds the gate, every other gated writer of the instance
 * (single ingests, tags, merges, splits) can commit at most the one attempt it had already begun,
 * so the holder succeeds within a few attempts unless a writer the gate does not hold back keeps
 * changing the same data: another node on the same backend, or, in this instance, an erasure or a
 * batch commit of {@code ingestAll}, which do not wait at the gate. The retry bound then still
 * ends the call with the documented exception.
 *
 * <p>The gate is one per instance, not per profile: while a write holds it, every gated writer of
 * the instance waits, also those of unrelated profiles, for as long as the holder's attempts take
 * (its backend calls included).
 *
 * <p>Costs one volatile read per attempt while nobody holds it. Writers that escalate at the same
 * time take turns. A holder's own nested writes pass (the lock is reentrant).
 */
final class ContentionGate {
  /** Commit conflicts in a row after which a write retries exclusively. */
  static final int ESCALATE_AFTER = 8;

  private final ReentrantLock exclusive = new ReentrantLock();
  private volatile boolean held;

  /** Waits while another thread writes exclusively; returns at once otherwise. */
  void awaitTurn() {
    if (held && !exclusive.isHeldByCurrentThread()) {
      exclusive.lock(); // blocks until the holder is done
      exclusive.unlock();
    }
  }

  /** Runs {@code write} while the other writers of this instance wait at {@link #awaitTurn}. */
  <T> T exclusively(Supplier<T> write) {
    exclusive.lock();
    boolean outer = exclusive.getHoldCount() == 1;
    held = true;
    try {
      return write.get();
    } finally {
      if (outer) {
        held = false;
      }
      exclusive.unlock();
    }
  }
}
