package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventReaderTest {
  @TempDir Path dir;

  @Test
  void parse_fullLine_allFields() throws Exception {
    Event e = EventReader.parse(
        "{\"id\":\"e-1\",\"type\":\"order\",\"action\":\"purchase\",\"timestamp\":\"2026-10-03T16:05:00+02:00\","
            + "\"identifiers\":{\"email\":\"Ann@Example.com\",\"customer_id\":\"c-77\"},"
            + "\"data\":{\"order_id\":\"o-5\",\"total\":42.50,\"qty\":3,\"gift\":false,\"tags\":[\"a\",null,\"b\"],"
            + "\"meta\":{\"x\":null,\"y\":1.0}},\"source\":\"shop\"}");

    assertThat(e.id()).isEqualTo("e-1");
    assertThat(e.type()).isEqualTo("order");
    assertThat(e.action()).isEqualTo("purchase");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-10-03T14:05:00Z"));
    assertThat(e.identifiers()).containsExactly(
        Identifier.of(IdentifierType.EMAIL, "Ann@Example.com"), Identifier.of(IdentifierType.CUSTOMER_ID, "c-77"));
    assertThat(e.data().get("total")).isEqualTo(new BigDecimal("42.50"));
    assertThat(e.data().get("qty")).isEqualTo(3L);
    assertThat(e.data().get("gift")).isEqualTo(false);
    assertThat(e.data().get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(e.data().get("meta")).isEqualTo(Map.of("y", new BigDecimal("1.0")));
    assertThat(e.source()).isEqualTo("shop");
  }

  @Test
  void parse_optionalFieldsAbsentOrNull_defaults() throws Exception {
    Event e = EventReader.parse(
        "{\"id\":\"e-2\",\"type\":\"pageview\",\"action\":null,\"timestamp\":\"2026-10-03T14:05:00Z\","
            + "\"identifiers\":{\"anonymous_id\":\"a-1\"},\"data\":null}");

    assertThat(e.action()).isEmpty();
    assertThat(e.data()).isEmpty();
    assertThat(e.source()).isEqualTo(Event.DEFAULT_SOURCE);
  }

  @Test
  void parse_badLines_reasonsWithoutPersonalData() {
    String ts = "\"timestamp\":\"2026-10-03T14:05:00Z\"";
    Map<String, String> cases = Map.of(
        "[1,2]", "not a JSON object",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + ",\"identifiers\":{\"email\":\"ann@example.com\",\"email\":\"bob@example.com\"}}", "not valid JSON",
        "{\"id\":7,\"type\":\"t\"," + ts + ",\"identifiers\":{\"email\":\"ann@example.com\"}}", "field id must be a string, not number",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + "}", "missing field identifiers",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + ",\"identifiers\":{\"phone\":4412345678}}", "identifier 'phone' must have a string value",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + ",\"identifiers\":[\"ann@example.com\"]}", "field identifiers must be an object",
        "{\"id\":\"e\",\"type\":\"t\",\"timestamp\":\"2026-10-03 14:05\",\"identifiers\":{\"email\":\"ann@example.com\"}}", "timestamp must be ISO-8601",
        "{\"id\":\"e\",\"type\":\"bad type\"," + ts + ",\"identifiers\":{\"email\":\"ann@example.com\"}}", "event type must be",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + ",\"identifiers\":{\"email\":\"ann@example.com\"},\"data\":[1]}", "field data must be an object",
        "{\"id\":\"e\",\"type\":\"t\"," + ts + ",\"identifiers\":{\"email\":\"ann@example.com\"},\"ann@example.com\":1}", "unknown field 'a***@e***.com'");

    cases.forEach((line, reason) ->
        assertThatThrownBy(() -> EventReader.parse(line))
            .as(line)
            .isInstanceOf(EventReader.LineException.class)
            .hasMessageContaining(reason)
            .message().doesNotContain("ann@example.com").doesNotContain("bob@"));
  }

  @Test
  void read_file_streamsValidEventsAndKeepsFirstReasons() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("\uFEFF" + Fixtures.EVENTS.get(0));
    for (int i = 0; i < 25; i++) {
      lines.add("{bad " + i);
    }
    lines.add("   ");
    lines.add(Fixtures.EVENTS.get(6));
    Path file = Fixtures.write(dir, "e.jsonl", lines);
    List<Long> seenLines = new ArrayList<>();

    EventReader.Result r = EventReader.read(file, (event, line) -> seenLines.add(line));

    assertThat(seenLines).containsExactly(1L, 28L);
    assertThat(r.lines()).isEqualTo(27);
    assertThat(r.events()).isEqualTo(2);
    assertThat(r.rejectedLines()).isEqualTo(25);
    assertThat(r.reasons()).hasSize(EventReader.MAX_REASONS);
    assertThat(r.reasons().get(0).toString()).startsWith("line 2: not valid JSON");
    assertThat(r.lastEvent()).contains(Instant.parse("2026-10-06T08:00:00Z"));
  }

  @Test
  void read_missingFile_cliException() {
    assertThatThrownBy(() -> EventReader.read(dir.resolve("none.jsonl"), (e, l) -> { }))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("events file not found");
  }

  /**
   * Production review H2 and M4: a line with more identifiers than an event may have, or with data
   * nested deeper than {@link dev.clientele.core.EventData#MAX_DEPTH}, is a counted bad line, not a
   * crash, and the reading goes on.
   */
  @Test
  void read_tooManyIdentifiersOrTooDeepData_rejectedLinesCounted() throws Exception {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i <= Event.MAX_IDENTIFIERS; i++) {
      ids.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":\"v\"");
    }
    String many = "{\"id\":\"e-m\",\"type\":\"t\",\"timestamp\":\"2026-10-03T14:05:00Z\",\"identifiers\":{" + ids + "}}";
    String deep = "{\"id\":\"e-d\",\"type\":\"t\",\"timestamp\":\"2026-10-03T14:05:00Z\","
        + "\"identifiers\":{\"anonymous_id\":\"a-1\"},\"data\":{\"nest\":" + "[".repeat(900) + "]".repeat(900) + "}}";
    Path file = Fixtures.write(dir, "e.jsonl", List.of(many, deep, Fixtures.EVENTS.get(0)));
    List<Long> seenLines = new ArrayList<>();

    EventReader.Result r = EventReader.read(file, (event, line) -> seenLines.add(line));

    assertThat(seenLines).containsExactly(3L);
    assertThat(r.rejectedLines()).isEqualTo(2);
    assertThat(r.reasons().get(0).toString()).startsWith("line 1: ").contains("identifiers must be at most");
    assertThat(r.reasons().get(1).toString()).startsWith("line 2: ").contains("nest").contains("deeper than");
  }
}
