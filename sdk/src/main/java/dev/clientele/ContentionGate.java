package dev.clientele;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the optimistic writers of one {@link Clientele} live under contention: a write that has
 * lost {@link #ESCALATE_AFTER} commit conflicts in a row (a tag on a profile that events keep
 * arriving for, say) retries {@linkplain #exclusively exclusively}, and the other writers of the
 * instance wait at their next attempt ({@link #awaitTurn}) until it is done.
 *
 * <p>Why this is enough: once a writer holds the gate, every other writer of the instance can
 * commit at most the one attempt it had already begun, so the holder succeeds within a few
 * attempts unless a writer outside the instance (another node on the same backend) keeps
 * changing the same data. The retry bound then still ends the call with the documented
 * exception.
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
