package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for a test thread to reach a state (blocked on a lock, parked), shared by the store's concurrency tests. */
final class ThreadStates {
  private ThreadStates() {}

  /** Spins until {@code t} is in {@code state}; fails the test after 10 seconds. */
  static void awaitState(Thread t, Thread.State state) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (t.getState() != state) {
      assertThat(System.nanoTime()).as("%s reached %s", t.getName(), state).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  /** Waits for {@code t} to end; fails the test if it is still running after 10 seconds. */
  static void joined(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
  }
}
