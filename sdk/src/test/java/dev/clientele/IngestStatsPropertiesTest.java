package dev.clientele;

import static dev.clientele.Fixtures.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.spi.StorageException;
import dev.clientele.identity.IdentityResolver;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import dev.clientele.identity.ResolvedIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * For random event streams (blocked, malformed and valid identifiers, duplicate ids, caps,
 * replays of erased people, commits that fail or lose their acknowledgement), the counts add up:
 * every ingest call gives a result (counted in {@code received}) or a storage failure; the
 * received ones are applied, duplicates or rejected; and each operational count equals what the
 * results and an independent resolve of each event say. {@code ingestAll} counts the same per
 * call as {@code ingest} in a loop, in both of its paths.
 */
class IngestStatsPropertiesTest {
  private static final ErasurePolicy SALTED = ErasurePolicy.builder().salt(new byte[16]).build();
  private static final IdentityRules RULES = IdentityRules.builder()
      .blockValue("junk@example.com")
      .maxIdentifiersPerProfile(3)
      .maxMergesPerProfile(1)
      .build();
  private static final String[] EMAILS = {
      "ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com", "junk@example.com", "not-an-email", "also bad"};

  /** One random stream: events, and after which of them the person of the first email is erased. */
  private record Stream(List<Event> events, int eraseAfter) {}

