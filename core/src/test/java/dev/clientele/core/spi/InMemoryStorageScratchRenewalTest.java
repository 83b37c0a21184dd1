package dev.clientele.core.spi;

import static dev.clientele.core.spi.InMemoryStorageCommitLookupsTest.email;
import static dev.clientele.core.spi.InMemoryStorageCommitLookupsTest.event;
import static dev.clientele.core.spi.InMemoryStorageCommitLookupsTest.profile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-thread scratch of reads, commits and read-ahead is replaced every few dozen uses (to stay in
 * the young generation): across those replacements reads and commits land right, nested commits into
 * another store work, and nothing of an erased identifier stays in the thread.
 */
class InMemoryStorageScratchRenewalTest {

  /** A store holding one profile {@code p} with {@code x} and {@code y}, at version 1. */
  private static InMemoryStorage storeHolding(ProfileId p, Identifier x, Identifier y) {
    InMemoryStorage s = new InMemoryStorage();
    s.commit(Commit.builder().putProfile(profile(p, 1, x, y), 0).assign(x, Optional.empty(), p)
        .assign(y, Optional.empty(), p).build());
    return s;
  }

  /** 300 read-then-commit rounds (several renewals), with nested commits into another store at and around the boundary. */
  @Test
  void readThenCommit_acrossRenewals_withNestedCommits_everyEventLandsRight() {
    InMemoryStorage t = new InMemoryStorage();
    ProfileId p = ProfileId.of("p-1");
    Identifier x = email("x");
    Identifier y = email("y");
    InMemoryStorage s = storeHolding(p, x, y);
    int[] inner = {0};
    long version = 1;
    for (int i = 0; i < 300; i++) {
      Identifier anchor = i % 2 == 0 ? x : y;
      assertThat(s.ownedProfiles(List.of(x, y)).owners()).containsEntry(x, p).containsEntry(y, p);
      if (i % 7 == 0 || (i >= 60 && i <= 70)) {
        s.afterProfileWrites = () -> {
          s.afterProfileWrites = null;
          for (int k = 0; k < 3; k++) {
            int n = inner[0]++;
            Identifier z = email("z" + n);
            t.commit(Commit.builder().putProfile(profile(ProfileId.of("q-" + n), 1, z), 0)
                .assign(z, Optional.empty(), ProfileId.of("q-" + n)).append(event("t-" + n, z)).build());
          }
        };
      }
      s.commit(Commit.builder().putProfile(profile(p, version + 1, x, y), version).append(event("s-" + i, anchor)).build());
      version++;
      assertThat(InMemoryStorage.lookupsHeld()).as("after commit %d", i).isFalse();
      assertThat(InMemoryStorage.scratchRefersTo(x)).isFalse();
    }
    assertThat(s.eventCount()).isEqualTo(300);
    assertThat(s.events(List.of(x))).hasSize(150);
    assertThat(s.events(List.of(y))).hasSize(150);
    assertThat(s.profile(p)).map(Profile::version).contains(version);
    assertThat(t.eventCount()).isEqualTo(inner[0]);
    assertThat(t.profileCount()).isEqualTo(inner[0]);
  }

  /** Every commit number 1..140 being an erasure once: nothing of the erased identifier stays in the thread. */
  @Test
  void erasure_atEveryPositionRelativeToRenewal_leavesNothing() {
    for (int at = 0; at < 140; at++) {
      InMemoryStorage s = new InMemoryStorage();
      Identifier x = email("alice" + at);
      ProfileId p = ProfileId.of("p-1");
      s.commit(Commit.builder().putProfile(profile(p, 1, x), 0).assign(x, Optional.empty(), p).append(event("e-0", x)).build());
      for (int i = 0; i < at; i++) {
        s.commit(Commit.builder().append(event("f-" + i, x)).build());
      }
      s.ownedProfiles(List.of(x));
      s.commit(Commit.builder().deleteProfile(p, 1).unassign(x, p).eraseEvents(x).eraseMergeRecords(p).build());
      assertThat(s.owner(x)).isEmpty();
      assertThat(InMemoryStorage.scratchRefersTo(x)).as("at %d", at).isFalse();
      assertThat(InMemoryStorage.lookupsHeld()).as("at %d", at).isFalse();
    }
  }

  /** Many readAhead calls (several renewals): no references left, the states counter carried. */
  @Test
  void readAhead_acrossRenewals_keepsNothing_countsCarried() {
    ProfileId p = ProfileId.of("p-1");
    Identifier x = email("x");
    Identifier y = email("y");
    InMemoryStorage s = storeHolding(p, x, y);
    long before = InMemoryStorage.lookaheadStatesRead();
    for (int i = 0; i < 100; i++) {
      s.readAhead(List.of(x, y), List.of("e-" + i));
      assertThat(InMemoryStorage.lookaheadReferences()).isZero();
    }
    assertThat(InMemoryStorage.lookaheadStatesRead() - before).isEqualTo(200);
  }
}
