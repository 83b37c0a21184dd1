package dev.clientele;

import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.IdentifierType;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Examples of the identity rules under non-default configuration (hunt "hrules"). */
class IdentityRulesHuntTest {
  static final IdentifierType DEVICE = IdentifierType.of("device_id");

  static Clientele with(IdentityRules rules) {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).identityRules(rules).build();
  }

  /**
   * An attach-only device id of higher priority than email used to start the group with its
   * owner, after which the email joined its own owner to it: two people merged through a type
   * that may not link.
   */
  @Test
  void attachOnlyTypeOfHigherPriority_neverJoinsTwoProfiles() {
    Clientele c = with(IdentityRules.builder().policy(DEVICE, IdentifierPolicy.attachOnly(95)).build());
    c.ingest(event("e-1", "login", 0).identifier(DEVICE, "tablet").identifier(IdentifierType.EMAIL, "ann@example.com").build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.EMAIL, "bob@example.com").build());

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(DEVICE, "tablet").identifier(IdentifierType.EMAIL, "bob@example.com").build());

    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(c.profileCount()).isEqualTo(2);
    assertThat(r.profile()).isEqualTo(c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, "bob@example.com")).map(p -> p.id()));
    assertThat(r.refusals()).extracting(x -> x.rule()).containsExactly(dev.clientele.identity.LinkPlan.Rule.ATTACH_ONLY);
    assertThat(c.stats().linksRefused()).isEqualTo(1);
  }

  /**
   * An attach-only device id held by a profile that a lower-priority linking identifier of the
   * same event brings into the merge was reported (and counted) as refused, and left out of the
   * stored event, although it ends up on the merged profile with the others.
   */
  @Test
  void attachOnlyIdentifierWhoseOwnerJoinsThroughALinkingOne_isNotReportedRefused() {
    Clientele c = with(IdentityRules.builder().policy(DEVICE, IdentifierPolicy.attachOnly(60)).build());
    c.ingest(event("e-1", "login", 0).identifier(DEVICE, "tablet").identifier(IdentifierType.ANONYMOUS_ID, "a-1").build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.EMAIL, "bob@example.com").build());

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(IdentifierType.EMAIL, "bob@example.com")
        .identifier(DEVICE, "tablet").identifier(IdentifierType.ANONYMOUS_ID, "a-1").build());

    assertThat(r.mergedProfiles()).hasSize(1);
    assertThat(r.refusals()).isEmpty();
    assertThat(c.stats().linksRefused()).isZero();
    assertThat(c.profile(dev.clientele.core.Identifier.of(DEVICE, "tablet")).map(p -> p.id())).isEqualTo(r.profile());
    assertThat(c.timeline(r.profile().orElseThrow(), dev.clientele.core.TimelineQuery.all()).stream()
        .filter(e -> e.id().equals("e-3")).findFirst().orElseThrow().identifiers()).hasSize(3);
  }

  /**
   * After an operator force-merged two people with different customer ids (allowed, logged), the
   * profile is over the unique rule; a new email of that person must still attach: it adds no
   * customer id, so it breaks no rule.
   */
  @Test
  void afterAForcedMergeOverTheUniqueRule_aNewIdentifierOfAnotherTypeStillAttaches() {
    Clientele c = with(IdentityRules.defaults());
    IngestResult a = c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1").build());
    IngestResult b = c.ingest(event("e-2", "login", 1).identifier(IdentifierType.CUSTOMER_ID, "c-2").build());
    dev.clientele.core.Profile merged = c.merge(a.profile().orElseThrow(), b.profile().orElseThrow(), "same person, two accounts");

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .identifier(IdentifierType.EMAIL, "ann@example.com").build());

    assertThat(r.refusals()).isEmpty();
    assertThat(c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, "ann@example.com")).map(p -> p.id()))
        .contains(merged.id());
  }

  /** A profile holding {@code c-1}, {@code a-1} and {@code c-2}: two customers force-merged by an operator (defaults). */
  static dev.clientele.core.Profile forceMergedCustomers(Clientele c) {
    IngestResult a = c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .identifier(IdentifierType.ANONYMOUS_ID, "a-1").build());
    IngestResult b = c.ingest(event("e-2", "login", 1).identifier(IdentifierType.CUSTOMER_ID, "c-2").build());
    return c.merge(a.profile().orElseThrow(), b.profile().orElseThrow(), "same person, two accounts");
  }

  /**
   * Review M1, first scenario: after the forced merge, a new email with the profile's anonymous
   * id. The email ranks first and attaches, then the over-limit profile joined it and was refused
   * UNIQUE_CONFLICT (for customer ids the step does not add), so the email went to a new profile.
   */
  @Test
  void afterAForcedMerge_aNewEmailWithALowerRankedHeldIdentifier_goesToTheMergedProfile() {
    Clientele c = with(IdentityRules.defaults());
    dev.clientele.core.Profile merged = forceMergedCustomers(c);

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(IdentifierType.EMAIL, "new@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "a-1").build());

    assertThat(r.refusals()).isEmpty();
    assertThat(r.createdProfile()).isFalse();
    assertThat(r.profile()).contains(merged.id());
    assertThat(c.profile(dev.clientele.core.Identifier.of(IdentifierType.EMAIL, "new@example.com")).map(p -> p.id()))
        .contains(merged.id());
    assertThat(c.profileCount()).isEqualTo(1);
  }

  /**
   * Review M1, second scenario: the force-merged profile and Bob's ({@code bob@}, {@code a-9}, no
   * customer id) meet through Bob's email and either the customer id (which ranks above the email)
   * or the anonymous id (below it). The step adds no customer id to the profile that holds them,
   * so both merge; before the fix only the first did, and the second was refused UNIQUE_CONFLICT.
   */
  @Test
  void afterAForcedMerge_meetingAnotherProfile_doesNotDependOnWhichIdentifierRanksFirst() {
    java.util.List<java.util.Set<dev.clientele.core.Identifier>> held = new java.util.ArrayList<>();
    for (String via : java.util.List.of("c-1", "a-1")) {
      Clientele c = with(IdentityRules.defaults());
      forceMergedCustomers(c);
      c.ingest(event("e-4", "login", 3).identifier(IdentifierType.EMAIL, "bob@example.com")
          .identifier(IdentifierType.ANONYMOUS_ID, "a-9").build());
      IdentifierType type = via.startsWith("c") ? IdentifierType.CUSTOMER_ID : IdentifierType.ANONYMOUS_ID;

      IngestResult r = c.ingest(event("e-5", "login", 4).identifier(IdentifierType.EMAIL, "bob@example.com")
          .identifier(type, via).build());

      assertThat(r.refusals()).as("via %s", via).isEmpty();
      assertThat(r.mergedProfiles()).as("via %s", via).hasSize(1);
      assertThat(c.profileCount()).as("via %s", via).isEqualTo(1);
      held.add(Fixtures.identifiersOf(c.profile(r.profile().orElseThrow()).orElseThrow()));
    }
    assertThat(held.get(0)).isEqualTo(held.get(1)).hasSize(5);
  }

  /**
   * The same for the merge cap: a profile an operator force-merged is over a cap of 0 merges. An
   * event that merges nothing (a new email, then that profile's anonymous id) was refused
   * MERGE_CAP when the email ranked first and attached before the profile joined.
   */
  @Test
  void overTheMergeCapAfterAForcedMerge_anEventThatMergesNothing_isNotRefused() {
    Clientele c = with(IdentityRules.builder().maxMergesPerProfile(0).build());
    dev.clientele.core.Profile merged = forceMergedCustomers(c);

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(IdentifierType.EMAIL, "new@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "a-1").build());

    assertThat(r.refusals()).isEmpty();
    assertThat(r.profile()).contains(merged.id());
    assertThat(c.stats().details().mergeCapRefusals()).isZero();
  }

  /** The refusal of a window shorter than a day said "within 0 days". */
  @Test
  void limitRefusalOfAnHourWindow_saysTheWindowInHours() {
    Clientele c = with(IdentityRules.builder()
        .policy(IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(10).withLimit(1, Duration.ofHours(12))).build());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.EMAIL, "ann@example.com").identifier(IdentifierType.ANONYMOUS_ID, "d-1").build());

    IngestResult r = c.ingest(event("e-2", "login", 60).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "d-2").build());

    assertThat(r.problems()).containsExactly("link refused (limit): anonymous_id allows 1 per profile within 12 hours");
  }

  /**
   * A unique type with a window used to let a second customer id onto a profile once the first
   * was a window old, merging two people: such a policy is now refused when it is made.
   */
  @Test
  void uniqueTypeWithAWindow_isRefused() {
    assertThatThrownBy(() -> IdentifierPolicy.unique(100).withLimit(1, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unique").hasMessageContaining("window");
    assertThatThrownBy(() -> new IdentifierPolicy(100, OptionalInt.of(1), Optional.of(Duration.ofDays(1)), true, true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
