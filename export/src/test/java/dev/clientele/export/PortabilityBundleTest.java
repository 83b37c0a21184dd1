package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clientele.consent.ConsentChange;
import dev.clientele.consent.ConsentLedger;
import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PortabilityBundleTest {
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode bundle(Profile p, List<Event> timeline) throws IOException {
    return bundle(p, timeline, ConsentLedger.of(timeline));
  }

  static JsonNode bundle(Profile p, List<Event> timeline, List<ConsentChange> ledger) throws IOException {
    return JSON.readTree(text(p, timeline, ledger));
  }

  static String text(Profile p, List<Event> timeline, List<ConsentChange> ledger) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PortabilityBundle.write(p, timeline, ledger, T0.plusSeconds(3600), out);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void write_holdsEveryPersonalFieldAndTheWholeTimeline() throws IOException {
    Identifier email = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(email, T0, true, "web").withConsent(Consent.OPT_IN, T0)
            .withLinkedAt(T0.plusSeconds(30)))
        .putAttribute(new Attribute("first_name", "Ann", "crm", T0))
        .putAttribute(new Attribute("ltv_hint", new BigDecimal("1E+3"), "crm", T0))
        .addTag("favourite")
        .build();
    List<Event> timeline = List.of(
        Event.builder("e-1", "consent", T0).action("opt_in").identifier(email).data("method", "double_opt_in").build(),
        Event.builder("e-2", "order", T0.plusSeconds(60)).identifier(email).data("total", new BigDecimal("42.50")).build());

    JsonNode b = bundle(p, timeline);

    assertThat(b.get("format").asText()).isEqualTo("clientele-portability-v2");
    assertThat(b.get("generatedAt").asText()).isEqualTo("2026-10-01T09:00:00Z");
    assertThat(b.get("profile").get("id").asText()).isEqualTo("p-1");
    assertThat(b.get("profile").get("tags").get(0).asText()).isEqualTo("favourite");
    JsonNode id = b.get("identifiers").get(0);
    assertThat(id.get("value").asText()).isEqualTo("ann@example.com");
    assertThat(id.get("consent").asText()).isEqualTo("opt_in");
    assertThat(id.get("deliverable").asBoolean()).isTrue();
    assertThat(id.get("firstSeen").asText()).isEqualTo("2026-10-01T08:00:00Z");
    assertThat(id.get("linkedAt").asText()).isEqualTo("2026-10-01T08:00:30Z");
    assertThat(b.get("attributes").get("first_name").get("value").asText()).isEqualTo("Ann");
    assertThat(b.get("attributes").get("first_name").get("source").asText()).isEqualTo("crm");
    assertThat(b.get("attributes").get("ltv_hint").get("value").decimalValue()).isEqualByComparingTo("1000");
    assertThat(b.get("consentHistory")).hasSize(1);
    JsonNode change = b.get("consentHistory").get(0);
    assertThat(change.get("timestamp").asText()).isEqualTo("2026-10-01T08:00:00Z");
    assertThat(change.get("identifier").get("type").asText()).isEqualTo("email");
    assertThat(change.get("identifier").get("value").asText()).isEqualTo("ann@example.com");
    assertThat(change.get("consent").asText()).isEqualTo("opt_in");
    assertThat(change.get("source").asText()).isEqualTo(timeline.get(0).source());
    assertThat(change.get("method").asText()).isEqualTo("double_opt_in");
    assertThat(change.get("eventId").asText()).isEqualTo("e-1");
    assertThat(b.get("events")).hasSize(2);
    assertThat(b.get("events").get(1).get("data").get("total").decimalValue()).isEqualByComparingTo("42.50");
    assertThat(b.get("events").get(1).get("identifiers")).hasSize(1);
    assertThat(b.get("events").get(1).get("identifiers").get(0).get("type").asText()).isEqualTo("email");
    assertThat(b.get("events").get(1).get("identifiers").get(0).get("value").asText()).isEqualTo("ann@example.com");
  }

  @Test
  void write_twoIdentifiersOfOneType_areBothKeptInOrder() throws IOException {
    Identifier home = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Identifier work = Identifier.of(IdentifierType.EMAIL, "ann.work@example.com");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(home, T0, true, "web"))
        .putIdentifier(IdentifierState.firstSeen(work, T0, true, "web"))
        .build();
    Event e = Event.builder("e-1", "identify", T0).identifier(home).identifier(work).build();

    JsonNode ids = bundle(p, List.of(e)).get("events").get(0).get("identifiers");

    assertThat(ids.findValuesAsText("value")).containsExactly("ann@example.com", "ann.work@example.com");
    assertThat(ids.findValuesAsText("type")).containsExactly("email", "email");
  }

  @Test
  void write_anEventWithIdentifiersTheProfileDoesNotHold_listsOnlyItsOwn() throws IOException {
    Identifier ann = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
    Identifier tablet = Identifier.of(IdentifierType.ANONYMOUS_ID, "tablet");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0).putIdentifier(IdentifierState.firstSeen(ann, T0, true, "web")).build();
    // as after a split: the event that linked both sides stays on this side with the other's identifiers
    Event e = Event.builder("e-3", "consent", T0).action("opt_out").identifier(tablet).identifier(ann).identifier(bob).build();

    String text = text(p, List.of(e), ConsentLedger.of(List.of(e.withIdentifiers(List.of(tablet, ann)))));

    assertThat(text).contains("ann@example.com").doesNotContain("bob@example.com", "tablet");
    assertThat(JSON.readTree(text).get("events").get(0).get("identifiers").findValuesAsText("value")).containsExactly("ann@example.com");
  }

  @Test
  void write_aLedgerEntryOfAnotherIdentifier_isRefusedBeforeWriting() {
    Identifier ann = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
    Identifier bob = Identifier.of(IdentifierType.EMAIL, "bob@example.com");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0).putIdentifier(IdentifierState.firstSeen(ann, T0, true, "web")).build();
    Event e = Event.builder("e-1", "consent", T0).action("opt_out").identifier(bob).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> PortabilityBundle.write(p, List.of(), ConsentLedger.of(List.of(e)), T0, out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("bob@example.com");
    assertThat(out.size()).isZero();
  }

  @Provide
  Arbitrary<String> awkwardText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40).map(PortabilityBundleTest::storable),
        Arbitraries.of("=SUM(A1)", "a,b", "\"quoted\"", "line\nbreak", "\uD83D\uDE00 emoji", "tab\there", ""));
  }

  @Property(tries = 300)
  void write_attributeAndDataValues_roundTripExactly(@ForAll("awkwardText") String text, @ForAll long number) throws IOException {
    Identifier cid = Identifier.of(IdentifierType.CUSTOMER_ID, "c-1");
    Profile p = Profile.builder(ProfileId.of("p-1"), T0)
        .putIdentifier(IdentifierState.firstSeen(cid, T0, true, "web"))
        .putAttribute(new Attribute("note", text, "web", T0))
        .putAttribute(new Attribute("count", number, "web", T0))
        .build();
    Event e = Event.builder("e-1", "identify", T0).identifier(cid).data("note", text).data("tags", List.of(text, number)).build();

    JsonNode b = bundle(p, List.of(e));

    assertThat(b.get("attributes").get("note").get("value").asText()).isEqualTo(text);
    assertThat(b.get("attributes").get("count").get("value").asLong()).isEqualTo(number);
    assertThat(b.get("events").get(0).get("data").get("note").asText()).isEqualTo(text);
    assertThat(b.get("events").get(0).get("data").get("tags").get(0).asText()).isEqualTo(text);
    assertThat(b.get("events").get(0).get("data").get("tags").get(1).asLong()).isEqualTo(number);
  }

  /** Text the model accepts: a lone surrogate becomes an emoji (a valid pair), a NUL a U+0001. */
  private static String storable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append("\uD83D\uDE00");
      } else {
        b.append(c == 0 ? '\u0001' : c);
      }
    }
    return b.toString();
  }
}
