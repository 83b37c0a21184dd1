package dev.clientele.examples;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.ExchangeRates;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.Channel;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the CLI's JSON config file into {@link IdentityRules} and {@link ActivityRules}. Every
 * key is optional; what is left out keeps the library default.
 *
 * <pre>{@code
 * {
 *   "identity": {
 *     "defaultRegion": "GB",                  // region for phone numbers without +
 *     "clearDefaultBlockedValues": false,     // true: drop null, undefined, 0, -1, anonymous, test@test.com
 *     "blockedValues": ["noreply@example.com"], // blocked on top of (or instead of) the defaults
 *     "blockedPatterns": [".*@mailinator\\.com"],  // regular expressions matched in full, any case
 *     "policies": {                           // per identifier type; replaces that type's default policy
 *       "email": {"priority": 80, "limit": 3, "links": true},
 *       "anonymous_id": {"priority": 10, "limit": 5, "windowDays": 7},
 *       "loyalty_card": {"priority": 90, "unique": true}
 *     },
 *     "maxIdentifiersPerProfile": 500,
 *     "maxMergesPerProfile": 100,
 *     "survivor": "most_recently_updated",    // or "oldest", "most_events"
 *     "defaultAttributeMerge": "latest",      // or "oldest", "first_non_empty", "sum", "union"
 *     "attributeMerge": {"loyalty_points": "sum", "interests": "union"}
 *   },
 *   "activity": {
 *     "activeTypes": ["list"],                // make these (default-inactive) types active again
 *     "inactiveTypes": ["heartbeat"],         // add event types that are never active
 *     "inactiveActions": ["campaign/delivered"], // add type/action pairs that are not active
 *     "activeActions": ["campaign/open"]      // make type/action pairs active, applied last
 *   },
 *   "consent": {                              // reachability settings per channel (defaults shown)
 *     "unknownConsentReachable": {"email": true, "sms": false, "push": true},
 *     "ccpaBlocks": {"email": true, "sms": true, "push": true}
 *   },
 *   "status": {                               // activity status (defaults shown)
 *     "loginType": "login", "veryActiveDays": 7, "veryActiveLogins": 2, "activeDays": 30, "activeLogins": 2,
 *     "sleeperMonths": 3
 *   },
 *   "engagement": {                           // thresholds of engagement levels (defaults shown)
 *     "windowDays": 30, "highRecencyDays": 7, "highActiveDays": 8, "mediumRecencyDays": 30, "mediumActiveDays": 2
 *   },
 *   "revenue": {                              // which orders count as revenue (default: any currency, as given)
 *     "currency": "USD",                      // reporting currency; orders in others count only with a rate
 *     "rates": {"GBP": 1.27, "EUR": 1.08}     // fixed rates: one unit of the key's currency in the reporting one
 *   },
 *   "segments": [                             // segments tracked during ingestion (format: SegmentJson)
 *     {"name": "reachable-by-email", "condition": {"reachable": "email"}}
 *   ]
 * }
 * }</pre>
 *
 * <p>Configured segments are re-evaluated after every event, and {@code demo},
 * {@code profiles} and {@code export} print their member counts as of the latest event under
 * {@code "segments"} ({@code mau}, {@code reach} and {@code status} print only their documented
 * objects).
 *
 * <p>The activity lists change the defaults rather than replace them: {@code activeTypes} is
 * applied first, then {@code inactiveTypes} and {@code inactiveActions} are added. A type that
 * is both active and inactive is an error. Unknown keys, wrong value types and values the
 * library refuses (an unknown phone region, a pair without {@code /}) are errors that name the
 * key (a bound that ties several keys together, such as {@code veryActiveDays <= activeDays},
 * names its section and the keys). A JSON {@code null} is the same as leaving the key out (a policy's
 * {@code priority} is required, though).
 */
