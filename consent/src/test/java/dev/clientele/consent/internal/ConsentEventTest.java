package dev.clientele.consent.internal;

import static dev.clientele.consent.internal.Fixtures.ANON;
import static dev.clientele.consent.internal.Fixtures.CUSTOMER;
import static dev.clientele.consent.internal.Fixtures.EMAIL;
import static dev.clientele.consent.internal.Fixtures.PHONE;
import static dev.clientele.consent.internal.Fixtures.PUSH;
import static dev.clientele.consent.internal.Fixtures.apply;
import static dev.clientele.consent.internal.Fixtures.event;
import static dev.clientele.consent.internal.Fixtures.holding;
import static dev.clientele.consent.internal.Fixtures.state;
import static dev.clientele.consent.internal.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code consent} events: {@code opt_in}, {@code opt_out}, {@code reset}, with and without {@code data.channel}. */
class ConsentEventTest {

  @ParameterizedTest
  @CsvSource({"opt_in, OPT_IN", "opt_out, OPT_OUT", "reset, UNKNOWN"})
  void apply_noChannel_everyMessagingIdentifierOfTheEventChanges(String action, Consent expected) {
    Profile.Builder p = holding(EMAIL, PHONE, PUSH, CUSTOMER, ANON);
    if (expected == Consent.UNKNOWN) {
      apply(p, event("e-0", "consent", "opt_in", 1, EMAIL, PHONE, PUSH).build());
    }

    List<String> problems = apply(p, event("e-1", "consent", action, 5, EMAIL, PHONE, PUSH, CUSTOMER, ANON).build());

    assertThat(problems).isEmpty();
    for (var id : List.of(EMAIL, PHONE, PUSH)) {
      assertThat(state(p, id).consent()).as("%s", id.type()).isEqualTo(expected);
      assertThat(state(p, id).consentAt()).as("%s", id.type()).contains(t(5));
    }
    assertThat(state(p, CUSTOMER).consentAt()).as("non-messaging identifiers are left alone").isEmpty();
    assertThat(state(p, ANON).consentAt()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"email, email", "sms, phone", "push, push_token", "SMS, phone"})
  void apply_withChannel_onlyThatChannelsIdentifierTypeChanges(String channel, String changedType) {
    Profile.Builder p = holding(EMAIL, PHONE, PUSH);

    List<String> problems = apply(p, event("e-1", "consent", "opt_out", 5, EMAIL, PHONE, PUSH).data("channel", channel).build());

    assertThat(problems).isEmpty();
    for (var id : List.of(EMAIL, PHONE, PUSH)) {
      IdentifierState s = state(p, id);
      if (id.type().name().equals(changedType)) {
        assertThat(s.consent()).as("%s", id.type()).isEqualTo(Consent.OPT_OUT);
        assertThat(s.consentAt()).contains(t(5));
      } else {
        assertThat(s.consent()).as("%s", id.type()).isEqualTo(Consent.UNKNOWN);
        assertThat(s.consentAt()).as("%s", id.type()).isEmpty();
      }
    }
  }

  @Test
  void apply_resetWithChannel_onlyThatChannelBackToUnknown() {
    Profile.Builder p = holding(EMAIL, PHONE);
    apply(p, event("e-1", "consent", "opt_in", 1, EMAIL, PHONE).build());

    List<String> problems = apply(p, event("e-2", "consent", "reset", 2, EMAIL, PHONE).data("channel", "sms").build());

    assertThat(problems).isEmpty();
    assertThat(state(p, PHONE).consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(state(p, PHONE).consentAt()).contains(t(2));
    assertThat(state(p, EMAIL).consent()).isEqualTo(Consent.OPT_IN);
    assertThat(state(p, EMAIL).consentAt()).contains(t(1));
  }

  @Test
  void apply_channelWithoutItsIdentifierInTheEvent_problemAndNothingChanged() {
    Profile.Builder p = holding(EMAIL, PHONE);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "consent", "opt_in", 5, EMAIL).data("channel", "sms").build());

