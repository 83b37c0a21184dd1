package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
  private static ConfigReader.Config parse(String json) throws Exception {
    JsonNode node = Json.MAPPER.readTree(json);
    return ConfigReader.parse(node);
  }

  @Test
  void parse_empty_libraryDefaults() throws Exception {
    ConfigReader.Config c = parse("{}");

    assertThat(c.identity().defaultRegion()).isEqualTo(IdentityRules.defaults().defaultRegion());
    assertThat(c.identity().blockedValues()).isEqualTo(IdentityRules.DEFAULT_BLOCKED_VALUES);
    assertThat(c.activity()).isEqualTo(ActivityRules.defaults());
  }

  @Test
  void parse_everyKey_buildsRules() throws Exception {
    ConfigReader.Config c = parse(
        "{\"identity\":{\"defaultRegion\":\"gb\",\"blockedValues\":[\" NoReply@Example.com \"],\"clearDefaultBlockedValues\":true},"
            + "\"activity\":{\"inactiveTypes\":[\"heartbeat\"],\"activeTypes\":[\"list\"],\"inactiveActions\":[\"campaign/delivered\"]}}");

    assertThat(c.identity().defaultRegion()).isEqualTo("GB");
    assertThat(c.identity().blockedValues()).containsExactly("noreply@example.com");
    assertThat(c.activity().isActive("heartbeat", "")).isFalse();
    assertThat(c.activity().isActive("list", "subscribe")).isTrue();
    assertThat(c.activity().isActive("campaign", "delivered")).isFalse();
    assertThat(c.activity().isActive("campaign", "sent")).as("defaults stay").isFalse();
    assertThat(c.activity().isActive("consent", "opt_in")).as("defaults stay").isFalse();
  }

  @Test
  void parse_identityPoliciesCapsPatternsAndSurvivorship() throws Exception {
    ConfigReader.Config c = parse("{\"identity\":{"
        + "\"policies\":{\"email\":{\"priority\":85,\"limit\":2},\"anonymous_id\":{\"priority\":5,\"limit\":3,\"windowDays\":2},"
        + "\"loyalty_card\":{\"priority\":90,\"unique\":true},\"push_token\":{\"priority\":60,\"links\":false}},"
        + "\"blockedPatterns\":[\".*@mailinator\\\\.com\"],\"maxIdentifiersPerProfile\":50,\"maxMergesPerProfile\":7,"
        + "\"survivor\":\"oldest\",\"defaultAttributeMerge\":\"first_non_empty\",\"attributeMerge\":{\"points\":\"sum\"}}}");

    IdentityRules r = c.identity();
    assertThat(r.policy(IdentifierType.EMAIL)).isEqualTo(IdentifierPolicy.linking(85).withLimit(2));
    assertThat(r.policy(IdentifierType.ANONYMOUS_ID)).isEqualTo(IdentifierPolicy.linking(5).withLimit(3, Duration.ofDays(2)));
    assertThat(r.policy(IdentifierType.of("loyalty_card"))).isEqualTo(IdentifierPolicy.unique(90));
    assertThat(r.policy(IdentifierType.PUSH_TOKEN).links()).isFalse();
    assertThat(r.maxIdentifiersPerProfile()).isEqualTo(50);
    assertThat(r.maxMergesPerProfile()).isEqualTo(7);
    assertThat(r.blockedPatterns()).singleElement().satisfies(p -> assertThat(p.matcher("X@Mailinator.com").matches()).isTrue());
    assertThat(r.survivorship().survivor()).isEqualTo(SurvivorshipRules.Survivor.OLDEST);
    assertThat(r.survivorship().attributeMerge("points")).isEqualTo(SurvivorshipRules.AttributeMerge.SUM);
    assertThat(r.survivorship().attributeMerge("city")).isEqualTo(SurvivorshipRules.AttributeMerge.FIRST_NON_EMPTY);
  }

  @Test
  void parse_segments_definesThemInOrder() throws Exception {
    ConfigReader.Config c = parse("{\"segments\":[{\"name\":\"a\",\"condition\":{\"reachable\":\"email\"}},"
        + "{\"name\":\"b\",\"condition\":{\"reachable\":\"sms\"}}]}");

    assertThat(c.segments()).extracting(dev.clientele.segments.Segment::name).containsExactly("a", "b");
    assertThat(parse("{}").segments()).isEmpty();
  }

  @Test
  void parse_badConfigs_namedErrors() {
    String[][] cases = {
      {"[]", "config must be a JSON object"},
      {"{\"activity\":{\"inactive\":[]}}", "unknown config key: activity.inactive"},
      {"{\"identity\":[]}", "config key identity must be an object"},
      {"{\"identity\":{\"defaultRegion\":44}}", "identity.defaultRegion must be a string"},
      {"{\"identity\":{\"clearDefaultBlockedValues\":\"yes\"}}", "identity.clearDefaultBlockedValues must be true or false"},
      {"{\"identity\":{\"blockedValues\":\"x\"}}", "identity.blockedValues must be an array of strings"},
      {"{\"identity\":{\"blockedValues\":[\" \"]}}", "identity.blockedValues must hold non-blank strings"},
      {"{\"activity\":{\"inactiveActions\":[\"campaign\"]}}", "activity.inactiveActions holds type/action pairs"},
      {"{\"identity\":{\"policies\":{\"email\":{\"limit\":3}}}}", "identity.policies.email.priority is required"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":1,\"windowDays\":3}}}}", "identity.policies.email.windowDays needs a limit"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":1,\"often\":3}}}}", "unknown config key: identity.policies.email.often"},
      {"{\"identity\":{\"policies\":{\"email\":{\"priority\":\"high\"}}}}", "identity.policies.email.priority must be a whole number"},
      {"{\"identity\":{\"survivor\":\"newest\"}}", "identity.survivor must be one of [most_recently_updated, oldest, most_events]"},
      {"{\"identity\":{\"attributeMerge\":{\"points\":\"max\"}}}", "identity.attributeMerge.points must be one of"},
      {"{\"identity\":{\"blockedPatterns\":[\"(\"]}}", "not a valid regular expression"},
      {"{\"identity\":{\"maxMergesPerProfile\":-1}}", "max merges per profile must be >= 0"},
      {"{\"segments\":{}}", "config key segments must be an array"},
      {"{\"segments\":[{\"name\":\"a\"}]}", "segments[0]"},
      {"{\"activity\":{\"activeTypes\":[\"x\"],\"inactiveTypes\":[\"x\"]}}", "in both activity.activeTypes and activity.inactiveTypes"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(CliException.class).hasMessageContaining(c[1]);
    }
  }

  @Test
  void parse_revenue_reportingCurrencyAndFixedRates() throws Exception {
    ConfigReader.Config c = parse("{\"revenue\":{\"currency\":\"usd\",\"rates\":{\"GBP\":1.27,\"eur\":1.08}}}");

    assertThat(c.revenue().currency()).contains("USD");
    assertThat(c.revenue().rates().rate("GBP", "USD", java.time.Instant.EPOCH)).contains(new java.math.BigDecimal("1.27"));
    assertThat(c.revenue().rates().rate("EUR", "USD", java.time.Instant.EPOCH)).contains(new java.math.BigDecimal("1.08"));
    assertThat(parse("{}").revenue()).isSameAs(dev.clientele.core.RevenueRules.anyCurrency());
    assertThat(parse("{\"revenue\":{\"currency\":null}}").revenue().currency()).isEmpty();
  }

  @Test
  void parse_revenue_badValues_nameTheKey() {
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"dollar\"}}"))
        .isInstanceOf(CliException.class).hasMessage("config key revenue.currency must be a three-letter currency code such as USD");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":840}}"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("config key revenue.currency must be");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"rates\":{\"GBP\":1.27}}}"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("config key revenue.rates needs revenue.currency");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"USD\",\"rates\":{\"GBP\":0}}}"))
        .isInstanceOf(CliException.class).hasMessage("config key revenue.rates.GBP must be a number > 0 (one GBP in USD)");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"USD\",\"rates\":{\"GBP\":\"1.2\"}}}"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("config key revenue.rates.GBP must be a number");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"USD\",\"rates\":{\"pound\":1.2}}}"))
        .isInstanceOf(CliException.class).hasMessage("config key revenue.rates.pound must be a three-letter currency code such as GBP");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"USD\",\"rates\":{\"GBP\":1.2,\"gbp\":1.3}}}"))
        .isInstanceOf(CliException.class).hasMessage("config key revenue.rates.gbp names a currency already given");
    assertThatThrownBy(() -> parse("{\"revenue\":{\"currency\":\"USD\",\"rate\":{}}}"))
        .isInstanceOf(CliException.class).hasMessageStartingWith("unknown config key: revenue.rate");
  }
}
