package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.clientele.core.Attribute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Delivery of triggers: back-pressure, opt-in drops, failures, closing. */
class TriggerDeliveryTest {
  private static final Segment VIP = Segment.of("vip", Condition.attribute("tier", Condition.AttributeOp.EQ, "gold"));
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private final World world = new World();

  private void goldPeople(int n) {
    for (int i = 0; i < n; i++) {
      world.add(World.person(String.format("p%04d", i)).putAttribute(new Attribute("tier", "gold", "crm", NOW)));
    }
  }

  private static void awaitState(Thread t, Thread.State state) {
    while (t.getState() != state) {
      Thread.onSpinWait();
    }
  }

  @Test
  void block_aSlowListenerHearsEveryTransition() throws Exception {
    goldPeople(300);
    AtomicInteger heard = new AtomicInteger();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          LockSupport.parkNanos(20_000);
          heard.incrementAndGet();
        })
        .triggerQueueCapacity(4)
        .build());
    assertThat(s.config().whenQueueFull()).isEqualTo(QueueFullPolicy.BLOCK);
    assertTimeoutPreemptively(LIMIT, () -> {
      assertThat(s.refresh(NOW).entered()).isEqualTo(300);
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    assertThat(heard).hasValue(300);
    assertThat(s.triggerStats()).isEqualTo(new TriggerStats(300, 300, 0, 0, 0));
    s.close();
  }

  @Test
  void block_theWriterWaitsForAStuckListenerAndGoesOnWhenItReturns() throws Exception {
    goldPeople(10);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger heard = new AtomicInteger();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          heard.incrementAndGet();
        })
        .triggerQueueCapacity(2)
        .build());
    AtomicReference<Thread> writer = new AtomicReference<>();
    CompletableFuture<RefreshResult> refresh = CompletableFuture.supplyAsync(() -> {
      writer.set(Thread.currentThread());
      return s.refresh(NOW);
    });
    assertTimeoutPreemptively(LIMIT, () -> {
      while (writer.get() == null) {
        Thread.onSpinWait();
      }
      // One transition is with the listener, two wait in the queue, the writer waits for space.
      awaitState(writer.get(), Thread.State.WAITING);
      assertThat(refresh).isNotDone();
      release.countDown();
      assertThat(refresh.get().entered()).isEqualTo(10);
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    assertThat(heard).hasValue(10);
    assertThat(s.triggerStats().dropped()).isZero();
    s.close();
  }

  @Test
  void block_anInterruptedWriterStillWaitsForSpace_andKeepsItsInterrupt() throws Exception {
    goldPeople(10);
    CountDownLatch release = new CountDownLatch(1);
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .triggerQueueCapacity(2)
        .build());
    AtomicReference<Thread> writer = new AtomicReference<>();
    CompletableFuture<Boolean> refresh = CompletableFuture.supplyAsync(() -> {
      writer.set(Thread.currentThread());
      Thread.currentThread().interrupt(); // as executor.shutdownNow() would
      s.refresh(NOW);
      return Thread.interrupted();
    });
    assertTimeoutPreemptively(LIMIT, () -> {
      while (writer.get() == null) {
        Thread.onSpinWait();
      }
      awaitState(writer.get(), Thread.State.WAITING);
      assertThat(refresh).as("the interrupted writer waits for space like any other").isNotDone();
      release.countDown();
      assertThat(refresh.get()).as("its interrupt is kept").isTrue();
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    assertThat(s.triggerStats().dropped()).isZero();
    s.close();
  }

  @Test
  void drainOnClose_longerThanADay_refused() {
    assertThatThrownBy(() -> SegmentConfig.builder().drainOnClose(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("drain on close must be at most a day: PT48H");
  }

  @Test
  void drop_countsWhatFindsTheQueueFull() throws Exception {
    goldPeople(20);
    CountDownLatch release = new CountDownLatch(1);
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .triggerQueueCapacity(3)
        .whenQueueFull(QueueFullPolicy.DROP)
        .build());
    assertTimeoutPreemptively(LIMIT, () -> {
      assertThat(s.refresh(NOW).entered()).as("the writer never waited").isEqualTo(20);
      release.countDown();
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    TriggerStats stats = s.triggerStats();
    assertThat(stats.transitions()).isEqualTo(20);
    assertThat(stats.delivered() + stats.dropped()).isEqualTo(20);
    // At least the capacity is queued; at most one more is being delivered.
    assertThat(stats.delivered()).isBetween(3L, 4L);
    s.close();
  }

  @Test
  void aListenerThatThrowsIsCountedAndTheOthersGoOn() throws Exception {
    goldPeople(50);
    AtomicInteger heard = new AtomicInteger();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .listen("vip", t -> {
          throw new IllegalStateException("boom for ann@example.com");
        })
        .listen("vip", t -> {
          throw new StackOverflowError();
        })
        .listen("vip", t -> heard.incrementAndGet())
        .triggerQueueCapacity(1)
        .build());
    assertTimeoutPreemptively(LIMIT, () -> {
      s.refresh(NOW);
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    assertThat(heard).hasValue(50);
    assertThat(s.triggerStats()).isEqualTo(new TriggerStats(50, 50, 100, 0, 0));
    s.close();
  }

  @Test
  void aListenerCannotWaitForTriggersOrCloseTheInstance() throws Exception {
    goldPeople(1);
    List<Throwable> thrown = new ArrayList<>();
    AtomicReference<Segments> self = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean onTriggerThread = new java.util.concurrent.atomic.AtomicBoolean();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .listen("vip", t -> {
          onTriggerThread.set(self.get().isTriggerThread());
          try {
            self.get().awaitTriggers(Duration.ofSeconds(1));
          } catch (Exception e) {
            thrown.add(e);
          }
          try {
            self.get().close();
          } catch (Exception e) {
            thrown.add(e);
          }
        })
        .build());
    self.set(s);
    assertThat(s.isTriggerThread()).isFalse();
    assertTimeoutPreemptively(LIMIT, () -> {
      s.refresh(NOW);
      assertThat(s.awaitTriggers(LIMIT)).isTrue();
    });
    assertThat(onTriggerThread).isTrue();
    assertThat(thrown).hasSize(2).allMatch(e -> e instanceof IllegalStateException);
    s.close();
  }

  @Test
  void close_deliversWhatIsQueuedThenRefusesAndCountsLaterTransitions() {
    goldPeople(30);
    AtomicInteger heard = new AtomicInteger();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          LockSupport.parkNanos(100_000);
          heard.incrementAndGet();
        })
        .build());
    assertTimeoutPreemptively(LIMIT, () -> {
      s.refresh(NOW);
      s.close();
    });
    assertThat(heard).as("closing delivered the queue").hasValue(30);
    s.close(); // harmless
    assertThatThrownBy(() -> s.refresh(NOW)).isInstanceOf(IllegalStateException.class).hasMessage("segments are closed");
    world.add(World.person("late").putAttribute(new Attribute("tier", "gold", "crm", NOW)));
    s.onCommitted(new ProfileChange(world.event("identify", 0).identifier(dev.clientele.core.Identifier.of("customer_id", "c-late")).build(),
        dev.clientele.core.ProfileId.of("late"), true, List.of()));
    assertThat(s.memberships(dev.clientele.core.ProfileId.of("late"))).containsExactly("vip");
    assertThat(s.triggerStats()).isEqualTo(new TriggerStats(31, 30, 0, 1, 0));
  }

  @Test
  void close_dropsWhatIsStillQueuedAfterTheDrainBound() {
    goldPeople(5);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    Segments s = world.segments(SegmentConfig.builder().define(VIP)
        .onEnter("vip", t -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
          }
        })
        .drainOnClose(Duration.ofMillis(50))
        .build());
    assertTimeoutPreemptively(LIMIT, () -> {
      s.refresh(NOW);
      s.close();
      // The listener that was running is interrupted and returns; the four queued are dropped.
      while (s.triggerStats().delivered() < 1) {
        Thread.onSpinWait();
      }
    });
    assertThat(interrupted).hasValue(1);
    assertThat(s.triggerStats()).isEqualTo(new TriggerStats(5, 1, 0, 4, 0));
  }

  @Test
  void summaries_logTheFirstAtOnceThenOneLinePerInterval() {
    List<String> lines = new ArrayList<>();
    TriggerSummary summary = new TriggerSummary(1, TimeUnit.HOURS, (since, total, latest) -> lines.add(since + "/" + total + " " + latest));
    assertThat(summary.nanosUntilDue()).isEqualTo(Long.MAX_VALUE);
    for (int i = 0; i < 1000; i++) {
      summary.add(1, "full");
    }
    assertThat(lines).containsExactly("1/1 full");
    assertThat(summary.nanosUntilDue()).isPositive();
    summary.logIfDue(false);
    assertThat(lines).hasSize(1);
    summary.logIfDue(true);
    assertThat(lines).containsExactly("1/1 full", "999/1000 full");
    summary.logIfDue(true);
    assertThat(lines).hasSize(2);
  }
}
