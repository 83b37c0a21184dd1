package dev.clientele.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.identity.SurvivorshipRules;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Survivorship}: which id survives and how each field of the merged profiles combines. */
class SurvivorshipTest {
  private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");
  private static final Identifier ANN = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  private static final Identifier PHONE = Identifier.of(IdentifierType.PHONE, "+442079460123");
  private static final Identifier ANON = Identifier.of(IdentifierType.ANONYMOUS_ID, "a-9");

  private static Instant t(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  private static Profile.Builder profile(String id, int created, int updated) {
    return Profile.builder(ProfileId.of(id), t(created)).updatedAt(t(updated));
  }

  private static IdentifierState seen(Identifier id, int first, int last, String source) {
    return IdentifierState.firstSeen(id, t(first), true, source).seenAt(t(last), true, source);
  }

  private static Attribute attr(String name, Object value, String source, int at) {
    return new Attribute(name, value, source, t(at));
  }

  private static Profile merged(Profile... profiles) {
    return Survivorship.merge(List.of(profiles)).build();
  }

  // ---- survivor

  @Test
  void survivor_latestUpdatedAtWins() {
    Profile older = profile("p-a", 0, 5).build();
    Profile newer = profile("p-z", 0, 9).build();

    assertThat(Survivorship.survivor(List.of(older, newer)).id()).isEqualTo(ProfileId.of("p-z"));
    assertThat(Survivorship.survivor(List.of(newer, older)).id()).isEqualTo(ProfileId.of("p-z"));
    assertThat(Survivorship.losers(List.of(newer, older))).containsExactly(ProfileId.of("p-a"));
  }

  @Test
  void survivor_tiedUpdatedAt_smallerIdWins() {
    Profile b = profile("p-b", 0, 5).build();
    Profile a = profile("p-a", 3, 5).build();
    Profile c = profile("p-c", 0, 5).build();

    assertThat(Survivorship.survivor(List.of(b, c, a)).id()).isEqualTo(ProfileId.of("p-a"));
    assertThat(Survivorship.losers(List.of(b, c, a))).containsExactly(ProfileId.of("p-b"), ProfileId.of("p-c"));
    assertThat(merged(b, c, a).id()).isEqualTo(ProfileId.of("p-a"));
  }

  @Test
  void survivor_empty_illegalArgument() {
    assertThatIllegalArgumentException().isThrownBy(() -> Survivorship.survivor(List.of())).withMessageMatching("[a-z].*");
  }

  @Test
  void merge_fewerThanTwo_illegalArgumentNamingTheCount() {
    Profile one = profile("p-a", 0, 0).build();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Survivorship.merge(List.of(one)))
        .withMessage("a merge needs at least two profiles: 1");
  }

  @Test
  void merge_givenSurvivor_sameAsChoosingIt() {
    Profile a = profile("p-a", 2, 8).version(4).putIdentifier(seen(ANN, 2, 8, "web")).build();
    Profile b = profile("p-b", 1, 6).version(9).putIdentifier(seen(ANON, 1, 6, "app")).build();
    Profile c = profile("p-c", 4, 7).putIdentifier(seen(PHONE, 4, 7, "crm")).build();
    List<Profile> all = List.of(b, c, a);
    SurvivorshipRules rules = SurvivorshipRules.DEFAULTS;

    Profile chosen = Survivorship.survivor(all, rules);

    assertThat(Survivorship.merge(all, chosen, rules).build()).isEqualTo(Survivorship.merge(all, rules).build());
  }

  @Test
  void merge_givenSurvivorNotAmongThem_illegalArgument() {
    Profile a = profile("p-a", 2, 8).build();
    Profile b = profile("p-b", 1, 6).build();
    Profile copyOfA = profile("p-a", 2, 8).build(); // equal to a, but not one of the instances merged

    assertThatIllegalArgumentException()
        .isThrownBy(() -> Survivorship.merge(List.of(a, b), copyOfA, SurvivorshipRules.DEFAULTS))
        .withMessage("the survivor p-a is not one of the profiles merged");
  }

