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
import dev.clientele.export.MultiValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;

  private List<JsonNode> readJsonLines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static JsonNode withIdentifier(List<JsonNode> profiles, String type, String value) {
    return profiles.stream()
        .filter(p -> stream(p.get("identifiers")).anyMatch(i -> i.get("type").asText().equals(type) && i.get("value").asText().equals(value)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no profile with " + type + " " + value));
  }

  private static JsonNode identifier(JsonNode profile, String type) {
    return stream(profile.get("identifiers")).filter(i -> i.get("type").asText().equals(type)).findFirst().orElseThrow();
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }

  @Test
  void profiles_jsonLines_documentedKeysPerProfile() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "out/profiles.jsonl");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode summary = run.json();
    assertThat(summary.get("profiles").asLong()).isEqualTo(5);
    assertThat(summary.get("applied").asLong()).isEqualTo(11);
    assertThat(summary.get("merges").asLong()).isEqualTo(1);
    assertThat(summary.get("rejected").asLong()).isZero();
    assertThat(summary.get("rejectedLines").asLong()).isZero();
    assertThat(summary.get("out").asText()).isEqualTo(dir.resolve("out/profiles.jsonl").toString());
    // Keys added for operations (scripts may parse them now: only additions from here on).
    assertThat(summary.fieldNames()).toIterable().contains("blockedIdentifiers", "malformedIdentifiers", "replaysBlocked",
        "identifierCapRefusals", "mergeCapRefusals", "batchFallbacks", "retries", "storageFailures", "commitsRecovered",
        "writesGaveUp", "normalizationCache");
    assertThat(summary.get("normalizationCache").fieldNames()).toIterable()
        .contains("hits", "misses", "evictions", "entries", "estimatedBytes");
    assertThat(summary.get("normalizationCache").get("misses").asLong()).isPositive();

    List<JsonNode> profiles = readJsonLines(dir.resolve("out/profiles.jsonl"));
    assertThat(profiles).hasSize(5);
    for (JsonNode p : profiles) {
      assertThat(p.fieldNames()).toIterable().contains("id", "identifiers", "attributes", "mergedFrom", "eventCount");
      for (JsonNode i : p.get("identifiers")) {
        assertThat(i.fieldNames()).toIterable().contains("type", "value", "lastSeen", "deliverable", "consent");
        assertThat(i.get("deliverable").isBoolean()).isTrue();
        assertThat(i.get("consent").asText()).isIn("opt_in", "opt_out", "unknown");
      }
    }

    JsonNode ann = withIdentifier(profiles, "email", "ann@example.com");
    assertThat(stream(ann.get("identifiers")).map(i -> i.get("type").asText() + ":" + i.get("value").asText()))
        .containsExactly("anonymous_id:a-1", "customer_id:c-1", "email:ann@example.com");
    JsonNode annEmail = identifier(ann, "email");
    assertThat(annEmail.get("consent").asText()).isEqualTo("opt_out");
    assertThat(annEmail.get("deliverable").asBoolean()).isTrue();
    assertThat(annEmail.get("lastSeen").asText()).isEqualTo("2026-10-01T10:05:00Z");
    assertThat(annEmail.get("linkedAt").asText()).isEqualTo("2026-10-01T10:05:00Z");
    assertThat(ann.get("mergedFrom")).hasSize(1);
    assertThat(ann.get("mergedFrom").get(0).asText()).isNotEqualTo(ann.get("id").asText());
    assertThat(ann.get("eventCount").asLong()).isEqualTo(5);
    assertThat(ann.get("attributes").get("first_name").asText()).isEqualTo("Ann");
    assertThat(ann.get("attributes").get("last_device").asText()).isEqualTo("iphone");
    assertThat(ann.get("attributes").has("nickname")).as("null data values are left out").isFalse();
    assertThat(ann.get("revenue").decimalValue()).isEqualByComparingTo("42.50");

    JsonNode bob = withIdentifier(profiles, "phone", "+12125550199");
    JsonNode bobEmail = identifier(bob, "email");
    assertThat(bobEmail.get("value").asText()).isEqualTo("bob@example.org");
    assertThat(bobEmail.get("deliverable").asBoolean()).isFalse();
    assertThat(bobEmail.get("undeliverableReason").asText()).isEqualTo("hard_bounce");
    assertThat(identifier(bob, "phone").get("consent").asText()).isEqualTo("opt_in");
    assertThat(bob.get("eventCount").asLong()).isEqualTo(3);
    assertThat(bob.get("mergedFrom")).isEmpty();

    JsonNode cat = withIdentifier(profiles, "email", "cat@example.net");
    assertThat(identifier(cat, "email").get("lastSeen").isNull()).as("consent events are not active").isTrue();
    assertThat(profiles.stream().filter(p -> p.get("anonymous").asBoolean())).hasSize(2);
  }

  @Test
  void profiles_sameInput_sameBytes() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    cli(dir, "profiles", "--events", "events.jsonl", "--out", "a.jsonl");
    cli(dir, "profiles", "--events", "events.jsonl", "--out", "b.jsonl");

    assertThat(Files.readString(dir.resolve("a.jsonl"))).isEqualTo(Files.readString(dir.resolve("b.jsonl")));
  }

  @Test
  void profiles_csv_parsesBackWithJacksonCsv() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "profiles.CSV");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("format").asText()).isEqualTo("csv");
    CsvMapper csv = new CsvMapper();
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        csv.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(dir.resolve("profiles.CSV").toFile())) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0).keySet()).startsWith(ProfileWriter.FIXED_COLUMNS.toArray(String[]::new));
    assertThat(rows.get(0).keySet()).contains("attributes.first_name", "attributes.city", "attributes.last_device");
    Map<String, String> ann = rows.stream().filter(r -> r.get("email").equals("ann@example.com")).findFirst().orElseThrow();
    assertThat(ann.get("email_consent")).isEqualTo("opt_out");
    assertThat(ann.get("email_deliverable")).isEqualTo("true");
    assertThat(ann.get("customer_id")).isEqualTo("c-1");
    assertThat(MultiValues.split(ann.get("identifiers")))
        .containsExactly("anonymous_id:a-1", "customer_id:c-1", "email:ann@example.com");
    assertThat(MultiValues.split(ann.get("merged_from"))).hasSize(1);
    assertThat(ann.get("revenue")).isEqualTo("42.50");
    assertThat(ann.get("event_count")).isEqualTo("5");
    assertThat(ann.get("attributes.first_name")).isEqualTo("Ann");
    Map<String, String> bob = rows.stream().filter(r -> r.get("phone").equals("+12125550199")).findFirst().orElseThrow();
    assertThat(bob.get("phone_consent")).isEqualTo("opt_in");
    assertThat(bob.get("email_deliverable")).isEqualTo("false");
    assertThat(bob.get("attributes.city")).isEmpty();
  }

  @Test
  void profiles_malformedLines_rejectedAndCountedOthersApplied() throws IOException {
    List<String> lines = new ArrayList<>(EVENTS);
    lines.add("this is not json zed@example.com");
    lines.add("{\"id\":\"e-20\",\"type\":\"pageview\",\"identifiers\":{\"email\":\"zed@example.com\"}}");
    lines.add("{\"id\":\"e-21\",\"type\":\"pageview\",\"timestamp\":\"yesterday\",\"identifiers\":{\"email\":\"zed@example.com\"}}");
    lines.add("{\"id\":\"e-22\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T00:00:00Z\",\"identifiers\":{\"email\":\"   \"}}");
    lines.add("{\"id\":\"e-23\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T00:00:00Z\",\"identifiers\":{\"E-mail\":\"zed@example.com\"}}");
    lines.add("");
    lines.add("{\"id\":\"e-24\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T00:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-9\"},\"date\":{}}");
    write(dir, "events.jsonl", lines);

    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode summary = run.json();
    assertThat(summary.get("events").asLong()).isEqualTo(17);
    assertThat(summary.get("applied").asLong()).isEqualTo(11);
    assertThat(summary.get("rejectedLines").asLong()).isEqualTo(6);
    assertThat(summary.get("rejected").asLong()).isEqualTo(6);
    assertThat(summary.get("profiles").asLong()).isEqualTo(5);
    List<String> reasons = new ArrayList<>();
    summary.get("rejectedReasons").forEach(r -> reasons.add(r.asText()));
    assertThat(reasons).hasSize(6);
    assertThat(reasons.get(0)).startsWith("line 12: not valid JSON");
    assertThat(reasons.get(1)).isEqualTo("line 13: missing field timestamp");
    assertThat(reasons.get(2)).startsWith("line 14: timestamp must be ISO-8601");
    assertThat(reasons.get(3)).startsWith("line 15: identifier value must not be blank");
    assertThat(reasons.get(4)).startsWith("line 16: identifier type must match");
    assertThat(reasons.get(5)).startsWith("line 18: unknown field 'date'");
    assertThat(String.join("\n", reasons)).doesNotContain("zed");
    assertThat(Files.readAllLines(dir.resolve("p.jsonl"))).hasSize(5);
  }

  @Test
  void profiles_junkOnlyEvent_rejectedByLibraryAndCounted() {
    List<String> lines = new ArrayList<>(EVENTS);
    lines.add("{\"id\":\"e-30\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T00:00:00Z\",\"identifiers\":{\"anonymous_id\":\"undefined\"}}");
    lines.add(EVENTS.get(0));
    write(dir, "events.jsonl", lines);

    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode summary = run.json();
    assertThat(summary.get("rejectedEvents").asLong()).isEqualTo(1);
    assertThat(summary.get("rejected").asLong()).isEqualTo(1);
    assertThat(summary.get("duplicates").asLong()).isEqualTo(1);
    assertThat(summary.get("rejectedReasons").get(0).asText()).startsWith("line 12: event e-30 rejected");
  }

  @Test
  void mau_fixture_documentedKeysAndCounts() {
    write(dir, "events.jsonl", EVENTS);

    Run early = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-05");
    Run late = cli(dir, "mau", "--events", "events.jsonl", "--date=2026-10-31");
    Run september = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-09-30");

    assertThat(early.code()).as(early.err()).isZero();
    JsonNode m = early.json();
    assertThat(m.fieldNames()).toIterable().containsExactly("date", "month", "mau", "identified", "anonymous");
    assertThat(m.get("date").asText()).isEqualTo("2026-10-05");
    assertThat(m.get("month").asText()).isEqualTo("2026-10");
    assertThat(List.of(m.get("mau").asLong(), m.get("identified").asLong(), m.get("anonymous").asLong())).containsExactly(2L, 1L, 1L);
    JsonNode l = late.json();
    assertThat(List.of(l.get("mau").asLong(), l.get("identified").asLong(), l.get("anonymous").asLong())).containsExactly(3L, 2L, 1L);
    JsonNode s = september.json();
    assertThat(List.of(s.get("mau").asLong(), s.get("identified").asLong(), s.get("anonymous").asLong())).containsExactly(1L, 0L, 1L);
  }

  @Test
  void mau_configMakesConsentActive_countsIt() {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "config.json", "{\"activity\":{\"activeTypes\":[\"consent\"]},\"identity\":{\"defaultRegion\":\"GB\"}}");

    Run run = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-05", "--config", "config.json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("mau").asLong()).as("Ann, a-2 and Cat's consent").isEqualTo(3);
  }

  @Test
  void mau_malformedLine_warnsOnStderrKeepsStdoutExact() {
    List<String> lines = new ArrayList<>(EVENTS);
    lines.add("{oops");
    write(dir, "events.jsonl", lines);

    Run run = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-05");

    assertThat(run.code()).isZero();
    assertThat(run.json().fieldNames()).toIterable().containsExactly("date", "month", "mau", "identified", "anonymous");
    assertThat(run.err()).contains("1 of 12 events rejected").contains("line 12");
  }

  @Test
  void run_unknownCommand_exit2() {
    Run run = cli(dir, "frobnicate");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("unknown command 'frobnicate'");
  }

  @Test
  void run_noArguments_exit2UsageOnStderr() {
    Run run = cli(dir);

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("usage: clientele");
  }

  private static final List<String> REACH_EVENTS = List.of(
      "{\"id\":\"r1\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T09:00:00Z\",\"identifiers\":{\"email\":\"a@x.com\"}}",
      "{\"id\":\"r2\",\"type\":\"consent\",\"action\":\"opt_in\",\"timestamp\":\"2026-10-02T09:00:00Z\",\"identifiers\":{\"email\":\"A@x.com\"}}",
      "{\"id\":\"r3\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T10:00:00Z\",\"identifiers\":{\"email\":\"b@x.com\"}}",
      "{\"id\":\"r4\",\"type\":\"reachability\",\"action\":\"hard_bounce\",\"timestamp\":\"2026-10-05T09:00:00Z\",\"identifiers\":{\"email\":\"b@x.com\"}}",
      "{\"id\":\"r5\",\"type\":\"consent\",\"action\":\"opt_in\",\"timestamp\":\"2026-10-03T09:00:00Z\",\"identifiers\":{\"phone\":\"+1 201 555 0123\"},\"data\":{\"channel\":\"sms\"}}",
      "{\"id\":\"r6\",\"type\":\"login\",\"action\":\"login\",\"timestamp\":\"2026-10-03T09:00:00Z\",\"identifiers\":{\"customer_id\":\"c-4\"}}",
      "{\"id\":\"r7\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T11:00:00Z\",\"identifiers\":{\"email\":\"c@x.com\"}}",
      "{\"id\":\"r8\",\"type\":\"compliance\",\"action\":\"ccpa_opt_out\",\"timestamp\":\"2026-10-06T09:00:00Z\",\"identifiers\":{\"email\":\"c@x.com\"}}");

  @Test
  void reach_defaultDate_countsAsOfTheLatestEvent() throws IOException {
    write(dir, "events.jsonl", REACH_EVENTS);

    Run run = cli(dir, "reach", "--events", "events.jsonl");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode r = run.json();
    assertThat(r.get("total").asLong()).isEqualTo(5);
    assertThat(r.get("channels").get("email").get("reachable").asLong()).isEqualTo(1);
    assertThat(r.get("channels").get("email").get("unreachable").asLong()).isEqualTo(4);
    assertThat(r.get("channels").get("sms").get("reachable").asLong()).isEqualTo(1);
    assertThat(r.get("channels").get("push").get("reachable").asLong()).isZero();
    assertThat(r.get("channels").get("push").get("unreachable").asLong()).isEqualTo(5);
    assertThat(r.get("reachableAny").asLong()).isEqualTo(2);
    assertThat(r.get("date").asText()).isEqualTo("2026-10-06");
  }

  @Test
  void reach_earlierDate_leavesOutLaterBounceAndCcpa_andConfigChangesTheCount() throws IOException {
    write(dir, "events.jsonl", REACH_EVENTS);
    write(dir, "strict.json", "{\"consent\":{\"unknownConsentReachable\":{\"email\":false}}}");

    JsonNode asOf = cli(dir, "reach", "--events", "events.jsonl", "--date", "2026-10-04").json();
    JsonNode strict = cli(dir, "reach", "--events", "events.jsonl", "--date", "2026-10-04", "--config", "strict.json").json();

    assertThat(asOf.get("total").asLong()).isEqualTo(5);
    assertThat(asOf.get("channels").get("email").get("reachable").asLong()).isEqualTo(3);
    assertThat(asOf.get("eventsAfterDate").asLong()).isEqualTo(2);
    assertThat(strict.get("channels").get("email").get("reachable").asLong()).isEqualTo(1);
  }

  @Test
  void status_countsEachStatusAsOfTheDate_andConfigChangesTheLoginType() {
    write(dir, "events.jsonl", List.of(
        "{\"id\":\"s1\",\"type\":\"login\",\"timestamp\":\"2026-10-30T09:00:00Z\",\"identifiers\":{\"customer_id\":\"va\"}}",
        "{\"id\":\"s2\",\"type\":\"login\",\"timestamp\":\"2026-10-31T09:00:00Z\",\"identifiers\":{\"customer_id\":\"va\"}}",
        "{\"id\":\"s3\",\"type\":\"login\",\"timestamp\":\"2026-10-05T09:00:00Z\",\"identifiers\":{\"customer_id\":\"ac\"}}",
        "{\"id\":\"s4\",\"type\":\"login\",\"timestamp\":\"2026-10-20T09:00:00Z\",\"identifiers\":{\"customer_id\":\"ac\"}}",
        "{\"id\":\"s5\",\"type\":\"login\",\"timestamp\":\"2026-09-01T09:00:00Z\",\"identifiers\":{\"customer_id\":\"oc\"}}",
        "{\"id\":\"s6\",\"type\":\"pageview\",\"timestamp\":\"2026-06-01T09:00:00Z\",\"identifiers\":{\"customer_id\":\"sl\"}}",
        "{\"id\":\"s7\",\"type\":\"login\",\"timestamp\":\"2026-11-02T09:00:00Z\",\"identifiers\":{\"customer_id\":\"late\"}}"));
    write(dir, "pv.json", "{\"status\":{\"loginType\":\"pageview\"}}");

    Run run = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-31");
    Run pv = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-31", "--config", "pv.json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode s = run.json();
    assertThat(s.get("date").asText()).isEqualTo("2026-10-31");
    assertThat(s.get("very_active").asLong()).isEqualTo(1);
    assertThat(s.get("active").asLong()).isEqualTo(1);
    assertThat(s.get("occasional").asLong()).isEqualTo(1);
    assertThat(s.get("sleeper").asLong()).isEqualTo(1);
    JsonNode p = pv.json();
    assertThat(p.get("sleeper").asLong()).isEqualTo(4);
    assertThat(p.get("occasional").asLong()).isZero();
  }

  @Test
  void reach_badConsentConfig_exit2NamingTheKey() {
    write(dir, "events.jsonl", REACH_EVENTS);
    write(dir, "bad.json", "{\"consent\":{\"ccpaBlocks\":{\"fax\":true}}}");

    Run run = cli(dir, "reach", "--events", "events.jsonl", "--config", "bad.json");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("consent.ccpaBlocks.fax");
  }

  @Test
  void run_help_usageOnStdoutExit0() {
    Run run = cli(dir, "help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("usage: clientele").contains("profiles --events");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void profiles_missingArguments_exit2() {
    write(dir, "events.jsonl", EVENTS);

    Run noOut = cli(dir, "profiles", "--events", "events.jsonl");
    Run noEvents = cli(dir, "profiles", "--out", "p.jsonl");
    Run dangling = cli(dir, "profiles", "--events");
    Run unknown = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl", "--colour", "red");
    Run twice = cli(dir, "profiles", "--events", "events.jsonl", "--events", "events.jsonl", "--out", "p.jsonl");
    Run positional = cli(dir, "profiles", "events.jsonl");

    for (Run run : List.of(noOut, noEvents, dangling, unknown, twice, positional)) {
      assertThat(run.code()).as(run.err()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("clientele: ");
    }
    assertThat(noOut.err()).contains("--out");
    assertThat(unknown.err()).contains("--colour");
    assertThat(Files.exists(dir.resolve("p.jsonl"))).isFalse();
  }

  @Test
  void mau_badDateOrMissingFile_exit2() {
    write(dir, "events.jsonl", EVENTS);

    Run badDate = cli(dir, "mau", "--events", "events.jsonl", "--date", "31/10/2026");
    Run noDate = cli(dir, "mau", "--events", "events.jsonl");
    Run missing = cli(dir, "mau", "--events", "nope.jsonl", "--date", "2026-10-31");

    assertThat(List.of(badDate.code(), noDate.code(), missing.code())).containsOnly(2);
    assertThat(badDate.err()).contains("--date must be a date YYYY-MM-DD");
    assertThat(missing.err()).contains("events file not found");
    assertThat(badDate.out() + noDate.out() + missing.out()).isEmpty();
  }

  @Test
  void profiles_badConfigKey_exit2NamingKey() {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "typo.json", "{\"identity\":{\"defaultRgion\":\"GB\"}}");
    write(dir, "top.json", "{\"thresholds\":{}}");
    write(dir, "broken.json", "{\"identity\":");
    write(dir, "region.json", "{\"identity\":{\"defaultRegion\":\"XX\"}}");

    Run typo = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl", "--config", "typo.json");
    Run top = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl", "--config", "top.json");
    Run broken = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl", "--config", "broken.json");
    Run region = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl", "--config", "region.json");

    assertThat(List.of(typo.code(), top.code(), broken.code(), region.code())).containsOnly(2);
    assertThat(typo.err()).contains("unknown config key: identity.defaultRgion");
    assertThat(top.err()).contains("unknown config key: thresholds");
    assertThat(broken.err()).contains("config file is not valid JSON");
    assertThat(region.err()).contains("unknown phone region: XX");
    assertThat(typo.out() + top.out() + broken.out() + region.out()).isEmpty();
  }

  @Test
  void demo_outDir_writesThreeFilesAndReport() throws IOException {
    Run run = cli(dir, "demo", "--out-dir", "demo", "--seed", "7");

    assertThat(run.code()).as(run.err()).isZero();
    Path out = dir.resolve("demo");
    assertThat(out.resolve("events.jsonl")).isRegularFile();
    assertThat(out.resolve("profiles.jsonl")).isRegularFile();
    assertThat(out.resolve("report.json")).isRegularFile();

    JsonNode r = run.json();
    assertThat(r.fieldNames()).toIterable()
        .contains("events", "applied", "duplicates", "rejected", "problems", "profiles", "merges",
            "identifiedProfiles", "anonymousProfiles", "mau", "topByRevenue", "files");
    assertThat(r.get("seed").asLong()).isEqualTo(7);
    assertThat(r.get("events").asLong()).isBetween(30_000L, 50_000L);
    assertThat(r.get("duplicates").asLong()).isPositive();
    assertThat(r.get("rejected").asLong()).isPositive();
    assertThat(r.get("merges").asLong()).isPositive();
    assertThat(r.get("identifiedProfiles").asLong() + r.get("anonymousProfiles").asLong()).isEqualTo(r.get("profiles").asLong());
    assertThat(r.get("applied").asLong() + r.get("duplicates").asLong() + r.get("rejected").asLong())
        .isEqualTo(r.get("events").asLong());
    JsonNode mau = r.get("mau");
    assertThat(mau.fieldNames()).toIterable().containsExactly("date", "month", "mau", "identified", "anonymous");
    assertThat(mau.get("date").asText()).isEqualTo("2026-10-31");
    assertThat(mau.get("mau").asLong()).isPositive();
    assertThat(r.get("topByRevenue")).hasSize(5);
    r.get("topByRevenue").forEach(t -> assertThat(t.get("email").asText()).contains("***"));
    assertThat(r.get("files").get("profiles").asText()).isEqualTo(out.resolve("profiles.jsonl").toString());

    assertThat(Files.readAllLines(out.resolve("events.jsonl"))).hasSize(r.get("events").asInt());
    assertThat(Files.readAllLines(out.resolve("profiles.jsonl"))).hasSize(r.get("profiles").asInt());
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    for (Map.Entry<String, JsonNode> e : r.properties()) {
      assertThat(report.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(report.fieldNames()).toIterable().contains("rejectedReasons", "problemExamples", "identifiers", "undeliverable", "consent");

    r.get("topByRevenue").forEach(t -> assertThat(t.get("currency").asText()).isEqualTo("USD"));
    assertThat(r.get("files").get("config").asText()).isEqualTo(out.resolve("config.json").toString());
    Run profiles = cli(dir, "profiles", "--events", "demo/events.jsonl", "--config", "demo/config.json", "--out", "again.jsonl");
    assertThat(profiles.code()).as(profiles.err()).isZero();
    assertThat(Files.readString(dir.resolve("again.jsonl"))).isEqualTo(Files.readString(out.resolve("profiles.jsonl")));
  }

  @Test
  void demo_badSeed_exit2() {
    Run run = cli(dir, "demo", "--seed", "forty-two");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--seed must be a whole number");
    assertThat(Files.exists(dir.resolve("clientele-out"))).isFalse();
  }
}