final class ConfigReader {
  private static final Set<String> TOP = Set.of("identity", "activity", "consent", "status", "engagement", "revenue", "segments");
  private static final Set<String> REVENUE = Set.of("currency", "rates");
  private static final Set<String> STATUS = Set.of(
      "loginType", "veryActiveDays", "veryActiveLogins", "activeDays", "activeLogins", "sleeperMonths");
  private static final Set<String> ENGAGEMENT = Set.of(
      "windowDays", "highRecencyDays", "highActiveDays", "mediumRecencyDays", "mediumActiveDays");
  private static final Set<String> CONSENT = Set.of("unknownConsentReachable", "ccpaBlocks");
  private static final Set<String> CHANNELS = Set.of("email", "sms", "push");
  private static final Set<String> IDENTITY = Set.of("defaultRegion", "blockedValues", "clearDefaultBlockedValues",
      "blockedPatterns", "policies", "maxIdentifiersPerProfile", "maxMergesPerProfile", "survivor",
      "defaultAttributeMerge", "attributeMerge");
  private static final Set<String> POLICY = Set.of("priority", "limit", "windowDays", "links", "unique");
  private static final Set<String> ACTIVITY = Set.of("inactiveTypes", "activeTypes", "inactiveActions", "activeActions");

  /**
   * The rules a config file sets.
   *
   * @param identity identifier normalisation and blocked values
   * @param activity which events are active
   * @param reachability the consent settings for reachability
   * @param activityThresholds login type and windows of activity status
   * @param engagementThresholds recency and frequency thresholds of engagement levels
   * @param segments segments tracked during ingestion
   * @param revenue which orders count as revenue, in which currency
   */
  record Config(IdentityRules identity, ActivityRules activity, ReachabilityPolicy reachability,
      ActivityThresholds activityThresholds, EngagementThresholds engagementThresholds, List<Segment> segments,
      RevenueRules revenue) {
    /** The library defaults. */
    static Config defaults() {
      return new Config(IdentityRules.defaults(), ActivityRules.defaults(), ReachabilityPolicy.defaults(),
          ActivityThresholds.defaults(), EngagementThresholds.defaults(), List.of(), RevenueRules.anyCurrency());
    }
  }

  private ConfigReader() {}

