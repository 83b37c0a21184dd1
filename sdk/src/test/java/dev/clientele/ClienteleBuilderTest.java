package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.consent.ReachabilityPolicy;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.identity.IdentityRules;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClienteleBuilderTest {
  private final Clientele.Builder builder = Clientele.builder();

  @Test
  void storage_setTwice_refused() {
    builder.storage(new InMemoryStorage());

    assertThatIllegalStateException().isThrownBy(() -> builder.storage(new InMemoryStorage()))
        .withMessageContaining("storage was already set");
  }

  @Test
  void clock_setTwice_refused() {
    builder.clock(Clock.systemUTC());

    assertThatIllegalStateException().isThrownBy(() -> builder.clock(Clock.systemUTC()))
        .withMessageContaining("clock was already set");
  }

  @Test
  void activityRules_setTwice_refused() {
    builder.activityRules(ActivityRules.defaults());

    assertThatIllegalStateException().isThrownBy(() -> builder.activityRules(ActivityRules.defaults()))
        .withMessageContaining("already set");
  }

  @Test
  void identityRules_setTwice_refused() {
    builder.identityRules(IdentityRules.defaults());

    assertThatIllegalStateException().isThrownBy(() -> builder.identityRules(IdentityRules.defaults()))
        .withMessageContaining("already set");
  }

  @Test
  void profileIds_setTwice_refused() {
    builder.profileIds(Fixtures.sequentialIds());

    assertThatIllegalStateException().isThrownBy(() -> builder.profileIds(Fixtures.sequentialIds()))
        .withMessageContaining("already set");
  }

  @Test
  void reachabilityPolicy_setTwice_refused() {
    builder.reachabilityPolicy(ReachabilityPolicy.defaults());

    assertThatIllegalStateException().isThrownBy(() -> builder.reachabilityPolicy(ReachabilityPolicy.defaults()))
        .withMessageContaining("already set");
  }

  @Test
  void erasurePolicy_setTwice_refused() {
    builder.erasurePolicy(ErasurePolicy.defaults());

    assertThatIllegalStateException().isThrownBy(() -> builder.erasurePolicy(ErasurePolicy.defaults()))
        .withMessageContaining("already set");
  }

  @Test
  void setters_null_refusedNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> builder.storage(null)).withMessage("storage");
    assertThatNullPointerException().isThrownBy(() -> builder.clock(null)).withMessage("clock");
    assertThatNullPointerException().isThrownBy(() -> builder.activityRules(null)).withMessage("activityRules");
    assertThatNullPointerException().isThrownBy(() -> builder.identityRules(null)).withMessage("identityRules");
    assertThatNullPointerException().isThrownBy(() -> builder.profileIds(null)).withMessage("profileIds");
    assertThatNullPointerException().isThrownBy(() -> builder.reachabilityPolicy(null)).withMessage("reachabilityPolicy");
    assertThatNullPointerException().isThrownBy(() -> builder.erasurePolicy(null)).withMessage("erasurePolicy");
  }

  @Test
  void storage_refusedSecondValue_keepsTheFirst() {
    InMemoryStorage storage = new InMemoryStorage();
    builder.storage(storage);

    assertThatIllegalStateException().isThrownBy(() -> builder.storage(new InMemoryStorage()));
    assertThat(builder.build().storage()).isSameAs(storage);
  }

  @Test
  void build_givenSettings_areUsed() {
    InMemoryStorage storage = new InMemoryStorage();
    Clock clock = Clock.fixed(Instant.parse("2026-10-01T00:00:00Z"), ZoneOffset.UTC);
    ActivityRules rules = ActivityRules.defaults().withActive("campaign", "sent");

    try (Clientele c = builder.storage(storage).clock(clock).activityRules(rules)
        .profileIds(() -> ProfileId.of("fixed-1")).build()) {
      IngestResult r = c.ingest(Fixtures.event("e-1", "pageview", 0).identifier(Fixtures.anonymousId("a-1")).build());

      assertThat(c.storage()).isSameAs(storage);
      assertThat(c.clock()).isSameAs(clock);
      assertThat(c.activityRules()).isSameAs(rules);
      assertThat(r.profile()).contains(ProfileId.of("fixed-1"));
    }
  }

  @Test
  void inMemory_defaults_workEndToEnd() {
    try (Clientele c = Clientele.inMemory()) {
      IngestResult r = c.ingest(Fixtures.event("e-1", "pageview", 0).identifier(Fixtures.anonymousId("a-1")).build());

      assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
      assertThat(r.profile().orElseThrow().value()).matches("p-[0-9a-f]{16}");
      assertThat(c.activityRules()).isEqualTo(ActivityRules.defaults());
      assertThat(c.storage()).isInstanceOf(InMemoryStorage.class);
    }
  }

  @Test
  void build_hostStorageWithoutASalt_refusedBecauseTombstonesWouldNotSurviveARestart() {
    // Any backend other than the in-memory one counts as persistent.
    dev.clientele.core.spi.Storage host = new ForwardingStorage(new InMemoryStorage());

    assertThatIllegalStateException().isThrownBy(() -> Clientele.builder().storage(host).build())
        .withMessageContaining("erasure salt");
    Clientele ok = Clientele.builder().storage(host)
        .erasurePolicy(dev.clientele.consent.ErasurePolicy.builder().salt(new byte[16]).build()).build();
    ok.close();
  }
}
