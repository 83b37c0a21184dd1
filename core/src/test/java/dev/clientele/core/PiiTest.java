package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PiiTest {
  @Test
  void maskUnlessName_showsPlainNamesAsTheyAre() {
    assertThat(Pii.maskUnlessName("vip_customers", 64)).isEqualTo("vip_customers");
    assertThat(Pii.maskUnlessName("mr-1.a:B", 8)).isEqualTo("mr-1.a:B");
    assertThat(Pii.maskUnlessName("12345", 64)).as("five digits are not a phone").isEqualTo("12345");
    assertThat(Pii.maskUnlessName("vip2024x11", 64)).as("runs of 4 and 2 digits, apart").isEqualTo("vip2024x11");
  }

  @Test
  void maskUnlessName_masksWhatMayBePersonalOrUnfitForAMessage() {
    assertThat(Pii.maskUnlessName("ann@example.com", 64)).isEqualTo("a***@e***.com");
    assertThat(Pii.maskUnlessName("447700900123", 64)).as("digits only, but a phone number").isEqualTo("***23");
    assertThat(Pii.maskUnlessName("tel:447700900123", 64)).as("a phone number inside a name").isEqualTo("t***(16)");
    assertThat(Pii.maskUnlessName("guests.44-7700-900123", 64)).as("a run of digits joined by dashes").isEqualTo("g***(21)");
    assertThat(Pii.maskUnlessName("2024-11-25", 64)).as("a date is a run of eight digits too").isEqualTo("***25");
    assertThat(Pii.maskUnlessName("44_7700_900_123", 64)).as("digits apart by underscores").isEqualTo("4***(15)");
    assertThat(Pii.maskUnlessName("a:4477:0090:0123", 64)).as("digits apart by colons").isEqualTo("a***(16)");
    assertThat(Pii.maskUnlessName("ann smith", 64)).isEqualTo("a***(9)");
    assertThat(Pii.maskUnlessName("vip\nforged", 64)).isEqualTo("v***(10)");
    assertThat(Pii.maskUnlessName("abcdefghi", 8)).as("one longer than allowed").isEqualTo("a***(9)");
    assertThat(Pii.maskUnlessName("", 8)).isEqualTo("(empty)");
    assertThat(Pii.maskUnlessName(null, 8)).isEqualTo("null");
  }

  /**
   * Review (session 19): sharing maskUnlessName let data keys with a dot or a colon show, which
   * join a path ({@code guests.john.smith}) or a scheme and a value ({@code tel:…}); a data key's
   * message keeps the stricter rule.
   */
  @Test
  void dataKeyInAMessage_withADotOrAColon_isMasked() {
    assertThat(Names.forMessage("order_total")).isEqualTo("order_total");
    assertThat(Names.forMessage("guests.john.smith")).isEqualTo("g***(17)");
    assertThat(Names.forMessage("tel:4477")).isEqualTo("t***(8)");
    assertThat(Names.forMessage("447700900123")).isEqualTo("***23");
  }

  @Test
  void maskUnlessName_refusesAMaximumBelowOne() {
    assertThatIllegalArgumentException().isThrownBy(() -> Pii.maskUnlessName("a", 0)).withMessageContaining("maxLength");
  }

  /**
   * Regression (PiiHuntPropertiesTest, seed -9128064650530664640): a too-long value of repeated
   * addresses, cut short in a message, showed everything after the last dot, which ran into the
   * next copy's local part ({@code a***@x***.comannaa}). The message now masks the whole value,
   * and a value with a second '@' shows no suffix.
   */
  @Test
  void mask_ofRepeatedAddresses_showsNoSuffixThatRunsIntoTheNextOne() {
    assertThat(Pii.mask("annaa@x.comannaa@x.comannaa")).isEqualTo("a***@x***").doesNotContain("annaa");
    assertThat(Pii.mask("annaa@x.com")).isEqualTo("a***@x***.com");
    String tooLong = "annaa@x.com".repeat(47);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Identifier.of("email", tooLong)))
        .hasMessageContaining("a***@x***").hasMessageNotContaining("annaa");
  }

  @Test
  void mask_email_keepsFirstLettersAndTopLevelDomain() {
    assertThat(Pii.mask("ann@example.com")).isEqualTo("a***@e***.com");
    assertThat(Pii.mask("ann.smith@mail.example.co.uk")).isEqualTo("a***@m***.uk");
  }

  /** The example in {@link Pii#mask}'s Javadoc: a line break as the first character is shown as {@code ?}. */
  @Test
  void mask_controlCharacterFirst_isShownAsQuestionMark() {
    assertThat(Pii.mask("\nann@example.com")).isEqualTo("?***@e***.com");
    assertThat(Pii.mask("\u202Eevil")).isEqualTo("?***(5)");
  }

  @Test
  void mask_phone_keepsLastTwoDigits() {
    assertThat(Pii.mask("+447700900123")).isEqualTo("***23");
    assertThat(Pii.mask("+1 (212) 555-0199")).isEqualTo("***99");
  }

  @Test
  void mask_otherValue_keepsFirstCharacterAndLength() {
    assertThat(Pii.mask("c-77")).isEqualTo("c***(4)");
    assertThat(Pii.mask("12345")).as("too few digits for a phone").isEqualTo("1***(5)");
  }

  @Test
  void mask_nullAndEmpty_areNamed() {
    assertThat(Pii.mask(null)).isEqualTo("null");
    assertThat(Pii.mask("")).isEqualTo("(empty)");
  }

  @Test
  void mask_upperCaseDomain_lowerCasesWithoutDefaultLocale() {
    // Under the Turkish default locale of the test run, "IT".toLowerCase() is "ıt".
    assertThat(Pii.mask("ANN@EXAMPLE.IT")).isEqualTo("A***@E***.it");
  }

  @Test
  void mask_surrogatePair_keepsWholeCodePoint() {
    assertThat(Pii.mask("\uD83D\uDE00abc")).isEqualTo("\uD83D\uDE00***(5)");
    assertThat(Pii.mask("\uD83D\uDE00@\uD83D\uDE01.de")).isEqualTo("\uD83D\uDE00***@\uD83D\uDE01***.de");
  }

  @Test
  void mask_atSignWithLongSuffix_doesNotCopyTheSuffix() {
    String value = "jane@home.jane-doe-born-1980-at-12-high-street";

    assertThat(Pii.mask(value)).doesNotContain("jane-doe").doesNotContain("high-street").startsWith("j***@h***");
  }

  @Test
  void mask_controlCharactersAfterTheLastDot_areNotCopied() {
    // A raw newline in a log line would let a value forge log entries.
    assertThat(Pii.mask("a@b.c\nFAKE LOG LINE")).doesNotContain("\n").doesNotContain("FAKE");
    assertThat(Pii.mask("ann@example.com\u0000")).doesNotContain("\u0000");
  }

  @Test
  void mask_anyValue_isShortAndNeverTheValueItself() {
    Trials.forAll("mask is short", random -> {
      String value = randomString(random);

      String masked = Pii.mask(value);

      assertThat(masked.length()).as("mask of a %s-character value", value.length()).isLessThanOrEqualTo(40);
      if (value.length() > 12) {
        assertThat(masked).isNotEqualTo(value).doesNotContain(value);
      }
    });
  }

  private static String randomString(Random random) {
    String alphabet = "abcXYZ019@.+-() \n\t\u0000\u00e9\u0131\u00df";
    int length = random.nextInt(4) == 0 ? random.nextInt(600) : random.nextInt(30);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
