package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.examples.Fixtures.Run;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the CLI (in-process, on a small events file): {@code mau} and
 * {@code status} print exactly the documented objects, and a visitor who identified mid-month
 * after browsing under a cookie counts once, as identified, with the month boundary at the last
 * second of the month in UTC.
 */
class MauStatusCliTest {
  @TempDir Path dir;

  private static final List<String> EVENTS = List.of(
      // A visitor browses on the last second of September and on 3 October, then logs in on the
      // 12th with the same cookie: one identified person.
      "{\"id\":\"m1\",\"type\":\"pageview\",\"timestamp\":\"2026-09-30T23:59:59Z\",\"identifiers\":{\"anonymous_id\":\"a-1\"}}",
      "{\"id\":\"m2\",\"type\":\"pageview\",\"timestamp\":\"2026-10-03T10:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-1\"}}",
      "{\"id\":\"m3\",\"type\":\"login\",\"action\":\"login\",\"timestamp\":\"2026-10-12T10:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-1\",\"customer_id\":\"c-1\"}}",
      "{\"id\":\"m4\",\"type\":\"login\",\"action\":\"login\",\"timestamp\":\"2026-10-13T10:00:00Z\",\"identifiers\":{\"customer_id\":\"c-1\"}}",
      // Another visitor, only anonymous; a third person only ever sent a campaign (not active).
      "{\"id\":\"m5\",\"type\":\"pageview\",\"timestamp\":\"2026-10-31T23:59:59Z\",\"identifiers\":{\"anonymous_id\":\"a-2\"}}",
      "{\"id\":\"m6\",\"type\":\"campaign\",\"action\":\"sent\",\"timestamp\":\"2026-10-05T10:00:00Z\",\"identifiers\":{\"email\":\"cy@example.com\"}}");

  @Test
  void mau_visitorIdentifiedMidMonth_countsOnce_andTheLastSecondOfTheMonthCounts() {
    write(dir, "events.jsonl", EVENTS);

    Run sept = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-09-30");
    Run early = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-05");
    Run end = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31");
    Run nov = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-11-01");

    assertThat(end.code()).as(end.err()).isZero();
    JsonNode e = end.json();
    assertThat(e.fieldNames()).toIterable().containsExactly("date", "month", "mau", "identified", "anonymous");
    assertThat(e.get("month").asText()).isEqualTo("2026-10");
    assertThat(List.of(e.get("mau").asLong(), e.get("identified").asLong(), e.get("anonymous").asLong())).containsExactly(2L, 1L, 1L);
    JsonNode s = sept.json();
    assertThat(List.of(s.get("mau").asLong(), s.get("identified").asLong(), s.get("anonymous").asLong())).containsExactly(1L, 1L, 0L);
    JsonNode o = early.json();
    assertThat(List.of(o.get("mau").asLong(), o.get("identified").asLong())).containsExactly(1L, 1L);
    assertThat(nov.json().get("mau").asLong()).isZero();
  }

  @Test
  void status_documentedKeys_mergedVisitorsLoginsCountTogether() {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-14");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode s = run.json();
    assertThat(s.fieldNames()).toIterable().containsExactly("date", "very_active", "active", "occasional", "sleeper", "engagement");
    assertThat(s.get("date").asText()).isEqualTo("2026-10-14");
    // c-1: two logins (one under the cookie) within 7 days. a-2 does not exist yet on the 14th;
    // the campaign recipient never logged in.
    assertThat(List.of(s.get("very_active").asLong(), s.get("active").asLong(), s.get("occasional").asLong(),
        s.get("sleeper").asLong())).containsExactly(1L, 0L, 0L, 1L);
    // c-1 was active on 4 days of the 30 ending on the 14th (30 Sept under the cookie, 3, 12 and
    // 13 Oct), last the day before: medium by default. The campaign recipient has no active event.
    JsonNode engagement = s.get("engagement");
    assertThat(List.of(engagement.get("high").asLong(), engagement.get("medium").asLong(), engagement.get("low").asLong()))
        .containsExactly(0L, 1L, 1L);
  }

  @Test
  void status_engagementThresholdsFromConfig() {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "config.json", List.of("{\"engagement\": {\"highActiveDays\": 4, \"highRecencyDays\": 1}}"));
    write(dir, "bad.json", List.of("{\"engagement\": {\"highActiveDays\": 1}}"));

    Run run = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-14", "--config", "config.json");
    Run bad = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-14", "--config", "bad.json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("engagement").get("high").asLong()).isEqualTo(1);
    assertThat(bad.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(bad.err()).contains("config key engagement").contains("mediumActiveDays");
  }
}
