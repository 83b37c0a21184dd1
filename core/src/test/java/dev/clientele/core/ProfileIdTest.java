package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileIdTest {
  @Test
  void of_validValue_keepsIt() {
    assertThat(ProfileId.of("p-3f2a9c0d41b7e865").value()).isEqualTo("p-3f2a9c0d41b7e865");
    assertThat(ProfileId.of("A_b-9")).hasToString("A_b-9");
    assertThat(ProfileId.of("x".repeat(64)).value()).hasSize(64);
  }

  @Test
  void of_invalidValue_throwsWithMaskedValue() {
    for (String bad : List.of("", "p 1", "p/1", "p\n1", "x".repeat(65), "pı")) {
      assertThatIllegalArgumentException().as("%s", bad).isThrownBy(() -> ProfileId.of(bad))
          .withMessageStartingWith("profile id must match");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> ProfileId.of("ann.smith@example.com"))
        .withMessageNotContaining("ann.smith");
  }

  @Test
  void of_null_throwsNamingValue() {
    assertThatNullPointerException().isThrownBy(() -> ProfileId.of(null)).withMessage("value");
  }

  @Test
  void random_isPrefixedHexAndUnique() {
    Set<ProfileId> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ProfileId id = ProfileId.random();
      assertThat(id.value()).matches("p-[0-9a-f]{16}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void compareTo_ordersByValue() {
    assertThat(List.of(ProfileId.of("p-b"), ProfileId.of("p-a")).stream().sorted())
        .containsExactly(ProfileId.of("p-a"), ProfileId.of("p-b"));
  }

  @Test
  void hashCode_isTheValuesHash() {
    assertThat(ProfileId.of("p-a").hashCode()).isEqualTo("p-a".hashCode()).isEqualTo(ProfileId.of(new String("p-a")).hashCode());
  }
}
