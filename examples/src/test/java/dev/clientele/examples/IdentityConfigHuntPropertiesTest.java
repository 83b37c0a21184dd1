package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Hunt "hrules", property 5: the same identity rules given as the CLI's JSON config
 * ({@link ConfigReader}) and built in code give equal rules and the same resolution of a random
 * history (results, refusals, partition); invalid rule configs fail naming the key, without
 * the values of events.
 */
class IdentityConfigHuntPropertiesTest {
  static final List<String> TYPES = List.of("customer_id", "email", "anonymous_id", "loyalty_card");
  static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  /** Random rules, written both ways. */
  record Both(String json, IdentityRules code) {}

  static Both random(Random r) {
    ObjectNode identity = Json.object();
    IdentityRules.Builder b = IdentityRules.builder();
    ObjectNode policies = identity.putObject("policies");
    int[] priorities = {10, 50, 80, 90};
    for (String t : TYPES) {
      if (r.nextInt(5) == 0) {
        continue; // the type keeps its default policy
      }
      ObjectNode p = policies.putObject(t);
      int priority = priorities[r.nextInt(priorities.length)];
      p.put("priority", priority);
      int kind = r.nextInt(3);
      IdentifierPolicy policy;
      if (kind == 0 && (t.equals("customer_id") || t.equals("loyalty_card"))) {
        p.put("unique", true);
        policy = IdentifierPolicy.unique(priority);
      } else {
        boolean links = r.nextBoolean();
        if (!links || r.nextBoolean()) {
          p.put("links", links);
        }
        policy = links ? IdentifierPolicy.linking(priority) : IdentifierPolicy.attachOnly(priority);
        if (r.nextBoolean()) {
          int limit = 1 + r.nextInt(3);
          p.put("limit", limit);
          if (r.nextBoolean()) {
            int days = 1 + r.nextInt(3);
            p.put("windowDays", days);
            policy = policy.withLimit(limit, Duration.ofDays(days));
          } else {
            policy = policy.withLimit(limit);
          }
        }
      }
      b.policy(IdentifierType.of(t), policy);
    }
    if (r.nextBoolean()) {
      int max = 2 + r.nextInt(6);
      identity.put("maxIdentifiersPerProfile", max);
      b.maxIdentifiersPerProfile(max);
    }
    if (r.nextBoolean()) {
      int max = r.nextInt(4);
      identity.put("maxMergesPerProfile", max);
      b.maxMergesPerProfile(max);
    }
    if (r.nextInt(4) == 0) {
      identity.put("clearDefaultBlockedValues", true);
      b.clearBlockedValues();
    }
    if (r.nextBoolean()) {
      identity.putArray("blockedValues").add(" JUNK@ex.com ").add("c9");
      b.blockValue(" JUNK@ex.com ").blockValue("c9");
    }
    if (r.nextBoolean()) {
      identity.putArray("blockedPatterns").add(".*@spam\\.com").add("a[0-9]9");
      b.blockPattern(".*@spam\\.com").blockPattern("a[0-9]9");
    }
    ObjectNode root = Json.object();
    root.set("identity", identity);
    return new Both(root.toString(), b.build());
  }

