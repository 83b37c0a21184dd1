package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.export.ExportRequest;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.QueueFullPolicy;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The life of an embedded instance: the threads it starts end at {@link Clientele#close()}, also
 * over many instances; {@code close} while other threads ingest leaves every event applied whole
 * or refused, and nothing hangs; an interrupted thread gets its writes applied (or refused with an
 * exception that says so), keeps its interrupt status, and loses no event.
 */
class LifecycleHuntTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String TRIGGER_THREAD = "clientele-segment-triggers";
  private static final Segment VISITORS = Segment.of("visitors", Condition.eventCount("pageview", Comparison.GE, 1));

  private static Event visit(String id, String device) {
    return Event.builder(id, "pageview", T).identifier(IdentifierType.ANONYMOUS_ID, device).build();
  }

  private static List<Event> visits(String prefix, int n) {
    List<Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(visit(prefix + "-e-" + i, prefix + "-d-" + i));
    }
    return events;
  }

  /** The live threads with the library's trigger thread name. */
  private static long triggerThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(TRIGGER_THREAD)).count();
  }

  /** Waits up to {@code limit} for the trigger threads to number at most {@code n}; returns the count. */
  private static long awaitTriggerThreadsAtMost(long n, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    long now;
    while ((now = triggerThreads()) > n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return now;
  }

  @Test
  void close_endsTheTriggerThread_overManyInstances() throws Exception {
    long before = triggerThreads();
    java.util.Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    Map<String, Thread> seen = new ConcurrentHashMap<>();
    for (int i = 0; i < 40; i++) {
      SegmentListener l = t -> seen.put(Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread()), Thread.currentThread());
      Clientele c = Clientele.builder().segments(SegmentConfig.builder().define(VISITORS).onEnter("visitors", l).build()).build();
      c.ingestAll(visits("i" + i, 5));
      assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      c.close();
    }
    assertThat(seen).as("one trigger thread per instance").hasSize(40);
    assertThat(awaitTriggerThreadsAtMost(before, Duration.ofSeconds(5))).as("trigger threads left after close")
        .isLessThanOrEqualTo(before);
    assertThat(seen.values()).noneMatch(Thread::isAlive);
    // Nothing else the library started is left either: no new thread of ours by name.
    assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> !threadsBefore.contains(t))
        .noneMatch(t -> t.getName().startsWith("clientele"));
  }

  @Test
  void close_twiceAndConcurrently_closesOnce_andWritesAfterItThrow() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    ForwardingStorage storage = new ForwardingStorage(new dev.clientele.core.spi.InMemoryStorage()) {
      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    Clientele c = Clientele.builder().storage(storage)
        .erasurePolicy(dev.clientele.consent.ErasurePolicy.builder().salt(new byte[16]).build())
        .segments(SegmentConfig.builder().define(VISITORS).onEnter("visitors", t -> { }).build()).build();
    ProfileId p = c.ingest(visit("a-1", "d-a")).profile().orElseThrow();
    List<Thread> closers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      closers.add(started(c::close));
    }
    for (Thread t : closers) {
      t.join(LIMIT.toMillis());
    }
    c.close();
    assertThat(closes).hasValue(1);
    assertThatThrownBy(() -> c.ingest(visit("a-2", "d-a"))).isInstanceOf(IllegalStateException.class).hasMessage("clientele is closed");
    assertThatThrownBy(() -> c.delete(p)).isInstanceOf(IllegalStateException.class).hasMessage("clientele is closed");
    // Reads are documented as unsupported after close, not refused: the in-memory store still answers.
    assertThat(c.profile(p)).isPresent();
    assertThat(c.segments().awaitTriggers(Duration.ofSeconds(1))).isTrue();
  }

  /**
   * Writers on several threads (single events and bulk, with and without batches) while another
   * thread closes: every call either returned (its events are stored, each on a profile that holds
   * the event's identifier) or threw {@code "clientele is closed"} having stored nothing; every
   * thread ends; the counts agree with the calls.
   */
  @Test
  void close_whileThreadsIngest_everyEventAppliedWholeOrRefused_andNothingHangs() throws Exception {
    // Batch sizes 1 and 8 with a roomy queue; and batch size 1 with a queue of 1 for a slow
    // listener and a short drain (-1), so that writers wait for queue space when close begins.
    for (int batch : new int[] {1, 8, -1}) {
      dev.clientele.core.spi.InMemoryStorage store = new dev.clientele.core.spi.InMemoryStorage();
      SegmentConfig.Builder seg = SegmentConfig.builder().define(VISITORS);
      java.util.Set<Thread> deliverers = ConcurrentHashMap.newKeySet();
      long pause = batch < 0 ? 2_000_000 : 20_000;
      seg.onEnter("visitors", t -> {
        deliverers.add(Thread.currentThread());
        LockSupport.parkNanos(pause);
      });
      if (batch < 0) {
        seg.triggerQueueCapacity(1).whenQueueFull(QueueFullPolicy.BLOCK).drainOnClose(Duration.ofMillis(50));
      }
      Clientele c = Clientele.builder().storage(store).ingestBatchSize(Math.abs(batch)).segments(seg.build()).build();
      int writers = 4;
      CountDownLatch started = new CountDownLatch(writers);
      AtomicBoolean stop = new AtomicBoolean();
      List<String> applied = java.util.Collections.synchronizedList(new ArrayList<>());
      List<String> refused = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        threads.add(started(() -> {
          started.countDown();
          for (int k = 0; !stop.get(); k++) {
            List<Event> events = writer % 2 == 0
                ? List.of(visit("b" + batch + "w" + writer + "-" + k, "d" + writer + "-" + (k % 50)))
                : visits("b" + batch + "w" + writer + "k" + k, 6);
            try {
              if (events.size() == 1) {
                assertThat(c.ingest(events.get(0)).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
              } else {
                assertThat(c.ingestAll(events).applied()).isEqualTo(events.size());
              }
              events.forEach(e -> applied.add(e.id()));
            } catch (IllegalStateException closed) {
              if (!"clientele is closed".equals(closed.getMessage())) {
                unexpected.add(closed);
              }
              events.forEach(e -> refused.add(e.id()));
              return;
            } catch (Throwable t) {
              unexpected.add(t);
              return;
            }
          }
        }));
      }
      started.await();
      Thread.sleep(100);
      assertTimeoutPreemptively(LIMIT, c::close);
      stop.set(true);
      for (Thread t : threads) {
        t.join(LIMIT.toMillis());
        assertThat(t.isAlive()).as("a writer hangs").isFalse();
      }
      assertThat(unexpected).isEmpty();
      assertThat(applied).as("batch %d", batch).isNotEmpty();
      assertThat(store.containedEvents(applied)).containsExactlyInAnyOrderElementsOf(applied);
      assertThat(store.containedEvents(refused)).as("refused calls stored nothing").isEmpty();
      assertThat(store.eventCount()).isEqualTo(applied.size());
      assertThat(c.stats().applied()).isEqualTo(applied.size());
      List<StoredEvent> all = store.allEvents().toList();
      for (StoredEvent e : all) {
        ProfileId owner = store.owner(e.anchor()).orElseThrow();
        assertThat(store.profile(owner).orElseThrow().identifier(e.anchor())).isPresent();
      }
      var stats = c.segments().triggerStats();
      assertThat(stats.delivered() + stats.dropped() + stats.failed()).as("every transition delivered or counted")
          .isEqualTo(stats.transitions());
      assertThat(deliverers).as("one trigger thread").hasSize(1);
      for (Thread t : deliverers) {
        t.join(5_000);
        assertThat(t.isAlive()).as("the trigger thread after close").isFalse();
      }
    }
  }

  /** A new platform thread running {@code body}, started. */
  private static Thread started(Runnable body) {
    Thread t = new Thread(body);
    t.start();
    return t;
  }

  // ---- interrupts ----

  /** Runs {@code body} on a new thread whose interrupt status is set first; returns whether it is still set after. */
  private static boolean interruptedAfter(Runnable body) throws Exception {
    AtomicBoolean still = new AtomicBoolean();
    List<Throwable> failed = new ArrayList<>();
    Thread t = started(() -> {
      Thread.currentThread().interrupt();
      try {
        body.run();
      } catch (Throwable e) {
        failed.add(e);
      } finally {
        still.set(Thread.interrupted());
      }
    });
    t.join(LIMIT.toMillis());
    assertThat(t.isAlive()).isFalse();
    assertThat(failed).isEmpty();
    return still.get();
  }

  @Test
  void writesOfAnInterruptedThread_areApplied_andTheInterruptStaysSet() throws Exception {
    for (int batch : new int[] {1, 16}) {
      try (Clientele c = Clientele.builder().ingestBatchSize(batch)
          .segments(SegmentConfig.builder().define(VISITORS).onEnter("visitors", t -> { }).build()).build()) {
        assertThat(interruptedAfter(() -> assertThat(c.ingest(visit("x-1", "d-x")).outcome()).isEqualTo(IngestResult.Outcome.APPLIED)))
            .isTrue();
        assertThat(interruptedAfter(() -> assertThat(c.ingestAll(visits("y", 100)).applied()).isEqualTo(100))).isTrue();
        ProfileId x = c.profile(Identifier.of(IdentifierType.ANONYMOUS_ID, "d-x")).orElseThrow().id();
        assertThat(interruptedAfter(() -> c.tag(x, "vip"))).isTrue();
        assertThat(interruptedAfter(() -> c.delete(x))).isTrue();
        assertThat(c.profile(x)).isEmpty();
        assertThat(interruptedAfter(() -> assertThat(c.ingest(Event.builder("gdpr-y", "compliance", T).action("gdpr_delete")
            .identifier(IdentifierType.ANONYMOUS_ID, "y-d-0").build()).outcome()).isEqualTo(IngestResult.Outcome.ERASED))).isTrue();
        assertThat(c.profileCount()).isEqualTo(99);
        assertThat(c.storage().eventCount()).isEqualTo(99);
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      }
    }
  }

  @Test
  void exportsOfAnInterruptedThread_completeOrSaySo_andTheInterruptStaysSet() throws Exception {
    try (Clientele c = Clientele.inMemory()) {
      c.ingestAll(visits("z", 50));
      ProfileId one = c.profile(Identifier.of(IdentifierType.ANONYMOUS_ID, "z-d-0")).orElseThrow().id();
      ByteArrayOutputStream table = new ByteArrayOutputStream();
      ByteArrayOutputStream bundle = new ByteArrayOutputStream();
      assertThat(interruptedAfter(() -> c.exportProfiles(ExportRequest.builder().build(), table))).isTrue();
      assertThat(interruptedAfter(() -> c.exportPersonalData(one, bundle))).isTrue();
      ByteArrayOutputStream quiet = new ByteArrayOutputStream();
      c.exportProfiles(ExportRequest.builder().build(), quiet);
      assertThat(table.toString()).isEqualTo(quiet.toString());
      assertThat(bundle.toString()).contains("z-d-0");

      // Into a file (a channel, which an interrupt may close): the export is whole, or it fails and says why.
      Path file = Files.createTempFile("clientele-export", ".csv");
      try {
        AtomicBoolean saidSo = new AtomicBoolean();
        assertThat(interruptedAfter(() -> {
          try (OutputStream out = Files.newOutputStream(file)) {
            c.exportProfiles(ExportRequest.builder().build(), out);
          } catch (UncheckedIOException | java.io.IOException e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            saidSo.set(cause instanceof java.nio.channels.ClosedByInterruptException);
          }
        })).isTrue();
        if (!saidSo.get()) {
          assertThat(Files.readString(file)).isEqualTo(quiet.toString());
        }
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * An interrupted writer and an uninterrupted one on the same profile (commit conflicts, retries,
   * exclusive retries at the contention gate): each of the interrupted writer's events is applied
   * or refused with a {@link java.util.concurrent.CancellationException} having stored nothing,
   * its interrupt status stays set throughout, and both finish.
   */
  @Test
  void contendedWrites_ofAnInterruptedThread_appliedOrCancelled_andTheInterruptStaysSet() throws Exception {
    try (Clientele c = Clientele.builder().segments(SegmentConfig.builder().define(VISITORS).onEnter("visitors", t -> { }).build())
        .build()) {
      int n = 400;
      List<String> cancelled = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicBoolean lostInterrupt = new AtomicBoolean();
      Thread interrupted = started(() -> {
        Thread.currentThread().interrupt();
        for (int i = 0; i < n; i++) {
          Event e = Event.builder("int-" + i, "pageview", T).identifier(IdentifierType.ANONYMOUS_ID, "shared")
              .identifier(IdentifierType.CUSTOMER_ID, "c-shared").build();
          try {
            assertThat(c.ingest(e).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
          } catch (java.util.concurrent.CancellationException gate) {
            cancelled.add(e.id());
          } catch (Throwable t) {
            unexpected.add(t);
          }
          if (!Thread.currentThread().isInterrupted()) {
            lostInterrupt.set(true);
            Thread.currentThread().interrupt();
          }
        }
      });
      Thread plain = started(() -> {
        for (int i = 0; i < n; i++) {
          try {
            c.ingest(Event.builder("plain-" + i, "pageview", T).identifier(IdentifierType.ANONYMOUS_ID, "shared").build());
            if (i % 10 == 0) {
              ProfileId p = c.profile(Identifier.of(IdentifierType.ANONYMOUS_ID, "shared")).orElseThrow().id();
              c.tag(p, "t" + (i % 3));
            }
          } catch (Throwable t) {
            unexpected.add(t);
          }
        }
      });
      interrupted.join(LIMIT.toMillis());
      plain.join(LIMIT.toMillis());
      assertThat(interrupted.isAlive() || plain.isAlive()).as("a writer hangs").isFalse();
      assertThat(unexpected).isEmpty();
      assertThat(lostInterrupt).as("an ingest cleared the interrupt status").isFalse();
      assertThat(c.storage().containedEvents(cancelled)).as("a cancelled write stored its event").isEmpty();
      assertThat(c.storage().eventCount()).isEqualTo(2L * n - cancelled.size());
      assertThat(c.stats().applied()).isEqualTo(2L * n - cancelled.size());
    }
  }

  /**
   * A writer interrupted while it waits for trigger queue space ({@link QueueFullPolicy#BLOCK},
   * capacity 1, a slow listener): every event is applied, every transition delivered, none
   * dropped, and the writer's interrupt status is set afterwards.
   */
  @Test
  void blockWaitForTriggerSpace_interrupted_losesNothing_andTheInterruptStaysSet() throws Exception {
    AtomicInteger heard = new AtomicInteger();
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onEnter("visitors", t -> {
          LockSupport.parkNanos(1_000_000);
          heard.incrementAndGet();
        })
        .triggerQueueCapacity(1).whenQueueFull(QueueFullPolicy.BLOCK).build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      int n = 60;
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      AtomicInteger applied = new AtomicInteger();
      Thread writer = started(() -> {
        for (Event e : visits("w", n)) {
          if (c.ingest(e).outcome() == IngestResult.Outcome.APPLIED) {
            applied.incrementAndGet();
          }
        }
        stillInterrupted.set(Thread.interrupted());
      });
      Thread.sleep(10);
      writer.interrupt();
      writer.join(LIMIT.toMillis());
      assertThat(writer.isAlive()).isFalse();
      assertThat(stillInterrupted).as("the writer's interrupt status").isTrue();
      assertThat(applied).hasValue(n);
      assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      assertThat(heard).hasValue(n);
      assertThat(c.segments().triggerStats().dropped()).isZero();
    }
  }

  /**
   * {@code close} on an interrupted thread with triggers queued for a slow listener: it returns
   * at once instead of waiting to drain, counts what it drops, keeps the interrupt status, and the
   * trigger thread ends.
   */
  @Test
  void close_interrupted_dropsWhatIsQueued_countsIt_andTheTriggerThreadEnds() throws Exception {
    AtomicInteger heard = new AtomicInteger();
    CountDownLatch first = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Thread> deliverer = new java.util.concurrent.atomic.AtomicReference<>();
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onEnter("visitors", t -> {
          deliverer.set(Thread.currentThread());
          first.countDown();
          LockSupport.parkNanos(20_000_000);
          heard.incrementAndGet();
        })
        .triggerQueueCapacity(1_000).build();
    Clientele c = Clientele.builder().segments(config).build();
    c.ingestAll(visits("q", 100));
    assertThat(first.await(LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
    long startedAt = System.nanoTime();
    assertThat(interruptedAfter(c::close)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(2));
    var stats = c.segments().triggerStats();
    assertThat(stats.transitions()).isEqualTo(100);
    deliverer.get().join(5_000);
    assertThat(deliverer.get().isAlive()).as("the trigger thread after close").isFalse();
    stats = c.segments().triggerStats();
    assertThat(stats.delivered() + stats.dropped() + stats.failed()).as("every transition delivered or counted").isEqualTo(100);
    assertThat(stats.dropped()).isPositive();
  }
}
