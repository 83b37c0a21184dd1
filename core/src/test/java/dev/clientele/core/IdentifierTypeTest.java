package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierTypeTest {
  @Test
  void constants_haveTheEventFileNames() {
    assertThat(List.of(
            IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN,
            IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID))
        .extracting(IdentifierType::name)
        .containsExactly("email", "phone", "push_token", "customer_id", "anonymous_id");
  }

  @Test
  void of_builtInName_equalsTheConstant() {
    assertThat(IdentifierType.of("email")).isEqualTo(IdentifierType.EMAIL);
    assertThat(IdentifierType.of("anonymous_id")).isEqualTo(IdentifierType.ANONYMOUS_ID);
    assertThat(IdentifierType.of("phone").isBuiltIn()).isTrue();
  }

  @Test
  void of_builtInName_isTheSharedConstant() {
    assertThat(IdentifierType.of("email")).isSameAs(IdentifierType.EMAIL);
    assertThat(IdentifierType.of("phone")).isSameAs(IdentifierType.PHONE);
    assertThat(IdentifierType.of("push_token")).isSameAs(IdentifierType.PUSH_TOKEN);
    assertThat(IdentifierType.of("customer_id")).isSameAs(IdentifierType.CUSTOMER_ID);
    assertThat(IdentifierType.of("anonymous_id")).isSameAs(IdentifierType.ANONYMOUS_ID);
    assertThat(Identifier.of("email", "a@example.com").type()).isSameAs(IdentifierType.EMAIL);
  }

  @Test
  void of_hostDefinedName_isNeitherBuiltInNorMessaging() {
    IdentifierType loyalty = IdentifierType.of("loyalty_card");

    assertThat(loyalty.isBuiltIn()).isFalse();
    assertThat(loyalty.isMessaging()).isFalse();
    assertThat(loyalty.isAnonymous()).isFalse();
    assertThat(loyalty.channel()).isEmpty();
    assertThat(loyalty.toString()).isEqualTo("loyalty_card");
  }

  @Test
  void of_longestValidName_isAccepted() {
    String name = "a" + "b".repeat(63);

    assertThat(IdentifierType.of(name).name()).hasSize(64);
  }

  @Test
  void of_invalidName_throwsNamingTheRule() {
    for (String bad : List.of("", "Email", "EMAIL", "1st", "_x", "push token", "e-mail", "émail", "email\n",
        "a" + "b".repeat(64))) {
      assertThatIllegalArgumentException().as("%s", bad)
          .isThrownBy(() -> IdentifierType.of(bad))
          .withMessageStartingWith("identifier type must match");
    }
  }

  @Test
  void of_personalDataAsName_isMaskedInTheMessage() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IdentifierType.of("Ann.Smith@example.com"))
        .withMessageNotContaining("Ann.Smith")
        .withMessageContaining("A***@e***.com");
  }

  @Test
  void of_null_throwsNamingName() {
    assertThatNullPointerException().isThrownBy(() -> IdentifierType.of(null)).withMessage("name");
  }

  @Test
  void channel_messagingTypes_mapToTheirChannel() {
    assertThat(IdentifierType.EMAIL.channel()).contains(Channel.EMAIL);
    assertThat(IdentifierType.PHONE.channel()).contains(Channel.SMS);
    assertThat(IdentifierType.PUSH_TOKEN.channel()).contains(Channel.PUSH);
    assertThat(IdentifierType.CUSTOMER_ID.channel()).isEmpty();
    assertThat(IdentifierType.ANONYMOUS_ID.channel()).isEmpty();
    assertThat(IdentifierType.EMAIL.isMessaging()).isTrue();
    assertThat(IdentifierType.CUSTOMER_ID.isMessaging()).isFalse();
  }

  @Test
  void isAnonymous_onlyForAnonymousId() {
    assertThat(IdentifierType.ANONYMOUS_ID.isAnonymous()).isTrue();
    assertThat(IdentifierType.CUSTOMER_ID.isAnonymous()).isFalse();
    assertThat(IdentifierType.of("device_id").isAnonymous()).isFalse();
  }

  @Test
  void compareTo_ordersByName() {
    assertThat(List.of(IdentifierType.PHONE, IdentifierType.ANONYMOUS_ID, IdentifierType.EMAIL).stream().sorted())
        .containsExactly(IdentifierType.ANONYMOUS_ID, IdentifierType.EMAIL, IdentifierType.PHONE);
  }

  @Test
  void identifierType_everyChannel_roundTrips() {
    for (Channel channel : Channel.values()) {
      assertThat(channel.identifierType().channel()).contains(channel);
      assertThat(channel.identifierType().isBuiltIn()).isTrue();
    }
    assertThat(Channel.EMAIL.identifierType()).isEqualTo(IdentifierType.EMAIL);
    assertThat(Channel.SMS.identifierType()).isEqualTo(IdentifierType.PHONE);
    assertThat(Channel.PUSH.identifierType()).isEqualTo(IdentifierType.PUSH_TOKEN);
  }

  @Test
  void fromKey_anyCase_findsChannel() {
    assertThat(Channel.fromKey("email")).contains(Channel.EMAIL);
    // "EMAIL".toLowerCase() under the Turkish test locale is "emaıl".
    assertThat(Channel.fromKey("EMAIL")).contains(Channel.EMAIL);
    assertThat(Channel.fromKey("Sms")).contains(Channel.SMS);
    assertThat(Channel.fromKey("PUSH")).contains(Channel.PUSH);
  }

  @Test
  void fromKey_unknownOrNull_isEmpty() {
    assertThat(Channel.fromKey("fax")).isEmpty();
    assertThat(Channel.fromKey("phone")).as("a type name, not a channel key").isEmpty();
    assertThat(Channel.fromKey("")).isEmpty();
    assertThat(Channel.fromKey(null)).isEmpty();
  }

  @Test
  void key_isTheLowerCaseName() {
    assertThat(List.of(Channel.values())).extracting(Channel::key).containsExactly("email", "sms", "push");
  }

  @Test
  void hashCode_isTheNamesHash() {
    assertThat(IdentifierType.of("loyalty_card").hashCode()).isEqualTo("loyalty_card".hashCode());
    assertThat(IdentifierType.EMAIL.hashCode()).isEqualTo("email".hashCode());
  }
}
