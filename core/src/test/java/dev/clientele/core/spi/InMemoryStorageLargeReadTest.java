package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A read of many identifiers at once (what a staged ingest batch prefetches): the same answer as
 * reading them one by one, held in hashed maps past a few entries (a scan per identifier would
 * make the read quadratic).
 */
class InMemoryStorageLargeReadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void ownedProfiles_thousandsOfIdentifiers_matchSingleReadsInHashedMaps() {
    InMemoryStorage storage = new InMemoryStorage();
    List<Identifier> asked = new ArrayList<>();
    for (int p = 0; p < 3000; p++) {
      ProfileId id = ProfileId.of("p-" + p);
      Identifier a = Identifier.of(IdentifierType.CUSTOMER_ID, "a-" + p);
      Identifier b = Identifier.of(IdentifierType.CUSTOMER_ID, "b-" + p);
      Profile profile = Profile.builder(id, T0).putIdentifier(IdentifierState.firstSeen(a, T0, true, "test"))
          .putIdentifier(IdentifierState.firstSeen(b, T0, true, "test")).version(1).build();
      storage.commit(Commit.builder().putProfile(profile, 0).assign(a, Optional.empty(), id).assign(b, Optional.empty(), id).build());
      asked.add(a);
      asked.add(b);
      asked.add(Identifier.of(IdentifierType.CUSTOMER_ID, "nobody-" + p));
      if (p % 10 == 0) {
        asked.add(a); // asked twice
      }
    }
    Map<Identifier, ProfileId> owners = new LinkedHashMap<>();
    Map<ProfileId, Profile> profiles = new LinkedHashMap<>();
    for (Identifier x : asked) {
      storage.owner(x).ifPresent(o -> {
        owners.putIfAbsent(x, o);
        profiles.putIfAbsent(o, storage.profile(o).orElseThrow());
      });
    }

    OwnedProfiles read = storage.ownedProfiles(asked);

    assertThat(read.owners()).isEqualTo(owners).hasSize(6000);
    assertThat(read.owners().keySet()).containsExactlyElementsOf(owners.keySet()); // order of asking
    assertThat(read.profiles()).isEqualTo(profiles).hasSize(3000);
    assertThat(((SmallMap<?, ?>) read.owners()).isHashed()).isTrue();
    assertThat(((SmallMap<?, ?>) read.profiles()).isHashed()).isTrue();
    OwnedProfiles few = storage.ownedProfiles(asked.subList(0, 6));
    assertThat(((SmallMap<?, ?>) few.owners()).isHashed()).isFalse();
    assertThat(few.owners()).hasSize(4);
  }
}