  private static Stream generate(long seed) {
    Random random = new Random(seed);
    int n = 10 + random.nextInt(50);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "e-" + random.nextInt(n); // repeats: duplicates, and rejected ids seen again
      Event.Builder b = Fixtures.event(id, random.nextInt(4) == 0 ? "order" : "pageview", i);
      int identifiers = 1 + random.nextInt(3);
      List<Identifier> chosen = new ArrayList<>();
      for (int k = 0; k < identifiers; k++) {
        Identifier candidate = switch (random.nextInt(4)) {
          case 0 -> new Identifier(IdentifierType.CUSTOMER_ID, "c-" + random.nextInt(4));
          case 1 -> new Identifier(IdentifierType.ANONYMOUS_ID, "d-" + random.nextInt(6));
          default -> new Identifier(IdentifierType.EMAIL, EMAILS[random.nextInt(EMAILS.length)]);
        };
        if (!chosen.contains(candidate)) {
          chosen.add(candidate);
          b.identifier(candidate);
        }
      }
      events.add(b.build());
    }
    return new Stream(events, random.nextInt(n));
  }

  private static Clientele.Builder builder(int batchSize) {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).erasurePolicy(SALTED).identityRules(RULES)
        .ingestBatchSize(batchSize);
  }

  /** Erases the profile holding ann's email, if any. */
  private static void eraseAnn(Clientele c) {
    c.profile(email("ann@example.com")).ifPresent(p -> c.delete(p.id()));
  }

  /** What the results and an independent resolve of their events say the operational counts are. */
  private static final class Expected {
    final IdentityResolver resolver = new IdentityResolver(RULES);
    long received;
    long applied;
    long duplicates;
    long rejected;
    long blocked;
    long malformed;
    long replays;
    long identifierCaps;
    long mergeCaps;

    void add(Event e, IngestResult r) {
      received++;
      ResolvedIdentifiers resolved = resolver.resolve(e);
      switch (r.outcome()) {
        case APPLIED -> {
          applied++;
          blocked += resolved.blocked().size();
          malformed += resolved.malformed().size();
        }
        case DUPLICATE -> duplicates++;
        case REJECTED -> {
          rejected++;
          if (!resolved.hasAnchor()) {
            blocked += resolved.blocked().size();
          }
          if (r.problems().stream().anyMatch(p -> p.contains("belongs to an erased person"))) {
            replays++;
          }
        }
        case ERASED -> throw new AssertionError("no gdpr_delete in these streams");
      }
      for (LinkPlan.Refusal refusal : r.refusals()) {
        if (refusal.rule() == LinkPlan.Rule.IDENTIFIER_CAP) {
          identifierCaps++;
        } else if (refusal.rule() == LinkPlan.Rule.MERGE_CAP) {
          mergeCaps++;
        }
      }
    }

    void check(IngestStats s, String context) {
      assertThat(s.received()).as(context).isEqualTo(received);
      assertThat(s.applied()).as(context).isEqualTo(applied);
      assertThat(s.duplicates()).as(context).isEqualTo(duplicates);
      assertThat(s.rejected()).as(context).isEqualTo(rejected);
      assertThat(s.details().blockedIdentifiers()).as(context).isEqualTo(blocked);
      assertThat(s.details().malformedIdentifiers()).as(context).isEqualTo(malformed);
      assertThat(s.details().replaysBlocked()).as(context).isEqualTo(replays);
      assertThat(s.details().identifierCapRefusals()).as(context).isEqualTo(identifierCaps);
      assertThat(s.details().mergeCapRefusals()).as(context).isEqualTo(mergeCaps);
    }
  }

  @Property(tries = 80)
  void ingest_withFailingCommits_everyCallIsReceivedOrAStorageFailure_andTheCountsAddUp(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
    Stream stream = generate(seed);
    Random faults = new Random(seed ^ 0x5DEECE66DL);
    FaultInjectingStorage storage = new FaultInjectingStorage();
    Clientele c = builder(1).storage(storage).build();
    Expected expected = new Expected();
    long calls = 0;
    long failed = 0;
    long lostAcks = 0;
    for (int i = 0; i < stream.events().size(); i++) {
      Event e = stream.events().get(i);
      int roll = faults.nextInt(6);
      FaultInjectingStorage.Mode mode = roll == 0 ? FaultInjectingStorage.Mode.COMMIT_BEFORE
          : roll == 1 ? FaultInjectingStorage.Mode.COMMIT_AFTER : null;
      if (mode != null) {
        storage.arm(mode, 0);
      }
      calls++;
      try {
        expected.add(e, c.ingest(e));
      } catch (StorageException lost) {
        failed++;
      }
      if (mode == FaultInjectingStorage.Mode.COMMIT_AFTER && storage.fired()) {
        lostAcks++;
      }
      storage.disarm(); // an event that made no commit leaves nothing armed for the erasure below
      if (i == stream.eraseAfter()) {
        eraseAnn(c);
      }
    }

    IngestStats s = c.stats();
    String context = "seed " + seed + ": " + s;
    assertThat(s.received() + s.details().storageFailures()).as(context).isEqualTo(calls);
    assertThat(s.applied() + s.duplicates() + s.rejected()).as(context).isEqualTo(s.received());
    assertThat(s.details().storageFailures()).as(context).isEqualTo(failed);
    assertThat(s.details().commitsRecovered()).as(context).isEqualTo(lostAcks);
    assertThat(s.details().writesGaveUp()).as(context).isZero();
    assertThat(s.details().replaysBlocked()).as(context).isLessThanOrEqualTo(s.rejected());
    assertThat(s.details().identifierCapRefusals() + s.details().mergeCapRefusals()).as(context)
        .isLessThanOrEqualTo(s.linksRefused());
    expected.check(s, context);
  }

  @Property(tries = 60)
  void ingestAll_countsPerCallWhatIngestInALoopCounts_inBothPaths(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
    Stream stream = generate(seed);
    List<Event> first = stream.events().subList(0, stream.eraseAfter() + 1);
    List<Event> rest = stream.events().subList(stream.eraseAfter() + 1, stream.events().size());
    Clientele loop = builder(1).build();
    Expected all = new Expected();
    Expected before = new Expected();
    Expected after = new Expected();
    for (Event e : first) {
      IngestResult r = loop.ingest(e);
      all.add(e, r);
      before.add(e, r);
    }
    eraseAnn(loop);
    for (Event e : rest) {
      IngestResult r = loop.ingest(e);
      all.add(e, r);
      after.add(e, r);
    }
    all.check(loop.stats(), "loop, seed " + seed);

    for (int batchSize : new int[] {1, 4}) {
      for (boolean withEach : new boolean[] {false, true}) {
        String context = "batch size " + batchSize + ", each " + withEach + ", seed " + seed;
        Clientele c = builder(batchSize).build();
        IngestStats one = withEach ? c.ingestAll(first, r -> { }) : c.ingestAll(first);
        eraseAnn(c);
        IngestStats two = withEach ? c.ingestAll(rest, r -> { }) : c.ingestAll(rest);
        before.check(one, context + ", before the erasure");
        after.check(two, context + ", after the erasure");
        assertThat(c.stats().details()).as(context).isEqualTo(loop.stats().details());
      }
    }
  }
}
