package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.MergeRecord;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Regressions found by {@link ConcurrencyHuntPropertiesTest}, made deterministic. */
class ConcurrencyHuntTest {
  /** Runs {@link #between} once, just before the next read of a profile. */
  static final class SteppingStorage extends ForwardingStorage {
    volatile Runnable between;

    SteppingStorage() {
      super(new InMemoryStorage());
    }

    @Override
    public Optional<Profile> profile(ProfileId id) {
      Runnable r = between;
      if (r != null) {
        between = null;
        r.run();
      }
      return super.profile(id);
    }
  }

  /**
   * Found by the reader of {@link ConcurrencyHuntPropertiesTest} (two writers, 300 tries under
   * load ~8): {@code profile(identifier)} read the owner, then the owner's profile; a split
   * committed in between moved the identifier to the restored profile, and the lookup returned the
   * profile it had just left, which does not list it (a merge in between made it return empty for
   * an identifier held all along). The lookup now reads owner and profile as one state
   * ({@code ownedProfiles}) and reads again if they disagree.
   */
  @Test
  void profileByIdentifier_splitBetweenTheOwnerAndTheProfileRead_givesTheProfileThatHoldsIt() {
    SteppingStorage storage = new SteppingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
    c.ingest(event("e-1", "pageview", 0).identifier(email("ann@example.com")).identifier(anonymousId("a-1")).build());
    c.ingest(event("e-2", "pageview", 5).identifier(customerId("c-1")).build());
    ProfileId merged = c.ingest(event("e-3", "pageview", 9).identifier(email("ann@example.com")).identifier(customerId("c-1"))
        .build()).profile().orElseThrow();
    MergeRecord merge = c.mergeLog(merged).get(0);
    assertThat(c.profile(anonymousId("a-1")).orElseThrow().id()).isEqualTo(merged);

    storage.between = () -> c.split(merge.id(), "wrong merge");
    Optional<Profile> found = c.profile(anonymousId("a-1"));

    assertThat(found).isPresent();
    assertThat(found.get().identifier(anonymousId("a-1"))).as("the profile found lists the identifier").isPresent();
    assertThat(found.get().id()).isNotEqualTo(merged);
  }

  /** The same race with a merge: the owner read is the profile merged away. */
  @Test
  void profileByIdentifier_mergeBetweenTheOwnerAndTheProfileRead_findsTheSurvivor() {
    SteppingStorage storage = new SteppingStorage();
    Clientele c = Clientele.builder().storage(storage).profileIds(Fixtures.sequentialIds())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).ingestBatchSize(1).build();
    ProfileId a = c.ingest(event("e-1", "pageview", 0).identifier(anonymousId("a-1")).build()).profile().orElseThrow();
    ProfileId b = c.ingest(event("e-2", "pageview", 5).identifier(customerId("c-1")).build()).profile().orElseThrow();

    storage.between = () -> c.merge(a, b, "same person");
    Optional<Profile> found = c.profile(anonymousId("a-1"));

    assertThat(found).as("a-1 was held all along").isPresent();
    assertThat(found.get().identifier(anonymousId("a-1"))).isPresent();
  }
}
