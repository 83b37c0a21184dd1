package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ErasureReport;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
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
  private static final Identifier ANN_CUSTOMER = customerId("c-ann");
  private static final Identifier BOB_EMAIL = Fixtures.email("bob@example.com");

  /**
   * Once {@link #interfereWithThisThread} is called, each profile read of that thread first lets
   * another thread ingest a page view for the same person, so that the read is stale by the time
   * the reading thread commits.
   */
  static final class InterferingStorage extends ForwardingStorage {
    private volatile Thread victim;
    private volatile Runnable interference = () -> { };
    private final ExecutorService other = Executors.newSingleThreadExecutor();
    /** The interfering events ingested so far. */
    final AtomicInteger sent = new AtomicInteger();
    /** The commits of the interfered-with thread that met a concurrent change: the races it lost. */
    final AtomicInteger lost = new AtomicInteger();

    InterferingStorage() {
      super(new InMemoryStorage());
    }

    /** Interferes with the calling thread's reads: the n-th interfering event names {@code target.apply(n)}. */
    void interfereWithThisThread(Clientele c, IntFunction<Identifier> target) {
      interference = () -> {
        int n = sent.incrementAndGet();
        Future<?> ingest = other.submit(() -> c.ingest(event("e-" + n, "pageview", n).identifier(target.apply(n)).build()));
        try {
          // Done, or waiting for the victim (then it goes on after the victim's commit).
          ingest.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
          // the other writer waits: the victim's commit goes first
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      victim = Thread.currentThread();
    }

    /** Stops interfering and waits for the interfering writer to finish. */
    void stop() throws InterruptedException {
      victim = null;
      other.shutdown();
      assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void commit(Commit commit) {
      try {
        super.commit(commit);
      } catch (CommitConflictException conflict) {
        if (Thread.currentThread() == victim) {
          lost.incrementAndGet();
        }
        throw conflict;
      }
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

  private static Clientele clientele(InterferingStorage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void tag_anotherWriterWinsEveryRace_theTagStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = clientele(storage);
    ProfileId id = c.ingest(event("e-0", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    Profile tagged;
    try {
      storage.interfereWithThisThread(c, n -> customerId("c-1"));
      tagged = c.tag(id, "favourite");
    } finally {
      storage.stop();
    }
    assertThat(storage.sent.get()).as("races the victim lost").isPositive();
    assertThat(tagged.tags()).containsExactly("favourite");
    Profile p = c.profile(id).orElseThrow();
    assertThat(p.tags()).containsExactly("favourite");
    assertThat(p.eventCount()).as("every interfering event applied too").isEqualTo(1 + storage.sent.get());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void merge_anotherWriterWinsEveryRace_theMergeStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = clientele(storage);
    ProfileId a = c.ingest(event("e-a", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    ProfileId b = c.ingest(event("e-b", "login", 0).identifier(customerId("c-2")).build()).profile().orElseThrow();
    Profile merged;
    try {
      storage.interfereWithThisThread(c, n -> customerId("c-" + (1 + n % 2)));
      merged = c.merge(a, b, "same person");
    } finally {
      storage.stop();
    }
    assertThat(storage.sent.get()).as("races the victim lost").isPositive();
    assertThat(Fixtures.identifiersOf(merged)).containsExactlyInAnyOrder(customerId("c-1"), customerId("c-2"));
    assertThat(c.profileCount()).isEqualTo(1);
    assertThat(c.profile(customerId("c-1")).orElseThrow().eventCount()).isEqualTo(2 + storage.sent.get());
  }

  /**
   * Erasure of one side of a split while the other side is busy: the event that linked them (an
   * opt-out of Bob's address, stored under Ann's customer id) is kept for Bob, so the erasure
   * writes Bob's profile with its version checked, and every ingestion for Bob between the
   * erasure's read and its commit makes it lose the race. Before erasure ran under the facade's
   * {@link ContentionGate}, it retried at once, lost all 100 times and threw {@link
   * IllegalStateException} ("kept changing during erasure").
   */
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void delete_ofOneSideOfASplit_anotherWriterWinsEveryRaceOnTheOtherSide_theErasureStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = clientele(storage);
    ProfileId ann = annSplitFromBob(c);
    ProfileId bob = c.profile(BOB_EMAIL).orElseThrow().id();
    long bobsEventsBefore = c.profile(bob).orElseThrow().eventCount();
    ErasureReport report;
    try {
      storage.interfereWithThisThread(c, n -> BOB_EMAIL);
      report = c.delete(ann);
    } finally {
      storage.stop();
    }
    assertThat(storage.lost.get()).as("races the victim lost").isPositive();
    assertThat(report.profile()).isEqualTo(ann);
    assertThat(report.otherProfilesChanged()).containsExactly(bob);
    assertAnnErasedAndBobKeptEverything(c, ann, bob, bobsEventsBefore, storage.sent.get());
  }

  /** As {@link #delete_ofOneSideOfASplit_anotherWriterWinsEveryRaceOnTheOtherSide_theErasureStillSucceeds}, through a {@code gdpr_delete} event. */
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void gdprDelete_ofOneSideOfASplit_anotherWriterWinsEveryRaceOnTheOtherSide_theErasureStillSucceeds() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = clientele(storage);
    ProfileId ann = annSplitFromBob(c);
    ProfileId bob = c.profile(BOB_EMAIL).orElseThrow().id();
    long bobsEventsBefore = c.profile(bob).orElseThrow().eventCount();
    IngestResult r;
    try {
      storage.interfereWithThisThread(c, n -> BOB_EMAIL);
      r = c.ingest(event("forget-ann", "compliance", 9).action("gdpr_delete").identifier(ANN_CUSTOMER).build());
    } finally {
      storage.stop();
    }
    assertThat(storage.lost.get()).as("races the victim lost").isPositive();
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.ERASED);
    assertAnnErasedAndBobKeptEverything(c, ann, bob, bobsEventsBefore, storage.sent.get());
  }

  /**
   * Ann and Bob, merged by an opt-out of Bob's address stored under Ann's customer id, then split:
   * erasing Ann keeps that opt-out for Bob. Returns Ann's profile id.
   */
  private static ProfileId annSplitFromBob(Clientele c) {
    c.ingest(event("s-1", "pageview", 0).identifier(ANN_CUSTOMER).build());
    c.ingest(event("s-2", "pageview", 0).identifier(BOB_EMAIL).build());
    c.ingest(event("s-3", "consent", 0).action("opt_out").identifier(ANN_CUSTOMER).identifier(BOB_EMAIL).build());
    ProfileId ann = c.profile(ANN_CUSTOMER).orElseThrow().id();
    String merge = c.mergeLog(ann).stream().filter(r -> r.kind() != MergeRecord.Kind.SPLIT).findFirst().orElseThrow().id();
    c.split(merge, "two people");
    assertThat(c.profile(BOB_EMAIL).orElseThrow().id()).isNotEqualTo(ann);
    return ann;
  }

  /** Ann is gone; Bob kept the opt-out of the linking event and got every interfering event ({@code sent}). */
  private static void assertAnnErasedAndBobKeptEverything(Clientele c, ProfileId ann, ProfileId bob, long bobsEventsBefore, int sent) {
    assertThat(c.profile(ann)).isEmpty();
    assertThat(c.profile(ANN_CUSTOMER)).isEmpty();
    Profile after = c.profile(bob).orElseThrow();
    assertThat(after.identifier(BOB_EMAIL).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(after.eventCount()).as("the kept opt-out and every interfering event applied")
        .isEqualTo(bobsEventsBefore + 1 + sent);
    assertThat(c.timeline(bob, TimelineQuery.all())).allSatisfy(e -> assertThat(e.identifiers()).doesNotContain(ANN_CUSTOMER));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void ingest_anotherWriterWinsEveryRace_theEventIsStillApplied() throws Exception {
    InterferingStorage storage = new InterferingStorage();
    Clientele c = clientele(storage);
    ProfileId id = c.ingest(event("e-0", "login", 0).identifier(customerId("c-1")).build()).profile().orElseThrow();
    IngestResult r;
    try {
      storage.interfereWithThisThread(c, n -> customerId("c-1"));
      r = c.ingest(event("e-victim", "order", 5).identifier(customerId("c-1")).data("total", 9).build());
    } finally {
      storage.stop();
    }
    assertThat(storage.sent.get()).as("races the victim lost").isPositive();
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(c.profile(id).orElseThrow().eventCount()).isEqualTo(2 + storage.sent.get());
  }
}
