package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lookups a commit makes before locking live in a per-thread object reused by the thread's
 * commits: nothing of one commit may leak into the next (a failed one included), a commit from
 * inside a commit must get lookups of its own, and no cell or slot stays referenced afterwards.
 */
class InMemoryStorageCommitLookupsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Identifier email(String local) {
    return Identifier.of(IdentifierType.EMAIL, local + "@example.com");
  }

  static Profile profile(ProfileId id, long version, Identifier... held) {
    Profile.Builder b = Profile.builder(id, T0).version(version);
    for (Identifier x : held) {
      b.putIdentifier(IdentifierState.firstSeen(x, T0, true, "test"));
    }
    return b.build();
  }

  static StoredEvent event(String id, Identifier anchor) {
    return new StoredEvent(Event.builder(id, "pageview", T0).identifier(anchor).build(), anchor);
  }

  @Test
  void commit_afterFailedValidation_nextCommitSeesNothingOfIt() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    ProfileId q = ProfileId.of("p-2");
    Identifier a = email("a");
    Identifier b = email("b");
    Identifier c = email("c");
    storage.commit(Commit.builder().putProfile(profile(p, 1, a, b), 0)
        .assign(a, Optional.empty(), p).assign(b, Optional.empty(), p).append(event("e-1", a)).build());
    assertThat(InMemoryStorage.lookupsHeld()).isFalse();

    // A larger commit (more index writes and appends than the first) that fails validation:
    // its expected version is wrong.
    Commit stale = Commit.builder().putProfile(profile(p, 5, a, b, c), 4)
        .assign(c, Optional.empty(), p).append(event("e-2", a)).append(event("e-3", b)).append(event("e-4", c)).build();
    assertThatThrownBy(() -> storage.commit(stale)).isInstanceOf(CommitConflictException.class);
    assertThat(InMemoryStorage.lookupsHeld()).as("a failed commit leaves nothing referenced").isFalse();

    // A smaller commit on the same thread, about other keys: applied exactly as written, none of
    // the failed commit's appends or index writes carried along.
    storage.commit(Commit.builder().putProfile(profile(q, 1, c), 0).assign(c, Optional.empty(), q)
        .append(event("e-5", c)).build());
    assertThat(InMemoryStorage.lookupsHeld()).isFalse();
    assertThat(storage.owner(c)).contains(q);
    assertThat(storage.owner(a)).contains(p);
    assertThat(storage.profile(p)).map(Profile::version).contains(1L);
    assertThat(storage.containsEvent("e-2")).isFalse();
    assertThat(storage.containsEvent("e-3")).isFalse();
    assertThat(storage.containsEvent("e-4")).isFalse();
    assertThat(storage.containsEvent("e-5")).isTrue();
    assertThat(storage.eventCount()).isEqualTo(2);
  }

  @Test
  void commit_fromInsideACommit_getsLookupsOfItsOwn() {
    InMemoryStorage outer = new InMemoryStorage();
    InMemoryStorage inner = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    ProfileId q = ProfileId.of("p-2");
    Identifier a = email("a");
    Identifier b = email("b");
    Identifier c = email("c");
    Identifier d = email("d");
    outer.afterProfileWrites = () -> {
      outer.afterProfileWrites = null; // once
      // On the same thread, while the outer commit is between its profile writes and its index
      // writes: a commit to another store, with more of every part than the outer one.
      inner.commit(Commit.builder().putProfile(profile(q, 1, c, d), 0)
          .assign(c, Optional.empty(), q).assign(d, Optional.empty(), q)
          .append(event("i-1", c)).append(event("i-2", d)).append(event("i-3", c)).build());
    };
    outer.commit(Commit.builder().putProfile(profile(p, 1, a, b), 0)
        .assign(a, Optional.empty(), p).assign(b, Optional.empty(), p).append(event("o-1", b)).build());

    assertThat(InMemoryStorage.lookupsHeld()).isFalse();
    assertThat(outer.owners(List.of(a, b, c, d))).containsOnlyKeys(a, b).containsValues(p);
    assertThat(inner.owners(List.of(a, b, c, d))).containsOnlyKeys(c, d).containsValues(q);
    assertThat(outer.containsEvent("o-1")).isTrue();
    assertThat(outer.eventCount()).isEqualTo(1);
    assertThat(inner.eventCount()).isEqualTo(3);
    assertThat(outer.events(List.of(b)).stream().map(e -> e.event().id()).toList()).containsExactly("o-1");
    assertThat(inner.events(List.of(c)).stream().map(e -> e.event().id()).toList()).containsExactlyInAnyOrder("i-1", "i-3");
  }

  private static Identifier[] emails(String prefix, int n) {
    Identifier[] out = new Identifier[n];
    for (int i = 0; i < n; i++) {
      out[i] = email(prefix + i);
    }
    return out;
  }

  /** A commit giving each of {@code held} to {@code p}, with one event (id {@code eventPrefix + i}) each. */
  private static Commit.Builder assignedWithEvents(ProfileId p, Identifier[] held, String eventPrefix) {
    Commit.Builder b = Commit.builder();
    for (int i = 0; i < held.length; i++) {
      b.assign(held[i], Optional.empty(), p).append(event(eventPrefix + i, held[i]));
    }
    return b;
  }

  @Test
  void commit_largerThanKept_arraysLetGo_nextCommitsStillRight() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    Identifier[] held = emails("y", 200);
    Commit.Builder big = assignedWithEvents(p, held, "b-");
    storage.commit(big.putProfile(profile(p, 1, held), 0).build());
    assertThat(InMemoryStorage.lookupsCapacity()).as("a 200-part commit's arrays are not kept").isLessThanOrEqualTo(64);
    assertThat(InMemoryStorage.lookupsHeld()).isFalse();
    assertThat(storage.owners(List.of(held))).hasSize(200);
    assertThat(storage.eventCount()).isEqualTo(200);
    storage.commit(Commit.builder().putProfile(profile(p, 2, held), 1).append(event("b-200", held[199])).build());
    assertThat(storage.profile(p)).map(Profile::version).contains(2L);
    assertThat(storage.containsEvent("b-200")).isTrue();
  }

  @Test
  void commit_manyParts_growsTheLookupsAndKeepsNothing() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    Identifier[] held = emails("x", 20);
    Commit.Builder first = assignedWithEvents(p, held, "e-");
    storage.commit(first.putProfile(profile(p, 1, held), 0).build());
    assertThat(InMemoryStorage.lookupsHeld()).isFalse();
    assertThat(storage.owners(List.of(held))).hasSize(20);
    assertThat(storage.eventCount()).isEqualTo(20);
    // Then a one-part commit on the grown lookups.
    storage.commit(Commit.builder().append(event("e-20", held[3])).build());
    assertThat(InMemoryStorage.lookupsHeld()).isFalse();
    assertThat(storage.events(List.of(held[3])).stream().map(e -> e.event().id()).toList()).containsExactlyInAnyOrder("e-3", "e-20");
  }

  @Test
  void ownedProfiles_immutableListReadInPlace_sameAnswerAsACopiedCollection() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> held = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      held.add(email("h" + i));
    }
    for (int p = 0; p < 8; p++) { // 8 profiles of 10 identifiers each
      ProfileId id = ProfileId.of("p-" + p);
      Commit.Builder c = Commit.builder().putProfile(profile(id, 1, held.subList(10 * p, 10 * p + 10).toArray(new Identifier[0])), 0);
      for (Identifier x : held.subList(10 * p, 10 * p + 10)) {
        c.assign(x, Optional.empty(), id);
      }
      storage.commit(c.build());
    }
    for (int size : new int[] {0, 1, 2, 3, 9, 30, 70, 100}) {
      List<Identifier> ask = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ask.add(i % 3 == 2 ? email("absent" + i) : held.get((7 * i) % held.size()));
        if (i % 5 == 4) {
          ask.add(ask.get(0)); // asked twice
        }
      }
      OwnedProfiles copied = storage.ownedProfiles(new ArrayList<>(ask));
      OwnedProfiles inPlace = storage.ownedProfiles(ImmutableList.copyOf(ask));
      assertThat(inPlace).as("%s identifiers", size).isEqualTo(copied);
      assertThat(List.copyOf(inPlace.owners().keySet())).isEqualTo(List.copyOf(copied.owners().keySet()));
      assertThat(inPlace.owners()).hasSize((int) ask.stream().distinct().filter(held::contains).count());
    }
  }

  @Test
  void ownedProfiles_oneOwner_severalOwners_ownerWithoutProfile_asMapsOfTheirEntries() {
    InMemoryStorage storage = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    ProfileId q = ProfileId.of("p-2");
    ProfileId orphan = ProfileId.of("p-3"); // owns an identifier, has no profile
    Identifier a = email("a");
    Identifier b = email("b");
    Identifier c = email("c");
    Identifier d = email("d");
    storage.commit(Commit.builder().putProfile(profile(p, 1, a, b), 0).assign(a, Optional.empty(), p).assign(b, Optional.empty(), p).build());
    storage.commit(Commit.builder().putProfile(profile(q, 1, c), 0).assign(c, Optional.empty(), q).build());
    storage.commit(Commit.builder().assign(d, Optional.empty(), orphan).build());
    Profile pp = storage.profile(p).orElseThrow();
    Profile qq = storage.profile(q).orElseThrow();

    OwnedProfiles one = storage.ownedProfiles(ImmutableList.of(a, b));
    assertThat(one.profiles()).isEqualTo(java.util.Map.of(p, pp));
    assertThat(one.profiles().get(null)).isNull();
    assertThat(one.missingProfile()).isEmpty();

    OwnedProfiles two = storage.ownedProfiles(ImmutableList.of(a, c, b));
    assertThat(List.copyOf(two.profiles().keySet())).containsExactly(p, q); // in the order read
    assertThat(two.profiles()).isEqualTo(java.util.Map.of(p, pp, q, qq));

    OwnedProfiles none = storage.ownedProfiles(ImmutableList.of(d));
    assertThat(none.owners()).isEqualTo(java.util.Map.of(d, orphan));
    assertThat(none.profiles()).isEmpty();
    assertThat(none.profiles().get(null)).isNull();
    assertThat(none.missingProfile()).contains(orphan);

    OwnedProfiles mixed = storage.ownedProfiles(ImmutableList.of(d, c));
    assertThat(mixed.profiles()).isEqualTo(java.util.Map.of(q, qq));
    assertThat(mixed.missingProfile()).contains(orphan);
  }
}
