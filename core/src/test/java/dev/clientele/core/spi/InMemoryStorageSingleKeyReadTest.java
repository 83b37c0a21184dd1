package dev.clientele.core.spi;

import static dev.clientele.core.spi.ThreadStates.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The single-key reads of {@link InMemoryStorage} ({@code profile}, {@code owner}) against a
 * commit caught half-applied. The storage contract makes commits linearizable: once a thread has
 * seen a commit, its later reads see it too. A commit is stopped deterministically in the middle
 * of applying by the store's test hook, run after a commit wrote its profiles and before it moves
 * any identifier, here made to wait for a monitor the test holds.
 */
class InMemoryStorageSingleKeyReadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  @Timeout(20)
  void profileThenOwner_duringACommitWritingBoth_neverSeeOnlyPartOfIt() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    Identifier a = Identifier.of(IdentifierType.CUSTOMER_ID, "c-a");
    Identifier b = Identifier.of(IdentifierType.CUSTOMER_ID, "c-b");
    ProfileId x = ProfileId.of("p-x");
    ProfileId y = ProfileId.of("p-y");
    storage.commit(Commit.builder().putProfile(profile(x, a, 1), 0).assign(a, Optional.empty(), x).build());
    // One commit: X to version 2, a new profile Y, and b assigned to Y (written in this order).
    Commit both = Commit.builder()
        .putProfile(profile(x, a, 2), 1)
        .putProfile(profile(y, b, 1), 0)
        .assign(b, Optional.empty(), y)
        .build();

    AtomicReference<Optional<Profile>> sawX = new AtomicReference<>();
    AtomicReference<Optional<ProfileId>> sawOwnerOfB = new AtomicReference<>();
    Thread writer = new Thread(() -> storage.commit(both), "writer");
    Thread reader = new Thread(() -> {
      sawX.set(storage.profile(x));
      sawOwnerOfB.set(storage.owner(b));
    }, "reader");
    Object gate = new Object();
    storage.afterProfileWrites = () -> {
      synchronized (gate) { // blocks the commit while the test holds the gate
        assertThat(gate).isNotNull();
      }
    };
    synchronized (gate) {
      writer.start();
      awaitState(writer, Thread.State.BLOCKED); // X written, Y created, b not assigned yet
      reader.start();
      // The reader either finishes (reading the half-applied state) or waits for the commit.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (reader.isAlive() && reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
    writer.join();
    reader.join();

    assertThat(sawX.get()).isPresent();
    if (sawX.get().get().version() == 2) { // the reader saw the commit: its next read must too
      assertThat(sawOwnerOfB.get()).as("owner of b after seeing X at version 2").contains(y);
    }
  }

  /**
   * Tombstones are read like other keys: a reader that has seen one tombstone of a commit sees
   * the commit's other tombstones, and the count never shows part of a commit (each commit here
   * adds two, so it is always even). Without stripe locks on tombstones a read between the two
   * adds saw one of them; the window is short, so this is a stress test over many commits.
   */
  @Test
  @Timeout(30)
  void tombstones_ofOneCommit_areSeenTogether() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    int commits = 20_000;
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<String> problems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread writer = new Thread(() -> {
      for (int i = 0; i < commits; i++) {
        storage.commit(Commit.builder().tombstone("a-" + i).tombstone("b-" + i).build());
        written.set(i + 1);
      }
    }, "writer");
    Thread reader = new Thread(() -> {
      while (written.get() < commits && problems.isEmpty()) {
        int i = written.get(); // the commit being written now, most likely
        if (storage.isTombstoned("a-" + i) && !storage.isTombstoned("b-" + i)) {
          problems.add("saw a-" + i + " without b-" + i);
        }
        long n = storage.tombstoneCount();
        if (n % 2 != 0) {
          problems.add("odd tombstone count " + n);
        }
      }
    }, "reader");
    writer.start();
    reader.start();
    writer.join();
    reader.join();

    assertThat(problems).isEmpty();
    assertThat(storage.tombstoneCount()).isEqualTo(2L * commits);
  }

  private static Profile profile(ProfileId id, Identifier x, long version) {
    return Profile.builder(id, T0).putIdentifier(IdentifierState.firstSeen(x, T0, true, "test"))
        .version(version).build();
  }
}