  /**
   * Reads a config file.
   *
   * @throws CliException if the file is missing or unreadable, not JSON, or breaks a rule above
   */
  static Config read(Path file) throws CliException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("config file not found: " + file, e);
    } catch (IOException e) {
      throw new CliException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new CliException("config file is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": " + file, e);
    }
    return parse(root);
  }

  /** Builds the rules from a parsed config; see the class comment. */
  static Config parse(JsonNode root) throws CliException {
    if (root == null || root.isMissingNode() || !root.isObject()) {
      throw new CliException("config must be a JSON object");
    }
    checkKeys(root, "", TOP);
    IdentityRules identity = identity(root.get("identity"));
    ActivityRules activity = activity(root.get("activity"));
    return new Config(identity, activity, consent(root.get("consent")), thresholds(root.get("status")),
        engagement(root.get("engagement")), segments(root.get("segments")), revenue(root.get("revenue")));
  }

  private static RevenueRules revenue(JsonNode node) throws CliException {
    if (node == null || node.isNull()) {
      return RevenueRules.anyCurrency();
    }
    requireObject(node, "revenue");
    checkKeys(node, "revenue.", REVENUE);
    JsonNode currency = node.get("currency");
    JsonNode rates = node.get("rates");
    boolean hasRates = rates != null && !rates.isNull();
    if (currency == null || currency.isNull()) {
      if (hasRates) {
        throw new CliException("config key revenue.rates needs revenue.currency (the currency the rates convert into)");
      }
      return RevenueRules.anyCurrency();
    }
    RevenueRules rules;
    try {
      if (!currency.isTextual()) {
        throw new IllegalArgumentException("not a string");
      }
      rules = RevenueRules.in(currency.textValue().strip());
    } catch (IllegalArgumentException e) {
      throw new CliException("config key revenue.currency must be a three-letter currency code such as USD", e);
    }
    if (!hasRates) {
      return rules;
    }
    requireObject(rates, "revenue.rates");
    Map<String, BigDecimal> table = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : rates.properties()) {
      if (e.getValue().isNull()) {
        continue;
      }
      String key = "revenue.rates." + e.getKey();
      String code = e.getKey().strip().toUpperCase(Locale.ROOT);
      if (!e.getKey().strip().matches("[A-Za-z]{3}")) {
        throw new CliException("config key " + key + " must be a three-letter currency code such as GBP");
      }
      if (!e.getValue().isNumber() || e.getValue().decimalValue().signum() <= 0) {
        throw new CliException("config key " + key + " must be a number > 0 (one " + code + " in "
            + rules.currency().orElseThrow() + ")");
      }
      if (code.equals(rules.currency().orElseThrow()) && e.getValue().decimalValue().compareTo(BigDecimal.ONE) != 0) {
        throw new CliException("config key " + key + " is the reporting currency: its rate must be 1 (or left out)");
      }
      if (table.put(code, e.getValue().decimalValue()) != null) {
        throw new CliException("config key " + key + " names a currency already given");
      }
    }
    return rules.withRates(ExchangeRates.fixed(rules.currency().orElseThrow(), table));
  }

  private static IdentityRules identity(JsonNode node) throws CliException {
    IdentityRules.Builder b = IdentityRules.builder();
    if (node == null || node.isNull()) {
      return b.build();
    }
    requireObject(node, "identity");
    checkKeys(node, "identity.", IDENTITY);
    JsonNode clear = node.get("clearDefaultBlockedValues");
    if (clear != null && !clear.isNull()) {
      if (!clear.isBoolean()) {
        throw new CliException("config key identity.clearDefaultBlockedValues must be true or false");
      }
      if (clear.booleanValue()) {
        b.clearBlockedValues();
      }
    }
    try {
      JsonNode region = node.get("defaultRegion");
      if (region != null && !region.isNull()) {
        if (!region.isTextual()) {
          throw new CliException("config key identity.defaultRegion must be a string such as \"GB\"");
        }
        library("identity.defaultRegion", () -> b.defaultRegion(region.textValue()));
      }
      List<String> values = strings(node, "identity.", "blockedValues");
      for (int i = 0; i < values.size(); i++) {
        String value = values.get(i);
        library("identity.blockedValues[" + i + "]", () -> b.blockValue(value));
      }
      List<String> patterns = strings(node, "identity.", "blockedPatterns");
      for (int i = 0; i < patterns.size(); i++) {
        String regex = patterns.get(i);
        library("identity.blockedPatterns[" + i + "]", () -> b.blockPattern(regex));
      }
      OptionalInt maxIds = integer(node, "identity.", "maxIdentifiersPerProfile");
      if (maxIds.isPresent()) {
        library("identity.maxIdentifiersPerProfile", () -> b.maxIdentifiersPerProfile(maxIds.getAsInt()));
      }
      OptionalInt maxMerges = integer(node, "identity.", "maxMergesPerProfile");
      if (maxMerges.isPresent()) {
        library("identity.maxMergesPerProfile", () -> b.maxMergesPerProfile(maxMerges.getAsInt()));
      }
      JsonNode policies = node.get("policies");
      if (policies != null && !policies.isNull()) {
        requireObject(policies, "identity.policies");
        for (Map.Entry<String, JsonNode> e : policies.properties()) {
          if (e.getValue().isNull()) {
            continue;
          }
          IdentifierType type;
          try {
            type = IdentifierType.of(e.getKey());
          } catch (IllegalArgumentException ex) {
            throw new CliException("config key identity.policies." + e.getKey()
                + ": an identifier type is lower-case letters, digits and underscores, starting with a letter", ex);
          }
          b.policy(type, policy(e.getValue(), "identity.policies." + e.getKey()));
        }
      }
      b.survivorship(survivorship(node));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException("config key identity: " + e.getMessage(), e);
    }
    return b.build();
  }

  private static List<Segment> segments(JsonNode node) throws CliException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new CliException("config key segments must be an array of segment objects");
    }
    try {
      return SegmentJson.parseAll(node.toString());
    } catch (IllegalArgumentException e) {
      throw new CliException("config key " + e.getMessage(), e);
    }
  }

  private static IdentifierPolicy policy(JsonNode node, String key) throws CliException {
    requireObject(node, key);
    checkKeys(node, key + ".", POLICY);
    OptionalInt priority = integer(node, key + ".", "priority");
    if (priority.isEmpty()) {
      throw new CliException("config key " + key + ".priority is required");
    }
    boolean unique = bool(node, key + ".", "unique", false);
    boolean links = bool(node, key + ".", "links", true);
    if (unique && !links) {
      throw new CliException("config key " + key + ": a unique type must link (unique implies a limit of one that links)");
    }
    IdentifierPolicy p = unique ? IdentifierPolicy.unique(priority.getAsInt())
        : links ? IdentifierPolicy.linking(priority.getAsInt()) : IdentifierPolicy.attachOnly(priority.getAsInt());
    OptionalInt limit = integer(node, key + ".", "limit");
    OptionalInt days = integer(node, key + ".", "windowDays");
    if (days.isPresent() && limit.isEmpty()) {
      throw new CliException("config key " + key + ".windowDays needs a limit");
    }
    if (limit.isPresent() && unique) {
      throw new CliException("config key " + key + ": a unique type has a limit of one; drop limit");
    }
    if (limit.isPresent() && limit.getAsInt() < 1) {
      throw new CliException("config key " + key + ".limit must be at least 1: " + limit.getAsInt());
    }
    if (days.isPresent() && days.getAsInt() < 1) {
      throw new CliException("config key " + key + ".windowDays must be at least 1: " + days.getAsInt());
    }
    if (limit.isPresent()) {
      p = days.isPresent() ? p.withLimit(limit.getAsInt(), java.time.Duration.ofDays(days.getAsInt())) : p.withLimit(limit.getAsInt());
    }
    return p;
  }

  /** A library call that refuses a bad value with an {@link IllegalArgumentException}: the message names {@code key}. */
  private static void library(String key, Runnable call) throws CliException {
    try {
      call.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException("config key " + key + ": " + e.getMessage(), e);
    }
  }

  private static SurvivorshipRules survivorship(JsonNode node) throws CliException {
    SurvivorshipRules.Builder b = SurvivorshipRules.builder();
    JsonNode survivor = node.get("survivor");
    if (survivor != null && !survivor.isNull()) {
      b.survivor(enumValue(SurvivorshipRules.Survivor.class, survivor, "identity.survivor"));
    }
    JsonNode def = node.get("defaultAttributeMerge");
    if (def != null && !def.isNull()) {
      b.defaultAttributeMerge(enumValue(SurvivorshipRules.AttributeMerge.class, def, "identity.defaultAttributeMerge"));
    }
    JsonNode attributes = node.get("attributeMerge");
    if (attributes != null && !attributes.isNull()) {
      requireObject(attributes, "identity.attributeMerge");
      for (Map.Entry<String, JsonNode> e : attributes.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        SurvivorshipRules.AttributeMerge merge =
            enumValue(SurvivorshipRules.AttributeMerge.class, e.getValue(), "identity.attributeMerge." + e.getKey());
        library("identity.attributeMerge." + e.getKey(), () -> b.attribute(e.getKey(), merge));
      }
    }
    return b.build();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode node, String key) throws CliException {
    List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    if (node.isTextual()) {
      for (E c : type.getEnumConstants()) {
        if (c.name().toLowerCase(Locale.ROOT).equals(node.textValue())) {
          return c;
        }
      }
    }
    throw new CliException("config key " + key + " must be one of " + names);
  }

  private static OptionalInt integer(JsonNode parent, String prefix, String key) throws CliException {
    JsonNode node = parent.get(key);
    if (node == null || node.isNull()) {
      return OptionalInt.empty();
    }
    checkInt(node, prefix + key);
    return OptionalInt.of(node.intValue());
  }

  /** Refuses a value that is not a whole number, or one beyond an int (saying so, rather than "not a whole number"). */
  private static void checkInt(JsonNode node, String key) throws CliException {
    if (!node.isIntegralNumber()) {
      throw new CliException("config key " + key + " must be a whole number");
    }
    if (!node.canConvertToInt()) {
      throw new CliException("config key " + key + " is out of range: " + node.asText());
    }
  }

  private static boolean bool(JsonNode parent, String prefix, String key, boolean otherwise) throws CliException {
    JsonNode node = parent.get(key);
    if (node == null || node.isNull()) {
      return otherwise;
    }
    if (!node.isBoolean()) {
      throw new CliException("config key " + prefix + key + " must be true or false");
    }
    return node.booleanValue();
  }

  private static ActivityRules activity(JsonNode node) throws CliException {
    ActivityRules rules = ActivityRules.defaults();
    if (node == null || node.isNull()) {
      return rules;
    }
    requireObject(node, "activity");
    checkKeys(node, "activity.", ACTIVITY);
    List<String> active = strings(node, "activity.", "activeTypes");
    List<String> inactive = strings(node, "activity.", "inactiveTypes");
    for (String type : active) {
      if (inactive.contains(type)) {
        throw new CliException("config lists event type " + type + " in both activity.activeTypes and activity.inactiveTypes");
      }
      rules = activityKey("activity.activeTypes", rules, r -> r.withActiveType(type));
    }
    for (String type : inactive) {
      rules = activityKey("activity.inactiveTypes", rules, r -> r.withInactiveType(type));
    }
    for (String pair : strings(node, "activity.", "inactiveActions")) {
      int slash = pair.indexOf('/');
      if (slash <= 0 || slash == pair.length() - 1) {
        throw new CliException("config key activity.inactiveActions holds type/action pairs such as campaign/sent: " + pair);
      }
      rules = activityKey("activity.inactiveActions", rules, r -> r.withInactive(pair.substring(0, slash), pair.substring(slash + 1)));
    }
    for (String pair : strings(node, "activity.", "activeActions")) {
      int slash = pair.indexOf('/');
      if (slash <= 0 || slash == pair.length() - 1) {
        throw new CliException("config key activity.activeActions holds type/action pairs such as campaign/sent: " + pair);
      }
      rules = activityKey("activity.activeActions", rules, r -> r.withActive(pair.substring(0, slash), pair.substring(slash + 1)));
    }
    return rules;
  }

  /** {@code change} applied to {@code rules}; a value the library refuses is an error naming {@code key}. */
  private static ActivityRules activityKey(String key, ActivityRules rules, java.util.function.UnaryOperator<ActivityRules> change)
      throws CliException {
    try {
      return change.apply(rules);
    } catch (IllegalArgumentException e) {
      throw new CliException("config key " + key + ": " + e.getMessage(), e);
    }
  }

  private static ActivityThresholds thresholds(JsonNode node) throws CliException {
    ActivityThresholds d = ActivityThresholds.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    requireObject(node, "status");
    checkKeys(node, "status.", STATUS);
    JsonNode login = node.get("loginType");
    if (login != null && login.isNull()) {
      login = null; // null means absent, as for every key
    }
    if (login != null && !login.isTextual()) {
      throw new CliException("config key status.loginType must be a string such as \"login\"");
    }
    try {
      return new ActivityThresholds(
          login == null ? d.loginType() : login.textValue(),
          intKey(node, "status.", "veryActiveDays", d.veryActiveDays(), 1),
          intKey(node, "status.", "veryActiveLogins", d.veryActiveLogins(), 1),
          intKey(node, "status.", "activeDays", d.activeDays(), 1),
          intKey(node, "status.", "activeLogins", d.activeLogins(), 1),
          intKey(node, "status.", "sleeperMonths", d.sleeperMonths(), 1));
    } catch (IllegalArgumentException e) {
      throw new CliException("config key status: " + e.getMessage(), e);
    }
  }

  private static EngagementThresholds engagement(JsonNode node) throws CliException {
    EngagementThresholds d = EngagementThresholds.defaults();
    if (node == null || node.isNull()) {
      return d;
    }
    requireObject(node, "engagement");
    checkKeys(node, "engagement.", ENGAGEMENT);
    try {
      return new EngagementThresholds(
          intKey(node, "engagement.", "windowDays", d.windowDays(), 1),
          intKey(node, "engagement.", "highRecencyDays", d.highRecencyDays(), 0),
          intKey(node, "engagement.", "highActiveDays", d.highActiveDays(), 1),
          intKey(node, "engagement.", "mediumRecencyDays", d.mediumRecencyDays(), 0),
          intKey(node, "engagement.", "mediumActiveDays", d.mediumActiveDays(), 1));
    } catch (IllegalArgumentException e) {
      throw new CliException("config key engagement: " + e.getMessage(), e);
    }
  }

  /**
   * The whole number at {@code key}, at least {@code min}; {@code fallback} when absent. Bounds
   * that tie several keys together are the library's, whose message names the keys.
   */
  private static int intKey(JsonNode node, String prefix, String key, int fallback, int min) throws CliException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    checkInt(v, prefix + key);
    if (v.intValue() < min) {
      throw new CliException("config key " + prefix + key + " must be at least " + min + ": " + v.intValue());
    }
    return v.intValue();
  }

  private static ReachabilityPolicy consent(JsonNode node) throws CliException {
    ReachabilityPolicy.Builder b = ReachabilityPolicy.builder();
    if (node == null || node.isNull()) {
      return b.build();
    }
    requireObject(node, "consent");
    checkKeys(node, "consent.", CONSENT);
    for (String key : List.of("unknownConsentReachable", "ccpaBlocks")) {
      JsonNode perChannel = node.get(key);
      if (perChannel == null || perChannel.isNull()) {
        continue;
      }
      requireObject(perChannel, "consent." + key);
      checkKeys(perChannel, "consent." + key + ".", CHANNELS);
      for (Map.Entry<String, JsonNode> e : perChannel.properties()) {
        if (e.getValue().isNull()) {
          continue;
        }
        if (!e.getValue().isBoolean()) {
          throw new CliException("config key consent." + key + "." + e.getKey() + " must be true or false");
        }
        Channel channel = Channel.fromKey(e.getKey()).orElseThrow();
        if (key.equals("ccpaBlocks")) {
          b.ccpaBlocks(channel, e.getValue().booleanValue());
        } else {
          b.unknownConsentReachable(channel, e.getValue().booleanValue());
        }
      }
    }
    return b.build();
  }

  private static void requireObject(JsonNode node, String key) throws CliException {
    if (!node.isObject()) {
      throw new CliException("config key " + key + " must be an object");
    }
  }

  private static void checkKeys(JsonNode node, String prefix, Set<String> known) throws CliException {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      if (!known.contains(name)) {
        throw new CliException("unknown config key: " + prefix + name
            + " (expected one of " + String.join(", ", known.stream().sorted().map(k -> prefix + k).toList()) + ")");
      }
    }
  }

  private static List<String> strings(JsonNode parent, String prefix, String key) throws CliException {
    JsonNode node = parent.get(key);
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new CliException("config key " + prefix + key + " must be an array of strings");
    }
    for (JsonNode item : node) {
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw new CliException("config key " + prefix + key + " must hold non-blank strings");
      }
      out.add(item.textValue().strip());
    }
    return out;
  }
}
