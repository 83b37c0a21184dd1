package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {
  private static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  private static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Identifier CID = Identifier.of(IdentifierType.CUSTOMER_ID, "c-77");

  @Test
  void builder_allFields_buildsTheEvent() {
    Event e = Event.builder("e-1", "order", T)
        .action("purchase")
        .identifier(ANN)
        .identifier(IdentifierType.CUSTOMER_ID, "c-77")
        .data("total", 42.50)
        .data(Map.of("currency", "EUR"))
        .source("shop")
        .build();

    assertThat(e.id()).isEqualTo("e-1");
    assertThat(e.type()).isEqualTo("order");
    assertThat(e.action()).isEqualTo("purchase");
    assertThat(e.timestamp()).isEqualTo(T);
    assertThat(e.identifiers()).containsExactly(ANN, CID);
    assertThat(e.data()).isEqualTo(Map.of("total", new BigDecimal("42.5"), "currency", "EUR"));
    assertThat(e.source()).isEqualTo("shop");
  }

  @Test
  void builder_defaults_emptyActionAndApiSource() {
    Event e = Event.builder("e-1", "pageview", T).identifier(ANN).build();

    assertThat(e.action()).isEmpty();
    assertThat(e.source()).isEqualTo(Event.DEFAULT_SOURCE).isEqualTo("api");
    assertThat(e.data()).isEmpty();
  }

  @Test
  void new_mutableInputs_areCopied() {
    List<Identifier> ids = new ArrayList<>(List.of(ANN));
    Map<String, Object> data = new HashMap<>(Map.of("n", 1));
    Event e = new Event("e-1", "login", "login", T, ids, data, "api");

    ids.add(CID);
    data.put("m", 2);

    assertThat(e.identifiers()).containsExactly(ANN);
    assertThat(e.data()).isEqualTo(Map.of("n", 1L));
    assertThatThrownBy(() -> e.identifiers().add(CID)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void new_nullFields_throwNamingTheField() {
    List<Identifier> ids = List.of(ANN);
    Map<String, Object> data = Map.of();
    assertThatNullPointerException().isThrownBy(() -> new Event(null, "t", "", T, ids, data, "api")).withMessage("id");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", null, "", T, ids, data, "api")).withMessage("type");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", "t", null, T, ids, data, "api")).withMessage("action");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", "t", "", null, ids, data, "api"))
        .withMessage("timestamp");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", "t", "", T, null, data, "api"))
        .withMessage("identifiers");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", "t", "", T, ids, null, "api")).withMessage("data");
    assertThatNullPointerException().isThrownBy(() -> new Event("e", "t", "", T, ids, data, null)).withMessage("source");
  }

  @Test
  void new_badId_throwsWithMaskedId() {
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder(" ", "login", T).identifier(ANN).build())
        .withMessageStartingWith("event id must be");
    String longId = "ann.smith@example.com/" + "x".repeat(300);
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder(longId, "login", T).identifier(ANN).build())
        .withMessageStartingWith("event id must be")
        .withMessageNotContaining("ann.smith");
  }

  @Test
  void new_badTypeOrAction_throwsNamingIt() {
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder("e", "page view", T).identifier(ANN).build())
        .withMessageStartingWith("event type");
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder("e", "", T).identifier(ANN).build())
        .withMessageStartingWith("event type");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Event.builder("e", "login", T).action("log in").identifier(ANN).build())
        .withMessageStartingWith("event action");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Event.builder("e", "login", T).action("a".repeat(65)).identifier(ANN).build())
        .withMessageStartingWith("event action");
  }

  @Test
  void new_noOrRepeatedIdentifiers_throws() {
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder("e-1", "login", T).build())
        .withMessageContaining("at least one identifier");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Event.builder("e-1", "login", T).identifier(ANN).identifier(ANN).build())
        .withMessageContaining("must not repeat");
  }

  @Test
  void new_badSource_throwsWithMaskedSource() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Event.builder("e", "login", T).identifier(ANN).source(" ").build())
        .withMessageStartingWith("event source");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Event.builder("e", "login", T).identifier(ANN).source("ann@example.com".repeat(10)).build())
        .withMessageStartingWith("event source")
        .withMessageNotContaining("ann@example.com");
  }

  @Test
  void builderData_badValue_throwsNamingTheKey() {
    assertThatIllegalArgumentException().isThrownBy(() -> Event.builder("e", "order", T).data("total", Double.NaN))
        .withMessageContaining("total");
  }

  @Test
  void is_matchesTypeAndOptionalAction() {
    Event e = Event.builder("e-1", "campaign", T).action("open").identifier(ANN).build();

    assertThat(e.is("campaign", null)).isTrue();
    assertThat(e.is("campaign", "open")).isTrue();
    assertThat(e.is("campaign", "sent")).isFalse();
    assertThat(e.is("login", null)).isFalse();
  }

  @Test
  void withIdentifiers_replacesOnlyTheIdentifiers() {
    Event e = Event.builder("e-1", "login", T).action("login").identifier(ANN).data("device", "ios").build();

    Event changed = e.withIdentifiers(List.of(CID));

    assertThat(changed.identifiers()).containsExactly(CID);
    assertThat(changed).usingRecursiveComparison().ignoringFields("identifiers").isEqualTo(e);
  }

  /** Production review H2: one event of 64 000 identifiers cost seconds to resolve. */
  @Test
  void builder_refusesMoreThanMaxIdentifiers_namingTheArgument() {
    Event.Builder b = Event.builder("e-1", "pageview", T);
    for (int i = 0; i < Event.MAX_IDENTIFIERS; i++) {
      b.identifier(IdentifierType.ANONYMOUS_ID, "a" + i);
    }
    assertThat(b.build().identifiers()).hasSize(Event.MAX_IDENTIFIERS);

    assertThatIllegalArgumentException().isThrownBy(() -> b.identifier(IdentifierType.ANONYMOUS_ID, "one-more"))
        .withMessageContaining("identifiers").withMessageContaining(String.valueOf(Event.MAX_IDENTIFIERS));
  }

  @Test
  void constructor_refusesMoreThanMaxIdentifiers() {
    List<Identifier> ids = new ArrayList<>();
    for (int i = 0; i <= Event.MAX_IDENTIFIERS; i++) {
      ids.add(Identifier.of(IdentifierType.ANONYMOUS_ID, "a" + i));
    }

    assertThatIllegalArgumentException().isThrownBy(() -> new Event("e-1", "pageview", "", T, ids, Map.of(), "api"))
        .withMessage("event identifiers must be at most " + Event.MAX_IDENTIFIERS + ", not " + ids.size());
  }
}
