package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierTest {
  @Test
  void of_typeAndValue_keepsThemAsGiven() {
    Identifier id = Identifier.of(IdentifierType.EMAIL, "Ann@Example.com");

    assertThat(id.type()).isEqualTo(IdentifierType.EMAIL);
    assertThat(id.value()).as("not normalised here").isEqualTo("Ann@Example.com");
    assertThat(Identifier.of("email", "Ann@Example.com")).isEqualTo(id);
  }

  @Test
  void of_unknownTypeName_isHostDefined() {
    assertThat(Identifier.of("loyalty_card", "L-1").type()).isEqualTo(IdentifierType.of("loyalty_card"));
  }

  @Test
  void of_invalidTypeName_throws() {
    assertThatIllegalArgumentException().isThrownBy(() -> Identifier.of("Loyalty Card", "L-1"))
        .withMessageContaining("identifier type");
  }

  @Test
  void of_nullArguments_throwNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> Identifier.of((IdentifierType) null, "x")).withMessage("type");
    assertThatNullPointerException().isThrownBy(() -> Identifier.of(IdentifierType.EMAIL, null)).withMessage("value");
  }

  @Test
  void of_blankValue_throws() {
    for (String blank : List.of("", " ", "\t", "\u2003")) {
      assertThatIllegalArgumentException().isThrownBy(() -> Identifier.of(IdentifierType.EMAIL, blank))
          .withMessageContaining("identifier value must not be blank")
          .withMessageContaining("email");
    }
  }

  @Test
  void of_maxLengthValue_isAccepted() {
    String value = "x".repeat(Identifier.MAX_LENGTH);

    assertThat(Identifier.of(IdentifierType.CUSTOMER_ID, value).value()).hasSize(512);
  }

  @Test
  void of_overLongEmail_throwsWithoutTheRawValue() {
    String value = "ann.smith.private" + "x".repeat(600) + "@example.com";

    assertThatIllegalArgumentException().isThrownBy(() -> Identifier.of(IdentifierType.EMAIL, value))
        .withMessageContaining("identifier value must be at most 512 characters")
        .withMessageContaining("email")
        .withMessageContaining("629 characters")
        .withMessageNotContaining("ann.smith")
        .withMessageNotContaining("xxxx")
        .withMessageNotContaining("example");
  }

  @Test
  void of_controlCharacter_throwsWithoutTheRawValue() {
    for (String value : List.of("ann.smith@example.com\u0000", "ann.smith\n@example.com", "\u007fann.smith@example.com",
        "ann.smith@exa\u0085mple.com")) {
      assertThatIllegalArgumentException().as("%s", value.strip())
          .isThrownBy(() -> Identifier.of(IdentifierType.EMAIL, value))
          .withMessageContaining("identifier value must not contain control characters")
          .withMessageContaining("email")
          .withMessageNotContaining("ann.smith")
          .withMessageNotContaining("example");
    }
  }

  @Test
  void toString_masksTheValue() {
    assertThat(Identifier.of(IdentifierType.EMAIL, "ann@example.com")).hasToString("email:a***@e***.com");
    assertThat(Identifier.of(IdentifierType.PHONE, "+447700900123")).hasToString("phone:***23");
  }

  @Test
  void compareTo_ordersByTypeThenValue() {
    Identifier cid = Identifier.of("customer_id", "z");
    Identifier a = Identifier.of("email", "a@x.io");
    Identifier b = Identifier.of("email", "b@x.io");

    assertThat(List.of(b, a, cid).stream().sorted()).containsExactly(cid, a, b);
  }

  @Test
  void hashCode_isTheRecordHashOfTypeAndValue() {
    Identifier a = Identifier.of("email", "ann@example.com");
    Identifier b = new Identifier(IdentifierType.of("email"), new String("ann@example.com"));
    assertThat(a.hashCode()).isEqualTo(31 * "email".hashCode() + "ann@example.com".hashCode()).isEqualTo(b.hashCode());
    assertThat(a).isEqualTo(b);
  }
}
