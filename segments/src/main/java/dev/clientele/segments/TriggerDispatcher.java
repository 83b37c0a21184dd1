package dev.clientele.segments;

import com.google.common.collect.ImmutableListMultimap;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers transitions to listeners on one daemon thread (started with the first transition
 * that has a listener) fed by a queue; one thread keeps delivery in the order transitions were
 * queued. {@link #dispatch} never waits: the caller holds a per-profile lock, and the trigger
 * thread may need that lock when a listener calls back into the instance. Back-pressure is
 * {@link #awaitSpace}, which the caller calls once it holds no lock: under
 * {@link QueueFullPolicy#BLOCK} it waits until the queue is back within its capacity, so the
 * queue holds at most the capacity plus the transitions of the evaluations in progress (and of
 * listeners' own writes: the trigger thread never waits). Under {@link QueueFullPolicy#DROP} a
 * transition that finds the queue full is dropped. Drops, listener failures and failed
 * re-evaluations are counted and logged as summaries (the first at once, then at most one line
 * per {@link #SUMMARY_SECONDS} s), never one line each.
 */
final class TriggerDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerDispatcher.class);

  /** The most often a summary of drops, or of listener failures, is logged. */
  static final long SUMMARY_SECONDS = 10;

  private final ImmutableListMultimap<String, SegmentListener> listeners;
  private final int capacity;
  private final QueueFullPolicy whenFull;

  private final ReentrantLock lock = new ReentrantLock();
  /** A transition was queued, closing began, or the thread must stop. */
  private final Condition queued = lock.newCondition();
  /** The queue is back within its capacity, or closing began. */
  private final Condition space = lock.newCondition();
  /** The queue is empty and no transition is being delivered, or the thread ended. */
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<SegmentTransition> queue = new ArrayDeque<>();
  /** The queue's size, for the lock-free fast path of {@link #awaitSpace}. */
  private volatile int size;
  private volatile Thread thread;
  private boolean delivering;
  /** No transition is accepted any more; the thread ends when the queue is empty. */
  private boolean closing;
  /** The thread must end now: closing timed out. */
  private boolean stopped;

  private final LongAdder transitions = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder evaluationFailures = new LongAdder();
  private final TriggerSummary drops = new TriggerSummary(SUMMARY_SECONDS, TimeUnit.SECONDS, (since, total, latest) ->
      LOG.warn("segment triggers: {} listener call(s) dropped ({}) since the last report, {} in all;"
          + " see TriggerStats.dropped()", since, latest, total));
  private final TriggerSummary failures = new TriggerSummary(SUMMARY_SECONDS, TimeUnit.SECONDS, (since, total, latest) ->
      // The exception's message may quote personal data: its type only.
      LOG.warn("segment triggers: {} listener call(s) failed since the last report, {} in all; latest: {};"
          + " see TriggerStats.failed()", since, total, latest));

  private final TriggerSummary evaluations = new TriggerSummary(SUMMARY_SECONDS, TimeUnit.SECONDS, (since, total, latest) ->
      LOG.warn("segment re-evaluation: {} failure(s) since the last report, {} in all; latest: {};"
          + " see TriggerStats.evaluationFailures()", since, total, latest));

  TriggerDispatcher(Map<String, List<SegmentListener>> listeners, int capacity, QueueFullPolicy whenFull) {
    ImmutableListMultimap.Builder<String, SegmentListener> byName = ImmutableListMultimap.builder();
    listeners.forEach(byName::putAll);
    this.listeners = byName.build();
    this.capacity = capacity;
    this.whenFull = whenFull;
  }

  /**
   * Queues {@code t} for its segment's listeners; never waits. Drops it (counted) when closing,
   * or when the queue is full under {@link QueueFullPolicy#DROP}.
   */
  void dispatch(SegmentTransition t) {
    transitions.increment();
    List<SegmentListener> ls = listeners.get(t.segment());
    if (ls.isEmpty()) {
      return;
    }
    String refused;
    lock.lock();
    try {
      if (closing) {
        refused = "trigger queue closed";
      } else if (whenFull == QueueFullPolicy.DROP && queue.size() >= capacity) {
        refused = "trigger queue full";
      } else {
        refused = null;
        queue.add(t);
        size = queue.size();
        if (thread == null) {
          Thread th = new Thread(this::run, "clientele-segment-triggers");
          // A daemon: a listener that never returns must not keep the JVM alive. What is queued
          // at exit is lost (see SegmentListener).
          th.setDaemon(true);
          th.start(); // assigned after it started: a thread that failed to start is tried again next time
          thread = th;
        }
        queued.signal();
      }
    } finally {
      lock.unlock();
    }
    if (refused != null) {
      dropped.add(ls.size());
      drops.add(ls.size(), refused);
    }
  }

  /**
   * Under {@link QueueFullPolicy#BLOCK}, waits until at most the capacity of transitions are
   * queued (or closing began). Returns at once under {@link QueueFullPolicy#DROP} and on the
   * trigger thread (a listener's own writes must not wait for the thread that runs it). The
   * caller must hold no lock the trigger thread could need. The wait is not ended by an
   * interrupt (an interrupted writer that stopped waiting would let the queue grow without bound,
   * since the flag stays set for every later wait); a pending interrupt is set again afterwards.
   */
  void awaitSpace() {
    if (whenFull != QueueFullPolicy.BLOCK || size <= capacity || Thread.currentThread() == thread) {
      return;
    }
    lock.lock();
    try {
      while (queue.size() > capacity && !closing) {
        space.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether the calling thread is the trigger thread (a listener is running on it). */
  boolean isTriggerThread() {
    return Thread.currentThread() == thread;
  }

  private void run() {
    try {
      loop();
    } catch (Throwable unexpected) {
      // Not a listener's failure (deliver() catches those): the thread cannot go on. Stop
      // accepting, count what is queued as dropped and release waiting writers, so that nothing
      // waits for a thread that is gone.
      long left = 0;
      lock.lock();
      try {
        closing = true;
        stopped = true;
        for (SegmentTransition t : queue) {
          left += listeners.get(t.segment()).size();
        }
        queue.clear();
        size = 0;
        space.signalAll();
        idle.signalAll();
      } finally {
        lock.unlock();
      }
      dropped.add(left);
      LOG.error("segment trigger thread stopped by {}; {} queued listener call(s) dropped, later transitions are"
          + " dropped and counted", unexpected.getClass().getName(), left);
      throw unexpected;
    }
  }

  /** Takes and delivers transitions until closing empties the queue or close stops the thread. */
  private void loop() {
    while (true) {
      SegmentTransition t = null;
      lock.lock();
      try {
        delivering = false;
        while (queue.isEmpty() && !closing && !stopped) {
          idle.signalAll();
          long due = Math.min(Math.min(drops.nanosUntilDue(), failures.nanosUntilDue()), evaluations.nanosUntilDue());
          if (due <= 0) {
            break; // log the summaries outside the lock, then wait again
          }
          try {
            if (due == Long.MAX_VALUE) {
              queued.await();
            } else {
              queued.awaitNanos(due);
            }
          } catch (InterruptedException e) {
            // Only close() interrupts, after setting `stopped`; a listener's stray interrupt is
            // cleared here and the loop goes on.
          }
        }
        if (stopped || (closing && queue.isEmpty())) {
          idle.signalAll();
          return;
        }
        if (!queue.isEmpty()) {
          t = queue.poll();
          size = queue.size();
          delivering = true;
          if (size <= capacity) {
            space.signalAll();
          }
        }
      } finally {
        lock.unlock();
      }
      drops.logIfDue(false);
      failures.logIfDue(false);
      evaluations.logIfDue(false);
      if (t != null) {
        deliver(t);
      }
    }
  }

  private void deliver(SegmentTransition t) {
    for (SegmentListener l : listeners.get(t.segment())) {
      Thread.interrupted(); // a listener's stray interrupt must not reach the next call
      try {
        l.onTransition(t);
        delivered.increment();
      } catch (Throwable e) {
        // Also an Error (a listener's StackOverflowError, an OutOfMemoryError): the thread goes
        // on with the next call, so writers waiting for queue space are never stranded.
        failed.increment();
        failures.add(1, "a listener of segment " + t.segment() + " threw " + e.getClass().getName()
            + " on a " + t.kind() + " transition");
      }
    }
  }

  TriggerStats stats() {
    return new TriggerStats(transitions.sum(), delivered.sum(), failed.sum(), dropped.sum(), evaluationFailures.sum());
  }

  /** Counts a failed re-evaluation described by {@code what} (no personal data) and logs it in a summary. */
  void evaluationFailed(String what) {
    evaluationFailures.increment();
    evaluations.add(1, what);
  }

  /**
   * Waits until every queued transition was delivered; returns whether that happened in time.
   *
   * @throws IllegalStateException on the trigger thread, which would wait for itself
   */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    if (isTriggerThread()) {
      throw new IllegalStateException("a segment listener cannot wait for the trigger queue: it runs on the thread that drains it");
    }
    long left = timeout.toNanos();
    lock.lock();
    try {
      while ((!queue.isEmpty() || delivering) && !stopped) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops accepting transitions (later ones are dropped and counted) and waits up to
   * {@code drain} for the queued ones to be delivered; what is still queued then is dropped,
   * counted and logged, and the thread is interrupted. A second call returns at once.
   *
   * @throws IllegalStateException on the trigger thread, which would wait for itself
   */
  void close(Duration drain) {
    Thread th;
    lock.lock();
    try {
      if (closing) {
        return;
      }
      if (isTriggerThread()) {
        throw new IllegalStateException("segment triggers cannot be closed from a segment listener:"
            + " closing waits for the thread the listener runs on");
      }
      closing = true;
      queued.signalAll();
      space.signalAll();
      th = thread;
    } finally {
      lock.unlock();
    }
    if (th != null) {
      boolean interrupted = false;
      try {
        if (!drain.isZero()) {
          th.join(Math.max(1, drain.toMillis())); // join(0) would wait for ever
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (th.isAlive()) {
        long left = 0;
        lock.lock();
        try {
          stopped = true;
          for (SegmentTransition t : queue) {
            left += listeners.get(t.segment()).size();
          }
          queue.clear();
          size = 0;
          queued.signalAll();
          idle.signalAll();
        } finally {
          lock.unlock();
        }
        th.interrupt();
        dropped.add(left);
        LOG.warn("segment triggers: {} queued listener call(s) dropped at close after waiting {}", left, drain);
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    drops.logIfDue(true);
    failures.logIfDue(true);
    evaluations.logIfDue(true);
  }
}
