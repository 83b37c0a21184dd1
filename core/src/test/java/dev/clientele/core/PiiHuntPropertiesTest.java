package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Bug hunt on "Bad input" of DESIGN.md through core's public API: exception messages name the
 * argument and never hold a personal value unmasked (email local part and domain, phone digits
 * beyond the last two, customer ids), nor characters that forge or break a log line; the
 * {@code toString()} of value types that hold personal data shows no value; and event data refuses
 * numbers that no writer or sum can handle, with a message instead of a failure later.
 */
class PiiHuntPropertiesTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");

  /** Text of a person: letters of several scripts, Turkish i's, combining marks and emoji. */
  @Provide
  Arbitrary<String> localParts() {
    return Arbitraries.of("ann", "İlker", "ılgın", "jose\u0301", "josé", "zoë", "mañana", "😀smile", "o'brien", "anne-marie",
            "d\u200ekarl", "Ωmega", "ßtraße")
        .flatMap(base -> Arbitraries.strings().withChars("abcxyz.-_+").ofMaxLength(6).map(tail -> base + tail));
  }

  @Provide
  Arbitrary<String> emails() {
    return Combinators.combine(localParts(), Arbitraries.of("example.com", "Exämple.org", "post.co.uk", "x.com"))
        .as((l, d) -> l + "@" + d);
  }

  @Provide
  Arbitrary<String> phones() {
    return Arbitraries.strings().withCharRange('1', '9').ofLength(9).map(d -> List.of("+44 " + d, "+1 (" + d.substring(0, 3) + ") " + d.substring(3),
        "0" + d, "+44" + d)).flatMap(Arbitraries::of);
  }

  /** Any text at all, including control characters, unpaired surrogates and format characters. */
  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.strings().all().ofMaxLength(40);
  }

  private static void assertPrintable(String message) {
    message.codePoints().forEach(cp -> {
      int kind = Character.getType(cp);
      assertThat(kind == Character.CONTROL || kind == Character.SURROGATE || kind == Character.FORMAT)
          .as("message %s holds U+%04X", message.replaceAll("\\p{Cntrl}", "?"), cp).isFalse();
    });
  }

  private static void assertHidesEmail(String text, String email) {
    int at = email.indexOf('@');
    String local = email.substring(0, at).strip();
    String domain = email.substring(at + 1);
    String label = domain.substring(0, domain.indexOf('.'));
    assertThat(text).doesNotContain(email.strip());
    // the whole local part only shows when one character long; a domain label of 1 character neither
    if (local.codePointCount(0, local.length()) > 1) {
      assertThat(text.toLowerCase(java.util.Locale.ROOT)).doesNotContain(local.toLowerCase(java.util.Locale.ROOT));
    }
    if (label.length() > 1) {
      assertThat(text.toLowerCase(java.util.Locale.ROOT)).doesNotContain(label.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static void assertHidesPhone(String text, String phone) {
    String digits = phone.replaceAll("[^0-9]", "");
    // The message's own numbers (the length limit and the value's length in "at most 512
    // characters: … (520 characters)") are no personal data; glued to the two digits a mask may
    // show they could spell the phone's last five by chance, so they are left out.
    String shown = text.replaceAll("at most \\d+ characters|\\(\\d+ characters\\)", "").replaceAll("[^0-9]", "");
    // at most the last two digits of the phone may show (the digits are 1-9, so "U+0000" or an
    // index in the message do not look like them)
    assertThat(shown).doesNotContain(digits.substring(digits.length() - 5));
  }

  @Property(tries = 300)
  void mask_ofAnyText_isPrintableAndNeverTheText(@ForAll("anyText") String text) {
    String masked = Pii.mask(text);
    assertPrintable(masked);
    if (text.codePointCount(0, text.length()) > 1 && !text.contains("***")) {
      assertThat(masked).isNotEqualTo(text).doesNotContain(text);
    }
  }

  @Property(tries = 200)
  void mask_ofEmailAndPhone_hidesTheirParts(@ForAll("emails") String email, @ForAll("phones") String phone) {
    assertHidesEmail(Pii.mask(email), email);
    assertHidesPhone(Pii.mask(phone), phone);
  }

  @Property(tries = 200)
  void identifierMessagesAndToString_hideTheValue(@ForAll("emails") String email, @ForAll("phones") String phone,
      @ForAll @IntRange(min = 0, max = 3) int how) {
    for (String type : List.of("email", "customer_id", "phone")) {
      String value = type.equals("phone") ? phone : email;
      String bad = switch (how) {
        case 0 -> value + "\u0000";
        case 1 -> value + "\ud800";
        case 2 -> value.repeat(1 + Identifier.MAX_LENGTH / value.length());
        default -> "\n" + value;
      };
      Throwable t = catchThrowable(() -> Identifier.of(type, bad));
      assertThat(t).isInstanceOf(IllegalArgumentException.class);
      assertThat(t.getMessage()).contains("identifier value").contains(type);
      assertPrintable(t.getMessage());
      if (type.equals("phone")) {
        assertHidesPhone(t.getMessage(), phone);
      } else {
        assertHidesEmail(t.getMessage(), email);
      }
      Identifier ok = Identifier.of(type, value);
      if (type.equals("phone")) {
        assertHidesPhone(ok.toString(), phone);
      } else {
        assertHidesEmail(ok.toString(), email);
      }
    }
    // a personal value in the wrong place: the type name
    Throwable t = catchThrowable(() -> IdentifierType.of(email));
    assertHidesEmail(t.getMessage(), email);
  }

  @Property(tries = 200)
  void eventMessagesAndToString_hidePersonalKeysAndValues(@ForAll("emails") String email, @ForAll("phones") String phone,
      @ForAll @IntRange(min = 0, max = 4) int how) {
    Map<String, Object> data = new LinkedHashMap<>();
    switch (how) {
      case 0 -> data.put(email, "x\u0000");
      case 1 -> data.put("seen", Map.of(email, "\ud800"));
      case 2 -> data.put(email, List.of(Double.NaN));
      case 3 -> data.put("by_phone", Map.of(phone, new Object()));
      default -> data.put(email, new BigDecimal("1e999999999"));
    }
    Throwable t = catchThrowable(() -> Event.builder("e-1", "pageview", T).identifier(IdentifierType.EMAIL, email).data(data).build());
    assertThat(t).as("data %s", how).isInstanceOf(IllegalArgumentException.class);
    assertPrintable(t.getMessage());
    assertHidesEmail(t.getMessage(), email);
    if (how == 3) { // other messages hold numbers of their own (a scale, an index)
      assertHidesPhone(t.getMessage(), phone);
    }
    Throwable one = catchThrowable(() -> Event.builder("e-1", "pageview", T).data(email, data.values().iterator().next()));
    assertThat(one).isInstanceOf(IllegalArgumentException.class);
    assertHidesEmail(one.getMessage(), email);

    Event good = Event.builder("e-1", "identify", T).identifier(IdentifierType.EMAIL, email).identifier(IdentifierType.PHONE, phone)
        .data("first_name", email).build();
    assertHidesEmail(good.toString(), email);
    assertHidesPhone(good.toString(), phone);
    Attribute a = new Attribute("first_name", email, "crm", T);
    assertHidesEmail(a.toString(), email);
    assertHidesEmail(new ProfileSearch(Optional.of(email), ProfileSort.NAME, false, 0, 10).toString(), email);
    assertHidesPhone(new ProfileSearch(Optional.of(phone), ProfileSort.NAME, false, 0, 10).toString(), phone);
  }

  @Example
  void dataNumbers_beyondAThousandDigits_areRefusedWithTheKey_zeroIsZero() {
    for (BigDecimal huge : List.of(new BigDecimal("1e999999999"), new BigDecimal("1e-999999999"), new BigDecimal("1e1001"),
        new BigDecimal(BigInteger.TEN.pow(1000)))) {
      Throwable t = catchThrowable(() -> Event.builder("e-1", "order", T).identifier(IdentifierType.CUSTOMER_ID, "c-1")
          .data("total", huge).build());
      assertThat(t).as("%s", huge.scale()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("total");
      Throwable a = catchThrowable(() -> new Attribute("points", List.of(huge), "crm", T));
      assertThat(a).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("points");
    }
    Event ok = Event.builder("e-1", "order", T).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .data("total", new BigDecimal("1e999")).data("zero", new BigDecimal("0e999999999"))
        .data("long", new BigDecimal("1." + "0".repeat(5000))).build();
    assertThat(ok.data().get("zero")).isEqualTo(BigDecimal.ZERO);
    assertThat(ok.data().get("long")).isEqualTo(new BigDecimal("1." + "0".repeat(5000)));
    // an immutable map takes the fast path of copyOf: the bound holds there too
    Throwable fast = catchThrowable(() -> Event.builder("e-1", "order", T).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .data(com.google.common.collect.ImmutableMap.of("total", new BigDecimal("1e999999999"))).build());
    assertThat(fast).isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void number_readsOnlyAmountsWithinTheBound() {
    Map<String, Object> data = Map.of("a", new BigDecimal("9.99e99"), "b", new BigDecimal("1e100"), "c", "1e-999999999",
        "d", "0e999999999", "e", "1" + "0".repeat(2000), "f", new BigDecimal("42.50"));
    assertThat(EventData.number(data, "a")).contains(new BigDecimal("9.99e99"));
    assertThat(EventData.number(data, "b")).isEmpty();
    assertThat(EventData.number(data, "c")).isEmpty();
    assertThat(EventData.number(data, "d")).map(BigDecimal::signum).contains(0);
    assertThat(EventData.number(data, "e")).isEmpty();
    assertThat(EventData.number(data, "f")).contains(new BigDecimal("42.50"));
    assertThat(EventData.number(data, "missing")).isEqualTo(Optional.empty());
  }
}
