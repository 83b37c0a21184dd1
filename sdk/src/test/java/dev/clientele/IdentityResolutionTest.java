package dev.clientele;

import static dev.clientele.Fixtures.anonymousId;
import static dev.clientele.Fixtures.customerId;
import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.identifiersOf;
import static dev.clientele.Fixtures.phone;
import static dev.clientele.Fixtures.timelineIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdentityResolutionTest {
  private final Clientele clientele = Fixtures.clientele();

  @AfterEach
  void close() {
    clientele.close();
  }

  private ProfileId ingest(String id, String type, long minute, Identifier... identifiers) {
    var b = event(id, type, minute);
    for (Identifier i : identifiers) {
      b.identifier(i);
    }
    IngestResult r = clientele.ingest(b.build());
    assertThat(r.outcome()).as("outcome of %s", id).isEqualTo(Outcome.APPLIED);
    return r.profile().orElseThrow();
  }

  private Profile profile(ProfileId id) {
    return clientele.profile(id).orElseThrow();
  }

  @Test
  void ingest_caseAndSpaceVariantsOfOneEmail_oneProfileWithOneNormalisedEmail() {
    ProfileId a = ingest("e-1", "pageview", 0, email("Ann@Example.com"));
    ProfileId b = ingest("e-2", "pageview", 1, email(" ann@example.COM "));
    ProfileId c = ingest("e-3", "pageview", 2, email("ANN@EXAMPLE.COM"));

    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    assertThat(identifiersOf(profile(a))).containsExactly(email("ann@example.com"));
    assertThat(profile(a).eventCount()).isEqualTo(3);
  }

  @Test
  void ingest_twoVariantsOfOneEmailInOneEvent_foldedIntoOneIdentifier() {
    IngestResult r = clientele.ingest(event("e-1", "pageview", 0)
        .identifier(email("Ann@Example.com")).identifier(email("ann@example.com")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(identifiersOf(profile(r.profile().orElseThrow()))).containsExactly(email("ann@example.com"));
    assertThat(timelineIds(clientele, r.profile().orElseThrow())).containsExactly("e-1");
  }

  @Test
  void ingest_upperCaseIUnderTurkishLocale_lowerCasedAsDottedI() {
    ProfileId a = ingest("e-1", "pageview", 0, email("INGRID@MAIL.IO"));
    ProfileId b = ingest("e-2", "pageview", 1, email("ingrid@mail.io"));

    assertThat(b).isEqualTo(a);
    assertThat(identifiersOf(profile(a))).containsExactly(email("ingrid@mail.io"));
  }

  @Test
  void ingest_phoneFormatVariants_oneProfileWithTheE164Number() {
    ProfileId a = ingest("e-1", "pageview", 0, phone("(650) 253-0000"));
    ProfileId b = ingest("e-2", "pageview", 1, phone("+1 650 253 0000"));
    ProfileId c = ingest("e-3", "pageview", 2, phone("001-650-253-0000"));

    assertThat(b).isEqualTo(a);
    assertThat(c).isEqualTo(a);
    assertThat(identifiersOf(profile(a))).containsExactly(phone("+16502530000"));
  }

  @Test
  void ingest_junkEmailBesideTwoCustomerIds_linksNobodyAndIsHeldByNobody() {
    ProfileId one = ingest("e-1", "login", 0, customerId("c-1"), email("test@test.com"));
    ProfileId two = ingest("e-2", "login", 1, customerId("c-2"), email("TEST@test.com "));

    assertThat(two).isNotEqualTo(one);
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(identifiersOf(profile(one))).containsExactly(customerId("c-1"));
    assertThat(identifiersOf(profile(two))).containsExactly(customerId("c-2"));
    assertThat(clientele.storage().owner(email("test@test.com"))).isEmpty();
    assertThat(clientele.profile(email("test@test.com"))).isEmpty();
  }

  @Test
  void ingest_malformedEmail_keptOnTheProfileAsUndeliverableMalformed() {
    IngestResult r = clientele.ingest(event("e-1", "login", 0)
        .identifier(customerId("c-1")).identifier(email("Ann@Example")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.problems()).singleElement().asString().contains("email").contains("malformed")
        .doesNotContain("Ann@Example").doesNotContain("ann@example");
    IdentifierState s = profile(r.profile().orElseThrow()).identifier(email("ann@example")).orElseThrow();
    assertThat(s.deliverability().isDeliverable()).isFalse();
    assertThat(s.deliverability().reason()).contains(UndeliverableReason.MALFORMED);
  }

  @Test
  void ingest_malformedEmailOnly_createsAProfileHoldingIt() {
    ProfileId p = ingest("e-1", "pageview", 0, email("not-an-email"));
    ProfileId again = ingest("e-2", "pageview", 1, email("NOT-AN-EMAIL"));

    assertThat(again).isEqualTo(p);
    assertThat(profile(p).identifier(email("not-an-email")).orElseThrow().deliverability().reason())
        .contains(UndeliverableReason.MALFORMED);
  }

  @Test
  void ingest_sameMalformedEmailBesideANewCustomerId_doesNotLinkThem() {
    ProfileId one = ingest("e-1", "login", 0, customerId("c-1"), email("ann@example"));

    IngestResult r = clientele.ingest(event("e-2", "login", 1)
        .identifier(customerId("c-2")).identifier(email("ann@example")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.profile()).isNotEqualTo(java.util.Optional.of(one));
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(identifiersOf(profile(one))).containsExactlyInAnyOrder(customerId("c-1"), email("ann@example"));
    assertThat(identifiersOf(profile(r.profile().orElseThrow()))).containsExactly(customerId("c-2"));
    assertThat(r.problems()).anyMatch(p -> p.contains("held by another profile"));
  }

  @Test
  void ingest_sameMalformedEmailBesideAnExistingCustomerId_neverMerges() {
    ProfileId one = ingest("e-1", "login", 0, customerId("c-1"), email("ann@example"));
    ProfileId two = ingest("e-2", "login", 1, customerId("c-2"));

    IngestResult r = clientele.ingest(event("e-3", "login", 2)
        .identifier(customerId("c-2")).identifier(email("ann@example")).build());

    assertThat(r.profile()).contains(two);
    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(identifiersOf(profile(one))).containsExactlyInAnyOrder(customerId("c-1"), email("ann@example"));
    assertThat(identifiersOf(profile(two))).containsExactly(customerId("c-2"));
  }

  @Test
  void ingest_twoMalformedEmailsOfTwoProfiles_neverMerges() {
    ProfileId one = ingest("e-1", "pageview", 0, email("one@bad"));
    ProfileId two = ingest("e-2", "pageview", 1, email("two@bad"));

    IngestResult r = clientele.ingest(event("e-3", "pageview", 2)
        .identifier(email("one@bad")).identifier(email("two@bad")).build());

    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(r.profile().orElseThrow()).isIn(one, two);
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(identifiersOf(profile(one))).containsExactly(email("one@bad"));
    assertThat(identifiersOf(profile(two))).containsExactly(email("two@bad"));
  }

  @Test
  void ingest_anonymousVisitorIdentifies_oneProfileWithTheAnonymousHistory() {
    ProfileId visitor = ingest("e-1", "pageview", 0, anonymousId("a-9"));
    ingest("e-2", "pageview", 5, anonymousId("a-9"));
    assertThat(profile(visitor).isAnonymous()).isTrue();

    ProfileId known = ingest("e-3", "login", 10, anonymousId("a-9"), email("ann@example.com"));

    assertThat(known).isEqualTo(visitor);
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    Profile p = profile(known);
    assertThat(p.isAnonymous()).isFalse();
    assertThat(identifiersOf(p)).containsExactlyInAnyOrder(anonymousId("a-9"), email("ann@example.com"));
    assertThat(p.eventCount()).isEqualTo(3);
    assertThat(timelineIds(clientele, known)).containsExactly("e-1", "e-2", "e-3");
    assertThat(clientele.profile(email("ann@example.com")).map(Profile::id)).contains(known);
  }

  @Test
  void ingest_bridgingEvent_mergesIntoTheMostRecentlyUpdatedProfile() {
    ProfileId older = ingest("e-1", "pageview", 0, anonymousId("a-1"));
    ingest("e-2", "pageview", 10, anonymousId("a-1"));
    ProfileId newer = ingest("e-3", "login", 20, customerId("c-1"), email("ann@example.com"));
    assertThat(newer).isNotEqualTo(older);

    IngestResult r = clientele.ingest(event("e-4", "login", 30)
        .identifier(customerId("c-1")).identifier(anonymousId("a-1")).build());

    assertThat(r.outcome()).isEqualTo(Outcome.APPLIED);
    assertThat(r.profile()).contains(newer);
    assertThat(r.mergedProfiles()).containsExactly(older);
    assertThat(r.createdProfile()).isFalse();
    assertThat(clientele.profile(older)).isEmpty();
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
    Profile survivor = profile(newer);
    assertThat(survivor.mergedFrom()).containsExactly(older);
    assertThat(survivor.eventCount()).isEqualTo(4);
    assertThat(survivor.createdAt()).isEqualTo(Fixtures.at(0));
    assertThat(timelineIds(clientele, newer)).containsExactly("e-1", "e-2", "e-3", "e-4");
    for (Identifier i : Set.of(anonymousId("a-1"), customerId("c-1"), email("ann@example.com"))) {
      assertThat(clientele.storage().owner(i)).as("owner of %s", i).contains(newer);
    }
    assertThat(clientele.stats().profilesMerged()).isEqualTo(1);
  }

  @Test
  void ingest_bridgingEventOlderThanBoth_stillKeepsTheMostRecentlyUpdatedId() {
    ProfileId later = ingest("e-1", "pageview", 50, anonymousId("a-1"));
    ProfileId earlier = ingest("e-2", "login", 40, customerId("c-1"));

    IngestResult r = clientele.ingest(event("e-3", "pageview", 0)
        .identifier(customerId("c-1")).identifier(anonymousId("a-1")).build());

    assertThat(r.profile()).contains(later);
    assertThat(r.mergedProfiles()).containsExactly(earlier);
    assertThat(profile(later).createdAt()).isEqualTo(Fixtures.at(0));
    assertThat(profile(later).updatedAt()).isEqualTo(Fixtures.at(50));
  }

  @Test
  void ingest_eventBridgingThreeProfiles_mergesAllIntoOne() {
    ProfileId a = ingest("e-1", "pageview", 0, anonymousId("a-1"));
    ProfileId b = ingest("e-2", "pageview", 1, email("ann@example.com"));
    ProfileId c = ingest("e-3", "pageview", 2, customerId("c-1"));
    ingest("e-4", "pageview", 3, customerId("c-1"));

    IngestResult r = clientele.ingest(event("e-5", "pageview", 4)
        .identifier(anonymousId("a-1")).identifier(email("ann@example.com")).identifier(customerId("c-1")).build());

    assertThat(r.profile()).contains(c);
    assertThat(r.mergedProfiles()).containsExactlyInAnyOrder(a, b);
    Profile p = profile(c);
    assertThat(p.mergedFrom()).containsExactlyInAnyOrder(a, b);
    assertThat(p.eventCount()).isEqualTo(5);
    assertThat(timelineIds(clientele, c)).containsExactly("e-1", "e-2", "e-3", "e-4", "e-5");
    assertThat(clientele.storage().profileCount()).isEqualTo(1);
  }

  @Test
  void ingest_mergeOfAMergedProfile_mergedFromHoldsTheWholeHistory() {
    ProfileId a = ingest("e-1", "pageview", 0, anonymousId("a-1"));
    ProfileId b = ingest("e-2", "pageview", 1, anonymousId("a-2"));
    ingest("e-3", "pageview", 2, anonymousId("a-1"), anonymousId("a-2"));
    ProfileId c = ingest("e-4", "login", 3, customerId("c-1"));

    IngestResult r = clientele.ingest(event("e-5", "login", 4)
        .identifier(customerId("c-1")).identifier(anonymousId("a-2")).build());

    assertThat(r.profile()).contains(c);
    assertThat(r.mergedProfiles()).containsExactly(b);
    assertThat(profile(c).mergedFrom()).containsExactlyInAnyOrder(a, b);
    assertThat(profile(c).identifiers()).extracting(IdentifierState::type)
        .containsOnly(IdentifierType.ANONYMOUS_ID, IdentifierType.CUSTOMER_ID);
  }

  @Test
  void ingest_bridgeBetweenTwoCustomerIds_refused() {
    ProfileId one = ingest("e-1", "login", 0, customerId("c-1"), email("shared@example.com"));
    ProfileId two = ingest("e-2", "login", 1, customerId("c-2"));

    IngestResult r = clientele.ingest(event("e-3", "login", 2)
        .identifier(customerId("c-2")).identifier(email("shared@example.com")).build());

    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(r.problems()).isNotEmpty();
    assertThat(clientele.storage().profileCount()).isEqualTo(2);
    assertThat(clientele.profile(one)).isPresent();
    assertThat(clientele.profile(two)).isPresent();
  }
}
