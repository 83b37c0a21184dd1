package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The cost of {@link InMemoryStorage#splitsNaming}, which ingestion asks before every possible
 * merge: it must grow with the split records that name the identifiers asked about, not with the
 * merge log of the whole store. It used to walk every record of the log (hashing each one) to put
 * the records it found in commit order, so once one split existed anywhere, every automatic merge
 * of any profile cost a pass over all merges ever logged (about 21 ms an event beside 50 µs with
 * 100,000 merges logged). Work is counted, not timed: the records the lookup examined.
 */
class InMemoryStorageSplitLookupHuntTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void splitsNaming_aLongLogOfOtherMerges_examinesOnlyTheSplitsOfTheIdentifiers() {
    InMemoryStorage storage = new InMemoryStorage();
    logMerges(storage, 0, 3_000);
    MergeRecord first = split("s-1", "ann", "bob");
    storage.commit(Commit.builder().logMerge(first).build());
    logMerges(storage, 3_000, 3_000);
    MergeRecord other = split("s-2", "cat", "dan");
    MergeRecord second = split("s-3", "bob", "eve");
    storage.commit(Commit.builder().logMerge(other).logMerge(second).build());
    logMerges(storage, 6_000, 3_000);

    LongAdder examined = new LongAdder();
    storage.splitRecordsExamined = examined;
    List<MergeRecord> found = storage.splitsNaming(List.of(email("eve"), email("ann"), email("bob")));

    assertThat(found).as("in commit order, each once").containsExactly(first, second);
    assertThat(examined.sum()).as("records examined: those indexed under the three identifiers, not the log's 9,003")
        .isEqualTo(4); // ann: s-1; bob: s-1, s-3; eve: s-3
  }

  @Test
  void splitsNaming_afterRedactionAndErasure_keepsCommitOrderAndForgetsErasedSplits() {
    InMemoryStorage storage = new InMemoryStorage();
    MergeRecord first = split("s-1", "ann", "bob");
    MergeRecord second = split("s-2", "bob", "cat");
    MergeRecord third = split("s-3", "ann", "cat");
    storage.commit(Commit.builder().logMerge(first).build());
    storage.commit(Commit.builder().logMerge(second).logMerge(third).build());
    assertThat(storage.splitOrderEntries()).isEqualTo(3);

    MergeRecord redacted = first.without(List.of(email("bob")));
    storage.commit(Commit.builder().redactMergeRecord(redacted).build());
    assertThat(storage.splitsNaming(List.of(email("cat"), email("ann")))).containsExactly(redacted, second, third);

    storage.commit(Commit.builder().eraseMergeRecords(profile("bob")).build()); // s-1 and s-2 name p-bob
    assertThat(storage.splitsNaming(List.of(email("cat"), email("ann"), email("bob")))).containsExactly(third);
    assertThat(storage.splitOrderEntries()).as("an erased split leaves nothing behind").isEqualTo(1);
  }

  /** Logs {@code n} merges of unrelated people, numbered from {@code from}, ten to a commit. */
  private static void logMerges(InMemoryStorage storage, int from, int n) {
    for (int i = from; i < from + n; i += 10) {
      Commit.Builder commit = Commit.builder();
      for (int k = i; k < Math.min(from + n, i + 10); k++) {
        commit.logMerge(new MergeRecord("m-" + k, MergeRecord.Kind.MERGE, T0, profile("k" + k),
            List.of(new MergeRecord.Side(profile("l" + k), java.util.Set.of(email("l" + k)), List.of())),
            Optional.of("e-" + k), List.of(email("l" + k)), Optional.empty(), "linked"));
      }
      storage.commit(commit.build());
    }
  }

  /** A split of {@code kept}'s profile giving {@code restored}'s profile back. */
  private static MergeRecord split(String id, String kept, String restored) {
    return new MergeRecord(id, MergeRecord.Kind.SPLIT, T0, profile(kept),
        List.of(new MergeRecord.Side(profile(restored), java.util.Set.of(email(restored)), List.of())),
        Optional.empty(), List.of(email(kept)), Optional.of("m-undone"), "operator");
  }

  private static ProfileId profile(String name) {
    return new ProfileId("p-" + name);
  }

  private static Identifier email(String name) {
    return Identifier.of(IdentifierType.EMAIL, name + "@example.com");
  }
}
