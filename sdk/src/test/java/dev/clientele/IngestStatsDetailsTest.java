package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.StorageException;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.NormalizationCacheStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operational counts of {@link IngestStats.Details} (production review L1): each is counted
 * once where its thing happens, for the instance and, where the call goes on, for the
 * {@code ingestAll} call; the first ten counts keep their meaning.
 */
class IngestStatsDetailsTest {
  private static final ErasurePolicy SALTED = ErasurePolicy.builder().salt(new byte[16]).build();

  private static Clientele.Builder builder() {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(SALTED);
  }

  @Test
  void ingest_blockedIdentifiers_countedOncePerIdentifier_alsoWhenEveryIdentifierIsBlocked() {
    Clientele c = builder().identityRules(IdentityRules.builder().blockValue("junk@example.com").blockValue("x@example.com").build()).build();

    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).identifier(email("junk@example.com")).build());
    IngestResult allBlocked = c.ingest(event("e-2", "pageview", 1).identifier(email("junk@example.com"))
        .identifier(email("x@example.com")).build());
    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).identifier(email("junk@example.com")).build()); // a duplicate: not counted

    assertThat(allBlocked.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    IngestStats s = c.stats();
    assertThat(s.details().blockedIdentifiers()).isEqualTo(3);
    assertThat(s.details().malformedIdentifiers()).isZero();
    assertThat(s.problems()).isGreaterThanOrEqualTo(3); // each blocked value has its problem line
  }

  @Test
  void ingest_malformedIdentifier_countedOnceForTheAppliedEvent() {
    Clientele c = builder().build();

    IngestResult r = c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com"))
        .identifier(IdentifierType.EMAIL, "not-an-email").build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(c.stats().details().malformedIdentifiers()).isEqualTo(1);
    assertThat(c.stats().details().blockedIdentifiers()).isZero();
  }

  @Test
  void ingest_replayOfAnErasedPerson_countedAsReplayBlockedAndRejected() {
    Clientele c = builder().build();
    IngestResult first = c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());
    c.delete(first.profile().orElseThrow());

    IngestResult replay = c.ingest(event("e-2", "pageview", 1).identifier(email("ann@example.com")).build());

    assertThat(replay.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    IngestStats s = c.stats();
    assertThat(s.details().replaysBlocked()).isEqualTo(1);
    assertThat(s.rejected()).isEqualTo(1);
    assertThat(s.profilesErased()).isEqualTo(1);
  }

  @Test
  void ingest_identifierCap_countedAsCapRefusalAndLinkRefused() {
    Clientele c = builder().identityRules(IdentityRules.builder().maxIdentifiersPerProfile(2).build()).build();

    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .identifier(email("a@example.com")).identifier(IdentifierType.ANONYMOUS_ID, "dev").build());

    IngestStats s = c.stats();
    assertThat(s.details().identifierCapRefusals()).isEqualTo(1);
    assertThat(s.details().mergeCapRefusals()).isZero();
    assertThat(s.linksRefused()).isEqualTo(1);
  }

  @Test
  void ingest_mergeCap_countedAsCapRefusal() {
    Clientele c = builder().identityRules(IdentityRules.builder().maxMergesPerProfile(1).build()).build();
    c.ingest(event("e-1", "login", 0).identifier(email("a@example.com")).build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.PHONE, "+12015550123").build());
    c.ingest(event("e-3", "login", 2).identifier(IdentifierType.PUSH_TOKEN, "tok").build());
    c.ingest(event("e-4", "login", 3).identifier(email("a@example.com")).identifier(IdentifierType.PHONE, "+12015550123").build());

    c.ingest(event("e-5", "login", 4).identifier(email("a@example.com")).identifier(IdentifierType.PUSH_TOKEN, "tok").build());

    IngestStats s = c.stats();
    assertThat(s.details().mergeCapRefusals()).isEqualTo(1);
    assertThat(s.details().identifierCapRefusals()).isZero();
    assertThat(s.linksRefused()).isEqualTo(1);
  }

  @Test
  void ingestAll_perEventCounts_areCountedForTheCallAndTheInstance_inEveryPath() {
    for (int batchSize : new int[] {1, 3}) {
      for (boolean withEach : new boolean[] {false, true}) {
        Clientele c = builder().ingestBatchSize(batchSize)
            .identityRules(IdentityRules.builder().blockValue("junk@example.com").maxIdentifiersPerProfile(2).build()).build();
        c.delete(c.ingest(event("e-0", "pageview", 0).identifier(email("gone@example.com")).build()).profile().orElseThrow());
        IngestStats before = c.stats();
        List<Event> events = List.of(
            event("e-1", "pageview", 1).identifier(email("ann@example.com")).identifier(email("junk@example.com")).build(),
            event("e-2", "pageview", 2).identifier(email("bob@example.com")).identifier(IdentifierType.EMAIL, "bad").build(),
            event("e-3", "pageview", 3).identifier(email("gone@example.com")).build(),
            event("e-4", "login", 4).identifier(IdentifierType.CUSTOMER_ID, "c-1").identifier(email("cy@example.com"))
                .identifier(IdentifierType.ANONYMOUS_ID, "dev").build(),
            event("e-5", "pageview", 5).identifier(email("junk@example.com")).build());

        IngestStats call = withEach ? c.ingestAll(events, r -> { }) : c.ingestAll(events);

        String context = "batch size " + batchSize + ", each " + withEach;
        IngestStats.Details d = call.details();
        assertThat(d.blockedIdentifiers()).as(context).isEqualTo(2);
        assertThat(d.malformedIdentifiers()).as(context).isEqualTo(1);
        assertThat(d.replaysBlocked()).as(context).isEqualTo(1);
        assertThat(d.identifierCapRefusals()).as(context).isEqualTo(1);
        assertThat(call.received()).as(context).isEqualTo(5);
        assertThat(call.rejected()).as(context).isEqualTo(2);
        IngestStats.Details after = c.stats().details();
        IngestStats.Details was = before.details();
        assertThat(after.blockedIdentifiers() - was.blockedIdentifiers()).as(context).isEqualTo(2);
        assertThat(after.malformedIdentifiers() - was.malformedIdentifiers()).as(context).isEqualTo(1);
        assertThat(after.replaysBlocked() - was.replaysBlocked()).as(context).isEqualTo(1);
        assertThat(after.identifierCapRefusals() - was.identifierCapRefusals()).as(context).isEqualTo(1);
      }
    }
  }

  /** Fails every commit before applying anything: a database that is down. */
  static final class FailingCommits extends Switchable {
    FailingCommits() {
      failCommits = true;
    }
  }

  @Test
  void ingest_commitFailsAndIsNotApplied_countedAsStorageFailure_notReceived() {
    Clientele c = builder().storage(new FailingCommits()).ingestBatchSize(1).build();

    assertThatThrownBy(() -> c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build()))
        .isInstanceOf(StorageException.class);

    IngestStats s = c.stats();
    assertThat(s.details().storageFailures()).isEqualTo(1);
    assertThat(s.details().commitsRecovered()).isZero();
    assertThat(s.received()).isZero();
  }

  @Test
  void ingestAll_batchCommitFailsAndIsNotApplied_countedOnceAsStorageFailure() {
    Clientele c = builder().storage(new FailingCommits()).ingestBatchSize(10).build();
    List<Event> events = List.of(
        event("e-1", "pageview", 0).identifier(email("ann@example.com")).build(),
        event("e-2", "pageview", 1).identifier(email("bob@example.com")).build());

    assertThatThrownBy(() -> c.ingestAll(events)).isInstanceOf(StorageException.class);

    assertThat(c.stats().details().storageFailures()).isEqualTo(1);
  }

  /** Commits and reads work until {@link #failReads} or {@link #failCommits} is set. */
  static class Switchable extends ForwardingStorage {
    volatile boolean failReads;
    volatile boolean failCommits;

    Switchable() {
      super(new InMemoryStorage());
    }

    @Override
    public java.util.Optional<dev.clientele.core.Profile> profile(dev.clientele.core.ProfileId id) {
      if (failReads) {
        throw new StorageException("read timed out (test)");
      }
      return super.profile(id);
    }

    @Override
    public void commit(Commit commit) {
      if (failCommits) {
        throw new StorageException("database down (test)");
      }
      super.commit(commit);
    }
  }

  /**
   * A read that fails while a batch's staged commit is built is a failed read, not a failed
   * commit: the staged commit never reached the backend (it was once counted as one).
   */
  @Test
  void ingestAll_readFailsWhileTheBatchIsStaged_isNotAStorageFailure() {
    Switchable storage = new Switchable();
    Clientele c = builder().storage(storage).ingestBatchSize(10).build();
    storage.failReads = true;

    assertThatThrownBy(() -> c.ingestAll(List.of(
        event("e-1", "pageview", 0).identifier(email("ann@example.com")).build(),
        event("e-2", "pageview", 1).identifier(email("bob@example.com")).build())))
        .isInstanceOf(StorageException.class).hasMessageContaining("read timed out");

    assertThat(c.stats().details().storageFailures()).isZero();
    assertThat(c.stats().received()).isZero();
    assertThat(storage.eventCount()).isZero();
  }

  @Test
  void ingest_gdprDeleteWhoseErasureFailsInTheBackend_countedOnceAsStorageFailure() {
    Switchable storage = new Switchable();
    Clientele c = builder().storage(storage).ingestBatchSize(1).build();
    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());
    storage.failCommits = true;

    assertThatThrownBy(() -> c.ingest(event("e-2", "compliance", 1).action("gdpr_delete")
        .identifier(email("ann@example.com")).build())).isInstanceOf(StorageException.class);

    assertThat(c.stats().details().storageFailures()).isEqualTo(1);
    assertThat(c.stats().profilesErased()).isZero();
    assertThat(storage.profileCount()).as("nothing erased").isEqualTo(1);
  }

  /**
   * A consumer that throws on the first result of a committed batch: every event of the batch is
   * committed, so each is counted and re-evaluated for segments (they were not after the throw).
   */
  @Test
  void ingestAll_consumerThrows_everyCommittedEventOfTheBatchIsCountedAndItsSegmentsKept() {
    dev.clientele.segments.Segment visitors = dev.clientele.segments.Segment.of("visitors",
        dev.clientele.segments.Condition.eventCount("pageview", dev.clientele.segments.Comparison.GE, 1));
    ForwardingStorage storage = new ForwardingStorage(new InMemoryStorage());
    Clientele c = builder().storage(storage).ingestBatchSize(10)
        .segments(dev.clientele.segments.SegmentConfig.builder().define(visitors).build()).build();
    List<Event> events = List.of(
        event("e-1", "pageview", 0).identifier(email("ann@example.com")).build(),
        event("e-2", "pageview", 1).identifier(email("bob@example.com")).build(),
        event("e-3", "pageview", 2).identifier(email("cy@example.com")).build());

    assertThatThrownBy(() -> c.ingestAll(events, r -> {
      throw new IllegalStateException("host consumer failed (test)");
    })).hasMessageContaining("host consumer failed");

    assertThat(storage.eventCount()).isEqualTo(3);
    assertThat(c.stats().received()).isEqualTo(3);
    assertThat(c.stats().applied()).isEqualTo(3);
    for (String address : List.of("ann@example.com", "bob@example.com", "cy@example.com")) {
      dev.clientele.core.ProfileId id = storage.owner(email(address)).orElseThrow();
      assertThat(c.segments().memberships(id)).as(address).contains("visitors");
    }
  }

  @Test
  void ingestAll_batchCommitAppliedButReportedFailed_countedAsRecovered() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = builder().storage(storage).ingestBatchSize(10).build();
    storage.arm(FaultInjectingStorage.Mode.COMMIT_AFTER, 0);

    IngestStats call = c.ingestAll(List.of(
        event("e-1", "pageview", 0).identifier(email("ann@example.com")).build(),
        event("e-2", "pageview", 1).identifier(email("bob@example.com")).build()));

    assertThat(storage.fired()).isTrue();
    assertThat(call.applied()).isEqualTo(2);
    assertThat(c.stats().details().commitsRecovered()).isEqualTo(1);
    assertThat(c.stats().details().storageFailures()).isZero();
  }

  @Test
  void ingest_commitAppliedButReportedFailed_countedAsRecovered_notAsFailure() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = builder().storage(storage).ingestBatchSize(1).build();
    storage.arm(FaultInjectingStorage.Mode.COMMIT_AFTER, 0);

    IngestResult r = c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(c.stats().details().commitsRecovered()).isEqualTo(1);
    assertThat(c.stats().details().storageFailures()).isZero();
    assertThat(c.stats().applied()).isEqualTo(1);
  }

  /** Every commit meets a concurrent change: another node that always wins. */
  static final class AlwaysConflicting extends ForwardingStorage {
    AlwaysConflicting() {
      super(new InMemoryStorage());
    }

    @Override
    public void commit(Commit commit) {
      throw new CommitConflictException("another writer won (test)");
    }
  }

  @Test
  void ingest_conflictsThroughEveryAttempt_countedAsGaveUpOnce_andEachRetry() {
    Clientele c = builder().storage(new AlwaysConflicting()).ingestBatchSize(1).build();

    assertThatThrownBy(() -> c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not be applied after");

    IngestStats s = c.stats();
    assertThat(s.details().writesGaveUp()).isEqualTo(1);
    assertThat(s.retries()).isEqualTo(IngestPipeline.MAX_ATTEMPTS);
    assertThat(s.received()).isZero();
  }

  /** Refuses the first commit that carries more than one event (an {@code ingestAll} batch), then passes. */
  static final class FirstBatchConflicts extends ForwardingStorage {
    private boolean refused;

    FirstBatchConflicts() {
      super(new InMemoryStorage());
    }

    @Override
    public void commit(Commit commit) {
      if (!refused && commit.appends().size() > 1) {
        refused = true;
        throw new CommitConflictException("concurrent change (test)");
      }
      super.commit(commit);
    }
  }

  @Test
  void ingestAll_batchCommitConflicts_countedAsBatchFallback_forTheCallAndAsARetryForTheInstance() {
    Clientele c = builder().storage(new FirstBatchConflicts()).ingestBatchSize(10)
        .identityRules(IdentityRules.builder().blockValue("junk@example.com").build()).build();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      events.add(event("e-" + i, "pageview", i).identifier(email("u" + i + "@example.com")).identifier(email("junk@example.com")).build());
    }

    IngestStats call = c.ingestAll(events);

    assertThat(call.applied()).isEqualTo(4);
    assertThat(call.details().batchFallbacks()).isEqualTo(1);
    assertThat(call.retries()).isZero(); // retries stay instance-only
    // The staged attempt's identifiers were dropped with it: each event's counted once, when applied one by one.
    assertThat(call.details().blockedIdentifiers()).isEqualTo(4);
    IngestStats s = c.stats();
    assertThat(s.details().batchFallbacks()).isEqualTo(1);
    assertThat(s.retries()).isEqualTo(1);
    assertThat(s.details().blockedIdentifiers()).isEqualTo(4);
  }

  @Test
  void stats_tenCountConstructor_keepsItsMeaning_withZeroDetails() {
    IngestStats s = new IngestStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

    assertThat(s.details()).isEqualTo(IngestStats.Details.ZERO);
    assertThat(IngestStats.ZERO.details()).isEqualTo(IngestStats.Details.ZERO);
    assertThat(s.linksRefused()).isEqualTo(10);
    assertThatThrownBy(() -> new IngestStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void normalizationCacheStats_countsHitsMissesEntriesAndEvictions() {
    // A bound of two entries: the third distinct phone evicts one.
    Clientele c = builder().identityRules(IdentityRules.builder().cacheSize(2).build()).build();
    assertThat(c.normalizationCacheStats().lookups()).isZero();
    assertThat(c.normalizationCacheStats().hitRate()).isEqualTo(1.0);

    c.ingest(event("e-1", "pageview", 0).identifier(IdentifierType.PHONE, "+1 201 555 0123").build());
    c.ingest(event("e-2", "pageview", 1).identifier(IdentifierType.PHONE, "+1 201 555 0123").build());
    NormalizationCacheStats two = c.normalizationCacheStats();
    assertThat(two.misses()).isEqualTo(1);
    assertThat(two.hits()).isEqualTo(1);
    assertThat(two.hitRate()).isEqualTo(0.5);
    assertThat(two.entries()).isEqualTo(1);
    assertThat(two.estimatedBytes()).isPositive().isLessThanOrEqualTo(two.maximumBytes());

    for (int i = 0; i < 20; i++) {
      c.ingest(event("f-" + i, "pageview", 2 + i).identifier(IdentifierType.PHONE, "+1 202 555 01" + (10 + i)).build());
    }
    NormalizationCacheStats full = c.normalizationCacheStats();
    assertThat(full.misses()).isEqualTo(21);
    assertThat(full.evictions()).isPositive();
    assertThat(full.evictedBytes()).isPositive();
    assertThat(full.estimatedBytes()).isLessThanOrEqualTo(full.maximumBytes());
  }

  @Test
  void normalizationCacheStats_cacheOff_isNone() {
    Clientele c = builder().identityRules(IdentityRules.builder().cacheSize(0).build()).build();

    c.ingest(event("e-1", "pageview", 0).identifier(IdentifierType.PHONE, "+1 201 555 0123").build());

    assertThat(c.normalizationCacheStats()).isEqualTo(NormalizationCacheStats.NONE);
  }
}