  @Test
  void merge_keepsSurvivorIdAndVersion_widensTimes() {
    Profile a = profile("p-a", 2, 8).version(4).activity(Optional.of(t(3)), Optional.of(t(8))).build();
    Profile b = profile("p-b", 1, 6).version(9).activity(Optional.of(t(1)), Optional.of(t(5))).build();
    Profile c = profile("p-c", 4, 7).build();

    Profile m = merged(b, c, a);

    assertThat(m.id()).isEqualTo(ProfileId.of("p-a"));
    assertThat(m.version()).isEqualTo(4);
    assertThat(m.createdAt()).isEqualTo(t(1));
    assertThat(m.updatedAt()).isEqualTo(t(8));
    assertThat(m.firstActive()).contains(t(1));
    assertThat(m.lastActive()).contains(t(8));
  }

  // ---- attributes

  @Test
  void merge_attributes_latestObservationWinsPerName() {
    Profile survivor = profile("p-a", 0, 10)
        .putAttribute(attr("first_name", "Ann", "crm", 9))
        .putAttribute(attr("city", "Leeds", "crm", 1))
        .build();
    Profile loser = profile("p-b", 0, 5)
        .putAttribute(attr("first_name", "Annie", "web", 2))
        .putAttribute(attr("city", "York", "web", 4))
        .putAttribute(attr("plan", "gold", "web", 3))
        .build();

    Profile m = merged(survivor, loser);

    assertThat(m.attribute("first_name")).contains(attr("first_name", "Ann", "crm", 9));
    assertThat(m.attribute("city")).as("the loser's newer observation beats the survivor's").contains(attr("city", "York", "web", 4));
    assertThat(m.attribute("plan")).contains(attr("plan", "gold", "web", 3));
  }

  @Test
  void merge_attributesObservedAtTheSameTime_deterministicTieBreak() {
    Profile a = profile("p-a", 0, 10).putAttribute(attr("city", "Leeds", "crm", 4)).build();
    Profile b = profile("p-b", 0, 5).putAttribute(attr("city", "York", "crm", 4)).build();
    Profile c = profile("p-c", 0, 5).putAttribute(attr("city", "Bath", "web", 4)).build();

    assertThat(merged(a, b).attribute("city")).as("same source: greater text").contains(attr("city", "York", "crm", 4));
    assertThat(merged(b, a).attribute("city")).contains(attr("city", "York", "crm", 4));
    assertThat(merged(a, b, c).attribute("city")).as("greater source first").contains(attr("city", "Bath", "web", 4));
  }

  // ---- identifiers

  @Test
  void merge_identifiersOnEitherSide_allKept() {
    Profile a = profile("p-a", 0, 10).putIdentifier(seen(ANN, 1, 2, "web")).build();
    Profile b = profile("p-b", 0, 5).putIdentifier(seen(PHONE, 1, 3, "crm")).putIdentifier(seen(ANON, 0, 0, "web")).build();

    Profile m = merged(a, b);

    assertThat(m.identifiers()).extracting(IdentifierState::identifier).containsExactlyInAnyOrder(ANN, PHONE, ANON);
    assertThat(m.identifier(PHONE)).contains(seen(PHONE, 1, 3, "crm"));
  }

