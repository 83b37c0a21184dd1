package dev.clientele.consent.internal;

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
import dev.clientele.core.Deliverability;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code reachability} events: bounces, complaints and invalid reports, and when a later {@code deliverable} clears them. */
class ReachabilityEventTest {

  @ParameterizedTest
  @CsvSource({"hard_bounce, HARD_BOUNCE", "complaint, COMPLAINT", "invalid, INVALID"})
  void apply_undeliverableReport_markedWithReasonAndTime(String action, UndeliverableReason reason) {
    Profile.Builder p = holding(EMAIL, CUSTOMER);

    List<String> problems = apply(p, event("e-1", "reachability", action, 5, EMAIL, CUSTOMER).build());

    assertThat(problems).isEmpty();
    assertThat(state(p, EMAIL).deliverability()).isEqualTo(Deliverability.undeliverable(reason, t(5)));
    assertThat(state(p, EMAIL).consent()).as("consent is a separate fact").isEqualTo(Consent.UNKNOWN);
    assertThat(state(p, CUSTOMER).deliverability()).isEqualTo(Deliverability.DELIVERABLE);
  }

  @ParameterizedTest
  @CsvSource({"hard_bounce", "complaint", "invalid"})
  void apply_laterDeliverable_clearsIt(String action) {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-1", "reachability", action, 5, EMAIL).build());

    List<String> problems = apply(p, event("e-2", "reachability", "deliverable", 6, EMAIL).build());

    assertThat(problems).isEmpty();
    assertThat(state(p, EMAIL).deliverability()).isEqualTo(Deliverability.deliverableSince(t(6)));
    assertThat(state(p, EMAIL).deliverability().isDeliverable()).isTrue();
  }

  @Test
  void apply_earlierDeliverableArrivingLater_doesNotClearANewerBounce() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "reachability", "hard_bounce", 8, EMAIL).build());

    List<String> problems = apply(p, event("e-1", "reachability", "deliverable", 3, EMAIL).build());

    assertThat(problems).isEmpty();
    assertThat(state(p, EMAIL).deliverability()).isEqualTo(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(8)));
  }

  @Test
  void apply_deliverableAtTheSameInstantAsABounce_bounceStaysInEitherOrder() {
    Profile.Builder a = holding(EMAIL);
    apply(a, event("e-1", "reachability", "hard_bounce", 4, EMAIL).build());
    apply(a, event("e-2", "reachability", "deliverable", 4, EMAIL).build());
    Profile.Builder b = holding(EMAIL);
    apply(b, event("e-2", "reachability", "deliverable", 4, EMAIL).build());
    apply(b, event("e-1", "reachability", "hard_bounce", 4, EMAIL).build());

    assertThat(state(a, EMAIL).deliverability()).isEqualTo(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(4)));
    assertThat(state(b, EMAIL)).isEqualTo(state(a, EMAIL));
  }

  @Test
  void apply_olderBounceArrivingAfterADeliverable_ignored() {
    Profile.Builder p = holding(EMAIL);
    apply(p, event("e-2", "reachability", "deliverable", 8, EMAIL).build());

    apply(p, event("e-1", "reachability", "complaint", 3, EMAIL).build());

    assertThat(state(p, EMAIL).deliverability()).isEqualTo(Deliverability.deliverableSince(t(8)));
  }

  @Test
  void apply_deliverable_neverClearsMalformed() {
    Profile.Builder p = holding(EMAIL);
    Deliverability malformed = Deliverability.undeliverable(UndeliverableReason.MALFORMED, t(1));
    p.putIdentifier(state(p, EMAIL).withDeliverability(malformed));

    List<String> problems = apply(p, event("e-1", "reachability", "deliverable", 9, EMAIL).build());
    apply(p, event("e-2", "reachability", "hard_bounce", 10, EMAIL).build());

    assertThat(problems).isEmpty();
    assertThat(state(p, EMAIL).deliverability()).isEqualTo(malformed);
  }

  @Test
  void apply_withChannel_onlyThatChannelsIdentifier() {
    Profile.Builder p = holding(EMAIL, PHONE, PUSH);

    List<String> problems = apply(p, event("e-1", "reachability", "hard_bounce", 5, EMAIL, PHONE, PUSH).data("channel", "sms").build());

    assertThat(problems).isEmpty();
    assertThat(state(p, PHONE).deliverability().reason()).contains(UndeliverableReason.HARD_BOUNCE);
    assertThat(state(p, EMAIL).deliverability()).isEqualTo(Deliverability.DELIVERABLE);
    assertThat(state(p, PUSH).deliverability()).isEqualTo(Deliverability.DELIVERABLE);
  }

  @Test
  void apply_noChannel_everyMessagingIdentifier() {
    Profile.Builder p = holding(EMAIL, PHONE, PUSH);

    apply(p, event("e-1", "reachability", "invalid", 5, EMAIL, PHONE, PUSH).build());

    for (var id : List.of(EMAIL, PHONE, PUSH)) {
      assertThat(state(p, id).deliverability()).as("%s", id.type()).isEqualTo(Deliverability.undeliverable(UndeliverableReason.INVALID, t(5)));
    }
  }

  @Test
  void apply_unknownChannel_problemAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "reachability", "hard_bounce", 5, EMAIL).data("channel", "fax").build());

    assertThat(problems).containsExactly("event e-1 names an unknown channel (expected email, sms or push)");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_unknownAction_problemAndNothingChanged() {
    Profile.Builder p = holding(EMAIL);
    Profile before = p.build();

    List<String> problems = apply(p, event("e-1", "reachability", "soft_bounce", 5, EMAIL).build());

    assertThat(problems).containsExactly("unknown reachability action in event e-1: soft_bounce");
    assertThat(p.build()).isEqualTo(before);
  }

  @Test
  void apply_noMessagingIdentifier_problem() {
    Profile.Builder p = holding(CUSTOMER);

    List<String> problems = apply(p, event("e-1", "reachability", "hard_bounce", 5, CUSTOMER).build());

    assertThat(problems).containsExactly("reachability event e-1 names no messaging identifier");
  }
}
