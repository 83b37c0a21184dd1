package dev.clientele;

import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.identifiersOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A merge that a split undid cannot be split again once its profiles were merged again: the
 * later merge is the one to split. Regression for a failure of {@link ConcurrencyHuntPropertiesTest}
 * (a merge record whose absorbed profile existed again, undone by no split), which a sequential
 * history reproduces: forced merge, split, the restored profile gains an identifier, forced merge
 * again, split of the first merge. That second split of the first merge restored the profile with
 * only the identifiers it had at the first merge, left the rest with the other profile, and left
 * the second merge undone by nothing, and no longer splittable, while its absorbed profile existed.
 */
class SplitOfUndoneMergeTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  private ProfileId ingest(String id, long minute, Identifier... identifiers) {
    var b = event(id, "pageview", minute);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    IngestResult r = clientele.ingest(b.build());
    assertThat(r.outcome()).as("outcome of %s", id).isEqualTo(Outcome.APPLIED);
    return r.profile().orElseThrow();
  }

  /** The forced merge of {@code a} and {@code b} logged last for the merged profile. */
  private MergeRecord forceMerge(ProfileId a, ProfileId b) {
    Profile merged = clientele.merge(a, b, "same person");
    List<MergeRecord> log = clientele.mergeLog(merged.id());
    MergeRecord last = log.get(log.size() - 1);
    assertThat(last.kind()).isEqualTo(MergeRecord.Kind.FORCED_MERGE);
    return last;
  }

  @Test
  void split_ofAMergeUndoneAndMergedAgain_isRefused_andTheLaterMergeSplitsThem() {
    ProfileId ann = ingest("ann-1", 0, email("ann@example.com"));
    ProfileId bob = ingest("bob-1", 1, email("bob@example.com"));
    MergeRecord first = forceMerge(ann, bob);
    ProfileId absorbed = first.sides().get(0).id();
    clientele.split(first.id(), "not the same person");
    // The restored profile gains an identifier, then the two are merged again.
    Identifier gained = absorbed.equals(bob) ? customerId("c-bob") : customerId("c-ann");
    Identifier own = absorbed.equals(bob) ? email("bob@example.com") : email("ann@example.com");
    assertThat(ingest("gain", 2, own, gained)).isEqualTo(absorbed);
    Identifier survivorsOwn = absorbed.equals(bob) ? email("ann@example.com") : email("bob@example.com");
    // Updated last, the survivor of the first merge survives the second too.
    assertThat(ingest("touch", 3, survivorsOwn)).isEqualTo(first.profile());
    MergeRecord second = forceMerge(ann, bob);
    assertThat(second.sides().get(0).id()).isEqualTo(absorbed);

    assertThatIllegalStateException().isThrownBy(() -> clientele.split(first.id(), "again"))
        .withMessageContaining("undone already");
    assertThat(clientele.profile(absorbed)).isEmpty();

    SplitResult s = clientele.split(second.id(), "still not the same person");
    assertThat(s.restored()).singleElement().satisfies(p -> {
      assertThat(p.id()).isEqualTo(absorbed);
      assertThat(identifiersOf(p)).containsExactlyInAnyOrder(own, gained);
    });
    // Every merge whose absorbed profile exists again is undone by a split on record.
    Set<String> undone = new HashSet<>();
    clientele.storage().forEachMergeRecord(r -> r.undoes().ifPresent(undone::add));
    assertThat(undone).containsExactlyInAnyOrder(first.id(), second.id());
    assertThat(clientele.mergeLog(absorbed).stream().filter(r -> r.kind() == MergeRecord.Kind.SPLIT)
        .map(MergeRecord::undoes).toList()).containsExactly(Optional.of(first.id()), Optional.of(second.id()));
  }
}
