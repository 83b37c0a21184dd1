package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.core.ActivityRules;
import dev.clientele.identity.IdentityRules;
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
      {"{\"activity\":{\"activeTypes\":[\"x\"],\"inactiveTypes\":[\"x\"]}}", "in both activity.activeTypes and activity.inactiveTypes"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(CliException.class).hasMessageContaining(c[1]);
    }
  }
}
