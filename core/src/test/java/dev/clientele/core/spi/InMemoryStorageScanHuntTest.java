package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Hunt: {@link InMemoryStorage#allEvents()} copies the event logs without locks, so it can see the
 * inside of a commit that then fails and is taken back.
 */
class InMemoryStorageScanHuntTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Thrown by the fault hook. */
  private static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError() {
      super("injected", null, false, false);
    }
  }

  /**
   * An erasure commit that fails after removing its events (an {@code OutOfMemoryError} in the
   * tombstone set or merge log, a bug) is taken back, so the events were stored all along
   * ({@link InMemoryStorage}'s class Javadoc: "its changes are taken back before its locks are
   * released, so readers never see them"; {@link Storage}: "never between"). An {@code
   * allEvents()} call copying its views meanwhile, without locks, skipped the positions the failing
   * commit had emptied and returned a list without events that were never erased. It now waits,
   * after its copy, for an erasure still running and copies again if one failed since its views.
   * The scan runs on a thread of its own; the erasure fails once the scan has copied and either
   * returned (before the fix) or waits for the erasure (after it).
   */
  @Test
  void allEvents_duringAnErasureThatFailsAndIsTakenBack_stillReturnsTheEvents() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    Identifier anchor = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");
    StoredEvent kept = new StoredEvent(Event.builder("e-1", "pageview", T0).identifier(anchor).build(), anchor);
    storage.commit(Commit.builder().append(kept).build());

    CountDownLatch viewsTaken = new CountDownLatch(1);
    CountDownLatch removed = new CountDownLatch(1);
    AtomicBoolean copying = new AtomicBoolean();
    storage.duringScan = () -> {
      storage.duringScan = null; // once: a second copy runs without it
      viewsTaken.countDown();
      try {
        assertThat(removed.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      copying.set(true);
    };
    List<List<StoredEvent>> seen = new ArrayList<>();
    Thread scan = new Thread(() -> {
      try (Stream<StoredEvent> all = storage.allEvents()) {
        seen.add(all.toList());
      }
    }, "hunt-scan");
    scan.start();
    assertThat(viewsTaken.await(10, TimeUnit.SECONDS)).isTrue();
    // The erasure, made to fail after its removals once the scan has copied (and ended, or waits for this commit).
    storage.faultHook = step -> {
      if (step.equals("applied")) {
        removed.countDown();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!copying.get() || (scan.getState() != Thread.State.WAITING && scan.getState() != Thread.State.TERMINATED)) {
          assertThat(System.nanoTime()).as("the scan copied").isLessThan(deadline);
          Thread.onSpinWait();
        }
        throw new InjectedError();
      }
    };
    try {
      assertThatThrownBy(() -> storage.commit(Commit.builder().eraseEvents(anchor).build())).isInstanceOf(InjectedError.class);
    } finally {
      storage.faultHook = null;
    }
    ThreadStates.joined(scan);
    assertThat(storage.containsEvent("e-1")).as("the failed erasure was taken back").isTrue();
    assertThat(storage.eventCount()).isEqualTo(1);
    assertThat(seen).as("allEvents() while the failed erasure ran").containsExactly(List.of(kept));
  }
  /**
   * Should every copy without locks be spoiled by an erasure that fails (here one fails during
   * each copy, on the scanning thread), {@code allEvents()} still ends: its third attempt copies
   * holding the read locks, where no commit runs, and returns every stored event.
   */
  @Test
  void allEvents_whenErasuresKeepFailingDuringItsCopies_copiesHoldingTheLocksOnItsThirdAttempt() {
    InMemoryStorage storage = new InMemoryStorage();
    Identifier anchor = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");
    StoredEvent kept = new StoredEvent(Event.builder("e-1", "pageview", T0).identifier(anchor).build(), anchor);
    storage.commit(Commit.builder().append(kept).build());
    AtomicInteger spoiled = new AtomicInteger();
    storage.duringScan = () -> {
      storage.faultHook = step -> {
        if (step.equals("applied")) {
          throw new InjectedError();
        }
      };
      try {
        storage.commit(Commit.builder().eraseEvents(anchor).build());
      } catch (InjectedError expected) {
        spoiled.incrementAndGet();
      } finally {
        storage.faultHook = null;
      }
    };
    List<StoredEvent> all = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      try (Stream<StoredEvent> s = storage.allEvents()) {
        return s.toList();
      }
    });
    assertThat(all).containsExactly(kept);
    assertThat(spoiled).as("copies without locks, each spoiled by a failed erasure").hasValue(2);
    assertThat(storage.eventCount()).isEqualTo(1);
  }
}
