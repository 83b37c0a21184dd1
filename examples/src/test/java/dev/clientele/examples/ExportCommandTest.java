package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.EVENTS;
import static dev.clientele.examples.Fixtures.JSON;
import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  @TempDir Path dir;

  List<Map<String, String>> csvRows(Path file, char delimiter) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader().withColumnSeparator(delimiter)).readValues(file.toFile())) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Test
  void export_csvAll_everyProfileWithReachabilityAndActivity() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--out", "out/all.csv");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("rows").asLong()).isEqualTo(5);
    assertThat(json.get("profiles").asLong()).isEqualTo(5);
    assertThat(json.get("format").asText()).isEqualTo("csv");
    assertThat(json.get("preset").asText()).isEqualTo("all");
    assertThat(json.get("activityDate").asText()).isEqualTo("2026-10-06");
    assertThat(json.get("applied").asLong()).isEqualTo(11);
    String text = Files.readString(dir.resolve("out/all.csv"), StandardCharsets.UTF_8);
    assertThat(text).startsWith("id,anonymous,").contains("\r\n");
    List<Map<String, String>> rows = csvRows(dir.resolve("out/all.csv"), ',');
    assertThat(rows).hasSize(5);
    Map<String, String> ann = rows.stream().filter(r -> r.get("email").equals("ann@example.com")).findFirst().orElseThrow();
    assertThat(ann).containsEntry("reachable_email", "false").containsEntry("email_consent", "opt_out")
        .containsEntry("revenue", "42.50").containsEntry("attributes.city", "Leeds").containsEntry("activity_status", "occasional")
        .containsEntry("engagement", "medium"); // active on 1, 2 and 4 Oct (the opt-out is not active)
    Map<String, String> cat = rows.stream().filter(r -> r.get("email").equals("cat@example.net")).findFirst().orElseThrow();
    assertThat(cat).containsEntry("engagement", "low"); // only a consent event
    Map<String, String> bob = rows.stream().filter(r -> r.get("phone").equals("+12125550199")).findFirst().orElseThrow();
    assertThat(bob).containsEntry("reachable_sms", "true").containsEntry("reachable_email", "false");
  }

  @Test
  void export_segment_writesOnlyItsMembers() throws IOException {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "reachable.json", List.of("{\"name\": \"reachable-by-email\", \"condition\": {\"reachable\": \"email\"}}"));

    Run run = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--segment", "reachable.json", "--out", "seg.csv");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("segment").asText()).isEqualTo("reachable-by-email");
    assertThat(run.json().get("segmentAsOf").asText()).isEqualTo("2026-10-06T10:00:00Z");
    List<Map<String, String>> rows = csvRows(dir.resolve("seg.csv"), ',');
    // Ann opted out, Bob's address bounced: only Cat is reachable by email.
    assertThat(rows).extracting(r -> r.get("email")).containsExactly("cat@example.net");
    assertThat(run.json().get("rows").asLong()).isEqualTo(1);
  }

  @Test
  void export_segmentsInTheConfig_countedAsOfTheLatestEvent() throws IOException {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "config.json", List.of("{\"segments\": [{\"name\": \"reachable-by-email\", \"condition\": {\"reachable\": \"email\"}}]}"));

    Run run = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--config", "config.json", "--out", "all.csv");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("segments").get("reachable-by-email").asLong()).isEqualTo(1);
  }

  @Test
  void export_emailReachableOnEmail_mailingListSync() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--preset", "email", "--reachable", "email",
        "--delimiter", ";", "--out", "list.csv");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(Files.readString(dir.resolve("list.csv"))).isEqualTo("email\r\ncat@example.net\r\n");
    JsonNode json = run.json();
    assertThat(json.get("rows").asLong()).isEqualTo(1);
    assertThat(json.get("reachable").asText()).isEqualTo("email");
    assertThat(json.get("skipped").get("not_reachable_email").asLong()).isEqualTo(4);
    assertThat(json.has("activityDate")).isFalse();
  }

  @Test
  void export_json_arrayOrLinesByExtension() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run array = cli(dir, "export", "--events", "events.jsonl", "--format", "json", "--preset", "email", "--out", "e.json");
    Run lines = cli(dir, "export", "--events", "events.jsonl", "--format", "json", "--preset", "email", "--out", "e.jsonl");

    assertThat(array.code()).as(array.err()).isZero();
    assertThat(array.json().get("format").asText()).isEqualTo("json");
    JsonNode parsed = JSON.readTree(dir.resolve("e.json").toFile());
    assertThat(parsed.isArray()).isTrue();
    assertThat(parsed.findValuesAsText("email")).containsExactlyInAnyOrder("ann@example.com", "bob@example.org", "cat@example.net");
    assertThat(lines.json().get("format").asText()).isEqualTo("jsonl");
    assertThat(Files.readAllLines(dir.resolve("e.jsonl"))).hasSize(3).allMatch(l -> l.startsWith("{\"email\":"));
    assertThat(array.json().get("skipped").get("no_email").asLong()).isEqualTo(2);
  }

  @Test
  void export_badArguments_exit2NothingOnStdout() {
    write(dir, "events.jsonl", EVENTS);

    Run format = cli(dir, "export", "--events", "events.jsonl", "--format", "xml", "--out", "x");
    Run preset = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--preset", "vip", "--out", "x");
    Run channel = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--reachable", "fax", "--out", "x");
    Run delimiter = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--delimiter", "\"", "--out", "x");
    Run guard = cli(dir, "export", "--events", "events.jsonl", "--format", "csv", "--formula-guard", "maybe", "--out", "x");
    Run noFormat = cli(dir, "export", "--events", "events.jsonl", "--out", "x");

    for (Run run : List.of(format, preset, channel, delimiter, guard, noFormat)) {
      assertThat(run.code()).as(run.err()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("clientele: ");
    }
    assertThat(format.err()).contains("--format must be csv, json or jsonl: xml");
    assertThat(channel.err()).contains("--reachable must be email, sms or push: fax");
    assertThat(delimiter.err()).contains("delimiter must not be a quote");
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
  }
}
