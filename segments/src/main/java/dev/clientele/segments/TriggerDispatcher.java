package dev.clientele.segments;

import com.google.common.collect.ImmutableListMultimap;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers transitions to listeners on one daemon thread fed by a bounded queue: the ingest
 * thread only enqueues, so a slow listener delays other listeners but never ingestion. One
 * thread keeps delivery in commit order. A full queue drops the transition (counted, logged).
 */
final class TriggerDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerDispatcher.class);

  private final ImmutableListMultimap<String, SegmentListener> listeners;
  private final ThreadPoolExecutor executor;
  private final LongAdder transitions = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder evaluationFailures = new LongAdder();
  private final AtomicLong pending = new AtomicLong();

  TriggerDispatcher(ImmutableListMultimap<String, SegmentListener> listeners, int capacity) {
    this.listeners = listeners;
    this.executor = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), r -> {
      Thread t = new Thread(r, "clientele-segment-triggers");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /** Queues {@code t} for its segment's listeners; never blocks. */
  void dispatch(SegmentTransition t) {
    transitions.increment();
    List<SegmentListener> ls = listeners.get(t.segment());
    if (ls.isEmpty()) {
      return;
    }
    pending.incrementAndGet();
    try {
      executor.execute(() -> {
        try {
          for (SegmentListener l : ls) {
            try {
              l.onTransition(t);
              delivered.increment();
            } catch (RuntimeException | Error e) {
              if (e instanceof VirtualMachineError) {
                throw e;
              }
              failed.increment();
              // The exception's message may quote personal data: log its type only.
              LOG.warn("a listener of segment {} failed on one {} transition: {}", t.segment(), t.kind(), e.getClass().getName());
            }
          }
        } finally {
          pending.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      dropped.add(ls.size());
      LOG.warn("segment trigger queue full or closed: dropped one {} transition of segment {}", t.kind(), t.segment());
    }
  }

  TriggerStats stats() {
    return new TriggerStats(transitions.sum(), delivered.sum(), failed.sum(), dropped.sum(), evaluationFailures.sum());
  }

  void evaluationFailed() {
    evaluationFailures.increment();
  }

  /** Waits until every queued transition was delivered; returns whether that happened in time. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        long left = executor.shutdownNow().size();
        dropped.add(left);
        LOG.warn("segment triggers still running after 5 s at close; {} queued transitions dropped", left);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
