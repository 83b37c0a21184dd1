package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A thread's {@link InMemoryStorage#ownedProfiles} read leaves the slots and profile cells it
 * found for its next commit, which uses them instead of looking them up again. They are hints:
 * when another thread changed the owner or the profile between the read and the commit, the
 * commit must conflict exactly as if it had looked everything up under its locks, and change
 * nothing (no profile written, no identifier moved, no event stored). The other thread's commit
 * runs to its end between the read and the commit (joined), so the interleaving is fixed.
 */
class InMemoryStorageStaleHintsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Identifier X = Identifier.of(IdentifierType.CUSTOMER_ID, "c-x");
  private static final Identifier Y = Identifier.of(IdentifierType.EMAIL, "y@example.com");
  private static final ProfileId P = ProfileId.of("p-1");
  private static final ProfileId Q = ProfileId.of("p-2");

  @Test
  void commit_ownerChangedByAnotherThreadAfterTheRead_conflictsAndChangesNothing() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.commit(Commit.builder().putProfile(profile(P, 1), 0).assign(X, Optional.empty(), P).build());
    storage.commit(Commit.builder().putProfile(profile(Q, 1), 0).build());
    OwnedProfiles read = storage.ownedProfiles(List.of(X, Y)); // the hints: X's slot, owned by P; P's cell
    assertThat(read.owners()).containsEntry(X, P);

    runInAnotherThread(() -> storage.commit(Commit.builder().assign(X, Optional.of(P), Q).build()));

    // Computed from the read: X still on P, Y new to P.
    Commit stale = Commit.builder()
        .putProfile(profile(P, 2), 1)
        .assign(Y, Optional.empty(), P)
        .assign(X, Optional.of(P), P)
        .append(new StoredEvent(event("e-1", X, Y), Y))
        .build();
    assertThatThrownBy(() -> storage.commit(stale))
        .isInstanceOf(CommitConflictException.class)
        .hasMessage("identifier " + X + " is owned by p-2, expected p-1");

    assertThat(storage.owner(X)).contains(Q);
    assertThat(storage.owner(Y)).isEmpty();
    assertThat(storage.profile(P)).map(Profile::version).contains(1L);
    assertThat(storage.containsEvent("e-1")).isFalse();
    assertThat(storage.eventCount()).isZero();
  }

  @Test
  void commit_profileWrittenByAnotherThreadAfterTheRead_conflictsAndChangesNothing() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.commit(Commit.builder().putProfile(profile(P, 1), 0).assign(X, Optional.empty(), P).build());
    assertThat(storage.ownedProfiles(List.of(X, Y)).profiles()).containsKey(P); // remembers P's cell at version 1

    runInAnotherThread(() -> storage.commit(Commit.builder().putProfile(profile(P, 2), 1).build()));

    Commit stale = Commit.builder()
        .putProfile(profile(P, 2), 1)
        .assign(Y, Optional.empty(), P)
        .append(new StoredEvent(event("e-1", X, Y), X))
        .build();
    assertThatThrownBy(() -> storage.commit(stale))
        .isInstanceOf(CommitConflictException.class)
        .hasMessage("profile p-1 is at version 2, expected 1");

    assertThat(storage.owner(Y)).isEmpty();
    assertThat(storage.containsEvent("e-1")).isFalse();
    assertThat(storage.events(List.of(X))).isEmpty();
  }

  @Test
  void commit_profileDeletedByAnotherThreadAfterTheRead_conflicts() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.commit(Commit.builder().putProfile(profile(P, 1), 0).assign(X, Optional.empty(), P).build());
    assertThat(storage.ownedProfiles(List.of(X)).profiles()).containsKey(P);

    runInAnotherThread(() -> storage.commit(Commit.builder().deleteProfile(P, 1).unassign(X, P).build()));

    assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(profile(P, 2), 1).append(new StoredEvent(event("e-1", X), X)).build()))
        .isInstanceOf(CommitConflictException.class)
        .hasMessage("profile p-1 is at version 0, expected 1");
    assertThat(storage.profile(P)).isEmpty();
    assertThat(storage.containsEvent("e-1")).isFalse();
  }

  private static void runInAnotherThread(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    ThreadStates.joined(t);
  }

  private static Profile profile(ProfileId id, long version) {
    return Profile.builder(id, T0).version(version).build();
  }

  private static Event event(String id, Identifier... anchors) {
    Event.Builder b = Event.builder(id, "pageview", T0);
    for (Identifier a : anchors) {
      b.identifier(a);
    }
    return b.build();
  }
}
