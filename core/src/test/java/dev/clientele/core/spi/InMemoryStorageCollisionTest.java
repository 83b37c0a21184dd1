package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
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
 * Hash flooding: identifiers and profile ids whose values are built from "Aa" and "BB" (equal
 * {@code String.hashCode()}) all share one hash, so they land in one stripe. The store must still
 * answer exactly, and keep the probe runs of its tables short (the colliding keys overflow).
 */
class InMemoryStorageCollisionTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The {@code n}-th value of 12 blocks of "Aa" or "BB": all 4096 have one {@code hashCode()}. */
  private static String colliding(int n) {
    StringBuilder b = new StringBuilder();
    for (int bit = 0; bit < 12; bit++) {
      b.append((n >>> bit & 1) == 0 ? "Aa" : "BB");
    }
    return b.toString();
  }

  @Test
  void collidingIdentifiersAndProfileIds_readExactly_withShortProbeRuns() {
    int n = 2000;
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Identifier x = Identifier.of(IdentifierType.CUSTOMER_ID, colliding(i));
      ProfileId p = ProfileId.of("p" + colliding(i));
      assertThat(x.hashCode()).isEqualTo(Identifier.of(IdentifierType.CUSTOMER_ID, colliding(0)).hashCode());
      ids.add(x);
      Profile profile = Profile.builder(p, T0).putIdentifier(IdentifierState.firstSeen(x, T0, true, "test")).version(1).build();
      storage.commit(Commit.builder().putProfile(profile, 0).assign(x, Optional.empty(), p)
          .append(new StoredEvent(Event.builder("e" + i, "pageview", T0).identifier(x).build(), x)).build());
    }
    for (int i = 0; i < n; i += 7) {
      assertThat(storage.owner(ids.get(i))).contains(ProfileId.of("p" + colliding(i)));
      assertThat(storage.profile(ProfileId.of("p" + colliding(i)))).isPresent();
      assertThat(storage.events(List.of(ids.get(i)))).hasSize(1);
    }
    assertThat(storage.owner(Identifier.of(IdentifierType.CUSTOMER_ID, colliding(n)))).isEmpty();
    OwnedProfiles read = storage.ownedProfiles(ids);
    assertThat(read.owners()).hasSize(n);
    assertThat(read.owners().get(ids.get(1234))).isEqualTo(ProfileId.of("p" + colliding(1234)));
    assertThat(storage.profileCount()).isEqualTo(n);
    assertThat(storage.profiles(Optional.empty(), n + 1)).hasSize(n);
    assertThat(storage.identifierProbeLength(ids.get(0))).isLessThanOrEqualTo(KeyedTable.SAME_HASH_LIMIT);
    assertThat(storage.overflowSize()).isEqualTo(2L * (n - KeyedTable.SAME_HASH_LIMIT));

    // Deleting from the overflow: the profiles and identifiers go, the count follows.
    for (int i = 0; i < n; i += 2) {
      ProfileId p = ProfileId.of("p" + colliding(i));
      storage.commit(Commit.builder().unassign(ids.get(i), p).deleteProfile(p, 1).build());
    }
    assertThat(storage.profileCount()).isEqualTo(n / 2);
    assertThat(storage.owner(ids.get(10))).isEmpty();
    assertThat(storage.owner(ids.get(11))).contains(ProfileId.of("p" + colliding(11)));
    assertThat(storage.profiles(Optional.empty(), n)).hasSize(n / 2);
  }
}
