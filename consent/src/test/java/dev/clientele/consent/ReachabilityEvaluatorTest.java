package dev.clientele.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReachabilityEvaluatorTest {
  static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  static final ReachabilityEvaluator DEFAULTS = new ReachabilityEvaluator(ReachabilityPolicy.defaults());

  static IdentifierState state(IdentifierType type, String value, Instant lastSeen) {
    return IdentifierState.firstSeen(Identifier.of(type, value), lastSeen, true, "test");
  }

  static Profile profile(IdentifierState... states) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-1"), T0);
    for (IdentifierState s : states) {
      b.putIdentifier(s);
    }
    return b.build();
  }

  @Test
  void evaluate_noIdentifierOfChannel_unreachableWithReason() {
    ChannelReachability r = DEFAULTS.evaluate(profile(state(IdentifierType.CUSTOMER_ID, "c-1", T0)), Channel.EMAIL);
    assertThat(r.reachable()).isFalse();
    assertThat(r.reasons()).containsExactly("email: no email address on the profile");
  }

  @Test
  void evaluate_unknownConsentDefaults_emailAndPushReachableSmsNot() {
    Profile p = profile(
        state(IdentifierType.EMAIL, "ann@example.com", T0),
        state(IdentifierType.PHONE, "+12015550123", T0),
        state(IdentifierType.PUSH_TOKEN, "tok-1", T0));
    Reachability r = DEFAULTS.evaluate(p);
    assertThat(r.on(Channel.EMAIL).reachable()).isTrue();
    assertThat(r.on(Channel.PUSH).reachable()).isTrue();
    assertThat(r.on(Channel.SMS).reachable()).isFalse();
    assertThat(r.on(Channel.SMS).reasons()).containsExactly(
        "sms: last-seen phone number has unknown consent and sms needs express consent");
    assertThat(r.reachableOnAny()).isTrue();
  }

  @Test
  void evaluate_unknownConsentPolicyOff_emailUnreachable_policyOn_smsReachable() {
    Profile p = profile(state(IdentifierType.EMAIL, "ann@example.com", T0), state(IdentifierType.PHONE, "+12015550123", T0));
    ReachabilityPolicy flipped = ReachabilityPolicy.builder()
        .unknownConsentReachable(Channel.EMAIL, false)
        .unknownConsentReachable(Channel.SMS, true)
        .build();
    ReachabilityEvaluator e = new ReachabilityEvaluator(flipped);
    assertThat(e.isReachable(p, Channel.EMAIL)).isFalse();
    assertThat(e.isReachable(p, Channel.SMS)).isTrue();
  }

  @Test
  void evaluate_optedIn_reachableWhateverThePolicy() {
    Profile p = profile(state(IdentifierType.PHONE, "+12015550123", T0).withConsent(Consent.OPT_IN, T0));
    ChannelReachability r = DEFAULTS.evaluate(p, Channel.SMS);
    assertThat(r.reachable()).isTrue();
    assertThat(r.via()).containsExactly(Identifier.of(IdentifierType.PHONE, "+12015550123"));
    assertThat(r.reasons()).containsExactly("sms: last-seen phone number is deliverable and opted in");
  }

  @Test
  void evaluate_lastSeenHardBounced_unreachableNamingTheDate_evenIfAnOlderEmailIsFine() {
    IdentifierState old = state(IdentifierType.EMAIL, "old@example.com", T0);
    IdentifierState bounced = state(IdentifierType.EMAIL, "new@example.com", T0.plusSeconds(86_400))
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, Instant.parse("2026-10-03T08:00:00Z")));
    ChannelReachability r = DEFAULTS.evaluate(profile(old, bounced), Channel.EMAIL);
    assertThat(r.reachable()).isFalse();
    assertThat(r.reasons()).containsExactly("email: last-seen email address hard-bounced on 2026-10-03");
  }

  @Test
  void evaluate_optedOut_unreachable() {
    Profile p = profile(state(IdentifierType.EMAIL, "ann@example.com", T0).withConsent(Consent.OPT_OUT, T0));
    assertThat(DEFAULTS.evaluate(p, Channel.EMAIL).reasons()).containsExactly(
        "email: last-seen email address opted out on 2026-10-01");
  }

  @Test
  void evaluate_malformedAndComplaint_unreachableWithTheirWords() {
    Profile malformed = profile(state(IdentifierType.EMAIL, "ann@", T0)
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.MALFORMED, T0)));
    Profile complained = profile(state(IdentifierType.EMAIL, "ann@example.com", T0)
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.COMPLAINT, T0)));
    assertThat(DEFAULTS.evaluate(malformed, Channel.EMAIL).reasons().get(0)).contains("is malformed");
    assertThat(DEFAULTS.evaluate(complained, Channel.EMAIL).reasons().get(0)).contains("complained");
  }

  @Test
  void evaluate_pushEveryDeliverableTokenEligible_notOnlyLastSeen() {
    IdentifierState a = state(IdentifierType.PUSH_TOKEN, "tok-a", T0);
    IdentifierState b = state(IdentifierType.PUSH_TOKEN, "tok-b", T0.plusSeconds(60))
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.INVALID, T0.plusSeconds(60)));
    IdentifierState c = state(IdentifierType.PUSH_TOKEN, "tok-c", T0.plusSeconds(120)).withConsent(Consent.OPT_IN, T0);
    ChannelReachability r = DEFAULTS.evaluate(profile(a, b, c), Channel.PUSH);
    assertThat(r.reachable()).isTrue();
    assertThat(r.via()).extracting(Identifier::value).containsExactly("tok-a", "tok-c");
  }

  @Test
  void evaluate_ccpaOptOut_blocksEveryChannelByDefault_butNotWhenPolicyAllows() {
    Profile p = profile(state(IdentifierType.EMAIL, "ann@example.com", T0).withConsent(Consent.OPT_IN, T0))
        .toBuilder().ccpa(Optional.of(T0), Optional.empty()).build();
    ChannelReachability blocked = DEFAULTS.evaluate(p, Channel.EMAIL);
    assertThat(blocked.reachable()).isFalse();
    assertThat(blocked.reasons()).containsExactly("email: CCPA opt-out since 2026-10-01 blocks marketing");
    ReachabilityPolicy lenient = ReachabilityPolicy.builder().ccpaBlocks(Channel.EMAIL, false).build();
    assertThat(new ReachabilityEvaluator(lenient).isReachable(p, Channel.EMAIL)).isTrue();
  }

  @Test
  void evaluate_ccpaOptedBackIn_reachableAgain() {
    Profile p = profile(state(IdentifierType.EMAIL, "ann@example.com", T0))
        .toBuilder().ccpa(Optional.of(T0), Optional.of(T0.plusSeconds(3600))).build();
    assertThat(DEFAULTS.isReachable(p, Channel.EMAIL)).isTrue();
  }

  @Test
  void evaluate_reasonsNeverContainIdentifierValues() {
    Profile p = profile(state(IdentifierType.EMAIL, "secret.person@example.com", T0).withConsent(Consent.OPT_OUT, T0),
        state(IdentifierType.PUSH_TOKEN, "tok-secret", T0));
    for (ChannelReachability r : DEFAULTS.evaluate(p).channels().values()) {
      assertThat(String.join(" ", r.reasons())).doesNotContain("secret");
    }
  }

  @Test
  void builder_settingTwice_throws() {
    assertThatIllegalStateException()
        .isThrownBy(() -> ReachabilityPolicy.builder().ccpaBlocks(Channel.SMS, true).ccpaBlocks(Channel.SMS, false))
        .withMessage("ccpa setting for sms was already set to true");
    assertThatIllegalStateException().isThrownBy(() -> ReachabilityPolicy.builder()
        .unknownConsentReachable(Channel.SMS, true).unknownConsentReachable(Channel.SMS, true));
  }

  @Test
  void defaults_matchTheDesign() {
    ReachabilityPolicy d = ReachabilityPolicy.defaults();
    assertThat(d.unknownConsentReachable(Channel.EMAIL)).isTrue();
    assertThat(d.unknownConsentReachable(Channel.PUSH)).isTrue();
    assertThat(d.unknownConsentReachable(Channel.SMS)).isFalse();
    for (Channel c : Channel.values()) {
      assertThat(d.ccpaBlocks(c)).isTrue();
    }
  }
}
