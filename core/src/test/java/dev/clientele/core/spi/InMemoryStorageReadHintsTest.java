package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a thread's {@link InMemoryStorage#ownedProfiles} read leaves for its next commit (the slots
 * it found, by identifier object): only hints, so a commit after the slot left its table, or
 * into another store, or after a read of more identifiers than the scratch remembers, still lands
 * on the live slots of its own store.
 */
class InMemoryStorageReadHintsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Identifier X = Identifier.of(IdentifierType.CUSTOMER_ID, "c-x");

  @Test
  void commit_afterAReadOfAnotherStore_usesItsOwnSlots() {
    InMemoryStorage a = new InMemoryStorage();
    InMemoryStorage b = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    a.commit(create(p).assign(X, Optional.empty(), p).append(event("e-a1", X)).build());

    assertThat(a.ownedProfiles(List.of(X)).owners()).containsEntry(X, p); // remembers a's slot of X
    b.commit(create(p).assign(X, Optional.empty(), p).append(event("e-b1", X)).build());

    assertThat(a.events(List.of(X))).extracting(e -> e.event().id()).containsExactly("e-a1");
    assertThat(b.events(List.of(X))).extracting(e -> e.event().id()).containsExactly("e-b1");
    assertThat(b.owner(X)).contains(p);
  }

  @Test
  void aReadWhoseCollectionReadsAnotherStore_leavesNoHintForThatStore() {
    InMemoryStorage a = new InMemoryStorage();
    InMemoryStorage b = new InMemoryStorage();
    Identifier y = Identifier.of(IdentifierType.CUSTOMER_ID, "c-y");
    ProfileId p = ProfileId.of("p-1");
    a.commit(create(p).assign(X, Optional.empty(), p).append(event("e-a1", X)).build());
    // A lazy collection whose iteration reads store b (e.g. a view filtering through it).
    java.util.AbstractCollection<Identifier> ids = new java.util.AbstractCollection<>() {
      @Override
      public int size() {
        return 1;
      }

      @Override
      public java.util.Iterator<Identifier> iterator() {
        b.ownedProfiles(List.of(y));
        return List.of(X).iterator();
      }
    };

    assertThat(a.ownedProfiles(ids).owners()).containsEntry(X, p);
    b.commit(Commit.builder().append(event("e-b1", X)).build());

    assertThat(a.events(List.of(X))).extracting(e -> e.event().id()).containsExactly("e-a1");
    assertThat(a.eventCount()).isEqualTo(1);
    assertThat(b.events(List.of(X))).extracting(e -> e.event().id()).containsExactly("e-b1");
  }

  @Test
  void aCommitLeavesNoIdentifierOfItsReadInTheThread() {
    InMemoryStorage s = new InMemoryStorage();
    Identifier x = Identifier.of(IdentifierType.EMAIL, "alice@example.com");
    ProfileId p = ProfileId.of("p-1");
    s.commit(create(p).assign(x, Optional.empty(), p).append(event("e-1", x)).build());
    s.ownedProfiles(List.of(x));
    assertThat(InMemoryStorage.scratchRefersTo(x)).as("remembered for the commit").isTrue();

    s.commit(Commit.builder().deleteProfile(p, 1).unassign(x, p).eraseEvents(x).eraseMergeRecords(p).build());

    assertThat(s.owner(x)).isEmpty();
    assertThat(InMemoryStorage.scratchRefersTo(x)).as("an erased identifier is not kept by an idle thread").isFalse();
  }

  @Test
  void owners_leavesNoIdentifierOfItsReadInTheThread() {
    InMemoryStorage s = new InMemoryStorage();
    Identifier x = Identifier.of(IdentifierType.EMAIL, "alice@example.com");
    ProfileId p = ProfileId.of("p-1");
    s.commit(create(p).assign(x, Optional.empty(), p).append(event("e-1", x)).build());

    // What a gdpr_delete event does after erasing: read the owners once more; no commit follows.
    assertThat(s.owners(List.of(x))).containsEntry(x, p);

    assertThat(InMemoryStorage.scratchRefersTo(x)).as("no commit follows owners(): nothing kept for one").isFalse();
  }

  @Test
  void isTombstoned_found_dropsTheThreadsLastRead() {
    InMemoryStorage s = new InMemoryStorage();
    Identifier x = Identifier.of(IdentifierType.EMAIL, "alice@example.com");
    Identifier y = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
    ProfileId p = ProfileId.of("p-1");
    s.commit(create(p).assign(x, Optional.empty(), p).append(event("e-1", x)).build());
    s.commit(Commit.builder().deleteProfile(p, 1).unassign(x, p).eraseEvents(x).eraseMergeRecords(p).tombstone("t-x").build());

    // A replay of the erased value: read, then the tombstone check; the replay is refused, no commit.
    assertThat(s.ownedProfiles(new ArrayList<>(List.of(x))).owners()).isEmpty();
    assertThat(InMemoryStorage.scratchRefersTo(x)).isTrue();
    assertThat(s.isTombstoned("t-other")).isFalse();
    assertThat(InMemoryStorage.scratchRefersTo(x)).as("kept while no tombstone is found").isTrue();
    assertThat(s.isTombstoned("t-x")).isTrue();

    assertThat(InMemoryStorage.scratchRefersTo(x)).as("an erased person's replay is not kept by an idle thread").isFalse();
    // The hint is only a hint: a commit after it was dropped looks the identifiers up again.
    s.ownedProfiles(new ArrayList<>(List.of(y)));
    s.isTombstoned("t-x");
    ProfileId q = ProfileId.of("p-2");
    s.commit(create(q).assign(y, Optional.empty(), q).append(event("e-2", y)).build());
    assertThat(s.owner(y)).contains(q);
    assertThat(s.events(List.of(y))).extracting(e -> e.event().id()).containsExactly("e-2");
  }

  @Test
  void commit_afterTheReadSlotWasRemoved_appendsToTheNewSlot() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    ProfileId q = ProfileId.of("p-2");
    storage.commit(create(p).assign(X, Optional.empty(), p).build());
    Map<Identifier, ProfileId> read = storage.ownedProfiles(List.of(X)).owners(); // remembers X's slot
    assertThat(read).containsEntry(X, p);

    // X leaves p (its slot, without events, leaves the table), then another thread gives X to q.
    Thread other = new Thread(() -> {
      storage.commit(Commit.builder().unassign(X, p).build());
      storage.commit(create(q).assign(X, Optional.empty(), q).build());
    });
    other.start();
    join(other);
    storage.commit(Commit.builder().append(event("e-1", X)).build()); // the remembered slot is stale

    assertThat(storage.owner(X)).contains(q);
    assertThat(storage.events(List.of(X))).extracting(e -> e.event().id()).containsExactly("e-1");
    assertThat(storage.ownedProfiles(List.of(X)).owners()).containsEntry(X, q);
  }

  @Test
  void ownedProfiles_ofMoreIdentifiersThanRemembered_readsAndCommitsAllOfThem() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    List<Identifier> many = new ArrayList<>();
    Commit.Builder create = create(p);
    for (int i = 0; i < 3 * 64; i++) {
      Identifier id = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i);
      many.add(id);
      if (i % 2 == 0) {
        create.assign(id, Optional.empty(), p);
      }
    }
    storage.commit(create.build());

    OwnedProfiles read = storage.ownedProfiles(many);
    assertThat(read.owners()).hasSize(3 * 32);
    Commit.Builder next = Commit.builder().putProfile(profile(p, 2), 1);
    for (int i = 1; i < many.size(); i += 2) {
      next.assign(many.get(i), Optional.empty(), p);
    }
    storage.commit(next.append(event("e-1", many.get(many.size() - 1))).build());

    assertThat(storage.ownedProfiles(many).owners()).hasSize(3 * 64).containsValue(p);
    assertThat(storage.events(List.of(many.get(many.size() - 1)))).hasSize(1);
  }

  private static void join(Thread t) {
    ThreadStates.joined(t);
  }

  private static Commit.Builder create(ProfileId id) {
    return Commit.builder().putProfile(profile(id, 1), 0);
  }

  private static Profile profile(ProfileId id, long version) {
    return Profile.builder(id, T0).version(version).build();
  }

  private static StoredEvent event(String id, Identifier anchor) {
    return new StoredEvent(Event.builder(id, "pageview", T0).identifier(anchor).build(), anchor);
  }
}
