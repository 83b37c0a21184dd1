package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.analytics.EngagementThresholds;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.RevenueRules;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Bug hunt: the CLI's JSON config ({@code ConfigReader}) against the builders it stands for. Every
 * documented key must give the same setting as the builder call it names, and a value the library
 * refuses must fail naming the full key.
 */
class ConfigParityHuntTest {
  private static ConfigReader.Config parse(String json) throws CliException {
    try {
      return ConfigReader.parse(Json.MAPPER.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** A status/engagement section: random thresholds, written as JSON and built with the records. */
  record Thresholds(int veryActiveDays, int veryActiveLogins, int activeDays, int activeLogins, int sleeperMonths,
      int window, int highRecency, int highActive, int mediumRecency, int mediumActive) {}

  @Provide
  Arbitrary<Thresholds> thresholds() {
    Arbitrary<Integer> small = Arbitraries.integers().between(1, 40);
    return Combinators.combine(
        Combinators.combine(small, small, small, small, Arbitraries.integers().between(1, 24)).as(List::of),
        Combinators.combine(Arbitraries.integers().between(1, 366), Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(1, 366), Arbitraries.integers().between(0, 60),
            Arbitraries.integers().between(1, 366)).as(List::of))
        .as((a, b) -> new Thresholds(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4), b.get(0), b.get(1), b.get(2),
            b.get(3), b.get(4)));
  }

  /**
   * {@code status} and {@code engagement} give exactly the records' values when the library accepts
   * them, and an error naming the section when it does not; never another setting.
   */
  @Property(tries = 200)
  void statusAndEngagement_matchTheRecords(@ForAll("thresholds") Thresholds t) {
    String json = "{\"status\":{\"loginType\":\"signin\",\"veryActiveDays\":" + t.veryActiveDays() + ",\"veryActiveLogins\":"
        + t.veryActiveLogins() + ",\"activeDays\":" + t.activeDays() + ",\"activeLogins\":" + t.activeLogins()
        + ",\"sleeperMonths\":" + t.sleeperMonths() + "},\"engagement\":{\"windowDays\":" + t.window()
        + ",\"highRecencyDays\":" + t.highRecency() + ",\"highActiveDays\":" + t.highActive() + ",\"mediumRecencyDays\":"
        + t.mediumRecency() + ",\"mediumActiveDays\":" + t.mediumActive() + "}}";
    Object status;
    Object engagement;
    try {
      status = new ActivityThresholds("signin", t.veryActiveDays(), t.veryActiveLogins(), t.activeDays(), t.activeLogins(),
          t.sleeperMonths());
    } catch (IllegalArgumentException e) {
      status = e;
    }
    try {
      engagement = new EngagementThresholds(t.window(), t.highRecency(), t.highActive(), t.mediumRecency(), t.mediumActive());
    } catch (IllegalArgumentException e) {
      engagement = e;
    }
    Throwable thrown = catchThrowable(() -> parse(json));
    if (status instanceof IllegalArgumentException) {
      assertThat(thrown).as(json).isInstanceOf(CliException.class).hasMessageStartingWith("config key status: ");
    } else if (engagement instanceof IllegalArgumentException) {
      assertThat(thrown).as(json).isInstanceOf(CliException.class).hasMessageStartingWith("config key engagement: ");
    } else {
      assertThat(thrown).as(json).isNull();
      ConfigReader.Config c = parseUnchecked(json);
      assertThat(c.activityThresholds()).isEqualTo(status);
      assertThat(c.engagementThresholds()).isEqualTo(engagement);
    }
  }

  private static ConfigReader.Config parseUnchecked(String json) {
    try {
      return parse(json);
    } catch (CliException e) {
      throw new AssertionError(e);
    }
  }

  /** Every identity key against the builder call it documents. */
  @Example
  void identity_matchesTheBuilder() throws Exception {
    ConfigReader.Config c = parse("{\"identity\":{\"defaultRegion\":\"gb\",\"clearDefaultBlockedValues\":true,"
        + "\"blockedValues\":[\" NoReply@Example.com \"],\"blockedPatterns\":[\".*@mailinator\\\\.com\"],"
        + "\"policies\":{\"email\":{\"priority\":81,\"limit\":3,\"links\":false},"
        + "\"anonymous_id\":{\"priority\":11,\"limit\":4,\"windowDays\":2},\"loyalty_card\":{\"priority\":90,\"unique\":true}},"
        + "\"maxIdentifiersPerProfile\":40,\"maxMergesPerProfile\":0,\"survivor\":\"most_events\","
        + "\"defaultAttributeMerge\":\"first_non_empty\",\"attributeMerge\":{\"loyalty_points\":\"sum\",\"interests\":\"union\"}}}");
    IdentityRules b = IdentityRules.builder().defaultRegion("GB").clearBlockedValues().blockValue("noreply@example.com")
        .blockPattern(".*@mailinator\\.com")
        .policy(IdentifierType.EMAIL, IdentifierPolicy.attachOnly(81).withLimit(3))
        .policy(IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(11).withLimit(4, Duration.ofDays(2)))
        .policy(IdentifierType.of("loyalty_card"), IdentifierPolicy.unique(90))
        .maxIdentifiersPerProfile(40).maxMergesPerProfile(0)
        .survivorship(SurvivorshipRules.builder().survivor(SurvivorshipRules.Survivor.MOST_EVENTS)
            .defaultAttributeMerge(SurvivorshipRules.AttributeMerge.FIRST_NON_EMPTY)
            .attribute("loyalty_points", SurvivorshipRules.AttributeMerge.SUM)
            .attribute("interests", SurvivorshipRules.AttributeMerge.UNION).build())
        .build();
    IdentityRules j = c.identity();
    assertThat(j.defaultRegion()).isEqualTo(b.defaultRegion());
    assertThat(j.blockedValues()).isEqualTo(b.blockedValues()).containsExactly("noreply@example.com");
    assertThat(j.blockedPatterns()).extracting(p -> p.pattern() + "/" + p.flags())
        .isEqualTo(b.blockedPatterns().stream().map(p -> p.pattern() + "/" + p.flags()).toList());
    assertThat(j.policies()).isEqualTo(b.policies());
    assertThat(j.maxIdentifiersPerProfile()).isEqualTo(40);
    assertThat(j.maxMergesPerProfile()).isZero();
    assertThat(j.survivorship().toString()).isEqualTo(b.survivorship().toString());
    assertThat(j.cacheSize()).isEqualTo(IdentityRules.DEFAULT_CACHE_SIZE);
  }

  /** consent, activity and revenue keys against the builder calls they document. */
  @Example
  void consentActivityRevenue_matchTheBuilders() throws Exception {
    ConfigReader.Config c = parse("{\"consent\":{\"unknownConsentReachable\":{\"email\":false,\"sms\":true},"
        + "\"ccpaBlocks\":{\"push\":false}},\"activity\":{\"activeTypes\":[\"list\"],\"inactiveTypes\":[\"heartbeat\"],"
        + "\"inactiveActions\":[\"campaign/delivered\"],\"activeActions\":[\"campaign/sent\"]},"
        + "\"revenue\":{\"currency\":\" usd \",\"rates\":{\"gbp\":1.25}}}");
    assertThat(c.reachability()).isEqualTo(ReachabilityPolicy.builder().unknownConsentReachable(Channel.EMAIL, false)
        .unknownConsentReachable(Channel.SMS, true).ccpaBlocks(Channel.PUSH, false).build());
    assertThat(c.activity()).isEqualTo(ActivityRules.defaults().withActiveType("list").withInactiveType("heartbeat")
        .withInactive("campaign", "delivered").withActive("campaign", "sent"));
    RevenueRules r = c.revenue();
    assertThat(r.currency()).contains("USD");
    Event gbp = Event.builder("o", "order", Instant.parse("2026-01-01T00:00:00Z")).identifier(IdentifierType.EMAIL, "a@b.co")
        .data("total", new BigDecimal("10")).data("currency", "GBP").build();
    assertThat(r.revenueOf(gbp, new ArrayList<>())).contains(new BigDecimal("12.50"));
  }

  /**
   * Values the library refuses, inside a list or a map, must name the full key (the hunt for
   * "config key identity: …" left these: a bad blocked pattern, a bad attribute name) and an
   * activity type no event can carry must be refused rather than silently never match.
   */
  @Example
  void libraryRefusals_inListsAndMaps_nameTheKey() {
    String[][] cases = {
      {"{\"identity\":{\"blockedPatterns\":[\"(unclosed\"]}}", "config key identity.blockedPatterns[0]: "},
      {"{\"identity\":{\"attributeMerge\":{\"Loyalty Points\":\"sum\"}}}", "config key identity.attributeMerge.Loyalty Points: "},
      {"{\"activity\":{\"inactiveTypes\":[\"heart beat\"]}}", "config key activity.inactiveTypes: "},
      {"{\"activity\":{\"activeTypes\":[\"a/b\"]}}", "config key activity.activeTypes: "},
      {"{\"activity\":{\"inactiveActions\":[\"campaign/de livered\"]}}", "config key activity.inactiveActions: "},
      {"{\"activity\":{\"activeActions\":[\"campaign/sent/x\"]}}", "config key activity.activeActions: "},
      {"{\"status\":{\"loginType\":\"log in\"}}", "config key status: "},
      {"{\"identity\":{\"maxMergesPerProfile\":3000000000}}", "config key identity.maxMergesPerProfile is out of range: 3000000000"},
      {"{\"status\":{\"activeDays\":-3000000000}}", "config key status.activeDays is out of range: -3000000000"},
      {"{\"engagement\":{\"windowDays\":30.0}}", "config key engagement.windowDays must be a whole number"},
      {"{\"revenue\":{\"currency\":\"USD\",\"rates\":{\"usd\":2}}}", "config key revenue.rates.usd is the reporting currency"},
    };
    for (String[] c : cases) {
      assertThat(catchThrowable(() -> parse(c[0]))).as(c[0]).isInstanceOf(CliException.class).hasMessageStartingWith(c[1]);
    }
  }

  /**
   * The config example in ConfigReader's class Javadoc (the documented format, see the package
   * docs), taken from the source as written, without its {@code //} comments: it parses, and each
   * setting is what its comment says.
   */
  @Example
  void theDocumentedExample_parsesAndDoesWhatItsCommentsSay() throws Exception {
    String source = java.nio.file.Files.readString(
        java.nio.file.Path.of("src/main/java/dev/clientele/examples/ConfigReader.java"));
    int from = source.indexOf("<pre>{@code");
    int to = source.indexOf("}</pre>", from);
    StringBuilder json = new StringBuilder();
    for (String line : source.substring(from, to).split("\n")) {
      if (line.contains("<pre>")) {
        continue;
      }
      String text = line.replaceFirst("^\\s*\\* ?", "");
      int comment = text.indexOf("//");
      json.append(comment >= 0 ? text.substring(0, comment) : text).append('\n');
    }
    ConfigReader.Config c = parse(json.toString());
    IdentityRules id = c.identity();
    assertThat(id.defaultRegion()).isEqualTo("GB");
    assertThat(id.blockedValues()).contains("noreply@example.com").containsAll(IdentityRules.DEFAULT_BLOCKED_VALUES);
    assertThat(id.blockedPatterns()).singleElement().satisfies(p -> assertThat(p.matcher("x@MAILINATOR.com").matches()).isTrue());
    assertThat(id.policy(IdentifierType.EMAIL)).isEqualTo(IdentifierPolicy.linking(80).withLimit(3));
    assertThat(id.policy(IdentifierType.ANONYMOUS_ID)).isEqualTo(IdentifierPolicy.linking(10).withLimit(5, Duration.ofDays(7)));
    assertThat(id.policy(IdentifierType.of("loyalty_card"))).isEqualTo(IdentifierPolicy.unique(90));
    assertThat(id.survivorship().attributeMerge("loyalty_points")).isEqualTo(SurvivorshipRules.AttributeMerge.SUM);
    assertThat(id.survivorship().attributeMerge("interests")).isEqualTo(SurvivorshipRules.AttributeMerge.UNION);
    ActivityRules a = c.activity();
    assertThat(a.isActive("list", "subscribe")).as("activeTypes: list active again").isTrue();
    assertThat(a.isActive("heartbeat", "")).isFalse();
    assertThat(a.isActive("campaign", "delivered")).isFalse();
    assertThat(a.isActive("campaign", "open")).isTrue();
    // "defaults shown": the consent, status and engagement sections are the library defaults
    assertThat(c.reachability()).isEqualTo(ReachabilityPolicy.defaults());
    assertThat(c.activityThresholds()).isEqualTo(ActivityThresholds.defaults());
    assertThat(c.engagementThresholds()).isEqualTo(EngagementThresholds.defaults());
    assertThat(c.revenue().currency()).contains("USD");
    Event eur = Event.builder("o", "order", Instant.parse("2026-01-01T00:00:00Z")).identifier(IdentifierType.EMAIL, "a@b.co")
        .data("total", new BigDecimal("10")).data("currency", "EUR").build();
    assertThat(c.revenue().revenueOf(eur, new ArrayList<>())).contains(new BigDecimal("10.80"));
    assertThat(c.segments()).singleElement().satisfies(s -> assertThat(s.name()).isEqualTo("reachable-by-email"));
  }

  /** A key given twice in one object is an error (not "the last one wins"), naming the key. */
  @Example
  void duplicateKeys_areRefused() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cfg");
    java.nio.file.Path f = dir.resolve("c.json");
    try {
      java.nio.file.Files.writeString(f, "{\"status\":{\"activeDays\":30,\"activeDays\":10}}");
      Throwable t = catchThrowable(() -> ConfigReader.read(f));
      assertThat(t).isInstanceOf(CliException.class).hasMessageContaining("not valid JSON");
      assertThat(t.getCause()).hasMessageContaining("activeDays");
    } finally { // jqwik runs no JUnit @TempDir: the file and directory are removed here
      java.nio.file.Files.deleteIfExists(f);
      java.nio.file.Files.deleteIfExists(dir);
    }
  }
}
