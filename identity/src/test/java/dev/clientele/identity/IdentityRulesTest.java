package dev.clientele.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.core.IdentifierType;
import org.junit.jupiter.api.Test;

/** The {@link IdentityRules} builder: defaults, set-once setters, argument checks, blocked values. */
class IdentityRulesTest {
  private static final IdentifierNormalizer NOOP = IdentifierNormalizer.STRIP;

  @Test
  void defaults_usRegionDefaultBlockedValuesNoNormalizersLargeCache() {
    IdentityRules rules = IdentityRules.defaults();

    assertThat(rules.defaultRegion()).isEqualTo("US");
    assertThat(rules.blockedValues())
        .containsExactlyInAnyOrder("null", "undefined", "0", "-1", "anonymous", "test@test.com")
        .isEqualTo(IdentityRules.DEFAULT_BLOCKED_VALUES);
    assertThat(rules.normalizers()).isEmpty();
    assertThat(rules.cacheSize()).isEqualTo(500_000);
  }

  @Test
  void defaultRegion_lowerCase_storedUpperCase() {
    assertThat(IdentityRules.builder().defaultRegion("gb").build().defaultRegion()).isEqualTo("GB");
  }

  @Test
  void defaultRegion_setTwice_illegalStateWithLowerCaseMessage() {
    IdentityRules.Builder b = IdentityRules.builder().defaultRegion("GB");

    assertThatIllegalStateException()
        .isThrownBy(() -> b.defaultRegion("DE"))
        .withMessage("default region was already set to GB");
  }

  @Test
  void defaultRegion_unknown_illegalArgumentNamingIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IdentityRules.builder().defaultRegion("XQ"))
        .withMessageMatching("[a-z].*")
        .withMessageContaining("XQ");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IdentityRules.builder().defaultRegion("Narnia"))
        .withMessageContaining("Narnia");
  }

  @Test
  void defaultRegion_unknownThenValid_stillSettable() {
    IdentityRules.Builder b = IdentityRules.builder();
    assertThatIllegalArgumentException().isThrownBy(() -> b.defaultRegion("XQ"));

    assertThat(b.defaultRegion("FR").build().defaultRegion()).isEqualTo("FR");
  }

  @Test
  void defaultRegion_null_npeNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> IdentityRules.builder().defaultRegion(null)).withMessage("region");
  }

  @Test
  void cacheSize_setTwice_illegalStateWithLowerCaseMessage() {
    IdentityRules.Builder b = IdentityRules.builder().cacheSize(10);

    assertThatIllegalStateException()
        .isThrownBy(() -> b.cacheSize(20))
        .withMessage("cache size was already set to 10");
  }

  @Test
  void cacheSize_zeroSetTwice_illegalState() {
    IdentityRules.Builder b = IdentityRules.builder().cacheSize(0);

    assertThatIllegalStateException().isThrownBy(() -> b.cacheSize(0)).withMessageMatching("[a-z].*");
  }

  @Test
  void cacheSize_negative_illegalArgumentNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IdentityRules.builder().cacheSize(-5))
        .withMessage("cache size must be >= 0: -5");
  }

  @Test
  void cacheSize_zero_kept() {
    assertThat(IdentityRules.builder().cacheSize(0).build().cacheSize()).isZero();
  }

  @Test
  void normalizer_sameTypeTwice_illegalStateWithLowerCaseMessage() {
    IdentifierType loyalty = IdentifierType.of("loyalty_card");
    IdentityRules.Builder b = IdentityRules.builder().normalizer(loyalty, NOOP);

    assertThatIllegalStateException()
        .isThrownBy(() -> b.normalizer(loyalty, NOOP))
        .withMessage("normalizer for loyalty_card was already set");
  }

  @Test
  void normalizer_differentTypes_bothKept() {
    IdentityRules rules = IdentityRules.builder()
        .normalizer(IdentifierType.of("loyalty_card"), NOOP)
        .normalizer(IdentifierType.EMAIL, NOOP)
        .build();

    assertThat(rules.normalizers()).containsOnlyKeys(IdentifierType.of("loyalty_card"), IdentifierType.EMAIL);
  }

  @Test
  void blockValue_storedStrippedAndLowerCaseOnTopOfDefaults() {
    IdentityRules rules = IdentityRules.builder().blockValue("  NoReply@Example.COM ").build();

    assertThat(rules.blockedValues()).contains("noreply@example.com").containsAll(IdentityRules.DEFAULT_BLOCKED_VALUES);
  }

  @Test
  void blockValue_blank_illegalArgument() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IdentityRules.builder().blockValue("  "))
        .withMessageMatching("[a-z].*");
  }

  @Test
  void clearBlockedValues_removesTheDefaultsOnly_whateverTheCallOrder() {
    IdentityRules before = IdentityRules.builder().blockValue("n/a").clearBlockedValues().build();
    IdentityRules after = IdentityRules.builder().clearBlockedValues().blockValue("n/a").build();

    assertThat(before.blockedValues()).containsExactly("n/a");
    assertThat(after.blockedValues()).containsExactly("n/a");
  }

  @Test
  void clearBlockedValues_nothingAdded_empty() {
    assertThat(IdentityRules.builder().clearBlockedValues().build().blockedValues()).isEmpty();
  }

  @Test
  void builder_afterBuild_rulesAreImmutableSnapshots() {
    IdentityRules.Builder b = IdentityRules.builder();
    IdentityRules first = b.build();
    b.blockValue("n/a");

    assertThat(first.blockedValues()).doesNotContain("n/a");
  }
}
