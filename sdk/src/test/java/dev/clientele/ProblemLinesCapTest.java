package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Event;
import dev.clientele.identity.IdentityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Production review L3: one event of many bad identifiers made one problem line per identifier
 * (63 500 for one event). A result keeps {@link IngestResult#MAX_PROBLEM_LINES} and one line
 * counting the rest; the stats still count every problem.
 */
class ProblemLinesCapTest {
  /** Values starting {@code junk-} are blocked: a blocked identifier makes one problem line and no refusal. */
  private final Clientele clientele = Clientele.builder().profileIds(Fixtures.sequentialIds())
      .identityRules(IdentityRules.builder().blockPattern("junk-.*").build()).build();

  @AfterEach
  void close() {
    clientele.close();
  }

  /** An event of {@code blocked} blocked customer ids, plus an anonymous id when {@code linkable}. */
  private static Event manyBlocked(String id, int blocked, boolean linkable) {
    Event.Builder b = event(id, "pageview", 0);
    for (int i = 0; i < blocked; i++) {
      b.identifier(customerId("junk-" + i));
    }
    if (linkable) {
      b.identifier(anonymousId("a-1"));
    }
    return b.build();
  }

  @Test
  void ingest_appliedEventWithManyProblems_keepsTheFirstLinesAndCountsAll() {
    IngestResult r = clientele.ingest(manyBlocked("e-1", 300, true));

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.problems()).hasSize(IngestResult.MAX_PROBLEM_LINES + 1);
    assertThat(r.problems().get(0)).isEqualTo("customer_id blocked: value is blocked");
    assertThat(r.problems().get(IngestResult.MAX_PROBLEM_LINES)).isEqualTo("… and 200 more problems");
    assertThat(clientele.stats().problems()).isEqualTo(300);
  }

  @Test
  void ingest_rejectedEventWithManyProblems_keepsTheFirstLinesAndCountsAll() {
    IngestResult r = clientele.ingest(manyBlocked("e-1", 300, false));

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.problems()).hasSize(IngestResult.MAX_PROBLEM_LINES + 1);
    long all = IngestResult.problemCount(r.problems());
    assertThat(all).isEqualTo(301); // each blocked value, and why the event is rejected
    assertThat(r.problems().get(IngestResult.MAX_PROBLEM_LINES)).isEqualTo("… and " + (all - 100) + " more problems");
    assertThat(clientele.stats().problems()).isEqualTo(all);
  }

  @Test
  void ingestAll_countsEveryProblem_andEachResultIsCapped() {
    List<IngestResult> seen = new ArrayList<>();

    IngestStats stats = clientele.ingestAll(
        List.of(manyBlocked("e-1", 300, true), manyBlocked("e-2", 150, true), manyBlocked("e-3", 3, true)), seen::add);

    assertThat(stats.problems()).isEqualTo(453);
    assertThat(clientele.stats().problems()).isEqualTo(453);
    assertThat(seen).extracting(x -> x.problems().size()).containsExactly(101, 101, 3);
  }

  @Test
  void result_fromCappedProblems_keepsThemAsTheyAre() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      lines.add("problem " + i);
    }
    IngestResult first = IngestResult.rejected("e-1", lines);

    IngestResult again = new IngestResult("e-1", Outcome.REJECTED, Optional.empty(), false, List.of(), first.problems(),
        List.of(), List.of(), List.of());

    assertThat(again.problems()).isEqualTo(first.problems());
    assertThat(IngestResult.problemCount(again.problems())).isEqualTo(250);
    assertThat(IngestResult.rejected("e-2", lines.subList(0, 100)).problems()).hasSize(100);
    assertThat(IngestResult.rejected("e-2", lines.subList(0, 101)).problems())
        .hasSize(101).last().isEqualTo("… and 1 more problems");
  }
}
