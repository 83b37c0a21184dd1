package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Text that a backend cannot store as it is never enters the model: PostgreSQL's driver sends an
 * unpaired UTF-16 surrogate as {@code ?} (so {@code "c-\ud800"} and {@code "c-\ud801"} would become
 * one customer) and the server refuses a NUL. Identifier values, event ids and sources refuse both
 * and every other control character; event data refuses both and keeps tabs and line breaks.
 */
class StorableTextTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  private static Event event(String id, String customerId) {
    return Event.builder(id, "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, customerId).build();
  }

  @Test
  void identifier_unpairedSurrogate_isRefusedNamingTheArgumentWithoutTheValue() {
    for (String value : List.of("c-\ud800", "c-\udc00x", "\ud83dc-1", "c-1\ud83d")) {
      assertThatIllegalArgumentException().isThrownBy(() -> Identifier.of(IdentifierType.CUSTOMER_ID, value))
          .withMessageContaining("identifier value must not contain control characters or unpaired surrogates")
          .withMessageContaining("customer_id")
          .withMessageContaining("unpaired surrogate (U+D")
          .withMessageNotContaining("c-1");
    }
  }

  @Test
  void identifier_pairedSurrogates_areKept() {
    assertThat(Identifier.of(IdentifierType.CUSTOMER_ID, "c-\ud83d\ude00").value()).isEqualTo("c-\ud83d\ude00");
  }

  @Test
  void eventId_unpairedSurrogateOrControl_isRefusedNamingTheField() {
    for (String id : List.of("e-\ud801", "e-\u0000", "e-\n1", "\udc00")) {
      assertThatIllegalArgumentException().isThrownBy(() -> event(id, "c-1"))
          .withMessageContaining("event id must not contain control characters or unpaired surrogates");
    }
    assertThat(event("e-\ud83d\ude00", "c-1").id()).isEqualTo("e-\ud83d\ude00");
  }

  @Test
  void eventSource_unpairedSurrogateOrControl_isRefusedNamingTheField() {
    for (String source : List.of("web\ud800", "web\u0000", "web\u0085")) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Event.builder("e-1", "pageview", T0).identifier(IdentifierType.CUSTOMER_ID, "c-1").source(source).build())
          .withMessageContaining("event source must not contain");
    }
  }

  @Test
  void eventData_nulOrUnpairedSurrogate_isRefusedNamingTheKey_butTabsAndNewlinesStay() {
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(Map.of("note", "a\u0000b")))
        .withMessageContaining("value of note must not contain a NUL or an unpaired surrogate");
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(Map.of("items", List.of("ok", "x\ud800"))))
        .withMessageContaining("value of items must not contain");
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(Map.of("ad\udfffdr", "x")))
        .withMessageContaining("data key must not contain");
    assertThatIllegalArgumentException().isThrownBy(() -> EventData.copyOf(Map.of("address", Map.of("ci\u0000ty", "x"))))
        .withMessageContaining("key inside address must not contain");
    // An already-immutable map takes the fast path: it must refuse the same text.
    assertThatIllegalArgumentException()
        .isThrownBy(() -> EventData.copyOf(com.google.common.collect.ImmutableMap.of("note", "\ud800")))
        .withMessageContaining("value of note must not contain");
    assertThat(EventData.copyOf(Map.of("note", "line 1\r\n\tline 2 \ud83d\ude00"))).containsEntry("note", "line 1\r\n\tline 2 \ud83d\ude00");
  }

  @Test
  void eventTimestamp_outsideFourDigitYears_isRefused() {
    for (Instant t : List.of(Instant.MIN, Instant.MAX, Event.EARLIEST.minusNanos(1), Event.LATEST.plusNanos(1))) {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Event.builder("e-1", "pageview", t).identifier(IdentifierType.CUSTOMER_ID, "c-1").build())
          .withMessageContaining("event timestamp must be within the years 1 to 9999");
    }
    for (Instant t : List.of(Event.EARLIEST, Event.LATEST)) {
      assertThat(Event.builder("e-1", "pageview", t).identifier(IdentifierType.CUSTOMER_ID, "c-1").build().timestamp()).isEqualTo(t);
    }
  }

  /** Whatever text the model accepts survives UTF-8 unchanged, so no two accepted values can meet. */
  @Property(tries = 500)
  void acceptedText_survivesUtf8(@ForAll("nastyText") String text) {
    boolean identifierAccepted = accepts(() -> Identifier.of(IdentifierType.CUSTOMER_ID, text));
    boolean idAccepted = text.length() <= 256 && accepts(() -> event(text, "c-1"));
    boolean dataAccepted = accepts(() -> EventData.copyOf(Map.of("note", text)));
    boolean survives = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
    boolean noNul = text.indexOf('\u0000') < 0;
    boolean noControl = text.chars().noneMatch(c -> Character.isISOControl((char) c));

    assertThat(dataAccepted).as("data").isEqualTo(survives && noNul);
    if (!text.isBlank()) {
      assertThat(identifierAccepted).as("identifier").isEqualTo(survives && noControl);
      assertThat(idAccepted).as("event id").isEqualTo(survives && noControl);
    }
  }

  private static boolean accepts(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<String> nastyText() {
    Arbitrary<Character> chars = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.chars().range('a', 'z')),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0000', '\u001f')),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u007f', '\u009f')),
        net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\ud800', '\udfff')),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u00a0', '\ud7ff')));
    return chars.list().ofMinSize(1).ofMaxSize(12).map(cs -> {
      StringBuilder b = new StringBuilder();
      cs.forEach(b::append);
      return b.toString();
    });
  }
}