    assertThat(problems).containsExactly("consent event e-1 names no messaging identifier for sms");
    assertThat(p.build()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fax", "e-mail", " "})
  void apply_unknownChannel_problemAndNothingChanged(String channel) {
    Profile.Builder p = holding(EMAIL, PHONE, PUSH);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "consent", "opt_out", 5, EMAIL, PHONE, PUSH).data("channel", channel).build());

    assertThat(problems).containsExactly("event e-1 names an unknown channel (expected email, sms or push)");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_channelNotAString_problemAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "consent", "opt_out", 5, EMAIL).data("channel", 1).build());

    assertThat(problems).singleElement().asString().contains("unknown channel");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_unknownAction_problemNamingItAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "consent", "maybe", 5, EMAIL).build());

    assertThat(problems).containsExactly("unknown consent action in event e-1: maybe");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_noMessagingIdentifier_problem() {
    Profile.Builder p = holding(CUSTOMER, ANON);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "consent", "opt_in", 5, CUSTOMER, ANON).build());

    assertThat(problems).containsExactly("consent event e-1 names no messaging identifier");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_problems_carryNoPersonalData() {
    Profile.Builder p = holding(EMAIL, CUSTOMER);
    List<String> problems = new ArrayList<>();
    problems.addAll(apply(p, event("e-1", "consent", "maybe", 5, EMAIL).build()));
    problems.addAll(apply(p, event("e-2", "consent", "opt_in", 5, CUSTOMER).build()));
    problems.addAll(apply(p, event("e-3", "consent", "opt_in", 5, EMAIL).data("channel", "pigeon").build()));

    assertThat(problems).hasSize(3).allSatisfy(line -> assertThat(line).doesNotContain("ann@").doesNotContain("example.com").doesNotContain("c-77"));
  }

  @Test
  void apply_olderChangeArrivingLater_ignored() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "consent", "opt_in", 9, EMAIL).build());

    List<String> problems = apply(p, event("e-1", "consent", "opt_out", 3, EMAIL).build());

    assertThat(problems).as("an out-of-date change is not a problem").isEmpty();
    assertThat(state(p, EMAIL).consent()).isEqualTo(Consent.OPT_IN);
    assertThat(state(p, EMAIL).consentAt()).contains(t(9));
  }

  @Test
  void apply_equalTimes_moreRestrictiveWinsInEitherOrder() {
    Event in = event("e-1", "consent", "opt_in", 4, EMAIL).build();
    Event out = event("e-2", "consent", "opt_out", 4, EMAIL).build();
    Event reset = event("e-3", "consent", "reset", 4, EMAIL).build();

    Profile.Builder a = holding(EMAIL);
    apply(a, in);
    apply(a, out);
    Profile.Builder b = holding(EMAIL);
    apply(b, out);
    apply(b, in);
    Profile.Builder c = holding(EMAIL);
    apply(c, in);
    apply(c, reset);

    assertThat(state(a, EMAIL).consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(state(b, EMAIL)).isEqualTo(state(a, EMAIL));
    assertThat(state(c, EMAIL).consent()).as("unknown is more restrictive than opt-in").isEqualTo(Consent.UNKNOWN);
  }

  @Test
  void apply_laterOptInAfterOptOut_optedInAgain() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "consent", "opt_out", 1, EMAIL).build());

    apply(p, event("e-2", "consent", "opt_in", 2, EMAIL).build());

    assertThat(state(p, EMAIL).consent()).isEqualTo(Consent.OPT_IN);
    assertThat(state(p, EMAIL).consentAt()).contains(t(2));
  }

  @Test
  void apply_onlyTheIdentifiersPassed_change() {
    Profile.Builder p = holding(EMAIL, PHONE);
    Event e = event("e-1", "consent", "opt_out", 5, EMAIL, PHONE).build();
    List<String> problems = new ArrayList<>();

    ConsentChanges.apply(p, e, List.of(EMAIL), problems);

    assertThat(problems).isEmpty();
    assertThat(state(p, EMAIL).consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(state(p, PHONE).consent()).isEqualTo(Consent.UNKNOWN);
  }

  @Test
  void apply_otherEventTypes_nothingChangedNoProblem() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "pageview", "opt_out", 5, EMAIL).data("channel", "fax").build());

    assertThat(problems).isEmpty();
    assertThat(p.build()).isEqualTo(before);
  }
}
