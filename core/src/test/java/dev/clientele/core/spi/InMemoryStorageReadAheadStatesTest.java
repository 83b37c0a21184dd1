package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link InMemoryStorage#readAhead} reads, of each owner's profile, only the identifier states of
 * the group's identifiers that the profile holds: what resolving and applying the events read
 * later. Counted by the thread's read-ahead counter of states read, not by timing.
 */
class InMemoryStorageReadAheadStatesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A store with one profile {@code id} holding {@code ids}, each linked to it. */
  private static void store(InMemoryStorage storage, ProfileId id, List<Identifier> ids) {
    Profile.Builder b = Profile.builder(id, T0);
    for (int i = 0; i < ids.size(); i++) {
      b.putIdentifier(IdentifierState.firstSeen(ids.get(i), T0.plusSeconds(i), true, "test"));
    }
    Commit.Builder c = Commit.builder().putProfile(b.version(1).build(), 0);
    ids.forEach(x -> c.assign(x, Optional.empty(), id));
    storage.commit(c.build());
  }

  private static List<Identifier> identifiers(String prefix, int n) {
    List<Identifier> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      IdentifierType type = switch (i % 3) {
        case 0 -> IdentifierType.EMAIL;
        case 1 -> IdentifierType.ANONYMOUS_ID;
        default -> IdentifierType.CUSTOMER_ID;
      };
      ids.add(Identifier.of(type, prefix + i + (type == IdentifierType.EMAIL ? "@example.com" : "")));
    }
    return ids;
  }

  @Test
  void readAhead_profileWithManyIdentifiers_readsOnlyTheNamedStates() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> many = identifiers("m", 30);
    store(storage, ProfileId.of("p-many"), many);
    long before = InMemoryStorage.lookaheadStatesRead();

    storage.readAhead(List.of(many.get(3), many.get(17)), List.of("e-1"));

    assertThat(InMemoryStorage.lookaheadStatesRead() - before).isEqualTo(2);
    assertThat(InMemoryStorage.lookaheadReferences()).isZero();
  }

  @Test
  void readAhead_groupOverSeveralProfiles_readsEachNamedStateOnce() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> a = identifiers("a", 20);
    List<Identifier> b = identifiers("b", 12);
    store(storage, ProfileId.of("p-a"), a);
    store(storage, ProfileId.of("p-b"), b);
    Identifier unknown = Identifier.of(IdentifierType.EMAIL, "nobody@example.com");
    // Neighbours of one owner, an unknown identifier, the other owner, the first owner again.
    List<Identifier> group = List.of(a.get(0), a.get(1), unknown, b.get(5), a.get(19));
    long before = InMemoryStorage.lookaheadStatesRead();

    storage.readAhead(group, List.of());

    assertThat(InMemoryStorage.lookaheadStatesRead() - before).isEqualTo(4);
    assertThat(InMemoryStorage.lookaheadReferences()).isZero();
  }

  @Test
  void readAhead_identifierLinkedButNotInItsOwnersProfile_readsNoState() {
    // A slot owned by a profile that does not hold the identifier (as between two commits of a
    // host's own backend-like sequence): the search finds nothing and reads no state.
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> held = identifiers("h", 5);
    ProfileId id = ProfileId.of("p-h");
    store(storage, id, held);
    Identifier stray = Identifier.of(IdentifierType.CUSTOMER_ID, "stray");
    storage.commit(Commit.builder().assign(stray, Optional.empty(), id).build());
    long before = InMemoryStorage.lookaheadStatesRead();

    storage.readAhead(List.of(stray, held.get(2)), List.of());

    assertThat(InMemoryStorage.lookaheadStatesRead() - before).isEqualTo(1);
    assertThat(storage.owner(stray)).contains(id);
  }
}