  static List<Event> history(Random r, int size) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Event.Builder e = Event.builder("e-" + i, "pageview", T0.plus(Duration.ofHours(r.nextInt(24 * 8))));
      Set<String> seen = new HashSet<>();
      for (int j = 0, k = 1 + r.nextInt(3); j < k; j++) {
        String type = TYPES.get(r.nextInt(TYPES.size()));
        int n = 1 + r.nextInt(4);
        String value = switch (type) {
          case "email" -> r.nextInt(8) == 0 ? "junk@ex.com" : r.nextInt(8) == 0 ? "x@spam.com" : "P" + n + "@ex.com";
          case "customer_id" -> r.nextInt(8) == 0 ? "c9" : r.nextInt(10) == 0 ? "null" : "c" + n;
          case "anonymous_id" -> r.nextInt(8) == 0 ? "a19" : "a" + n;
          default -> "l" + n;
        };
        if (seen.add(type + "=" + value)) {
          e.identifier(IdentifierType.of(type), value);
        }
      }
      events.add(e.build());
    }
    return events;
  }

  static Supplier<ProfileId> ids() {
    AtomicInteger n = new AtomicInteger();
    return () -> ProfileId.of(String.format(Locale.ROOT, "p-%04d", n.incrementAndGet()));
  }

  static ConfigReader.Config parse(String json) throws CliException {
    try {
      return ConfigReader.parse(Json.MAPPER.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static Set<Set<Identifier>> partition(Clientele c) {
    return c.storage().profiles(java.util.Optional.empty(), Integer.MAX_VALUE).stream()
        .map(p -> p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet()))
        .collect(Collectors.toSet());
  }

  @Property(tries = 100)
  void jsonConfigAndCode_giveTheSameRulesAndResolution(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    Both both = random(r);
    IdentityRules fromJson = parse(both.json()).identity();
    IdentityRules code = both.code();

    assertThat(fromJson.policies()).as(both.json()).isEqualTo(code.policies());
    assertThat(fromJson.maxIdentifiersPerProfile()).as(both.json()).isEqualTo(code.maxIdentifiersPerProfile());
    assertThat(fromJson.maxMergesPerProfile()).as(both.json()).isEqualTo(code.maxMergesPerProfile());
    assertThat(fromJson.blockedValues()).as(both.json()).isEqualTo(code.blockedValues());
    assertThat(fromJson.blockedPatterns().stream().map(p -> p.pattern() + "/" + p.flags()).toList()).as(both.json())
        .isEqualTo(code.blockedPatterns().stream().map(p -> p.pattern() + "/" + p.flags()).toList());
    assertThat(fromJson.defaultRegion()).isEqualTo(code.defaultRegion());

    List<Event> events = history(r, 4 + r.nextInt(12));
    Clientele a = Clientele.builder().profileIds(ids()).identityRules(fromJson).build();
    Clientele b = Clientele.builder().profileIds(ids()).identityRules(code).build();
    List<IngestResult> ra = events.stream().map(a::ingest).toList();
    List<IngestResult> rb = events.stream().map(b::ingest).toList();
    assertThat(ra).as(both.json()).isEqualTo(rb);
    assertThat(partition(a)).as(both.json()).isEqualTo(partition(b));
    assertThat(a.stats()).as(both.json()).isEqualTo(b.stats());
  }

  /** Invalid identity configs fail with the key named; messages carry config text only. */
  @Example
  void invalidIdentityConfigs_failNamingTheKey() {
    String[][] cases = {
      {"{\"identity\":{\"policies\":{\"customer_id\":{\"priority\":100,\"unique\":true,\"links\":false}}}}",
          "identity.policies.customer_id"},
      {"{\"identity\":{\"policies\":{\"customer_id\":{\"priority\":100,\"unique\":true,\"limit\":2}}}}",
          "identity.policies.customer_id"},
      {"{\"identity\":{\"policies\":{\"customer_id\":{\"priority\":100,\"unique\":true,\"windowDays\":2}}}}",
          "identity.policies.customer_id"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":80,\"limit\":-2}}}}", "identity.policies.email.limit"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":80,\"links\":\"no\"}}}}", "identity.policies.email.links"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":80,\"unique\":1}}}}", "identity.policies.email.unique"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":2.5}}}}", "identity.policies.email.priority"},
      {"{\"identity\":{\"policies\":{\"email\":3}}}", "identity.policies.email"},
      {"{\"identity\":{\"policies\":[]}}", "identity.policies"},
      {"{\"identity\":{\"maxIdentifiersPerProfile\":\"many\"}}", "identity.maxIdentifiersPerProfile"},
      {"{\"identity\":{\"maxMergesPerProfile\":-1}}", "identity.maxMergesPerProfile"},
      {"{\"identity\":{\"blockedPatterns\":[\"ok.*\",\"(unclosed\"]}}", "identity.blockedPatterns"},
      {"{\"identity\":{\"blockedPatterns\":[3]}}", "identity.blockedPatterns"},
      {"{\"identity\":{\"blockedValues\":[\"\"]}}", "identity.blockedValues"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(CliException.class).hasMessageContaining(c[1]);
    }
  }

  /** A pattern that cannot be compiled is named by its key and place, not only by the section. */
  @Example
  void invalidBlockedPattern_namesTheKeyAndIndex() {
    assertThatThrownBy(() -> parse("{\"identity\":{\"blockedPatterns\":[\"ok.*\",\"(unclosed\"]}}"))
        .isInstanceOf(CliException.class).hasMessageContaining("identity.blockedPatterns[1]");
  }

  /** The same blocked values from JSON and code block the same spellings (normalised, any case). */
  @Example
  void blockedValueFromJson_blocksItsSpellings() throws Exception {
    Clientele c = Clientele.builder().profileIds(ids())
        .identityRules(parse("{\"identity\":{\"blockedValues\":[\"Junk@Ex.com\"]}}").identity()).build();
    IngestResult r = c.ingest(Event.builder("e-1", "pageview", T0).identifier(IdentifierType.EMAIL, " JUNK@ex.COM ").build());
    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
    assertThat(c.stats().details().blockedIdentifiers()).isEqualTo(1);
    assertThat(String.join("\n", r.problems())).doesNotContainIgnoringCase("junk@ex.com");
  }
}
