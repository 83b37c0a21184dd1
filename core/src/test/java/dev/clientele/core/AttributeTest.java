package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void new_validAttribute_normalisesValue() {
    Attribute a = new Attribute("visits", 3, "web", T);

    assertThat(a.value()).isEqualTo(3L);
    assertThat(a.isStandard()).isFalse();
  }

  @Test
  void new_invalidName_throwsWithMaskedName() {
    for (String bad : List.of("", "First_Name", "1st", "first name", "a".repeat(65))) {
      assertThatIllegalArgumentException().as("%s", bad).isThrownBy(() -> new Attribute(bad, "x", "web", T))
          .withMessageStartingWith("attribute name must match");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> new Attribute("ann.smith@example.com", "x", "web", T))
        .withMessageNotContaining("ann.smith");
  }

  @Test
  void new_nullOrUnsupportedValue_throwsNamingTheAttribute() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Attribute("first_name", null, "web", T))
        .withMessageContaining("first_name");
    assertThatIllegalArgumentException().isThrownBy(() -> new Attribute("birth_date", T, "web", T))
        .withMessageContaining("birth_date")
        .withMessageContaining("java.time.Instant");
  }

  @Test
  void new_nullComponents_throwNamingTheComponent() {
    assertThatNullPointerException().isThrownBy(() -> new Attribute(null, "x", "web", T)).withMessage("name");
    assertThatNullPointerException().isThrownBy(() -> new Attribute("city", "x", null, T)).withMessage("source");
    assertThatNullPointerException().isThrownBy(() -> new Attribute("city", "x", "web", null)).withMessage("updatedAt");
  }

  @Test
  void new_mutableList_isCopied() {
    List<Object> tags = new ArrayList<>(List.of("a"));
    Attribute a = new Attribute("interests", tags, "web", T);

    tags.add("b");

    assertThat(a.value()).isEqualTo(List.of("a"));
  }

  @Test
  void isStandard_forTheDesignNames() {
    for (String name : List.of("first_name", "last_name", "birth_date", "birth_year", "gender", "location", "city",
        "country", "timezone", "street_address", "phone", "image_url", "last_device")) {
      assertThat(new Attribute(name, "x", "web", T).isStandard()).as(name).isTrue();
    }
    assertThat(new Attribute("shoe_size", "x", "web", T).isStandard()).isFalse();
  }

  @Test
  void isKnown_blankStringOrEmptyList_isNotKnown() {
    assertThat(new Attribute("city", " ", "web", T).isKnown()).isFalse();
    assertThat(new Attribute("tags", List.of(), "web", T).isKnown()).isFalse();
    assertThat(new Attribute("city", "Oslo", "web", T).isKnown()).isTrue();
    assertThat(new Attribute("vip", false, "web", T).isKnown()).isTrue();
    assertThat(new Attribute("visits", 0, "web", T).isKnown()).isTrue();
  }

  @Test
  void text_numbers_arePlainAndLocaleFree() {
    assertThat(new Attribute("ltv", new BigDecimal("1E+3"), "web", T).text()).isEqualTo("1000");
    assertThat(new Attribute("ltv", 42.5, "web", T).text()).as("no decimal comma under tr").isEqualTo("42.5");
    assertThat(new Attribute("visits", 7, "web", T).text()).isEqualTo("7");
  }

  @Test
  void observationOrder_laterTimeThenSourceThenValueWins() {
    Attribute early = new Attribute("city", "Oslo", "web", T);
    Attribute late = new Attribute("city", "Bergen", "web", T.plusSeconds(1));
    Attribute sameTimeGreaterSource = new Attribute("city", "Aalborg", "zapier", T);
    Attribute sameTimeGreaterValue = new Attribute("city", "Paris", "web", T);

    assertThat(Attribute.OBSERVATION_ORDER.compare(late, early)).isPositive();
    assertThat(Attribute.OBSERVATION_ORDER.compare(sameTimeGreaterSource, early)).isPositive();
    assertThat(Attribute.OBSERVATION_ORDER.compare(sameTimeGreaterValue, early)).isPositive();
    assertThat(Attribute.OBSERVATION_ORDER.compare(early, early)).isZero();
  }

  @Test
  void observationOrder_sameTextDifferentTypes_neverTie() {
    java.time.Instant t = java.time.Instant.parse("2026-10-01T00:00:00Z");
    Attribute number = new Attribute("code", 1L, "crm", t);
    Attribute text = new Attribute("code", "1", "crm", t);
    org.assertj.core.api.Assertions.assertThat(Attribute.OBSERVATION_ORDER.compare(number, text)).isNotZero();
    org.assertj.core.api.Assertions.assertThat(Integer.signum(Attribute.OBSERVATION_ORDER.compare(number, text)))
        .isEqualTo(-Integer.signum(Attribute.OBSERVATION_ORDER.compare(text, number)));
  }
}
