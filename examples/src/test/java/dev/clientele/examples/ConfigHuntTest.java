package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentityRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bug hunt on the CLI's config file (DESIGN.md "The command-line tool": every key optional, defaults
 * as in the design; {@code ConfigReader}: unknown keys, wrong value types and values the library
 * refuses are errors that name the key). A schema of every documented key with a good value and
 * values of each wrong JSON type; each wrong value, put alone into an otherwise empty config, must
 * fail with a message that names the full key, and a JSON null must mean "absent" (as it does for
 * the other keys). Good values of every key together parse, and {@code {}} gives the library defaults.
 */
class ConfigHuntTest {
  /** key path → a good JSON value. */
  private static final Map<String, String> GOOD = new LinkedHashMap<>();

  static {
    GOOD.put("identity.defaultRegion", "\"GB\"");
    GOOD.put("identity.clearDefaultBlockedValues", "false");
    GOOD.put("identity.blockedValues", "[\"noreply@example.com\"]");
    GOOD.put("identity.blockedPatterns", "[\".*@mailinator\\\\.com\"]");
    GOOD.put("identity.policies.email.priority", "80");
    GOOD.put("identity.policies.email.limit", "3");
    GOOD.put("identity.policies.email.links", "true");
    GOOD.put("identity.policies.anonymous_id.priority", "10");
    GOOD.put("identity.policies.anonymous_id.limit", "5");
    GOOD.put("identity.policies.anonymous_id.windowDays", "7");
    GOOD.put("identity.policies.loyalty_card.priority", "90");
    GOOD.put("identity.policies.loyalty_card.unique", "true");
    GOOD.put("identity.maxIdentifiersPerProfile", "500");
    GOOD.put("identity.maxMergesPerProfile", "100");
    GOOD.put("identity.survivor", "\"oldest\"");
    GOOD.put("identity.defaultAttributeMerge", "\"latest\"");
    GOOD.put("identity.attributeMerge.loyalty_points", "\"sum\"");
    GOOD.put("activity.activeTypes", "[\"list\"]");
    GOOD.put("activity.inactiveTypes", "[\"heartbeat\"]");
    GOOD.put("activity.inactiveActions", "[\"campaign/delivered\"]");
    GOOD.put("activity.activeActions", "[\"campaign/open\"]");
    GOOD.put("consent.unknownConsentReachable.email", "true");
    GOOD.put("consent.unknownConsentReachable.sms", "false");
    GOOD.put("consent.ccpaBlocks.push", "true");
    GOOD.put("status.loginType", "\"signin\"");
    GOOD.put("status.veryActiveDays", "7");
    GOOD.put("status.veryActiveLogins", "2");
    GOOD.put("status.activeDays", "30");
    GOOD.put("status.activeLogins", "2");
    GOOD.put("status.sleeperMonths", "3");
    GOOD.put("engagement.windowDays", "30");
    GOOD.put("engagement.highRecencyDays", "7");
    GOOD.put("engagement.highActiveDays", "8");
    GOOD.put("engagement.mediumRecencyDays", "30");
    GOOD.put("engagement.mediumActiveDays", "2");
  }

  private static final List<String> VALUES_OF_EVERY_TYPE =
      List.of("\"text\"", "\"\"", "12", "0", "-1", "1.5", "3000000000", "true", "[]", "[1]", "[\"a\", 2]", "[\"\"]", "{}", "{\"x\":1}");

