package dev.clientele.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Erasure} after a split reads the other people's profiles after the erased one's; a
 * concurrent merge or split in between can make such a profile list an identifier the erased one
 * listed too. The erasure must not then hand events to that person through the erased identifier:
 * doing so stripped an event of all its identifiers and threw {@link IllegalArgumentException}
 * ("event must have at least one identifier") instead of retrying, seen once in
 * {@code ConcurrencyHuntPropertiesTest} under load. Here the stale read is a stored state in which
 * B lists Ann's address, which the index gives to A.
 */
class ErasureStaleReadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Identifier BOB = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
  private static final ProfileId A = ProfileId.of("p-a");
  private static final ProfileId B = ProfileId.of("p-b");

  @Test
  void erase_whenAnotherSideOfASplitAlsoListsAnErasedIdentifier_erasesItsEventsInsteadOfFailing() {
    InMemoryStorage storage = new InMemoryStorage();
    Profile a = Profile.builder(A, T0).version(1).putIdentifier(IdentifierState.firstSeen(ANN, T0, true, "test")).build();
    Profile b = Profile.builder(B, T0).version(1).putIdentifier(IdentifierState.firstSeen(BOB, T0, true, "test"))
        .putIdentifier(IdentifierState.firstSeen(ANN, T0, true, "test")).build();
    Event annOnly = Event.builder("e-1", "page_view", T0).identifier(ANN).build();
    Event both = Event.builder("e-2", "page_view", T0.plusSeconds(1)).identifier(BOB).identifier(ANN).build();
    storage.commit(Commit.builder().putProfile(a, 0).assign(ANN, Optional.empty(), A).putProfile(b, 0)
        .assign(BOB, Optional.empty(), B).append(new StoredEvent(annOnly, ANN)).append(new StoredEvent(both, BOB))
        .logMerge(new MergeRecord("s-1", MergeRecord.Kind.SPLIT, T0, A, List.of(new MergeRecord.Side(B, Set.of(BOB), List.of())),
            Optional.empty(), List.of(ANN), Optional.empty(), "split by an operator"))
        .build());

    new Erasure(storage, ErasurePolicy.defaults()).erase(A);

    assertThat(storage.profile(A)).isEmpty();
    assertThat(storage.containsEvent("e-1")).isFalse();
    assertThat(storage.events(List.of(BOB))).extracting(st -> st.event().identifiers()).containsExactly(List.of(BOB));
  }
}
