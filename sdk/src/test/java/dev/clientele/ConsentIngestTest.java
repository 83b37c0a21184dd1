package dev.clientele;

import static dev.clientele.Fixtures.at;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.consent.ConsentChange;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Smoke tests: consent, reachability, list and compliance events reach the profile through ingest. */
class ConsentIngestTest {
  private final Clientele clientele = Fixtures.clientele();

  @BeforeEach
  void ann() {
    ingest(event("e-0", "login", 0).identifier(customerId("c-1")).identifier(email("ann@example.com"))
        .identifier(phone("+16502530000")).build());
  }

  @AfterEach
  void close() {
    clientele.close();
  }

  private IngestResult ingest(Event e) {
    IngestResult r = clientele.ingest(e);
    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    return r;
  }

  private Profile profile() {
    return clientele.profile(customerId("c-1")).orElseThrow();
  }

  private IdentifierState emailState() {
    return profile().identifier(email("ann@example.com")).orElseThrow();
  }

  @Test
  void consent_optOut_setsTheEmailConsentAndLeavesActivityAlone() {
    ingest(event("e-1", "consent", 10).action("opt_out").identifier(email("ANN@example.com")).build());

    IdentifierState s = emailState();
    assertThat(s.consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(s.consentAt()).contains(at(10));
    assertThat(s.lastSeen()).contains(at(0));
    assertThat(profile().lastActive()).contains(at(0));
  }

  @Test
  void consent_optInThenOlderOptOut_latestChangeWins() {
    ingest(event("e-1", "consent", 20).action("opt_in").identifier(email("ann@example.com")).build());
    ingest(event("e-2", "consent", 10).action("opt_out").identifier(email("ann@example.com")).build());

    assertThat(emailState().consent()).isEqualTo(Consent.OPT_IN);
  }

  @Test
  void consent_channelSms_changesOnlyThePhone() {
    ingest(event("e-1", "consent", 10).action("opt_in").data("channel", "sms")
        .identifier(customerId("c-1")).build());

    assertThat(profile().identifier(phone("+16502530000")).orElseThrow().consent()).isEqualTo(Consent.UNKNOWN);

    ingest(event("e-2", "consent", 11).action("opt_in").data("channel", "sms")
        .identifier(email("ann@example.com")).identifier(phone("+16502530000")).build());

    assertThat(profile().identifier(phone("+16502530000")).orElseThrow().consent()).isEqualTo(Consent.OPT_IN);
    assertThat(emailState().consent()).isEqualTo(Consent.UNKNOWN);
  }

  @Test
  void consent_unknownAction_isAProblem() {
    IngestResult r = ingest(event("e-1", "consent", 10).action("maybe").identifier(email("ann@example.com")).build());

    assertThat(r.problems()).singleElement().asString().contains("e-1");
    assertThat(emailState().consent()).isEqualTo(Consent.UNKNOWN);
  }

  @Test
  void reachability_hardBounceThenDeliverable_changesDeliverability() {
    ingest(event("e-1", "reachability", 10).action("hard_bounce").identifier(email("ann@example.com")).build());

    assertThat(emailState().deliverability().reason()).contains(UndeliverableReason.HARD_BOUNCE);
    assertThat(emailState().deliverability().since()).contains(at(10));
    assertThat(emailState().lastSeen()).contains(at(0));

    ingest(event("e-2", "reachability", 20).action("deliverable").identifier(email("ann@example.com")).build());

    assertThat(emailState().deliverability().isDeliverable()).isTrue();
  }

  @Test
  void reachability_onMalformedEmail_staysMalformed() {
    ingest(event("e-1", "pageview", 5).identifier(customerId("c-1")).identifier(email("ann@nowhere")).build());
    ingest(event("e-2", "reachability", 10).action("deliverable").identifier(email("ann@nowhere")).build());

    assertThat(profile().identifier(email("ann@nowhere")).orElseThrow().deliverability().reason())
        .contains(UndeliverableReason.MALFORMED);
  }

  @Test
  void list_subscribeThenUnsubscribe_tracked() {
    ingest(event("e-1", "list", 10).action("subscribe").data("list", "news").identifier(email("ann@example.com")).build());
    assertThat(profile().lists().get("news").subscribed()).isTrue();

    ingest(event("e-2", "list", 20).action("unsubscribe").data("list", "news").identifier(email("ann@example.com")).build());

    assertThat(profile().lists()).containsEntry(
        "news", new ListSubscription("news", false, Optional.of(at(10)), Optional.of(at(20))));
  }

  @Test
  void compliance_ccpaOptOut_isCustomerWide() {
    ingest(event("e-1", "compliance", 10).action("ccpa_opt_out").identifier(phone("+1 650 253 0000")).build());

    assertThat(profile().isCcpaOptedOut()).isTrue();
    assertThat(profile().ccpaOptOutAt()).contains(at(10));
  }

  @Test
  void consentEvents_areStoredOnTheTimelineButNotActive() {
    ingest(event("e-1", "consent", 10).action("opt_in").identifier(email("ann@example.com")).build());
    ingest(event("e-2", "reachability", 11).action("complaint").identifier(email("ann@example.com")).build());

    assertThat(Fixtures.timelineIds(clientele, profile().id())).containsExactly("e-0", "e-1", "e-2");
    assertThat(profile().eventCount()).isEqualTo(3);
    assertThat(profile().lastActive()).contains(at(0));
  }

  @Test
  void consent_optOutWhoseEmailLinkIsRefused_reachesTheEmailsOwnerAndItsLedger() {
    ingest(event("b-0", "login", 1).identifier(customerId("c-2")).build());
    ProfileId bob = clientele.profile(customerId("c-2")).orElseThrow().id();

    // Bob's customer id next to Ann's email: the link is refused (two customer ids), but the
    // opt-out is about Ann's email and must not be lost.
    IngestResult r = ingest(event("e-1", "consent", 10).action("opt_out")
        .identifier(customerId("c-2")).identifier(email("ann@example.com")).build());

    assertThat(r.refusals()).isNotEmpty();
    assertThat(r.profile()).contains(profile().id());
    assertThat(emailState().consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(clientele.consentHistory(profile().id())).extracting(ConsentChange::eventId).contains("e-1");
    assertThat(clientele.profile(bob).orElseThrow().identifiers()).hasSize(1);
    assertThat(clientele.profile(bob).orElseThrow().eventCount()).isEqualTo(1);
  }

  @Test
  void consent_optOutNamingEmailsOfTwoPeople_optsOutBoth_evenWhereTheLinkIsRefused() {
    ingest(event("b-0", "login", 1).identifier(customerId("c-2")).identifier(email("bob@example.com")).build());

    IngestResult r = ingest(event("e-1", "consent", 10).action("opt_out")
        .identifier(email("ann@example.com")).identifier(email("bob@example.com")).build());

    assertThat(r.refusals()).extracting(x -> x.rule()).containsExactly(dev.clientele.identity.LinkPlan.Rule.UNIQUE_CONFLICT);
    assertThat(emailState().consent()).isEqualTo(Consent.OPT_OUT);
    Profile bob = clientele.profile(customerId("c-2")).orElseThrow();
    assertThat(bob.identifier(email("bob@example.com")).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
    // Bob's part is an event of his own: on his timeline and ledger, with only his identifier.
    assertThat(clientele.consentHistory(bob.id())).extracting(ConsentChange::eventId).containsExactly("e-1#~1");
    assertThat(clientele.timeline(bob.id(), dev.clientele.core.TimelineQuery.all()))
        .filteredOn(e -> e.id().equals("e-1#~1")).singleElement()
        .satisfies(e -> assertThat(e.identifiers()).containsExactly(email("bob@example.com")));
    assertThat(clientele.consentHistory(profile().id())).extracting(ConsentChange::eventId).containsExactly("e-1");
  }

  @Test
  void consent_optOutWithANewCustomerIdAndAnotherPersonsEmail_keepsTheNewIdAndOptsOutTheEmail() {
    // c-3 is new; Ann's email cannot join it (two customer ids). The opt-out reaches Ann as an
    // event of her own, and c-3 still gets its profile instead of being dropped with the event.
    IngestResult r = ingest(event("e-1", "consent", 10).action("opt_out")
        .identifier(customerId("c-3")).identifier(email("ann@example.com")).build());

    Profile carol = clientele.profile(customerId("c-3")).orElseThrow();
    assertThat(r.profile()).contains(carol.id());
    assertThat(carol.identifiers()).extracting(IdentifierState::identifier).containsExactly(customerId("c-3"));
    assertThat(clientele.timeline(carol.id(), dev.clientele.core.TimelineQuery.all())).extracting(Event::id).containsExactly("e-1");
    assertThat(emailState().consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(clientele.consentHistory(profile().id())).extracting(ConsentChange::eventId).containsExactly("e-1#~1");
  }

  @Test
  void consent_malformedEmailHeldByAnother_reachesItsHolder_andANewIdStillAttaches() {
    ingest(event("b-0", "login", 1).identifier(customerId("c-2")).identifier(email("nobody@nowhere")).build());

    IngestResult r = ingest(event("e-1", "consent", 10).action("opt_out")
        .identifier(customerId("c-3")).identifier(email("nobody@nowhere")).build());

    assertThat(r.refusals()).extracting(x -> x.rule()).containsExactly(dev.clientele.identity.LinkPlan.Rule.MALFORMED_ELSEWHERE);
    assertThat(clientele.profile(customerId("c-3"))).isPresent();
    Profile bob = clientele.profile(customerId("c-2")).orElseThrow();
    assertThat(bob.identifier(email("nobody@nowhere")).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
  }
}
