package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.FaultInjectingStorage.Mode;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StorageException;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regressions found while hunting for backend faults in the middle of facade calls ({@link FaultHuntPropertiesTest}). */
class FaultHuntTest {
  private static Clientele clientele(FaultInjectingStorage storage) {
    return Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .clock(Clock.fixed(Fixtures.at(1_000), ZoneOffset.UTC))
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build())
        .segments(SegmentConfig.builder().define(Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1))).build())
        .build();
  }

  /** Two buyers, one by email (e-1) and one by customer id (e-2), not linked yet. */
  private static List<ProfileId> twoBuyers(Clientele c) {
    return List.of(
        c.ingest(event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build()).profile().orElseThrow(),
        c.ingest(event("e-2", "order", 1).identifier(customerId("c-1")).data("total", 7).build()).profile().orElseThrow());
  }

  /** Two profiles of one person: one email-only, one customer-id-only, split apart after a merge. */
  private static List<ProfileId> splitPerson(Clientele c) {
    c.ingest(event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build());
    c.ingest(event("e-2", "order", 1).identifier(customerId("c-1")).data("total", 7).build());
    ProfileId merged = c.ingest(event("e-3", "pageview", 2).identifier(email("ann@example.com")).identifier(customerId("c-1"))
        .build()).profile().orElseThrow();
    MergeRecord m = c.mergeLog(merged).get(0);
    SplitResult r = c.split(m.id(), "wrong merge");
    return List.of(r.kept().id(), r.restored().get(0).id());
  }

  /**
   * A {@code gdpr_delete} naming two profiles erases them one commit each; the backend fails at
   * the second. The first stays erased, and its segment membership history used to stay behind:
   * it was forgotten only after the whole event succeeded, and the retry no longer finds that
   * profile. Now it is forgotten right after its erasure's commit.
   */
  @Test
  void gdprDelete_secondErasureFails_throwsAndARetryErasesTheRest() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    List<ProfileId> two = splitPerson(c);
    assertThat(c.profileCount()).isEqualTo(2);

    storage.arm(Mode.COMMIT_BEFORE, 1);
    assertThatThrownBy(() -> c.ingest(event("g-1", "compliance", 3).action("gdpr_delete")
        .identifier(email("ann@example.com")).identifier(customerId("c-1")).build()))
        .isInstanceOf(StorageException.class);
    storage.disarm();

    IngestResult retry = c.ingest(event("g-1", "compliance", 3).action("gdpr_delete")
        .identifier(email("ann@example.com")).identifier(customerId("c-1")).build());
    assertThat(retry.outcome()).isEqualTo(IngestResult.Outcome.ERASED);
    assertThat(c.profileCount()).isZero();
    assertThat(storage.delegate().eventCount()).isZero();
    for (ProfileId id : two) {
      assertThat(c.segments().history(id)).as("membership history of erased %s", id).isEmpty();
    }
  }

  /**
   * A read that fails after {@link Clientele#delete}'s erasure commit (the check whether the
   * profiles merged into it were brought back) used to skip erasing the segment membership
   * history of the erased profile and of those merged into it; a retry cannot help, the profile
   * being gone.
   */
  @Test
  void delete_readFailsAfterTheErasureCommit_membershipHistoryIsErasedAnyway() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    c.ingest(event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build());
    ProfileId ann = c.ingest(event("e-2", "order", 1).identifier(email("ann@example.com")).identifier(customerId("c-1"))
        .data("total", 7).build()).profile().orElseThrow();
    c.ingest(event("e-3", "order", 1).identifier(customerId("c-2")).data("total", 7).build());
    ProfileId other = c.profile(customerId("c-2")).orElseThrow().id();
    c.merge(ann, other, "same person");
    assertThat(c.segments().history(ann)).isNotEmpty();
    assertThat(c.segments().history(other)).isNotEmpty();

    // Find the read after the erasure's commit: fail each read in turn until the commit went through.
    for (int nth = 0; ; nth++) {
      storage.arm(Mode.READ, nth);
      try {
        c.delete(ann);
        storage.disarm();
        break; // no read after the commit failed: nothing to see
      } catch (StorageException e) {
        storage.disarm();
        if (c.profile(ann).isEmpty()) {
          break; // erased, then a read failed
        }
      }
    }
    assertThat(c.profile(ann)).isEmpty();
    assertThat(c.segments().history(ann)).as("membership history of the erased profile").isEmpty();
    assertThat(c.segments().history(other)).as("membership history of the profile merged into it").isEmpty();
  }
  /**
   * A forced merge whose commit is applied but whose acknowledgement is lost (the backend throws
   * after applying it, as the SPI allows) used to throw before the segments heard of the merge:
   * the merged-away profile stayed a current member of its segments for good ({@code refresh}
   * visits only live profiles) and a retry failed (the profile is gone). The facade now reads the
   * merge log back: the merge record is there, so the merge happened and the call completes.
   */
  @Test
  void merge_acknowledgementLost_mergeCompletesAndTheLoserLeavesItsSegments() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    List<ProfileId> buyers = twoBuyers(c);
    ProfileId a = buyers.get(0);
    ProfileId b = buyers.get(1);
    assertThat(c.segments().memberships(a)).containsExactly("buyers");
    assertThat(c.segments().memberships(b)).containsExactly("buyers");

    storage.arm(Mode.COMMIT_AFTER, 0);
    dev.clientele.core.Profile merged = c.merge(a, b, "same person");
    storage.disarm();

    assertThat(storage.fired()).isTrue();
    ProfileId loser = merged.id().equals(a) ? b : a;
    assertThat(c.profile(loser)).isEmpty();
    assertThat(c.segments().memberships(loser)).as("the merged-away profile left its segments").isEmpty();
    assertThat(c.segments().memberships(merged.id())).containsExactly("buyers");
  }

  /** As {@link #merge_acknowledgementLost_mergeCompletesAndTheLoserLeavesItsSegments}, for a split. */
  @Test
  void split_acknowledgementLost_splitCompletesAndTheRestoredProfileIsEvaluated() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    c.ingest(event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build());
    c.ingest(event("e-2", "pageview", 1).identifier(customerId("c-1")).build());
    ProfileId merged = c.ingest(event("e-3", "pageview", 2).identifier(email("ann@example.com")).identifier(customerId("c-1"))
        .build()).profile().orElseThrow();
    MergeRecord m = c.mergeLog(merged).get(0);

    storage.arm(Mode.COMMIT_AFTER, 0);
    SplitResult r = c.split(m.id(), "wrong merge");
    storage.disarm();

    assertThat(storage.fired()).isTrue();
    assertThat(c.profileCount()).isEqualTo(2);
    ProfileId buyer = c.profile(email("ann@example.com")).orElseThrow().id();
    assertThat(c.segments().memberships(buyer)).containsExactly("buyers");
    ProfileId other = c.profile(customerId("c-1")).orElseThrow().id();
    assertThat(c.segments().memberships(other)).isEmpty();
    assertThat(r.restored()).hasSize(1);
  }

  /**
   * An event whose commit is applied but whose acknowledgement is lost: the facade finds it stored
   * and reports it applied, so its segments are evaluated and the profile it merged away leaves
   * them (a retry would only have said "duplicate").
   */
  @Test
  void ingest_acknowledgementLost_reportedAppliedAndSegmentsFollow() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    List<ProfileId> buyers = twoBuyers(c);
    ProfileId a = buyers.get(0);
    ProfileId b = buyers.get(1);

    storage.arm(Mode.COMMIT_AFTER, 0);
    IngestResult r = c.ingest(event("e-3", "pageview", 2).identifier(email("ann@example.com")).identifier(customerId("c-1")).build());
    storage.disarm();

    assertThat(storage.fired()).isTrue();
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(r.mergedProfiles()).hasSize(1);
    ProfileId loser = r.mergedProfiles().get(0);
    assertThat(List.of(a, b)).contains(loser);
    assertThat(c.segments().memberships(loser)).as("the merged-away profile left its segments").isEmpty();
    assertThat(c.stats().applied()).isEqualTo(3);
  }
  /** The batch path of {@link Clientele#ingestAll}: a batch whose commit was applied but not acknowledged is reported committed. */
  @Test
  void ingestAll_batchAcknowledgementLost_reportedAppliedAndSegmentsFollow() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .clock(Clock.fixed(Fixtures.at(1_000), ZoneOffset.UTC))
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(10)
        .segments(SegmentConfig.builder().define(Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1))).build())
        .build();

    storage.arm(Mode.COMMIT_AFTER, 0);
    IngestStats stats = c.ingestAll(List.of(
        event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build(),
        event("e-2", "pageview", 1).identifier(customerId("c-1")).build()));
    storage.disarm();

    assertThat(storage.fired()).isTrue();
    assertThat(stats.applied()).isEqualTo(2);
    assertThat(c.segments().memberships(c.profile(email("ann@example.com")).orElseThrow().id())).containsExactly("buyers");
  }
  /**
   * An erasure whose commit is applied but not acknowledged: the facade used to throw before the
   * post-commit step, so the erased person's segment history (and normalisation cache entries)
   * stayed, and a retry found no profile. The erasure now reads its tombstone back.
   */
  @Test
  void delete_acknowledgementLost_erasureCompletesWithTheSegmentHistory() {
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = clientele(storage);
    ProfileId ann = c.ingest(event("e-1", "order", 0).identifier(email("ann@example.com")).data("total", 5).build())
        .profile().orElseThrow();
    assertThat(c.segments().history(ann)).isNotEmpty();

    storage.arm(Mode.COMMIT_AFTER, 0);
    dev.clientele.consent.ErasureReport report = c.delete(ann);
    storage.disarm();

    assertThat(storage.fired()).isTrue();
    assertThat(report.identifiers()).isEqualTo(1);
    assertThat(c.profile(ann)).isEmpty();
    assertThat(c.segments().history(ann)).as("membership history of the erased profile").isEmpty();
  }
}