  private static ConfigReader.Config parse(String json) throws CliException {
    try {
      return ConfigReader.parse(Json.MAPPER.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code {"a":{"b":{"c":value}}}} for the path {@code a.b.c}, with the siblings a key needs. */
  private static String configWith(String path, String value) {
    ObjectNode root = Json.object();
    putPath(root, path, value);
    // a policy needs its priority; a window needs a limit
    String[] parts = path.split("\\.");
    if (parts.length == 4 && parts[1].equals("policies") && !parts[3].equals("priority")) {
      putPath(root, String.join(".", parts[0], parts[1], parts[2], "priority"), "50");
      if (parts[3].equals("windowDays")) {
        putPath(root, String.join(".", parts[0], parts[1], parts[2], "limit"), "5");
      }
    }
    return root.toString();
  }

  private static void putPath(ObjectNode root, String path, String value) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
    }
    try {
      node.set(parts[parts.length - 1], Json.MAPPER.readTree(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** Whether {@code value} is a value of the same JSON kind as the good one and accepted by it. */
  private static boolean sameKind(String good, String value) throws Exception {
    JsonNode g = Json.MAPPER.readTree(good);
    JsonNode v = Json.MAPPER.readTree(value);
    return g.getNodeType() == v.getNodeType() && (!g.isIntegralNumber() || v.isIntegralNumber());
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of(new ArrayList<>(GOOD.keySet()));
  }

  @Provide
  Arbitrary<String> wrongValues() {
    return Arbitraries.of(VALUES_OF_EVERY_TYPE);
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void aWrongValue_failsNamingTheFullKey(@ForAll("keys") String key, @ForAll("wrongValues") String value) throws Exception {
    String json = configWith(key, value);
    Throwable t = catchThrowable(() -> parse(json));
    if (sameKind(GOOD.get(key), value) && t == null) {
      return; // a value of the right kind may be fine
    }
    assertThat(t).as(json).isInstanceOf(CliException.class);
    // the full key; or, for a bound that ties several keys of a section together, the section and the key's name
    String section = key.substring(0, key.indexOf('.'));
    String name = key.substring(key.lastIndexOf('.') + 1);
    assertThat(t.getMessage().contains(key) || (t.getMessage().startsWith("config key " + section + ": ") && t.getMessage().contains(name)))
        .as(json + " -> " + t.getMessage()).isTrue();
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void null_meansAbsent_forEveryKey(@ForAll("keys") String key) throws Exception {
    if (key.endsWith(".priority")) { // the one required key
      assertThat(catchThrowable(() -> parse(configWith(key, "null")))).hasMessageContaining(key + " is required");
      return;
    }
    ConfigReader.Config withNull = parse(configWith(key, "null"));
    assertThat(withNull).as(key).isNotNull();
  }

  @Property(generation = GenerationMode.EXHAUSTIVE)
  void anUnknownKey_failsNamingIt(@ForAll("keys") String key) {
    String parent = key.substring(0, key.lastIndexOf('.'));
    String unknown = parent + ".colour";
    String json = configWith(key, GOOD.get(key));
    ObjectNode root;
    try {
      root = (ObjectNode) Json.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
    putPath(root, unknown, "1");
    Throwable t = catchThrowable(() -> parse(root.toString()));
    assertThat(t).as(root.toString()).isInstanceOf(CliException.class);
    assertThat(t.getMessage()).as(root.toString()).contains(unknown.startsWith("identity.attributeMerge.") ? "identity.attributeMerge.colour"
        : unknown);
  }

  /** Regression: library refusals named only the section ("config key identity: limit must be >= 1: OptionalInt[0]"). */
  @Example
  void libraryRefusals_nameTheKey() {
    String[][] cases = {
      {"{\"identity\":{\"defaultRegion\":\"XX\"}}", "config key identity.defaultRegion: "},
      {"{\"identity\":{\"maxIdentifiersPerProfile\":0}}", "config key identity.maxIdentifiersPerProfile: "},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":80,\"limit\":0}}}}", "config key identity.policies.email.limit must be at least 1: 0"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":80,\"limit\":2,\"windowDays\":0}}}}", "config key identity.policies.email.windowDays"},
      {"{\"identity\":{\"policies\":{\"E-mail\":{\"priority\":80}}}}", "config key identity.policies.E-mail: "},
      {"{\"status\":{\"activeLogins\":0}}", "config key status.activeLogins must be at least 1: 0"},
      {"{\"engagement\":{\"highRecencyDays\":-1}}", "config key engagement.highRecencyDays must be at least 0: -1"},
    };
    for (String[] c : cases) {
      assertThat(catchThrowable(() -> parse(c[0]))).as(c[0]).isInstanceOf(CliException.class).hasMessageStartingWith(c[1]);
    }
    // null is absent, also where a value was required to be an object, a string or a boolean
    assertThat(catchThrowable(() -> parse("{\"status\":{\"loginType\":null},\"identity\":{\"policies\":{\"email\":null},"
        + "\"attributeMerge\":{\"x\":null}},\"consent\":{\"ccpaBlocks\":{\"sms\":null}}}"))).isNull();
  }

  @Example
  void everyGoodValue_together_parses_andEmptyIsTheDefaults() throws Exception {
    ObjectNode root = Json.object();
    GOOD.forEach((k, v) -> putPath(root, k, v));
    ConfigReader.Config c = parse(root.toString());
    assertThat(c.activityThresholds().loginType()).isEqualTo("signin");
    assertThat(c.identity().policy(IdentifierType.of("loyalty_card")).priority()).isEqualTo(90);

    ConfigReader.Config d = parse("{}");
    assertThat(d.activity()).isEqualTo(ActivityRules.defaults());
    assertThat(d.activityThresholds()).isEqualTo(ActivityThresholds.defaults());
    assertThat(d.engagementThresholds()).isEqualTo(EngagementThresholds.defaults());
    assertThat(d.identity().policies()).isEqualTo(IdentityRules.defaults().policies());
    assertThat(d.identity().blockedValues()).isEqualTo(IdentityRules.defaults().blockedValues());
    ReachabilityPolicy p = d.reachability();
    ReachabilityPolicy def = ReachabilityPolicy.defaults();
    for (Channel ch : Channel.values()) {
      assertThat(p.unknownConsentReachable(ch)).isEqualTo(def.unknownConsentReachable(ch));
      assertThat(p.ccpaBlocks(ch)).isEqualTo(def.ccpaBlocks(ch));
    }
    // DESIGN.md: unknown consent reachable on email and push, not sms; CCPA blocks every channel
    assertThat(p.unknownConsentReachable(Channel.EMAIL)).isTrue();
    assertThat(p.unknownConsentReachable(Channel.PUSH)).isTrue();
    assertThat(p.unknownConsentReachable(Channel.SMS)).isFalse();
    for (Channel ch : Channel.values()) {
      assertThat(p.ccpaBlocks(ch)).isTrue();
    }
  }
}
