package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.QueueFullPolicy;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import dev.clientele.segments.SegmentListener;
import dev.clientele.segments.TriggerStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Segment triggers through {@link Clientele}: no transition lost under bulk ingestion with a
 * slow listener, drops only when asked for and then counted, listeners that call back without
 * deadlock, and the life cycle of {@link Clientele#close()}.
 */
class TriggerLifecycleTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Segment VISITORS = Segment.of("visitors", Condition.eventCount("pageview", Comparison.GE, 1));
  private static final Segment WELCOMED = Segment.of("welcomed", Condition.eventCount("welcome", Comparison.GE, 1));

  private static List<Event> visits(String prefix, int n) {
    List<Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(Event.builder(prefix + "-e-" + i, "pageview", T).identifier(IdentifierType.ANONYMOUS_ID, prefix + "-d-" + i).build());
    }
    return events;
  }

  private static SegmentListener slow(AtomicInteger heard, long nanos) {
    return t -> {
      LockSupport.parkNanos(nanos);
      heard.incrementAndGet();
    };
  }

  @Test
  void bulkIngest_withASlowListener_deliversEveryTransition() {
    AtomicInteger heard = new AtomicInteger();
    SegmentConfig config = SegmentConfig.builder().define(VISITORS).onEnter("visitors", slow(heard, 20_000))
        .triggerQueueCapacity(8).build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      assertTimeoutPreemptively(LIMIT, () -> {
        assertThat(c.ingestAll(visits("a", 2_000)).applied()).isEqualTo(2_000);
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      assertThat(heard).hasValue(2_000);
      assertThat(c.segments().triggerStats()).isEqualTo(new TriggerStats(2_000, 2_000, 0, 0, 0));
    }
  }

  @Test
  void bulkIngest_inBatches_withASlowListener_deliversEveryTransition() {
    AtomicInteger heard = new AtomicInteger();
    SegmentConfig config = SegmentConfig.builder().define(VISITORS).onEnter("visitors", slow(heard, 20_000))
        .triggerQueueCapacity(8).build();
    try (Clientele c = Clientele.builder().segments(config).ingestBatchSize(64).build()) {
      assertTimeoutPreemptively(LIMIT, () -> {
        assertThat(c.ingestAll(visits("b", 1_000)).applied()).isEqualTo(1_000);
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      assertThat(heard).hasValue(1_000);
      assertThat(c.segments().triggerStats().dropped()).isZero();
    }
  }

  @Test
  void drop_isOptInAndCounted() {
    CountDownLatch release = new CountDownLatch(1);
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onEnter("visitors", t -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .triggerQueueCapacity(2).whenQueueFull(QueueFullPolicy.DROP).build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      assertTimeoutPreemptively(LIMIT, () -> {
        assertThat(c.ingestAll(visits("c", 100)).applied()).as("ingestion never waited").isEqualTo(100);
        release.countDown();
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      TriggerStats stats = c.segments().triggerStats();
      assertThat(stats.transitions()).isEqualTo(100);
      assertThat(stats.delivered() + stats.dropped()).isEqualTo(100);
      assertThat(stats.dropped()).isBetween(97L, 98L);
    }
  }

  @Test
  void aListenerThatWritesBackIntoTheInstance_doesNotDeadlock() {
    AtomicInteger welcomed = new AtomicInteger();
    Clientele[] self = new Clientele[1];
    SegmentConfig config = SegmentConfig.builder().define(VISITORS).define(WELCOMED)
        .onEnter("visitors", t -> {
          Identifier device = t.profile().orElseThrow().identifiers().get(0).identifier();
          self[0].ingest(Event.builder("welcome-" + device.value(), "welcome", T).identifier(device).build());
          self[0].tag(t.profileId(), "welcomed");
        })
        .onEnter("welcomed", t -> welcomed.incrementAndGet())
        .triggerQueueCapacity(1).build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      self[0] = c;
      assertTimeoutPreemptively(LIMIT, () -> {
        CompletableFuture<IngestStats> other = CompletableFuture.supplyAsync(() -> c.ingestAll(visits("x", 300)));
        assertThat(c.ingestAll(visits("y", 300)).applied()).isEqualTo(300);
        assertThat(other.get().applied()).isEqualTo(300);
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      assertThat(welcomed).hasValue(600);
      assertThat(c.segments().triggerStats()).isEqualTo(new TriggerStats(1_200, 1_200, 0, 0, 0));
    }
  }

  @Test
  void deletesWithAListenerThatWritesBack_doNotDeadlock() {
    AtomicInteger leaves = new AtomicInteger();
    Clientele[] self = new Clientele[1];
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onLeave("visitors", t -> {
          leaves.incrementAndGet();
          self[0].ingest(Event.builder("after-" + t.profileId().value(), "pageview", T)
              .identifier(IdentifierType.ANONYMOUS_ID, "after-" + t.profileId().value()).build());
        })
        .triggerQueueCapacity(1).build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      self[0] = c;
      List<ProfileId> ids = new ArrayList<>();
      assertTimeoutPreemptively(LIMIT, () -> {
        c.ingestAll(visits("k", 100), r -> ids.add(r.profile().orElseThrow()));
        for (ProfileId id : ids) {
          c.delete(id);
        }
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      assertThat(leaves).hasValue(100);
      assertThat(c.profileCount()).as("the profiles the listener made").isEqualTo(100);
      assertThat(c.segments().triggerStats()).isEqualTo(new TriggerStats(300, 300, 0, 0, 0));
    }
  }

  /**
   * A refresh is a write: close waits for one in progress before it closes the segments and the
   * storage under it (the facade's view once passed refresh straight to the segments).
   */
  @Test
  void close_waitsForARefreshInProgress_beforeClosingTheStorage() throws Exception {
    CountDownLatch inRefresh = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean storageClosed = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean ranOnAfterClose = new java.util.concurrent.atomic.AtomicBoolean();
    ForwardingStorage storage = new ForwardingStorage(new InMemoryStorage()) {
      @Override
      public void close() {
        storageClosed.set(true);
      }
    };
    Segment scored = Segment.of("scored", Condition.figure("score", Comparison.GE, 0));
    Clientele c = Clientele.builder().storage(storage).erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build())
        .segments(SegmentConfig.builder().define(scored).figures((profile, name) -> {
          if (refreshing.get()) {
            inRefresh.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            // The refresh goes on from here: the storage must still be open under it.
            ranOnAfterClose.compareAndSet(false, storageClosed.get());
          }
          return java.util.OptionalDouble.of(1);
        }).build()).build();
    c.ingest(visits("r", 1).get(0));

    assertTimeoutPreemptively(LIMIT, () -> {
      refreshing.set(true);
      CompletableFuture<?> refresh = CompletableFuture.runAsync(() -> c.segments().refresh(T.plusSeconds(60)));
      inRefresh.await();
      CompletableFuture<?> close = CompletableFuture.runAsync(c::close);
      Thread.sleep(50); // give close the chance to run ahead of the refresh (it must not)
      release.countDown();
      close.get();
      refresh.get();
    });
    assertThat(ranOnAfterClose).as("the refresh ran on after close had closed the storage").isFalse();
    assertThat(storageClosed).isTrue();
  }

  @Test
  void close_refusesLaterWrites_andIsIdempotent_andClosesTheStorageOnce() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    ForwardingStorage storage = new ForwardingStorage(new InMemoryStorage()) {
      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    Clientele c = Clientele.builder().storage(storage).erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build())
        .segments(SegmentConfig.builder().define(VISITORS).build()).build();
    IngestResult first = c.ingest(visits("d", 1).get(0));
    ProfileId ann = first.profile().orElseThrow();
    c.close();
    assertThat(closes).hasValue(1);

    List<ThrowingCallable> writes = List.of(
        () -> c.ingest(visits("e", 1).get(0)),
        () -> c.ingestAll(visits("f", 3)),
        () -> c.ingestAll(visits("g", 3), r -> { }),
        () -> c.recordConsent(Identifier.of(IdentifierType.EMAIL, "ann@example.com"), Consent.OPT_IN, T, "web", ""),
        () -> c.tag(ann, "vip"),
        () -> c.untag(ann, "vip"),
        () -> c.merge(ann, ProfileId.of("p-other"), "same person"),
        () -> c.split("m-1", "wrong"),
        () -> c.delete(ann));
    for (ThrowingCallable write : writes) {
      assertThatThrownBy(write).isInstanceOf(IllegalStateException.class).hasMessage("clientele is closed");
    }
    assertThatThrownBy(() -> c.segments().refresh(T)).isInstanceOf(IllegalStateException.class).hasMessage("clientele is closed");
    assertThat(c.stats().applied()).as("nothing was applied after close").isEqualTo(1);

    c.close();
    c.close();
    assertThat(closes).as("a second close is harmless").hasValue(1);
  }

  @Test
  void close_deliversTheQueuedTriggers_andWaitsForAWriteInProgress() throws Exception {
    AtomicInteger heard = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onEnter("visitors", t -> {
          started.countDown();
          LockSupport.parkNanos(100_000);
          heard.incrementAndGet();
        })
        .triggerQueueCapacity(4).build();
    Clientele c = Clientele.builder().segments(config).build();
    assertTimeoutPreemptively(LIMIT, () -> {
      CompletableFuture<IngestStats> writer = CompletableFuture.supplyAsync(() -> c.ingestAll(visits("h", 200)));
      started.await();
      c.close(); // the write began before: it finishes, and its triggers are delivered
      assertThat(writer.get().applied()).isEqualTo(200);
    });
    assertThat(heard).hasValue(200);
    assertThat(c.segments().triggerStats()).isEqualTo(new TriggerStats(200, 200, 0, 0, 0));
  }

  @Test
  void close_fromAListener_throwsAndLeavesTheInstanceOpen() {
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    Clientele[] self = new Clientele[1];
    SegmentConfig config = SegmentConfig.builder().define(VISITORS)
        .onEnter("visitors", t -> {
          try {
            self[0].close();
          } catch (RuntimeException e) {
            thrown.add(e);
          }
        })
        .build();
    try (Clientele c = Clientele.builder().segments(config).build()) {
      self[0] = c;
      assertTimeoutPreemptively(LIMIT, () -> {
        c.ingest(visits("i", 1).get(0));
        assertThat(c.segments().awaitTriggers(LIMIT)).isTrue();
      });
      assertThat(thrown).singleElement().isInstanceOf(IllegalStateException.class);
      assertThat(c.ingest(visits("j", 1).get(0)).outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    }
  }
}
