package dev.clientele.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnedProfilesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final Identifier ann = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private final Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
  private final Profile a = Profile.builder(ProfileId.of("p-a"), T0).version(1).build();
  private final ProfileId b = ProfileId.of("p-b");

  @Test
  void of_copiesAndTellsTheMissingProfile() {
    Map<Identifier, ProfileId> owners = new HashMap<>(Map.of(ann, a.id(), bob, b));
    Map<ProfileId, Profile> profiles = new HashMap<>(Map.of(a.id(), a));

    OwnedProfiles read = OwnedProfiles.of(owners, profiles);
    owners.clear();
    profiles.clear();

    assertThat(read.owners()).isEqualTo(Map.of(ann, a.id(), bob, b));
    assertThat(read.profiles()).isEqualTo(Map.of(a.id(), a));
    assertThat(read.profile(a.id())).contains(a);
    assertThat(read.profile(b)).isEmpty();
    assertThat(read.missingProfile()).contains(b);
    assertThatThrownBy(() -> read.owners().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> read.profiles().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void of_profileFiledUnderAnotherId_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OwnedProfiles.of(Map.of(ann, b), Map.of(b, a)))
        .withMessageContaining("filed under id p-b");
  }

  @Test
  void of_profileOfNoOwner_throws() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OwnedProfiles.of(Map.of(bob, b), Map.of(a.id(), a)))
        .withMessageContaining("owns none");
  }

  @Test
  void of_nulls_throwNullPointerException() {
    assertThatNullPointerException().isThrownBy(() -> OwnedProfiles.of(null, Map.of()));
    assertThatNullPointerException().isThrownBy(() -> OwnedProfiles.of(Map.of(), null));
  }

  @Test
  void equalsAndToString_valuesCompare_andNoIdentifierIsPrinted() {
    OwnedProfiles one = OwnedProfiles.of(Map.of(ann, a.id()), Map.of(a.id(), a));
    OwnedProfiles two = OwnedProfiles.of(Map.of(ann, a.id()), Map.of(a.id(), a));
    assertThat(one).isEqualTo(two).hasSameHashCodeAs(two).isNotEqualTo(OwnedProfiles.none());
    assertThat(OwnedProfiles.none().owners()).isEmpty();
    assertThat(one.toString()).contains("p-a").doesNotContain("ann");
  }
}
