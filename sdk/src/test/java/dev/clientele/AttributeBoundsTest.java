package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Profile;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One client cannot make a profile arbitrarily large through its attributes. */
class AttributeBoundsTest {
  @Test
  void ingest_attributesBeyondTheMaximum_notKeptAndRecorded() {
    Clientele c = Clientele.inMemory();
    Event.Builder many = event("e-1", "identify", 0).identifier(email("ann@example.com"));
    for (int i = 0; i < Profile.MAX_ATTRIBUTES + 5; i++) {
      many.data("a" + i, i);
    }
    IngestResult first = c.ingest(many.build());
    IngestResult again = c.ingest(event("e-2", "identify", 1).identifier(email("ann@example.com"))
        .data("a1", 42).data("brand_new", "x").build());

    Profile ann = c.profile(email("ann@example.com")).orElseThrow();
    assertThat(ann.attributes()).hasSize(Profile.MAX_ATTRIBUTES);
    assertThat(first.problems()).filteredOn(p -> p.contains("the profile holds the maximum of 1000 attributes")).hasSize(5);
    assertThat(ann.attribute("a1").orElseThrow().value()).as("a known name still updates").isEqualTo(42L);
    assertThat(ann.attribute("brand_new")).isEmpty();
    assertThat(again.problems()).containsExactly(
        "attribute rejected in event e-2: the profile holds the maximum of 1000 attributes");
  }

  @Test
  void attribute_textLongerThanTheMaximum_refusedAndRecordedAtIngest() {
    String huge = "x".repeat(Attribute.MAX_TEXT_LENGTH + 1);
    assertThat(new Attribute("first_name", huge, "crm", Instant.EPOCH).value())
        .as("the constructor does not refuse it, so attributes stored before the bound still load").isEqualTo(huge);

    Clientele c = Clientele.inMemory();
    IngestResult r = c.ingest(event("e-1", "identify", 0).identifier(email("ann@example.com")).data("first_name", huge).build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(r.problems()).containsExactly(
        "attribute rejected in event e-1: attribute first_name must hold at most 8192 characters of text");
    assertThat(c.profile(email("ann@example.com")).orElseThrow().attribute("first_name")).isEmpty();
  }

  @Test
  void ingest_nestedTextBeyondTheMaximum_notKept() {
    Clientele c = Clientele.inMemory();
    java.util.Map<String, Object> prefs = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      prefs.put("k" + i, i);
    }
    IngestResult r = c.ingest(event("e-1", "identify", 0).identifier(email("ann@example.com"))
        .data("bio", java.util.List.of("x".repeat(Attribute.MAX_TEXT_LENGTH)))
        .data("prefs", prefs)
        .data("ok", java.util.List.of("a", "b")).build());

    Profile ann = c.profile(email("ann@example.com")).orElseThrow();
    assertThat(ann.attribute("bio")).isEmpty();
    assertThat(ann.attribute("prefs")).isEmpty();
    assertThat(ann.attribute("ok")).isPresent();
    assertThat(r.problems()).hasSize(2).allMatch(p -> p.contains("must hold at most 8192 characters of text"));
  }
}
