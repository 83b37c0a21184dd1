package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Liveness of the facade's optimistic writes under contention: a write that keeps losing the race
 * to other writers of the same instance must still succeed (found while looking into
 * {@code ConcurrentIngestTest.tag_whileEventsAreIngestedToTheSameProfile_neitherIsLost}, which
 * once failed under load with "profile p-0001 kept changing").
 *
 * <p>The race is made deterministic: each time the victim thread reads the profile, another
 * thread ingests an event for it before the victim can commit, as a busy ingest stream does when
 * the victim is descheduled between its read and its commit. Before the fix, {@link Clientele#tag}
 * retried immediately, lost all 100 times and threw {@link IllegalStateException}.
 */
class ContentionHuntTest {
  /** Runs {@link #interference} on another thread each time {@link #victim} reads a profile. */
  static final class InterferingStorage extends ForwardingStorage {
    volatile Thread victim;
    volatile Runnable interference = () -> { };

    InterferingStorage() {
      super(new InMemoryStorage());
    }

    @Override
    public Optional<Profile> profile(ProfileId id) {
      Optional<Profile> p = super.profile(id);
      if (Thread.currentThread() == victim) {
        interference.run();
      }
      return p;
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void tag_anotherWriterWinsEveryRace_theTagStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
    ProfileId id = c.ingest(event("e-0", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    ExecutorService other = Executors.newSingleThreadExecutor();
    AtomicInteger sent = new AtomicInteger();
    try {
      storage.interference = () -> {
        int n = sent.incrementAndGet();
        Future<?> ingest = other.submit(() -> c.ingest(event("e-" + n, "pageview", n).identifier(customerId("c-1")).build()));
        try {
          // Done, or waiting for the victim (then it goes on after the victim's commit).
          ingest.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
          // the other writer waits: the victim's commit goes first
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      storage.victim = Thread.currentThread();

      Profile tagged = c.tag(id, "favourite");

      storage.victim = null;
      assertThat(tagged.tags()).containsExactly("favourite");
    } finally {
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    Profile p = c.profile(id).orElseThrow();
    assertThat(p.tags()).containsExactly("favourite");
    assertThat(p.eventCount()).as("every interfering event applied too").isEqualTo(1 + sent.get());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void merge_anotherWriterWinsEveryRace_theMergeStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
    ProfileId a = c.ingest(event("e-a", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    ProfileId b = c.ingest(event("e-b", "login", 0).identifier(customerId("c-2")).build()).profile().orElseThrow();
    ExecutorService other = Executors.newSingleThreadExecutor();
    AtomicInteger sent = new AtomicInteger();
    try {
      storage.interference = () -> {
        int n = sent.incrementAndGet();
        Future<?> ingest = other.submit(() -> c.ingest(event("e-" + n, "pageview", n).identifier(customerId("c-" + (1 + n % 2))).build()));
        try {
          ingest.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
          // the other writer waits: the victim's commit goes first
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      storage.victim = Thread.currentThread();

      Profile merged = c.merge(a, b, "same person");

      storage.victim = null;
      assertThat(Fixtures.identifiersOf(merged)).containsExactlyInAnyOrder(customerId("c-1"), customerId("c-2"));
    } finally {
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(c.profileCount()).isEqualTo(1);
    assertThat(c.profile(customerId("c-1")).orElseThrow().eventCount()).isEqualTo(2 + sent.get());
  }
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void ingest_anotherWriterWinsEveryRace_theEventIsStillApplied() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
    ProfileId id = c.ingest(event("e-0", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    ExecutorService other = Executors.newSingleThreadExecutor();
    AtomicInteger sent = new AtomicInteger();
    try {
      storage.interference = () -> {
        int n = sent.incrementAndGet();
        Future<?> ingest = other.submit(() -> c.ingest(event("e-" + n, "pageview", n).identifier(customerId("c-1")).build()));
        try {
          ingest.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
          // the other writer waits: the victim's commit goes first
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      storage.victim = Thread.currentThread();

      IngestResult r = c.ingest(event("e-victim", "order", 5).identifier(customerId("c-1")).data("total", 9).build());

      storage.victim = null;
      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    } finally {
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(c.profile(id).orElseThrow().eventCount()).isEqualTo(2 + sent.get());
  }
}
