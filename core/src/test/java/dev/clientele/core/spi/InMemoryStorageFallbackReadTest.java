package dev.clientele.core.spi;

import static dev.clientele.core.spi.ThreadStates.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A multi-key read whose optimistic attempts keep failing reads under the locks of just the
 * stripes it needs: while it waits for one stripe, commits to other stripes go on (reading under
 * the locks of all stripes, taken in ascending order, it held every stripe below the one it
 * waited for, and blocked commits there). And what it returns is the state after the commit it
 * waited for.
 */
class InMemoryStorageFallbackReadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  @Timeout(30)
  void ownedProfiles_waitingForOneStripe_blocksNoCommitToAnotherStripe() throws Exception {
    InMemoryStorage storage = new InMemoryStorage();
    // An identifier and a profile in one stripe s > 0, and a profile in a stripe below it.
    int s = 40;
    Identifier a = identifierIn(s);
    ProfileId x = profileIdIn(s);
    ProfileId y = profileIdIn(3);
    storage.commit(Commit.builder().putProfile(profile(x, a, 1), 0).assign(a, Optional.empty(), x).build());

    Object gate = new Object();
    storage.afterProfileWrites = () -> {
      if (Thread.currentThread().getName().equals("writer")) {
        synchronized (gate) { // holds stripe s while the test holds the gate
          assertThat(gate).isNotNull();
        }
      }
    };
    Commit update = Commit.builder().putProfile(profile(x, a, 2), 1).build();
    Thread writer = new Thread(() -> storage.commit(update), "writer");
    AtomicReference<OwnedProfiles> read = new AtomicReference<>();
    Thread reader = new Thread(() -> read.set(storage.ownedProfiles(List.of(a))), "reader");
    synchronized (gate) {
      writer.start();
      awaitState(writer, Thread.State.BLOCKED); // stripe s write-locked, version 2 being applied
      reader.start();
      awaitState(reader, Thread.State.WAITING); // its optimistic attempts failed: it waits for s
      // A commit to another stripe goes through meanwhile.
      CompletableFuture<Void> other = CompletableFuture.runAsync(
          () -> storage.commit(Commit.builder().putProfile(profile(y, null, 1), 0).build()));
      other.get(10, TimeUnit.SECONDS);
      assertThat(reader.isAlive()).as("reader still waiting for the paused commit").isTrue();
    }
    writer.join();
    reader.join();
    assertThat(read.get().owners()).containsEntry(a, x);
    assertThat(read.get().profile(x)).map(Profile::version).contains(2L);
    assertThat(storage.profile(y)).isPresent();
  }

  private static Identifier identifierIn(int stripe) {
    for (int i = 0; ; i++) {
      Identifier id = Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i);
      if (InMemoryStorage.stripeOf(id) == stripe) {
        return id;
      }
    }
  }

  private static ProfileId profileIdIn(int stripe) {
    for (int i = 0; ; i++) {
      ProfileId id = ProfileId.of("p-" + i);
      if (InMemoryStorage.stripeOf(id) == stripe) {
        return id;
      }
    }
  }

  private static Profile profile(ProfileId id, Identifier x, long version) {
    Profile.Builder b = Profile.builder(id, T0).version(version);
    if (x != null) {
      b.putIdentifier(IdentifierState.firstSeen(x, T0, true, "test"));
    }
    return b.build();
  }
}
