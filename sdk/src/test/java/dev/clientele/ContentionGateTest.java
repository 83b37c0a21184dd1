package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Waits at the {@link ContentionGate} can be interrupted; passing a free gate ignores the interrupt status. */
class ContentionGateTest {
  @Test
  void retry_exclusiveAttemptsThatKeepConflicting_pauseWithAGrowingCappedBackoff_thenGiveUp() {
    ContentionGate gate = new ContentionGate();
    java.util.List<Long> pauses = new java.util.ArrayList<>();
    gate.pause = pauses::add;
    int[] attempts = {0};

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> gate.retry(0, () -> {
      attempts[0]++;
      throw new dev.clientele.core.spi.CommitConflictException("another node wrote first");
    }, (n, conflict) -> null, (n, conflict) -> new IllegalStateException("gave up after " + n)))
        .isInstanceOf(IllegalStateException.class).hasMessage("gave up after " + ContentionGate.MAX_ATTEMPTS);

    assertThat(attempts[0]).isEqualTo(ContentionGate.MAX_ATTEMPTS);
    // No pause among the shared attempts (other writers of the instance may win those); one after
    // every exclusive attempt but the last.
    assertThat(pauses).hasSize(ContentionGate.MAX_ATTEMPTS - ContentionGate.ESCALATE_AFTER - 1);
    assertThat(pauses.get(0)).isBetween(ContentionGate.FIRST_BACKOFF_NANOS / 2, ContentionGate.FIRST_BACKOFF_NANOS * 3 / 2);
    assertThat(pauses).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(ContentionGate.MAX_BACKOFF_NANOS * 3 / 2));
    assertThat(pauses.stream().mapToLong(Long::longValue).sum()).isLessThan(650_000_000L);
  }

  @Test
  void backoffNanos_doublesFromTheFirstToTheCap_timesTheJitter() {
    assertThat(ContentionGate.backoffNanos(1, 0.5)).isEqualTo(ContentionGate.FIRST_BACKOFF_NANOS);
    assertThat(ContentionGate.backoffNanos(2, 0.5)).isEqualTo(2 * ContentionGate.FIRST_BACKOFF_NANOS);
    assertThat(ContentionGate.backoffNanos(3, 0.0)).isEqualTo(2 * ContentionGate.FIRST_BACKOFF_NANOS);
    assertThat(ContentionGate.backoffNanos(20, 0.5)).isEqualTo(ContentionGate.MAX_BACKOFF_NANOS);
    assertThat(ContentionGate.backoffNanos(92, 0.999)).isLessThan(ContentionGate.MAX_BACKOFF_NANOS * 3 / 2);
  }

  @Test
  void awaitTurn_interruptedWhileAnotherWriteHoldsTheGate_failsWithCancellation_andKeepsTheInterrupt() throws Exception {
    ContentionGate gate = new ContentionGate();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> gate.exclusively(() -> {
      holding.countDown();
      awaitQuietly(release);
      return null;
    }));
    holder.start();
    try {
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      assertWaitEndsOnInterrupt(gate::awaitTurn);
      assertWaitEndsOnInterrupt(() -> gate.exclusively(() -> {
        throw new AssertionError("must not run while another thread holds the gate");
      }));
    } finally {
      release.countDown();
      holder.join(10_000);
    }
    assertThat(holder.isAlive()).isFalse();
  }

  @Test
  void freeGate_passesAThreadWhoseInterruptStatusIsSet() {
    ContentionGate gate = new ContentionGate();
    Thread.currentThread().interrupt();
    try {
      gate.awaitTurn();
      assertThat(gate.exclusively(() -> "done")).isEqualTo("done");
      assertThat(Thread.currentThread().isInterrupted()).as("status kept").isTrue();
    } finally {
      Thread.interrupted(); // clear it for the next test
    }
  }

  /** Runs {@code waiter} on a thread, interrupts it once it waits, and checks how it ended. */
  private static void assertWaitEndsOnInterrupt(Runnable waiter) throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread t = new Thread(() -> {
      try {
        waiter.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(t.getState()).as("waiting at the gate").isEqualTo(Thread.State.WAITING);
    t.interrupt();
    t.join(10_000);

    assertThat(t.isAlive()).as("the wait ended").isFalse();
    assertThat(thrown.get()).isInstanceOf(CancellationException.class).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("interrupted").hasCauseInstanceOf(InterruptedException.class);
    assertThat(interruptedAfter).as("interrupt status set again").isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
