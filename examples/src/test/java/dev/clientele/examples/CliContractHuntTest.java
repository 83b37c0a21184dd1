package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Bug hunt on the command-line contract of DESIGN.md ("Event and file formats", "Bad input", "The
 * command-line tool"): random events files of a few people, with spelling variants of their
 * identifiers, duplicate ids, blocked values, malformed lines of every kind (many carrying personal
 * values), blank lines, a BOM and CRLF line ends, run in-process through {@code profiles},
 * {@code mau}, {@code status} and {@code reach}. Every documented key must be there with its JSON
 * type, and the values must equal a simple model written here from the spec: counts of lines,
 * rejections, duplicates and problems; the partition of identifiers into profiles (union-find in
 * file order, no identity limit is reached); merges; identifier normalisation; per-profile event
 * counts, last-seen times and consent; MAU, activity status and audience totals. Nothing printed on
 * stdout or stderr may hold an email, phone or customer id, raw or normalised.
 */
class CliContractHuntTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant OCT = Instant.parse("2026-10-01T00:00:00Z");

  /**
   * Every directory a case writes is made under this one, which is removed once the class has run
   * (jqwik runs no JUnit {@code @TempDir}); before, each run left thousands of directories behind.
   */
  private static Path tempRoot;

  private static synchronized Path newTempDir() throws IOException {
    if (tempRoot == null) {
      tempRoot = Files.createTempDirectory("clientele-cli-hunt");
    }
    return Files.createTempDirectory(tempRoot, "case");
  }

  @AfterContainer
  static synchronized void removeTempDirs() throws IOException {
    if (tempRoot == null) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(tempRoot)) {
      for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
    tempRoot = null;
  }

  /** One identifier of one person: its normalised form and the spellings that normalise to it. */
  record Slot(String type, String normal, List<String> spellings) {}

  /** A good event of the model. */
  record Ev(String id, String type, String action, Instant at, Map<String, String> raw, List<Slot> slots,
      List<String> blocked, String line) {}

  /** What the generator wrote and what the model expects. */
  static final class Case {
    final List<String> fileLines = new ArrayList<>();
    final List<Ev> events = new ArrayList<>(); // good events in file order, duplicates included
    final Set<String> personal = new TreeSet<>();
    long nonBlank;
    long rejectedLines;
    long rejectedEvents;
    String text;
  }

  private static List<Slot> person(int p, Random r) {
    List<Slot> slots = new ArrayList<>();
    String cid = "cid" + (7000 + p) + "q";
    slots.add(new Slot("customer_id", cid, List.of(cid, " " + cid, cid + " ")));
    String email = "ann" + p + "x0@example.com";
    slots.add(new Slot("email", email, List.of(email, "Ann" + p + "X0@Example.COM", "  " + email.toUpperCase(Locale.ROOT) + " ")));
    // a second address with a local part beyond ASCII: Turkish dotted and dotless i, a
    // precomposed accent, an emoji; spellings that lower-case (Locale.ROOT) to one value
    String local = List.of("İlker", "ılgın", "JOSÉ", "😀ann", "zoë").get(r.nextInt(5)) + p + "x1";
    String raw = local + "@example.com";
    slots.add(new Slot("email", raw.toLowerCase(Locale.ROOT), List.of(raw, " " + local + "@EXAMPLE.com ", raw.toLowerCase(Locale.ROOT))));
    String last = String.format(Locale.ROOT, "%02d", p);
    slots.add(new Slot("phone", "+121255501" + last, List.of("+121255501" + last, "+1 (212) 555-01" + last, "+1 212 555 01" + last)));
    for (int k = 0; k < 2; k++) {
      String a = "anon-" + p + "-" + k;
      slots.add(new Slot("anonymous_id", a, List.of(a)));
    }
    return slots;
  }

  private static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String identifiersJson(Map<String, String> raw) {
    StringBuilder b = new StringBuilder("{");
    raw.forEach((t, v) -> b.append(b.length() > 1 ? "," : "").append(q(t)).append(':').append(q(v)));
    return b.append('}').toString();
  }

  private static final String[][] KINDS = {
    {"pageview", ""}, {"login", "login"}, {"identify", "signup"}, {"order", "purchase"}, {"consent", "opt_in"},
    {"consent", "opt_out"}, {"campaign", "sent"}, {"campaign", "click"}, {"discovery", "found"}
  };

  static Case generate(long seed) {
    Random r = new Random(seed);
    Case c = new Case();
    int people = 1 + r.nextInt(4);
    List<List<Slot>> persons = new ArrayList<>();
    for (int p = 0; p < people; p++) {
      List<Slot> slots = person(p, r);
      persons.add(slots);
      for (Slot s : slots) {
        if (!s.type().equals("anonymous_id")) {
          c.personal.add(s.normal());
          s.spellings().forEach(v -> c.personal.add(v.strip()));
        }
      }
    }
    int n = 1 + r.nextInt(30);
    Set<Long> usedSeconds = new HashSet<>();
    List<String> goodIds = new ArrayList<>();
    List<String> refusedIds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int roll = r.nextInt(100);
      String line;
      if (roll < 62) {
        List<Slot> slots = persons.get(r.nextInt(people));
        String[] kind = KINDS[r.nextInt(KINDS.length)];
        List<Slot> chosen = new ArrayList<>();
        if (kind[0].equals("consent")) {
          chosen.add(slots.get(1 + r.nextInt(3))); // a messaging identifier
        }
        for (Slot s : slots) {
          if (!chosen.contains(s) && r.nextInt(3) == 0) {
            chosen.add(s);
          }
        }
        if (chosen.isEmpty()) {
          chosen.add(slots.get(r.nextInt(slots.size())));
        }
        // one identifier per type (the format is an object keyed by type)
        Map<String, String> raw = new LinkedHashMap<>();
        List<Slot> kept = new ArrayList<>();
        for (Slot s : chosen) {
          if (!raw.containsKey(s.type())) {
            raw.put(s.type(), s.spellings().get(r.nextInt(s.spellings().size())));
            kept.add(s);
          }
        }
        List<String> blocked = new ArrayList<>();
        if (r.nextInt(8) == 0 && !raw.containsKey("anonymous_id")) {
          String b = List.of("null", "undefined", "Anonymous", " 0 ").get(r.nextInt(4));
          raw.put("anonymous_id", b);
          blocked.add(b);
        }
        long second;
        do {
          second = r.nextInt(45 * 86400) - 10L * 86400;
        } while (!usedSeconds.add(second));
        Instant at = OCT.plusSeconds(second);
        // a repeated id is a duplicate; the id of an event refused earlier is not (nothing was stored)
        String id = !goodIds.isEmpty() && r.nextInt(8) == 0 ? goodIds.get(r.nextInt(goodIds.size()))
            : !refusedIds.isEmpty() && r.nextInt(8) == 0 ? refusedIds.remove(0) : "e-" + i;
        goodIds.add(id);
        String data = switch (kind[0]) {
          case "identify" -> ",\"data\":{\"first_name\":\"Ann\",\"nickname\":null}";
          case "order" -> ",\"data\":{\"order_id\":\"o-" + i + "\",\"total\":" + (1 + r.nextInt(90)) + ".50}";
          default -> "";
        };
        line = "{\"id\":" + q(id) + ",\"type\":\"" + kind[0] + "\"" + (kind[1].isEmpty() ? "" : ",\"action\":\"" + kind[1] + "\"")
            + ",\"timestamp\":\"" + at + "\",\"identifiers\":" + identifiersJson(raw) + data + "}";
        c.events.add(new Ev(id, kind[0], kind[1], at, raw, kept, blocked, line));
      } else if (roll < 70) {
        // every identifier blocked: the library refuses the event
        String v = List.of("test@test.com", "TEST@Test.com", "undefined", "null").get(r.nextInt(4));
        String type = v.contains("@") ? "email" : "customer_id";
        line = "{\"id\":\"r-" + i + "\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:0" + (i % 10) + "Z\",\"identifiers\":{\""
            + type + "\":" + q(v) + "}}";
        c.rejectedEvents++;
        refusedIds.add("r-" + i);
      } else {
        String email = persons.get(r.nextInt(people)).get(1).normal();
        String phone = persons.get(r.nextInt(people)).get(3).normal();
        List<String> bad = List.of(
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}",
            "not json " + email,
            "[" + q(email) + "]",
            "\"" + phone + "\"",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\"}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":20261002,\"identifiers\":{\"email\":" + q(email) + "}}",
            "{\"id\":7,\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"phone\":" + phone.substring(1) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "},\"dta\":{}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "},\"" + email + "\":1}",
            "{\"id\":\"b\",\"id\":\"b2\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + ",\"email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-13-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"page view\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"Email\":" + q(email) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{" + q(email) + ":\"x\"}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email.repeat(40)) + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email + "\u0001") + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"phone\":" + "\"" + phone + "\\ud800\"" + "}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "},\"data\":[1]}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "},\"data\":{\"x\":\"a\\u0000\"}}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}} {}",
            "{\"id\":\"b\",\"type\":\"pageview\",\"timestamp\":\"0000-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}",
            "\u00a0",
            "{\"id\":\"" + "x".repeat(300) + "\",\"type\":\"pageview\",\"timestamp\":\"2026-10-02T00:00:00Z\",\"identifiers\":{\"email\":" + q(email) + "}}");
        line = bad.get(r.nextInt(bad.size()));
        c.rejectedLines++;
      }
      c.fileLines.add(line);
      c.nonBlank++;
      if (r.nextInt(10) == 0) {
        c.fileLines.add(List.of("", "   ", "\t").get(r.nextInt(3)));
      }
    }
    String eol = r.nextBoolean() ? "\n" : "\r\n";
    String text = String.join(eol, c.fileLines) + (r.nextBoolean() ? eol : "");
    c.text = (r.nextInt(4) == 0 ? "\uFEFF" : "") + text;
    return c;
  }

  /** The state the model expects after ingesting the non-duplicate good events before {@code cutoff}. */
  static final class Model {
    final Map<String, String> parent = new HashMap<>(); // union-find over "type:value"
    final Map<String, Ev> firstById = new LinkedHashMap<>();
    long duplicates;
    long problems;
    long created;
    long merges;

    /** Which events are active (the default rules unless a config says otherwise). */
    java.util.function.Predicate<Ev> activeRule = Model::active;

    Model(Case c, Instant cutoff, java.util.function.Predicate<Ev> activeRule) {
      this(c, cutoff);
      this.activeRule = activeRule;
    }

    Model(Case c, Instant cutoff) {
      Set<String> seen = new HashSet<>();
      for (Ev e : c.events) {
        if (!e.at().isBefore(cutoff)) {
          continue;
        }
        if (!seen.add(e.id())) {
          duplicates++;
          continue;
        }
        firstById.put(e.id(), e);
        problems += e.blocked().size();
        Set<String> roots = new HashSet<>();
        for (Slot s : e.slots()) {
          String key = s.type() + ":" + s.normal();
          if (parent.containsKey(key)) {
            roots.add(find(key));
          }
        }
        if (roots.isEmpty()) {
          created++;
        } else {
          merges += roots.size() - 1;
        }
        String first = null;
        for (Slot s : e.slots()) {
          String key = s.type() + ":" + s.normal();
          parent.putIfAbsent(key, key);
          if (first == null) {
            first = key;
          } else {
            union(first, key);
          }
        }
      }
    }

    String find(String k) {
      String p = parent.get(k);
      if (p.equals(k)) {
        return k;
      }
      String root = find(p);
      parent.put(k, root);
      return root;
    }

    void union(String a, String b) {
      String ra = find(a);
      String rb = find(b);
      if (!ra.equals(rb)) {
        parent.put(rb, ra);
      }
    }

    /** Profiles as sets of "type:value", keyed by root. */
    Map<String, Set<String>> profiles() {
      Map<String, Set<String>> out = new TreeMap<>();
      for (String k : parent.keySet()) {
        out.computeIfAbsent(find(k), x -> new TreeSet<>()).add(k);
      }
      return out;
    }

    String rootOf(Ev e) {
      return find(e.slots().get(0).type() + ":" + e.slots().get(0).normal());
    }

    static boolean active(Ev e) {
      return !(e.type().equals("consent") || e.type().equals("discovery") || (e.type().equals("campaign") && e.action().equals("sent")));
    }

    /** The latest active event naming {@code key}, or null. */
    Instant lastSeen(String key) {
      Instant last = null;
      for (Ev e : firstById.values()) {
        if (activeRule.test(e) && names(e, key) && (last == null || e.at().isAfter(last))) {
          last = e.at();
        }
      }
      return last;
    }

    /** The action of the latest consent event naming the messaging identifier {@code key}, or unknown. */
    String consent(String key) {
      Instant at = null;
      String consent = "unknown";
      for (Ev e : firstById.values()) {
        if (e.type().equals("consent") && names(e, key) && (at == null || e.at().isAfter(at))) {
          at = e.at();
          consent = e.action();
        }
      }
      return consent;
    }

    static boolean names(Ev e, String key) {
      return e.slots().stream().anyMatch(sl -> key.equals(sl.type() + ":" + sl.normal()));
    }

    /**
     * The primary identifier of {@code type} of the profile {@code root}: the latest seen in an
     * active event; never-seen ones last; ties to the greater value (Profile.lastSeen).
     */
    String primary(String root, String type) {
      String best = null;
      Instant bestAt = null;
      for (String k : profiles().get(root)) {
        if (!k.startsWith(type + ":")) {
          continue;
        }
        Instant at = lastSeen(k);
        boolean better = best == null
            || (at != null && (bestAt == null || at.isAfter(bestAt)))
            || (java.util.Objects.equals(at, bestAt) && k.compareTo(best) > 0);
        if (better) {
          best = k;
          bestAt = at;
        }
      }
      return best;
    }

    boolean anonymous(String root) {
      return profiles().get(root).stream().allMatch(k -> k.startsWith("anonymous_id:"));
    }
  }

  private static void assertNoPersonalData(Case c, Run run) {
    String all = (run.out() + "\n" + run.err()).toLowerCase(Locale.ROOT);
    for (String v : c.personal) {
      assertThat(all).as("printed output must not hold %s", v).doesNotContain(v.toLowerCase(Locale.ROOT));
    }
    for (String v : c.personal) {
      String digits = v.replaceAll("[^0-9]", "");
      if (v.startsWith("+") && digits.length() > 6) {
        assertThat(all.replaceAll("[^0-9+]", " ")).as("printed output must not hold the digits of %s", v)
            .doesNotContain(digits.substring(2));
      }
    }
  }

  private static void assertIntegral(JsonNode node, String key) {
    assertThat(node.has(key)).as("key %s in %s", key, node).isTrue();
    assertThat(node.get(key).isIntegralNumber()).as("%s is a whole number in %s", key, node).isTrue();
  }

  private static Path write(Case c) throws IOException {
    Path dir = newTempDir();
    Files.writeString(dir.resolve("events.jsonl"), c.text, StandardCharsets.UTF_8);
    return dir;
  }

  /**
   * Regression: a byte that is not UTF-8 on line 150 was reported "at line 79" (the reader decodes
   * ahead of the line it returns). Also on the first and the last line, in a file that is no
   * multiple of the decoding buffer.
   */
  @Example
  void notUtf8_namesTheLineOfTheBadByte() throws IOException {
    for (int bad : new int[] {1, 150, 300}) {
      Path dir = newTempDir();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      for (int i = 1; i <= 300; i++) {
        bytes.writeBytes(("{\"id\":\"e-" + i + "\",\"type\":\"pageview\",\"timestamp\":\"2026-10-03T14:05:00Z\",\"identifiers\":"
            + "{\"customer_id\":\"c-" + i + "\"}}").getBytes(StandardCharsets.UTF_8));
        if (i == bad) {
          bytes.write(0xff);
        }
        bytes.write('\n');
      }
      Files.write(dir.resolve("events.jsonl"), bytes.toByteArray());

      Run run = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31");

      assertThat(run.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
      assertThat(run.err()).contains("not UTF-8 text (at line " + bad + ")");
      assertThat(EventReader.firstNonUtf8Line(dir.resolve("events.jsonl"))).isEqualTo(bad);
    }
    Path dir = newTempDir();
    Files.writeString(dir.resolve("ok.jsonl"), "{}\n\u00e9\ud83d\ude00\n".repeat(40_000), StandardCharsets.UTF_8);
    assertThat(EventReader.firstNonUtf8Line(dir.resolve("ok.jsonl"))).isEqualTo(-1);
  }

  /** Regression: a rejected event's reasons were also counted as {@code problems} of accepted events. */
  @Example
  void rejectedEvent_isNotAlsoCountedAsProblems() throws IOException {
    Path dir = newTempDir();
    Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
        "{\"id\":\"e-1\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T10:00:00Z\",\"identifiers\":{\"customer_id\":\"c-1\"}}",
        "{\"id\":\"e-2\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T11:00:00Z\",\"identifiers\":{\"customer_id\":\"undefined\"}}",
        "{\"id\":\"e-3\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T12:00:00Z\",\"identifiers\":{\"customer_id\":\"c-1\",\"anonymous_id\":\"null\"}}"),
        StandardCharsets.UTF_8);

    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode s = run.json();
    assertThat(s.get("applied").asLong()).isEqualTo(2);
    assertThat(s.get("rejectedEvents").asLong()).isEqualTo(1);
    assertThat(s.get("problems").asLong()).as("only the blocked anonymous id of e-3").isEqualTo(1);
    assertThat(s.get("problemExamples").size()).isEqualTo(1);
  }

  /**
   * Regression: a number such as {@code 1e999999999} (valid JSON) made {@code profiles} fail with
   * an internal error (an order total: BigInteger overflow in the revenue sum) or run out of
   * memory writing CSV (an attribute), instead of rejecting the line.
   */
  @Example
  void hugeNumbers_rejectTheLineOrTheTotal_theRunGoesOn() throws IOException {
    Path dir = newTempDir();
    Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
        "{\"id\":\"h1\",\"type\":\"order\",\"timestamp\":\"2026-10-03T14:05:00Z\",\"identifiers\":{\"customer_id\":\"c-9\"},\"data\":{\"total\":1}}",
        "{\"id\":\"h2\",\"type\":\"order\",\"timestamp\":\"2026-10-03T14:06:00Z\",\"identifiers\":{\"customer_id\":\"c-9\"},\"data\":{\"total\":1e999999999}}",
        "{\"id\":\"h3\",\"type\":\"order\",\"timestamp\":\"2026-10-03T14:07:00Z\",\"identifiers\":{\"customer_id\":\"c-9\"},\"data\":{\"total\":\"1e-999999999\"}}",
        "{\"id\":\"h4\",\"type\":\"identify\",\"timestamp\":\"2026-10-03T14:08:00Z\",\"identifiers\":{\"customer_id\":\"c-8\"},\"data\":{\"points\":1e999999999}}"),
        StandardCharsets.UTF_8);
    for (String out : List.of("p.jsonl", "p.csv")) {
      Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", out);

      assertThat(run.code()).as(run.err()).isZero();
      JsonNode s = run.json();
      assertThat(s.get("applied").asLong()).isEqualTo(2);
      assertThat(s.get("rejectedLines").asLong()).isEqualTo(2);
      assertThat(s.get("problems").asLong()).as("h3's total is no amount").isEqualTo(1);
      assertThat(s.get("rejectedReasons").get(0).asText()).startsWith("line 2: value of total must be a number");
    }
    assertThat(Files.readString(dir.resolve("p.jsonl"))).contains("\"revenue\":1,");
  }

  /**
   * Regression: {@code clv} echoed a bad CSV cell unmasked ("date is not yyyy-MM-dd…:
   * 'bob@example.com'"), and a file without a header row showed its first row, emails included.
   */
  @Example
  void clvInputErrors_nameTheLineAndColumn_masked() throws IOException {
    Path dir = newTempDir();
    Files.writeString(dir.resolve("t1.csv"), "customer_id,date,amount\nann.smith@example.com,2026-01-01,10\nbob.jones@example.com,bob.jones@example.com,5\n");
    Files.writeString(dir.resolve("t2.csv"), "customer_id,date,amount\nann.smith@example.com,2026-01-01,bob.jones@example.com\n");
    Files.writeString(dir.resolve("t3.csv"), "ann.smith@example.com,2026-01-01,10\nbob.jones@example.com,2026-01-02,5\n");
    Files.writeString(dir.resolve("s1.csv"), "customer_id,frequency,recency,T,monetary_value\nann.smith@example.com,+44 7700 900123,1,2,3\n");
    for (String[] args : List.of(new String[] {"--transactions", "t1.csv"}, new String[] {"--transactions", "t2.csv"},
        new String[] {"--transactions", "t3.csv"}, new String[] {"--summary", "s1.csv"})) {
      Run run = cli(dir, "clv", args[0], args[1]);

      assertThat(run.code()).as(run.err()).isEqualTo(Cli.EXIT_BAD_INPUT);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains(args[1]).doesNotContain("ann.smith").doesNotContain("bob.jones").doesNotContain("900123");
    }
  }

  @Property(tries = 60)
  void profiles_countsPartitionAndProfileLines_matchTheModel(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed)
      throws IOException {
    Case c = generate(seed);
    Path dir = write(c);
    Run run = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.jsonl");
    String context = "seed " + seed + "\n" + c.text + "\n" + run.out() + run.err();
    assertThat(run.code()).as(context).isZero();
    assertNoPersonalData(c, run);
    JsonNode s = run.json();
    for (String k : List.of("profiles", "events", "applied", "duplicates", "rejected", "rejectedLines", "rejectedEvents",
        "problems", "merges", "linksRefused", "profilesErased")) {
      assertIntegral(s, k);
    }
    Model m = new Model(c, Instant.MAX);
    assertThat(s.get("events").asLong()).as(context).isEqualTo(c.nonBlank);
    assertThat(s.get("rejectedLines").asLong()).as(context).isEqualTo(c.rejectedLines);
    assertThat(s.get("rejectedEvents").asLong()).as(context).isEqualTo(c.rejectedEvents);
    assertThat(s.get("rejected").asLong()).as(context).isEqualTo(c.rejectedLines + c.rejectedEvents);
    assertThat(s.get("duplicates").asLong()).as(context).isEqualTo(m.duplicates);
    assertThat(s.get("applied").asLong()).as(context).isEqualTo(m.firstById.size());
    assertThat(s.get("applied").asLong() + s.get("duplicates").asLong() + s.get("rejected").asLong()).as(context)
        .isEqualTo(s.get("events").asLong());
    assertThat(s.get("problems").asLong()).as(context).isEqualTo(m.problems);
    assertThat(s.get("merges").asLong()).as(context).isEqualTo(m.merges);
    assertThat(s.get("linksRefused").asLong()).as(context).isZero();
    Map<String, Set<String>> expected = m.profiles();
    assertThat(s.get("profiles").asLong()).as(context).isEqualTo(expected.size());
    assertThat(s.get("rejectedReasons").isArray()).isTrue();
    assertThat(s.get("rejectedReasons").size()).as(context).isEqualTo((int) Math.min(20, c.rejectedLines + c.rejectedEvents));
    for (JsonNode reason : s.get("rejectedReasons")) {
      assertThat(reason.isTextual()).isTrue();
      assertThat(reason.asText()).matches("line \\d+: .+");
    }

    // per profile: identifiers (normalised), event count, last-seen times, consent
    List<String> lines = Files.readAllLines(dir.resolve("p.jsonl"), StandardCharsets.UTF_8);
    assertThat(lines).as(context).hasSize(expected.size());
    Set<Set<String>> actualPartition = new HashSet<>();
    for (String line : lines) {
      JsonNode p = JSON.readTree(line);
      assertThat(p.get("id").isTextual()).isTrue();
      assertThat(p.get("identifiers").isArray()).isTrue();
      assertThat(p.get("attributes").isObject()).isTrue();
      assertThat(p.get("mergedFrom").isArray()).isTrue();
      p.get("mergedFrom").forEach(x -> assertThat(x.isTextual()).isTrue());
      assertIntegral(p, "eventCount");
      Set<String> ids = new TreeSet<>();
      String root = null;
      for (JsonNode i : p.get("identifiers")) {
        assertThat(i.get("type").isTextual()).isTrue();
        assertThat(i.get("value").isTextual()).isTrue();
        assertThat(i.get("lastSeen").isTextual() || i.get("lastSeen").isNull()).isTrue();
        assertThat(i.get("deliverable").isBoolean()).isTrue();
        assertThat(i.get("consent").asText()).isIn("opt_in", "opt_out", "unknown");
        String key = i.get("type").asText() + ":" + i.get("value").asText();
        ids.add(key);
        assertThat(m.parent).as(context + "\nunexpected identifier " + key).containsKey(key);
        root = m.find(key);
        // model: last seen = latest active event naming it; consent = latest consent event naming it
        Instant lastSeen = null;
        String consent = "unknown";
        Instant consentAt = null;
        for (Ev e : m.firstById.values()) {
          boolean names = e.slots().stream().anyMatch(sl -> key.equals(sl.type() + ":" + sl.normal()));
          if (!names) {
            continue;
          }
          if (Model.active(e) && (lastSeen == null || e.at().isAfter(lastSeen))) {
            lastSeen = e.at();
          }
          if (e.type().equals("consent") && !key.startsWith("customer_id:") && !key.startsWith("anonymous_id:")
              && (consentAt == null || e.at().isAfter(consentAt))) {
            consentAt = e.at();
            consent = e.action();
          }
        }
        assertThat(i.get("lastSeen").isNull() ? null : Instant.parse(i.get("lastSeen").asText())).as(context + "\nlastSeen of " + key)
            .isEqualTo(lastSeen);
        assertThat(i.get("consent").asText()).as(context + "\nconsent of " + key).isEqualTo(consent);
        assertThat(i.get("deliverable").asBoolean()).as(context + "\ndeliverable " + key).isTrue();
      }
      actualPartition.add(ids);
      String r = root;
      long events = m.firstById.values().stream().filter(e -> m.rootOf(e).equals(r)).count();
      assertThat(p.get("eventCount").asLong()).as(context + "\neventCount of " + ids).isEqualTo(events);
      assertThat(p.get("mergedFrom").size()).as(context).isLessThanOrEqualTo((int) m.merges);
    }
    assertThat(actualPartition).as(context).isEqualTo(new HashSet<>(expected.values()));

    // the CSV form: the same profiles, the documented columns, the primary identifiers
    Run csv = cli(dir, "profiles", "--events", "events.jsonl", "--out", "p.csv");
    assertThat(csv.code()).as(context + csv.err()).isZero();
    assertThat(csv.json().get("profiles").asLong()).isEqualTo(expected.size());
    com.fasterxml.jackson.dataformat.csv.CsvMapper mapper = new com.fasterxml.jackson.dataformat.csv.CsvMapper();
    List<Map<String, String>> rows = new ArrayList<>();
    try (com.fasterxml.jackson.databind.MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
        .with(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withHeader()).readValues(dir.resolve("p.csv").toFile())) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows).as(context).hasSize(expected.size());
    Map<String, JsonNode> byId = new HashMap<>();
    for (String line : lines) {
      JsonNode p = JSON.readTree(line);
      byId.put(p.get("id").asText(), p);
    }
    for (Map<String, String> row : rows) {
      assertThat(new ArrayList<>(row.keySet()).subList(0, ProfileWriter.FIXED_COLUMNS.size())).isEqualTo(ProfileWriter.FIXED_COLUMNS);
      JsonNode p = byId.get(row.get("id"));
      assertThat(p).as(context + "\nrow " + row).isNotNull();
      assertThat(row.get("event_count")).isEqualTo(p.get("eventCount").asText());
      for (String type : List.of("email", "phone", "customer_id")) {
        String primary = "";
        for (JsonNode i : p.get("identifiers")) {
          if (i.get("type").asText().equals(type) && i.get("primary").asBoolean()) {
            primary = i.get("value").asText();
          }
        }
        String root = m.find(p.get("identifiers").get(0).get("type").asText() + ":" + p.get("identifiers").get(0).get("value").asText());
        String modelPrimary = m.primary(root, type);
        assertThat(primary).as(context + "\nprimary " + type + " of " + row.get("id")).isEqualTo(modelPrimary == null ? "" : modelPrimary.substring(type.length() + 1));
        assertThat(row.get(type)).as(context + "\n" + type + " cell of " + row.get("id")).isEqualTo(primary);
      }
    }
  }

  @Property(tries = 40)
  void mauStatusReach_documentedKeysAndValues_matchTheModel(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed)
      throws IOException {
    Case c = generate(seed);
    Path dir = write(c);
    LocalDate date = LocalDate.of(2026, 10, 1).plusDays(new Random(seed ^ 0x5eed).nextInt(31));
    String context = "seed " + seed + " date " + date + "\n" + c.text + "\n";

    // mau: every valid event is ingested; distinct profiles with an active event from the 1st through the date
    Run mau = cli(dir, "mau", "--events", "events.jsonl", "--date", date.toString());
    assertThat(mau.code()).as(context + mau.err()).isZero();
    assertNoPersonalData(c, mau);
    JsonNode mj = mau.json();
    assertThat(mj.get("date").asText()).isEqualTo(date.toString());
    assertThat(mj.get("month").asText()).isEqualTo("2026-10");
    for (String k : List.of("mau", "identified", "anonymous")) {
      assertIntegral(mj, k);
    }
    Model all = new Model(c, Instant.MAX);
    Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<String> activeRoots = new TreeSet<>();
    for (Ev e : all.firstById.values()) {
      if (Model.active(e) && !e.at().isBefore(OCT) && e.at().isBefore(end)) {
        activeRoots.add(all.rootOf(e));
      }
    }
    long anon = activeRoots.stream().filter(all::anonymous).count();
    assertThat(mj.get("mau").asLong()).as(context + mau.out()).isEqualTo(activeRoots.size());
    assertThat(mj.get("anonymous").asLong()).as(context + mau.out()).isEqualTo(anon);
    assertThat(mj.get("identified").asLong()).as(context + mau.out()).isEqualTo(activeRoots.size() - anon);

    // status: only events before the end of the date
    Run status = cli(dir, "status", "--events", "events.jsonl", "--date", date.toString());
    assertThat(status.code()).as(context + status.err()).isZero();
    assertNoPersonalData(c, status);
    JsonNode sj = status.json();
    assertThat(sj.get("date").asText()).isEqualTo(date.toString());
    for (String k : List.of("very_active", "active", "occasional", "sleeper")) {
      assertIntegral(sj, k);
    }
    Model asOf = new Model(c, end);
    Map<String, Integer> logins7 = new HashMap<>();
    Map<String, Integer> logins30 = new HashMap<>();
    Map<String, Integer> loginsAll = new HashMap<>();
    Instant d7 = end.minusSeconds(7 * 86400L);
    Instant d30 = end.minusSeconds(30 * 86400L);
    for (Ev e : asOf.firstById.values()) {
      if (e.type().equals("login")) {
        String root = asOf.rootOf(e);
        loginsAll.merge(root, 1, Integer::sum);
        if (!e.at().isBefore(d7)) {
          logins7.merge(root, 1, Integer::sum);
        }
        if (!e.at().isBefore(d30)) {
          logins30.merge(root, 1, Integer::sum);
        }
      }
    }
    Map<String, Long> expected = new TreeMap<>(Map.of("very_active", 0L, "active", 0L, "occasional", 0L, "sleeper", 0L));
    for (String root : asOf.profiles().keySet()) {
      String st = logins7.getOrDefault(root, 0) > 1 ? "very_active" : logins30.getOrDefault(root, 0) > 1 ? "active"
          : loginsAll.getOrDefault(root, 0) == 0 ? "sleeper" : "occasional";
      expected.merge(st, 1L, Long::sum);
    }
    Map<String, Long> actual = new TreeMap<>();
    expected.keySet().forEach(k -> actual.put(k, sj.get(k).asLong()));
    assertThat(actual).as(context + status.out()).isEqualTo(expected);

    // reach as of the date: totals and per-channel sums
    Run reach = cli(dir, "reach", "--events", "events.jsonl", "--date", date.toString());
    assertThat(reach.code()).as(context + reach.err()).isZero();
    assertNoPersonalData(c, reach);
    JsonNode rj = reach.json();
    assertIntegral(rj, "total");
    assertIntegral(rj, "reachableAny");
    assertThat(rj.get("total").asLong()).as(context + reach.out()).isEqualTo(asOf.profiles().size());
    assertThat(rj.get("channels").isObject()).isTrue();
    long maxReachable = 0;
    for (String ch : List.of("email", "sms", "push")) {
      JsonNode n = rj.get("channels").get(ch);
      assertThat(n).as("channel %s", ch).isNotNull();
      assertIntegral(n, "reachable");
      assertIntegral(n, "unreachable");
      assertThat(n.get("reachable").asLong() + n.get("unreachable").asLong()).as(context + reach.out()).isEqualTo(rj.get("total").asLong());
      maxReachable = Math.max(maxReachable, n.get("reachable").asLong());
    }
    assertThat(rj.get("channels").get("push").get("reachable").asLong()).isZero();
    // the model: email reachable when the primary email is not opted out (unknown counts), sms only when opted in
    long email = 0;
    long sms = 0;
    long any = 0;
    for (String root : asOf.profiles().keySet()) {
      String e = asOf.primary(root, "email");
      String ph = asOf.primary(root, "phone");
      boolean onEmail = e != null && !asOf.consent(e).equals("opt_out");
      boolean onSms = ph != null && asOf.consent(ph).equals("opt_in");
      email += onEmail ? 1 : 0;
      sms += onSms ? 1 : 0;
      any += onEmail || onSms ? 1 : 0;
    }
    assertThat(rj.get("channels").get("email").get("reachable").asLong()).as(context + reach.out()).isEqualTo(email);
    assertThat(rj.get("channels").get("sms").get("reachable").asLong()).as(context + reach.out()).isEqualTo(sms);
    assertThat(rj.get("reachableAny").asLong()).as(context + reach.out()).isEqualTo(any);
    assertThat(rj.get("reachableAny").asLong()).isBetween(maxReachable, rj.get("total").asLong());

    // export: every profile read, each written or skipped; --reachable email keeps exactly the
    // customers reach counts as reachable on email (as of the latest event)
    for (String preset : List.of("all", "email")) {
      Run export = cli(dir, "export", "--events", "events.jsonl", "--format", "jsonl", "--preset", preset, "--out", "x-" + preset + ".jsonl");
      assertThat(export.code()).as(context + export.err()).isZero();
      assertNoPersonalData(c, export);
      JsonNode ej = export.json();
      assertIntegral(ej, "rows");
      assertIntegral(ej, "profiles");
      long skipped = 0;
      for (JsonNode n : ej.get("skipped")) {
        skipped += n.asLong();
      }
      assertThat(ej.get("profiles").asLong()).as(context + export.out()).isEqualTo(all.profiles().size());
      assertThat(ej.get("rows").asLong() + skipped).as(context + export.out()).isEqualTo(ej.get("profiles").asLong());
      assertThat(Files.readAllLines(dir.resolve("x-" + preset + ".jsonl"))).as(context).hasSize((int) ej.get("rows").asLong());
    }
    Run sync = cli(dir, "export", "--events", "events.jsonl", "--format", "jsonl", "--reachable", "email", "--out", "sync.jsonl");
    Run reachAll = cli(dir, "reach", "--events", "events.jsonl");
    assertThat(sync.code()).as(context + sync.err()).isZero();
    assertThat(sync.json().get("rows").asLong()).as(context + sync.out() + reachAll.out())
        .isEqualTo(reachAll.json().get("channels").get("email").get("reachable").asLong());

    // reach without a date: as of the latest event, every valid event
    Run latest = cli(dir, "reach", "--events", "events.jsonl");
    assertThat(latest.code()).as(context + latest.err()).isZero();
    assertThat(latest.json().get("total").asLong()).as(context + latest.out()).isEqualTo(all.profiles().size());
    assertThat(latest.json().get("eventsAfterDate").asLong()).isZero();
  }

  /** A random transactions file of up to 25 customers into {@code csv}; the customers with an order > 0 into {@code paying}. */
  static void transactions(long seed, StringBuilder csv, Set<String> paying) {
    Random r = new Random(seed);
    int customers = 1 + r.nextInt(25);
    String eol = r.nextBoolean() ? "\n" : "\r\n";
    csv.append(r.nextInt(4) == 0 ? "\uFEFF" : "");
    csv.append(r.nextBoolean() ? "customer_id,date,amount" : "ID,date,amount").append(eol);
    for (int c = 0; c < customers; c++) {
      int orders = 1 + r.nextInt(6);
      for (int k = 0; k < orders; k++) {
        LocalDate d = LocalDate.of(2025, 1, 1).plusDays(r.nextInt(540));
        String amount = r.nextInt(10) == 0 ? "0" : (1 + r.nextInt(200)) + "." + r.nextInt(100);
        if (!amount.equals("0")) {
          paying.add("cust" + c);
        }
        csv.append("cust").append(c).append(',').append(d).append(',').append(amount).append(eol);
      }
    }
  }

  /**
   * {@code clv} on random small transaction files (header spellings of both conventions, CRLF, a
   * BOM, orders of value 0, several orders a day): never an internal failure; on success every
   * documented key with its JSON type, {@code customers} = customers with an order of value &gt; 0,
   * the parameter names of the model, {@code spend} (and {@code spendConvergence}) exactly when
   * repeat purchases carry values, {@code convergence} one of its four values, {@code reasons} naming the failed conditions when not eligible; with {@code --out} and no
   * {@code --force}, nothing written on such data.
   */
  @Property(tries = 10)
  void clv_onRandomTransactions_keepsTheContract(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed,
      @ForAll("models") String model) throws IOException {
    StringBuilder csv = new StringBuilder();
    Set<String> paying = new TreeSet<>();
    transactions(seed, csv, paying);
    Path dir = newTempDir();
    Files.writeString(dir.resolve("t.csv"), csv.toString(), StandardCharsets.UTF_8);
    Run run = cli(dir, "clv", "--transactions", "t.csv", "--model", model, "--out", "pred.csv");
    String context = "seed " + seed + " model " + model + "\n" + csv + "\n" + run.out() + run.err();
    assertThat(run.code()).as(context).isIn(Cli.EXIT_OK, Cli.EXIT_BAD_INPUT);
    if (paying.isEmpty()) {
      assertThat(run.code()).as(context).isEqualTo(Cli.EXIT_BAD_INPUT);
      return;
    }
    if (run.code() != Cli.EXIT_OK) {
      assertThat(run.err()).as(context).startsWith("clientele: ");
      return;
    }
    JsonNode j = run.json();
    assertThat(j.get("model").isTextual()).as(context).isTrue();
    assertThat(j.get("params").isObject()).as(context).isTrue();
    List<String> names = new ArrayList<>();
    j.get("params").fieldNames().forEachRemaining(names::add);
    assertThat(names).as(context).containsExactlyInAnyOrderElementsOf(
        model.equals("pareto") ? List.of("r", "alpha", "s", "beta") : List.of("r", "alpha", "a", "b"));
    j.get("params").forEach(v -> assertThat(v.isNumber()).as(context).isTrue());
    assertThat(j.get("logLikelihood").isNumber()).as(context).isTrue();
    assertIntegral(j, "customers");
    assertThat(j.get("customers").asLong()).as(context).isEqualTo(paying.size());
    assertThat(j.get("eligible").isBoolean()).as(context).isTrue();
    assertThat(j.get("reasons").isArray()).as(context).isTrue();
    j.get("reasons").forEach(x -> assertThat(x.isTextual()).isTrue());
    assertThat(j.get("eligible").asBoolean()).as(context).isEqualTo(j.get("reasons").isEmpty());
    assertThat(j.get("eligible").asBoolean()).as("fewer than 500 customers").isFalse();
    if (j.has("spend")) {
      List<String> spend = new ArrayList<>();
      j.get("spend").fieldNames().forEachRemaining(spend::add);
      assertThat(spend).containsExactlyInAnyOrder("p", "q", "v");
      j.get("spend").forEach(v -> assertThat(v.isNumber()).as(context).isTrue());
    }
    List<String> convergence = List.of("converged", "boundary", "stopped_at_limit", "stopped_at_unevaluable_points");
    assertThat(j.get("convergence").asText()).as(context).isIn(convergence);
    assertThat(j.has("spendConvergence")).as(context).isEqualTo(j.has("spend"));
    if (j.has("spendConvergence")) {
      assertThat(j.get("spendConvergence").asText()).as(context).isIn(convergence);
    }
    // not eligible, no --force: nothing written, and the output says so
    assertThat(j.get("predictionsWritten").asBoolean(true)).as(context).isFalse();
    assertThat(Files.exists(dir.resolve("pred.csv"))).isFalse();
  }

  /**
   * {@code clv --force} on random small files (BG/NBD, MBG/NBD), whose fits are often degenerate
   * (huge a and b, or r and alpha): never an internal failure, and on success one row per paying
   * customer with finite numbers. (Such fits used to fail with exit 1; see
   * {@link #clvForce_bgnbdWithHugeFittedAandB_doesNotFail()}.)
   */
  @Property(tries = 20)
  void clvForce_onRandomTransactions_writesFiniteRows(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed,
      @ForAll("models") String model) throws IOException {
    StringBuilder csv = new StringBuilder();
    Set<String> paying = new TreeSet<>();
    transactions(seed, csv, paying);
    Path dir = newTempDir();
    Files.writeString(dir.resolve("t.csv"), csv.toString(), StandardCharsets.UTF_8);
    Run run = cli(dir, "clv", "--transactions", "t.csv", "--model", model, "--out", "pred.csv", "--force");
    String context = "seed " + seed + " model " + model + "\n" + run.out() + run.err();
    assertThat(run.code()).as(context).isIn(Cli.EXIT_OK, Cli.EXIT_BAD_INPUT);
    net.jqwik.api.statistics.Statistics.collect(run.code() == Cli.EXIT_OK ? "written" : "refused (exit 2)");
    if (run.code() != Cli.EXIT_OK) {
      return;
    }
    assertThat(run.json().get("predictionsWritten").asBoolean()).as(context).isTrue();
    List<String> rows = Files.readAllLines(dir.resolve("pred.csv"), StandardCharsets.UTF_8);
    assertThat(rows).as(context).hasSize(1 + paying.size());
    assertThat(String.join("\n", rows)).as(context).doesNotContain("NaN").doesNotContain("Infinity");
  }

  /** {@code --force} writes one prediction row per customer (a fixed file). */
  @Example
  void clvForce_writesOneRowPerCustomer() throws IOException {
    StringBuilder csv = new StringBuilder();
    Set<String> paying = new TreeSet<>();
    transactions(13L, csv, paying);
    Path dir = newTempDir();
    Files.writeString(dir.resolve("t.csv"), csv.toString(), StandardCharsets.UTF_8);
    for (String model : List.of("bgnbd", "mbgnbd")) {
      Run run = cli(dir, "clv", "--transactions", "t.csv", "--model", model, "--out", "pred-" + model + ".csv", "--force");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.json().get("predictionsWritten").asBoolean()).isTrue();
      List<String> rows = Files.readAllLines(dir.resolve("pred-" + model + ".csv"), StandardCharsets.UTF_8);
      assertThat(rows.get(0)).startsWith("customer_id,frequency,recency,T,p_alive,expected_purchases_365d,predicted_clv,churn_risk");
      assertThat(rows).hasSize(1 + paying.size());
    }
  }

  /**
   * Regression (an open bug for a few hours of this release): on this 16-customer file BG/NBD fits
   * a = 3.9e9, b = 1.4e10 (a degenerate, point-mass dropout distribution), and {@code clv --force}
   * failed with exit 1: "hypergeometric series did not converge: z = 0.358", because the series
   * for E[Y(t) | x, t_x, T] needed about a z = 1.4e9 terms. The prediction now takes the limit of a
   * drop-out probability concentrated at a/(a+b) with its corrections and an error bound
   * ({@code Hypergeometric.scaledComplementConcentrated}); every row is written, with finite numbers.
   */
  @org.junit.jupiter.api.Test
  void clvForce_bgnbdWithHugeFittedAandB_doesNotFail() throws IOException {
    StringBuilder csv = new StringBuilder();
    Set<String> paying = new TreeSet<>();
    transactions(22971L, csv, paying);
    Path dir = newTempDir();
    Files.writeString(dir.resolve("t.csv"), csv.toString(), StandardCharsets.UTF_8);

    Run run = cli(dir, "clv", "--transactions", "t.csv", "--model", "bgnbd", "--out", "pred.csv", "--force");

    assertThat(run.code()).as(run.err()).isZero();
    List<String> rows = Files.readAllLines(dir.resolve("pred.csv"), StandardCharsets.UTF_8);
    assertThat(rows).hasSize(1 + paying.size());
    assertThat(String.join("\n", rows)).doesNotContain("NaN").doesNotContain("Infinity");
  }

  /** BG/NBD and MBG/NBD only: see {@link #clv_pareto_smallFile_fitsInAFewSeconds()} for Pareto/NBD. */
  @Provide
  Arbitrary<String> models() {
    return Arbitraries.of("bgnbd", "mbgnbd", "pareto");
  }

  /**
   * Regression (was an open bug, performance): {@code clv --model pareto} on some small random
   * files (this one: 20-odd customers, 540 days) took 18 to 30 s on the shared 2-core machine:
   * {@code ln 2F1(1, b; c; z)} was summed term by term with ratio &rarr; z, and with
   * {@code z = (alpha-beta)/(alpha+T)} near 1 (alpha &gg; beta on the search path) that was up to
   * the 5 000 000-term cap per customer and evaluation. Near z = 1 it is now summed in 1&minus;z
   * (A&amp;S 15.3.6) and the fit's series work is bounded ({@code ParetoNbdModel.fit}).
   */
  @org.junit.jupiter.api.Test
  void clv_pareto_smallFile_fitsInAFewSeconds() throws IOException {
    for (long seed : new long[] {10042L, 5952278740061L}) {
      StringBuilder csv = new StringBuilder();
      transactions(seed, csv, new TreeSet<>());
      Path dir = newTempDir();
      Files.writeString(dir.resolve("t.csv"), csv.toString(), StandardCharsets.UTF_8);
      long start = System.nanoTime();
      Run run = cli(dir, "clv", "--transactions", "t.csv", "--model", "pareto");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(run.code()).as(run.err()).isZero();
      // A guard against the old behaviour (tens of seconds), generous for a loaded CI machine; the
      // fit's work is bounded by ParetoNbdModel.fit, not by this figure (speed is measured with JMH).
      assertThat(millis).as("seed %s", seed).isLessThan(15_000);
    }
  }

  /**
   * The same random file on a new H2 database ({@code --jdbc}) prints the same counts and MAU as in
   * memory and writes the same profiles, but for their ids (random on a database).
   */
  @Property(tries = 10)
  void jdbc_sameFile_sameCountsAndProfilesAsInMemory(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed)
      throws IOException {
    Case c = generate(seed);
    Path dir = write(c);
    Files.writeString(dir.resolve("salt.txt"), "a-test-salt-of-32-bytes-or-more!\n");
    String url = "jdbc:h2:file:" + dir.resolve("db/clientele") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    Run memory = cli(dir, "profiles", "--events", "events.jsonl", "--out", "m.jsonl");
    Run jdbc = cli(dir, "profiles", "--events", "events.jsonl", "--out", "j.jsonl", "--jdbc", url, "--salt-file", "salt.txt");
    String context = "seed " + seed + "\n" + c.text + "\n" + memory.out() + jdbc.out() + jdbc.err();
    assertThat(jdbc.code()).as(context).isZero();
    assertNoPersonalData(c, jdbc);
    JsonNode m = memory.json();
    JsonNode j = jdbc.json();
    ((com.fasterxml.jackson.databind.node.ObjectNode) m).remove("out");
    ((com.fasterxml.jackson.databind.node.ObjectNode) j).remove("out");
    assertThat(j).as(context).isEqualTo(m);
    assertThat(profilesWithoutIds(dir.resolve("j.jsonl"))).as(context).isEqualTo(profilesWithoutIds(dir.resolve("m.jsonl")));
    LocalDate date = LocalDate.of(2026, 10, 1).plusDays(new Random(seed).nextInt(31));
    Run mauMemory = cli(dir, "mau", "--events", "events.jsonl", "--date", date.toString());
    Path fresh = dir.resolve("db2/clientele");
    Run mauJdbc = cli(dir, "mau", "--events", "events.jsonl", "--date", date.toString(), "--jdbc",
        "jdbc:h2:file:" + fresh + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "--salt-file", "salt.txt");
    assertThat(mauJdbc.code()).as(context + mauJdbc.err()).isZero();
    assertThat(mauJdbc.json()).as(context).isEqualTo(mauMemory.json());
  }

  /** The profile lines of a file as a set of their JSON with ids and mergedFrom ids left out. */
  private static Set<String> profilesWithoutIds(Path file) throws IOException {
    Set<String> out = new TreeSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      com.fasterxml.jackson.databind.node.ObjectNode p = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
      p.remove("id");
      p.put("mergedFrom", p.get("mergedFrom").size());
      out.add(p.toString());
    }
    return out;
  }

  /**
   * A random config (DESIGN.md: the config carries consent settings, active/non-active event types
   * and activity thresholds) changes {@code mau}, {@code status} and {@code reach} exactly as the
   * model with the same settings says.
   */
  @Property(tries = 30)
  void configuredMauStatusReach_followTheConfig(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) throws IOException {
    Case c = generate(seed);
    Path dir = write(c);
    Random r = new Random(seed ^ 0xc0ffee);
    boolean pageviewInactive = r.nextBoolean();
    boolean discoveryActive = r.nextBoolean();
    String loginType = r.nextBoolean() ? "order" : "login";
    boolean smsUnknown = r.nextBoolean();
    boolean emailUnknown = r.nextBoolean();
    ObjectNode config = JSON.createObjectNode();
    ObjectNode activity = config.putObject("activity");
    if (pageviewInactive) {
      activity.putArray("inactiveTypes").add("pageview");
    }
    if (discoveryActive) {
      activity.putArray("activeTypes").add("discovery");
    }
    if (!loginType.equals("login") || r.nextBoolean()) {
      config.putObject("status").put("loginType", loginType);
    }
    ObjectNode unknown = config.putObject("consent").putObject("unknownConsentReachable");
    unknown.put("sms", smsUnknown);
    unknown.put("email", emailUnknown);
    Files.writeString(dir.resolve("config.json"), config.toString());
    java.util.function.Predicate<Ev> active = e -> e.type().equals("discovery") ? discoveryActive
        : e.type().equals("pageview") ? !pageviewInactive : Model.active(e);
    LocalDate date = LocalDate.of(2026, 10, 1).plusDays(r.nextInt(31));
    String context = "seed " + seed + " config " + config + " date " + date + "\n" + c.text + "\n";

    Run mau = cli(dir, "mau", "--events", "events.jsonl", "--date", date.toString(), "--config", "config.json");
    assertThat(mau.code()).as(context + mau.err()).isZero();
    Model all = new Model(c, Instant.MAX, active);
    Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Set<String> activeRoots = new TreeSet<>();
    for (Ev e : all.firstById.values()) {
      if (active.test(e) && !e.at().isBefore(OCT) && e.at().isBefore(end)) {
        activeRoots.add(all.rootOf(e));
      }
    }
    assertThat(mau.json().get("mau").asLong()).as(context + mau.out()).isEqualTo(activeRoots.size());

    Run status = cli(dir, "status", "--events", "events.jsonl", "--date", date.toString(), "--config", "config.json");
    assertThat(status.code()).as(context + status.err()).isZero();
    Model asOf = new Model(c, end, active);
    Map<String, Long> expected = new TreeMap<>(Map.of("very_active", 0L, "active", 0L, "occasional", 0L, "sleeper", 0L));
    for (String root : asOf.profiles().keySet()) {
      long in7 = 0;
      long in30 = 0;
      long ever = 0;
      for (Ev e : asOf.firstById.values()) {
        if (e.type().equals(loginType) && asOf.rootOf(e).equals(root)) {
          ever++;
          in7 += e.at().isBefore(end.minusSeconds(7 * 86400L)) ? 0 : 1;
          in30 += e.at().isBefore(end.minusSeconds(30 * 86400L)) ? 0 : 1;
        }
      }
      expected.merge(in7 > 1 ? "very_active" : in30 > 1 ? "active" : ever == 0 ? "sleeper" : "occasional", 1L, Long::sum);
    }
    Map<String, Long> actual = new TreeMap<>();
    expected.keySet().forEach(k -> actual.put(k, status.json().get(k).asLong()));
    assertThat(actual).as(context + status.out()).isEqualTo(expected);

    Run reach = cli(dir, "reach", "--events", "events.jsonl", "--date", date.toString(), "--config", "config.json");
    assertThat(reach.code()).as(context + reach.err()).isZero();
    long email = 0;
    long sms = 0;
    for (String root : asOf.profiles().keySet()) {
      String e = asOf.primary(root, "email");
      String ph = asOf.primary(root, "phone");
      String ec = e == null ? null : asOf.consent(e);
      String pc = ph == null ? null : asOf.consent(ph);
      email += ec != null && (ec.equals("opt_in") || (ec.equals("unknown") && emailUnknown)) ? 1 : 0;
      sms += pc != null && (pc.equals("opt_in") || (pc.equals("unknown") && smsUnknown)) ? 1 : 0;
    }
    JsonNode ch = reach.json().get("channels");
    assertThat(ch.get("email").get("reachable").asLong()).as(context + reach.out()).isEqualTo(email);
    assertThat(ch.get("sms").get("reachable").asLong()).as(context + reach.out()).isEqualTo(sms);
  }
}
