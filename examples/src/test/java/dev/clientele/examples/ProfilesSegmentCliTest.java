package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.EVENTS;
import static dev.clientele.examples.Fixtures.JSON;
import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clientele profiles --segment S.json}: only the segment's members are written. */
class ProfilesSegmentCliTest {
  @TempDir Path dir;

  private List<String> emails(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode p = JSON.readTree(line);
      p.get("identifiers").forEach(i -> {
        if (i.get("type").asText().equals("email")) {
          out.add(i.get("value").asText());
        }
      });
    }
    return out;
  }

  @Test
  void profiles_segment_writesOnlyMembers() throws IOException {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "reachable.json", List.of("{\"name\": \"reachable-by-email\", \"condition\": {\"reachable\": \"email\"}}"));
    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--segment", "reachable.json", "--out", "members.jsonl");
    assertThat(run.code()).as(run.err()).isZero();
    // Ann opted out, Bob's address bounced: only Cat is reachable by email.
    assertThat(emails(dir.resolve("members.jsonl"))).containsExactly("cat@example.net");
    assertThat(run.json().get("profiles").asInt()).isEqualTo(1);
    assertThat(run.json().get("segment").asText()).isEqualTo("reachable-by-email");
    assertThat(run.json().get("segmentAsOf").asText()).isEqualTo("2026-10-06T10:00:00Z");
  }

  @Test
  void profiles_segmentWithHistoryAndCsv_writesOnlyMembers() throws IOException {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "buyers.json", List.of(
        "{\"name\": \"recent-buyers\", \"condition\": {\"and\": [",
        "  {\"event\": \"order\", \"op\": \"ge\", \"value\": 1, \"within\": \"P30D\"},",
        "  {\"attribute\": \"first_name\", \"op\": \"known\"}]}}"));
    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--segment", "buyers.json", "--out", "members.csv");
    assertThat(run.code()).as(run.err()).isZero();
    List<String> lines = Files.readAllLines(dir.resolve("members.csv"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).contains("ann@example.com");
  }

  @Test
  void profiles_badSegmentFile_exit2NamingTheProblem() throws IOException {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "bad.json", List.of("{\"name\": \"x\", \"condition\": {\"event\": \"order\", \"opp\": \"ge\", \"value\": 1}}"));
    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--segment", "bad.json", "--out", "m.jsonl");
    assertThat(run.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--segment").contains("bad.json").contains("segment.condition").contains("\"opp\"");
    Run missing = cli(dir, "profiles", "--events", "events.jsonl", "--segment", "nope.json", "--out", "m.jsonl");
    assertThat(missing.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(missing.err()).contains("nope.json");
  }
}
