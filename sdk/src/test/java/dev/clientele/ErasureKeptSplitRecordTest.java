package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.DailyProfileCounts;
import dev.clientele.consent.ConsentChange;
import dev.clientele.consent.Erasure;
import dev.clientele.consent.ErasureReport;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.identity.Explanation;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The split record an erasure keeps between the people of a split who remain ({@link
 * Erasure#KEPT_SPLIT_NOTE}): it has the split's time, not the erasure's, and is appended to the
 * merge log, which is in commit order, not time order ({@link dev.clientele.core.spi.MergeLog});
 * {@code explain}, which sorts by time, still tells when the people were split and what followed;
 * the erasure's report names the record.
 */
class ErasureKeptSplitRecordTest {
  private static final LocalDate AFTER_ALL = LocalDate.parse("2026-12-31");
  private static final Identifier ANN_CUSTOMER = Fixtures.customerId("c-ann");
  private static final Identifier BOB_EMAIL = Fixtures.email("bob@example.com");
  private static final Identifier CARL_EMAIL = Fixtures.email("carl@example.com");
  private static final Identifier DEE_EMAIL = Fixtures.email("dee@example.com");

  /** A clock the test moves: operator actions (splits, forced merges) are logged at its time. */
  private static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test clock is in UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final TestClock clock = new TestClock(Fixtures.at(100));

  private Clientele clientele() {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).clock(clock).build();
  }

  /**
   * Ann, Bob and Carl merged by one opt-out event stored under Ann's customer id, split at minute
   * 100 of the clock into three profiles. Returns the split record.
   */
  private static MergeRecord threeSplitAtMinute100(Clientele c) {
    c.ingest(Fixtures.event("e-1", "pageview", 1).identifier(ANN_CUSTOMER).build());
    c.ingest(Fixtures.event("e-2", "pageview", 2).identifier(BOB_EMAIL).build());
    c.ingest(Fixtures.event("e-3", "pageview", 3).identifier(CARL_EMAIL).build());
    c.ingest(Fixtures.event("e-4", "consent", 4).action("opt_out")
        .identifier(ANN_CUSTOMER).identifier(BOB_EMAIL).identifier(CARL_EMAIL).build());
    Profile all = c.profile(ANN_CUSTOMER).orElseThrow();
    MergeRecord merge = c.mergeLog(all.id()).stream().filter(r -> r.kind() != MergeRecord.Kind.SPLIT).findFirst().orElseThrow();
    String split = c.split(merge.id(), "three people, one of them Ann").record();
    assertThat(c.profileCount()).isEqualTo(3);
    return c.storage().mergeRecord(split).orElseThrow();
  }

  private static List<MergeRecord> log(Clientele c) {
    List<MergeRecord> out = new ArrayList<>();
    c.storage().forEachMergeRecord(out::add);
    return out;
  }

  /** Bob's and Carl's addresses keep the split's opt-out in their profiles, ledgers and the replay. */
  private static void assertTheOptOutStaysWithBobAndCarl(Clientele c) {
    for (Identifier email : List.of(BOB_EMAIL, CARL_EMAIL)) {
      Profile p = c.profile(email).orElseThrow();
      assertThat(p.identifier(email).orElseThrow().consent()).as("stored consent of %s", email).isEqualTo(Consent.OPT_OUT);
      assertThat(c.consentHistory(p.id())).as("ledger of %s", email)
          .filteredOn(ch -> ch.identifier().equals(email))
          .extracting(ConsentChange::consent).containsExactly(Consent.OPT_OUT);
    }
    assertThat(c.profilesOverTime(AFTER_ALL, AFTER_ALL)).extracting(DailyProfileCounts::counts).containsExactly(c.audience());
  }

  @Test
  void delete_afterASplitOfThree_keepsASplitRecordWithTheSplitsTime_appendedAfterLaterRecords_andReportsIt() {
    try (Clientele c = clientele()) {
      MergeRecord split = threeSplitAtMinute100(c);
      assertThat(split.at()).isEqualTo(Fixtures.at(100));
      // Later, Carl's address and Dee's are seen together: an automatic merge at minute 200.
      c.ingest(Fixtures.event("e-5", "pageview", 150).identifier(DEE_EMAIL).build());
      c.ingest(Fixtures.event("e-6", "pageview", 200).identifier(CARL_EMAIL).identifier(DEE_EMAIL).build());
      MergeRecord later = log(c).get(log(c).size() - 1);
      assertThat(later.kind()).isEqualTo(MergeRecord.Kind.MERGE);
      assertThat(later.at()).isEqualTo(Fixtures.at(200));
      clock.set(Fixtures.at(300));

      ErasureReport report = c.delete(c.profile(ANN_CUSTOMER).orElseThrow().id());

      List<MergeRecord> after = log(c);
      assertThat(after).hasSize(2);
      assertThat(after.get(0)).isEqualTo(later);
      MergeRecord kept = after.get(1);
      assertThat(kept.kind()).isEqualTo(MergeRecord.Kind.SPLIT);
      assertThat(kept.note()).isEqualTo(Erasure.KEPT_SPLIT_NOTE);
      assertThat(kept.at()).as("the split's time, not the erasure's").isEqualTo(split.at());
      assertThat(report.keptSplitRecords()).containsExactly(kept.id());
      assertThat(report.mergeRecords()).as("the merge and the split naming Ann").isEqualTo(2);

      // explain sorts by time: Carl's profile was split from the others, then merged with Dee's.
      ProfileId carl = c.profile(CARL_EMAIL).orElseThrow().id();
      List<Explanation.Link> links = c.explain(carl).links();
      assertThat(links).isSortedAccordingTo(Comparator.comparing(Explanation.Link::at));
      assertThat(links).filteredOn(l -> l.kind() != Explanation.Kind.ATTACHED)
          .extracting(Explanation.Link::kind, Explanation.Link::at)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Explanation.Kind.SPLIT, Fixtures.at(100)),
              org.assertj.core.groups.Tuple.tuple(Explanation.Kind.MERGED, Fixtures.at(200)));
      assertTheOptOutStaysWithBobAndCarl(c);
    }
  }

  /**
   * Why the kept record has the split's time: Bob and Carl, split at minute 100, were merged again
   * by an operator at minute 200. After Ann's erasure, {@code explain} of the merged profile must
   * still end with the forced merge (they are one profile); with the erasure's time (minute 300)
   * the split would come last, as if they had been split after being merged.
   */
  @Test
  void delete_afterASplitOfThreeAndAForcedMergeOfTwo_explainStillEndsWithTheForcedMerge() {
    try (Clientele c = clientele()) {
      threeSplitAtMinute100(c);
      clock.set(Fixtures.at(200));
      Profile merged = c.merge(c.profile(BOB_EMAIL).orElseThrow().id(), c.profile(CARL_EMAIL).orElseThrow().id(), "same household");
      clock.set(Fixtures.at(300));

      ErasureReport report = c.delete(c.profile(ANN_CUSTOMER).orElseThrow().id());

      assertThat(report.keptSplitRecords()).hasSize(1);
      List<MergeRecord> after = log(c);
      assertThat(after).extracting(MergeRecord::kind).containsExactly(MergeRecord.Kind.FORCED_MERGE, MergeRecord.Kind.SPLIT);
      assertThat(after.get(1).id()).isEqualTo(report.keptSplitRecords().get(0));
      assertThat(c.profile(BOB_EMAIL).orElseThrow().id()).isEqualTo(c.profile(CARL_EMAIL).orElseThrow().id()).isEqualTo(merged.id());
      List<Explanation.Link> links = c.explain(merged.id()).links();
      assertThat(links).isSortedAccordingTo(Comparator.comparing(Explanation.Link::at));
      assertThat(links).filteredOn(l -> l.kind() != Explanation.Kind.ATTACHED)
          .extracting(Explanation.Link::kind)
          .containsExactly(Explanation.Kind.SPLIT, Explanation.Kind.FORCED_MERGE);
      assertTheOptOutStaysWithBobAndCarl(c);
    }
  }

  /**
   * The merge log was never in time order, erasure or not: an automatic merge has its event's
   * time, and an event that arrives late is logged after records of later times.
   */
  @Test
  void mergeLog_isInCommitOrder_aLateEventsMergeComesAfterALaterOne() {
    try (Clientele c = clientele()) {
      c.ingest(Fixtures.event("e-1", "pageview", 50).identifier(BOB_EMAIL).build());
      c.ingest(Fixtures.event("e-2", "pageview", 50).identifier(CARL_EMAIL).build());
      c.ingest(Fixtures.event("e-3", "pageview", 50).identifier(BOB_EMAIL).identifier(CARL_EMAIL).build());
      c.ingest(Fixtures.event("e-4", "pageview", 10).identifier(DEE_EMAIL).build());
      c.ingest(Fixtures.event("e-5", "pageview", 10).identifier(ANN_CUSTOMER).build());
      c.ingest(Fixtures.event("e-6", "pageview", 10).identifier(ANN_CUSTOMER).identifier(DEE_EMAIL).build());

      assertThat(log(c)).extracting(MergeRecord::at).containsExactly(Fixtures.at(50), Fixtures.at(10));
    }
  }
}
