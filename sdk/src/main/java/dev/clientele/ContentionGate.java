package dev.clientele;

import dev.clientele.core.spi.CommitConflictException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Keeps the optimistic writers of one {@link Clientele} live under contention: a write that has
 * lost {@link #ESCALATE_AFTER} commit conflicts in a row (a tag on a profile that events keep
 * arriving for, say) retries {@linkplain #exclusively exclusively}, and the other writers of the
 * instance wait at their next attempt ({@link #awaitTurn}) until it is done.
 *
 * <p>Why this is enough: once a writer holds the gate, every other gated writer of the instance
 * (single ingests, tags, merges, splits, erasures) can commit at most the one attempt it had
 * already begun, so the holder succeeds within a few attempts unless a writer the gate does not
 * hold back keeps changing the same data: another node on the same backend, or, in this instance,
 * a batch commit of {@code ingestAll}, which does not wait at the gate. The retry bound then still
 * ends the call with the documented exception.
 *
 * <p>An erasure's attempt can take long (it may read the whole merge log, see {@code Erasure}):
 * while an erasure holds the gate, the other writers wait that long.
 *
 * <p>The gate is one per instance, not per profile: while a write holds it, every gated writer of
 * the instance waits, also those of unrelated profiles, for as long as the holder's attempts take
 * (its backend calls included).
 *
 * <p>Costs one volatile read per attempt while nobody holds it. Writers that escalate at the same
 * time take turns. A holder's own nested writes pass (the lock is reentrant).
 *
 * <p>A wait at the gate can be interrupted: the write then fails with a {@link
 * CancellationException} (an {@link IllegalStateException}, as when a write gives up) having
 * applied nothing, and the thread's interrupt status is set again. A backend call already
 * under way is not interrupted; backends bound those with their own timeouts (JdbcStorage's
 * statement timeout, say).
 */
final class ContentionGate {
  /** Commit conflicts in a row after which a write retries exclusively. */
  static final int ESCALATE_AFTER = 8;

  /** Attempts of one write in all, the exclusive ones included, before it gives up. */
  static final int MAX_ATTEMPTS = 100;

  private final ReentrantLock exclusive = new ReentrantLock();
  private volatile boolean held;

  /**
   * Waits while another thread writes exclusively; returns at once otherwise.
   *
   * @throws CancellationException if the thread is interrupted while it waits (its interrupt
   *     status is set again); the write has applied nothing
   */
  void awaitTurn() {
    if (held && !exclusive.isHeldByCurrentThread()) {
      lock(); // blocks until the holder is done
      exclusive.unlock();
    }
  }

  /**
   * Runs {@code write} while the other writers of this instance wait at {@link #awaitTurn}.
   *
   * @throws CancellationException if the thread is interrupted while it waits for another
   *     holder (its interrupt status is set again); {@code write} has not run
   */
  <T> T exclusively(Supplier<T> write) {
    lock();
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

  /**
   * Takes the lock; a wait for it can be interrupted. A thread whose interrupt status is set
   * but that need not wait passes, as it did before waits could be interrupted.
   */
  private void lock() {
    if (exclusive.tryLock()) {
      return;
    }
    try {
      exclusive.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException cancelled = new CancellationException(
          "interrupted while waiting for another write of this Clientele instance; nothing was applied");
      cancelled.initCause(e);
      throw cancelled;
    }
  }

  /**
   * What a write does after attempt {@code n} met a concurrent change: a result that ends the
   * write (an event found stored meanwhile is a duplicate, say), or null to try again.
   */
  @FunctionalInterface
  interface AfterConflict<T> {
    T after(int n, CommitConflictException conflict);
  }

  /**
   * Runs {@code attempt} until it does not meet a concurrent change ({@link
   * CommitConflictException}): up to {@link #ESCALATE_AFTER} attempts in all as usual, then
   * {@linkplain #exclusively exclusively}, up to {@link #MAX_ATTEMPTS} in all. {@code made} is
   * the number of attempts the caller has already made and lost (a hot path makes its first
   * one without the lambdas). After each conflict, {@code afterConflict} may end the write with
   * a result; when the attempts are spent, the exception {@code gaveUp} makes of the attempt
   * count and the last conflict is thrown. A wait at the gate that is interrupted throws a
   * {@link CancellationException} (see {@link #awaitTurn}).
   */
  <T> T retry(
      int made,
      Supplier<T> attempt,
      AfterConflict<T> afterConflict,
      BiFunction<Integer, CommitConflictException, RuntimeException> gaveUp) {
    for (int n = made + 1; n <= ESCALATE_AFTER; n++) {
      awaitTurn();
      try {
        return attempt.get();
      } catch (CommitConflictException conflict) {
        T end = afterConflict.after(n, conflict);
        if (end != null) {
          return end;
        }
        Thread.yield();
      }
    }
    // Other writers of this instance kept winning: retry while they wait.
    return exclusively(() -> {
      for (int n = Math.max(made, ESCALATE_AFTER) + 1; ; n++) {
        try {
          return attempt.get();
        } catch (CommitConflictException conflict) {
          T end = afterConflict.after(n, conflict);
          if (end != null) {
            return end;
          }
          if (n >= MAX_ATTEMPTS) {
            throw gaveUp.apply(n, conflict);
          }
          pause.accept(backoffNanos(n - ESCALATE_AFTER, ThreadLocalRandom.current().nextDouble()));
        }
      }
    });
  }

  /** The first pause between exclusive attempts. */
  static final long FIRST_BACKOFF_NANOS = 20_000;
  /** The longest pause between exclusive attempts. */
  static final long MAX_BACKOFF_NANOS = 5_000_000;

  /**
   * The pause after the {@code k}-th lost exclusive attempt (from 1): the other writers of this
   * instance already wait, so what still conflicts is a writer the gate does not hold back
   * (another node on the same backend, a batch commit of {@code ingestAll}). Retrying at once
   * would only add load to the backend they share; so the pause doubles from
   * {@value #FIRST_BACKOFF_NANOS} ns up to {@value #MAX_BACKOFF_NANOS} ns, times a jitter in
   * [0.5, 1.5) from {@code random} in [0, 1), so that nodes backing off do not retry in step. All
   * the pauses of one write that gives up after {@link #MAX_ATTEMPTS} come to about 0.43 s (at most
   * 0.65 s).
   */
  static long backoffNanos(int k, double random) {
    long base = k >= 30 ? MAX_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << (k - 1));
    return (long) (base * (0.5 + random));
  }

  /** Pauses between exclusive attempts; tests replace it to record them. */
  java.util.function.LongConsumer pause = LockSupport::parkNanos;
}