  @Test
  void merge_sharedIdentifier_widestSeenMostRestrictiveConsentUndeliverableWins() {
    IdentifierState mine = seen(ANN, 2, 9, "web").withConsent(Consent.OPT_IN, t(6));
    IdentifierState theirs = seen(ANN, 1, 4, "crm")
        .withConsent(Consent.OPT_OUT, t(3))
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(4)));
    Profile a = profile("p-a", 0, 10).putIdentifier(mine).build();
    Profile b = profile("p-b", 0, 5).putIdentifier(theirs).build();

    IdentifierState m = merged(a, b).identifier(ANN).orElseThrow();

    assertThat(m.firstSeen()).isEqualTo(t(1));
    assertThat(m.lastSeen()).contains(t(9));
    assertThat(m.source()).as("source of the earliest sighting").isEqualTo("crm");
    assertThat(m.consent()).isEqualTo(Consent.OPT_OUT);
    assertThat(m.consentAt()).contains(t(6));
    assertThat(m.deliverability()).isEqualTo(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(4)));

    Profile a2 = profile("p-a", 0, 10).putIdentifier(theirs).build();
    Profile b2 = profile("p-b", 0, 5).putIdentifier(mine).build();
    assertThat(merged(a2, b2).identifier(ANN)).as("same result whichever side survives").contains(m);
  }

  @Test
  void merge_sharedIdentifier_unknownBeatsOptIn() {
    IdentifierState optIn = seen(ANN, 1, 2, "web").withConsent(Consent.OPT_IN, t(2));
    IdentifierState reset = seen(ANN, 1, 2, "web").withConsent(Consent.UNKNOWN, t(1));

    IdentifierState m = merged(profile("p-a", 0, 10).putIdentifier(optIn).build(), profile("p-b", 0, 5).putIdentifier(reset).build())
        .identifier(ANN).orElseThrow();

    assertThat(m.consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(m.consentAt()).contains(t(2));
  }

  @Test
  void merge_sharedIdentifierConsentNeverSetOnOneSide_keepsTheRecordedConsent() {
    IdentifierState optIn = seen(ANN, 1, 2, "web").withConsent(Consent.OPT_IN, t(2));
    IdentifierState neverSet = seen(ANN, 1, 3, "web");

    IdentifierState m1 = merged(profile("p-a", 0, 10).putIdentifier(optIn).build(), profile("p-b", 0, 5).putIdentifier(neverSet).build())
        .identifier(ANN).orElseThrow();
    IdentifierState m2 = merged(profile("p-a", 0, 10).putIdentifier(neverSet).build(), profile("p-b", 0, 5).putIdentifier(optIn).build())
        .identifier(ANN).orElseThrow();

    assertThat(m1.consent()).isEqualTo(Consent.OPT_IN);
    assertThat(m1.consentAt()).contains(t(2));
    assertThat(m2).isEqualTo(m1);
  }

  @Test
  void merge_sharedIdentifierNeverConsentedOnBothSides_staysUnknownWithoutTime() {
    IdentifierState m = merged(
        profile("p-a", 0, 10).putIdentifier(seen(ANN, 1, 2, "web")).build(),
        profile("p-b", 0, 5).putIdentifier(seen(ANN, 0, 1, "web")).build())
        .identifier(ANN).orElseThrow();

    assertThat(m.consent()).isEqualTo(Consent.UNKNOWN);
    assertThat(m.consentAt()).isEmpty();
    assertThat(m.deliverability()).isEqualTo(Deliverability.DELIVERABLE);
  }

  @Test
  void merge_sharedIdentifierUndeliverableOnBothSides_sameResultWhateverTheOrder() {
    Identifier e = ANN;
    Profile s = profile("p-a", 0, 10).putIdentifier(seen(e, 1, 2, "web")).build();
    Profile bounce = profile("p-b", 0, 5)
        .putIdentifier(seen(e, 1, 2, "web").withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(3))))
        .build();
    Profile complaint = profile("p-c", 0, 5)
        .putIdentifier(seen(e, 1, 2, "web").withDeliverability(Deliverability.undeliverable(UndeliverableReason.COMPLAINT, t(4))))
        .build();

    Profile m1 = merged(s, bounce, complaint);
    Profile m2 = merged(s, complaint, bounce);

    assertThat(m1).isEqualTo(m2);
    assertThat(m1.identifier(e).orElseThrow().deliverability())
        .as("the latest report")
        .isEqualTo(Deliverability.undeliverable(UndeliverableReason.COMPLAINT, t(4)));
  }

  @Test
  void merge_sharedIdentifierMalformedOnOneSide_staysMalformed() {
    Profile s = profile("p-a", 0, 10)
        .putIdentifier(seen(ANN, 1, 2, "web").withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, t(8))))
        .build();
    Profile malformed = profile("p-b", 0, 5)
        .putIdentifier(seen(ANN, 1, 2, "web").withDeliverability(Deliverability.undeliverable(UndeliverableReason.MALFORMED, t(1))))
        .build();

    assertThat(merged(s, malformed).identifier(ANN).orElseThrow().deliverability().reason()).contains(UndeliverableReason.MALFORMED);
  }

  // ---- orders, counts, tags, lists, CCPA, mergedFrom

  @Test
  void merge_ordersAndEventCounts_summed() {
    Profile a = profile("p-a", 0, 10)
        .orders(OrderSummary.NONE.plus(new BigDecimal("10.50"), t(2)).plus(new BigDecimal("5"), t(8)))
        .eventCount(7)
        .build();
    Profile b = profile("p-b", 0, 5).orders(OrderSummary.NONE.plus(new BigDecimal("4.25"), t(1))).eventCount(3).build();
    Profile c = profile("p-c", 0, 5).eventCount(1).build();

    Profile m = merged(a, b, c);

    assertThat(m.orders().orderCount()).isEqualTo(3);
    assertThat(m.orders().revenue()).isEqualByComparingTo("19.75");
    assertThat(m.orders().firstOrder()).contains(t(1));
    assertThat(m.orders().lastOrder()).contains(t(8));
    assertThat(m.eventCount()).isEqualTo(11);
  }

  @Test
  void merge_tags_union() {
    Profile a = profile("p-a", 0, 10).addTag("favourite").addTag("vip").build();
    Profile b = profile("p-b", 0, 5).addTag("vip").addTag("wholesale").build();

    assertThat(merged(a, b).tags()).containsExactly("favourite", "vip", "wholesale");
  }

  @Test
  void merge_lists_latestSubscribeAndUnsubscribeOfEachSide() {
    Profile a = profile("p-a", 0, 10)
        .putList(ListSubscription.apply(Optional.empty(), "news", true, t(1)))
        .putList(ListSubscription.apply(Optional.empty(), "offers", true, t(6)))
        .build();
    Profile b = profile("p-b", 0, 5)
        .putList(ListSubscription.apply(Optional.empty(), "news", false, t(3)))
        .putList(ListSubscription.apply(Optional.of(ListSubscription.apply(Optional.empty(), "offers", true, t(2))), "offers", false, t(4)))
        .putList(ListSubscription.apply(Optional.empty(), "vip", true, t(2)))
        .build();

    Profile m = merged(a, b);

    assertThat(m.lists().get("news")).isEqualTo(new ListSubscription("news", false, Optional.of(t(1)), Optional.of(t(3))));
    assertThat(m.lists().get("offers")).isEqualTo(new ListSubscription("offers", true, Optional.of(t(6)), Optional.of(t(4))));
    assertThat(m.lists().get("vip")).isEqualTo(new ListSubscription("vip", true, Optional.of(t(2)), Optional.empty()));
  }

  @Test
  void merge_ccpa_latestOptOutAndLatestOptIn() {
    Profile a = profile("p-a", 0, 10).ccpa(Optional.of(t(2)), Optional.of(t(3))).build();
    Profile b = profile("p-b", 0, 5).ccpa(Optional.of(t(5)), Optional.empty()).build();

    Profile m = merged(a, b);

    assertThat(m.ccpaOptOutAt()).contains(t(5));
    assertThat(m.ccpaOptInAt()).contains(t(3));
    assertThat(m.isCcpaOptedOut()).isTrue();
  }

  @Test
  void merge_ccpaOptInAfterEveryOptOut_notOptedOut() {
    Profile a = profile("p-a", 0, 10).ccpa(Optional.of(t(2)), Optional.empty()).build();
    Profile b = profile("p-b", 0, 5).ccpa(Optional.empty(), Optional.of(t(4))).build();

    Profile m = merged(a, b);

    assertThat(m.ccpaOptOutAt()).contains(t(2));
    assertThat(m.ccpaOptInAt()).contains(t(4));
    assertThat(m.isCcpaOptedOut()).isFalse();
  }

  @Test
  void merge_mergedFrom_accumulatesLosersAndTheirOwnMergedFrom() {
    Profile a = profile("p-a", 0, 10).addMergedFrom(List.of(ProfileId.of("p-old1"))).build();
    Profile b = profile("p-b", 0, 5).addMergedFrom(List.of(ProfileId.of("p-old2"), ProfileId.of("p-old3"))).build();
    Profile c = profile("p-c", 0, 5).build();

    Profile m = merged(c, b, a);

    assertThat(m.id()).isEqualTo(ProfileId.of("p-a"));
    assertThat(m.mergedFrom()).extracting(ProfileId::value)
        .containsExactly("p-b", "p-c", "p-old1", "p-old2", "p-old3");
  }
}
