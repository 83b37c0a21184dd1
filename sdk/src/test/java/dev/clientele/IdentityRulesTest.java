package dev.clientele;

import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.identity.IdentifierPolicy;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.LinkPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class IdentityRulesTest {
  static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");

  static Clientele with(IdentityRules rules) {
    return Clientele.builder().profileIds(Fixtures.sequentialIds()).identityRules(rules).build();
  }

  static Identifier id(IdentifierType type, String value) {
    return Identifier.of(type, value);
  }

  @Test
  void ingest_householdSharingAnEmail_staysTwoPeople_andTheRefusalIsCounted() {
    Clientele c = with(IdentityRules.defaults());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1").identifier(IdentifierType.EMAIL, "home@example.com").build());

    IngestResult r = c.ingest(event("e-2", "login", 1).identifier(IdentifierType.CUSTOMER_ID, "c-2")
        .identifier(IdentifierType.EMAIL, "home@example.com").build());

    assertThat(c.profileCount()).isEqualTo(2);
    assertThat(r.mergedProfiles()).isEmpty();
    assertThat(r.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.UNIQUE_CONFLICT);
    assertThat(r.problems()).anyMatch(p -> p.contains("unique_conflict") && !p.contains("home@"));
    assertThat(c.stats().linksRefused()).isEqualTo(1);
    Profile second = c.profile(id(IdentifierType.CUSTOMER_ID, "c-2")).orElseThrow();
    assertThat(second.identifier(id(IdentifierType.EMAIL, "home@example.com"))).isEmpty();
    assertThat(c.storage().owner(id(IdentifierType.EMAIL, "home@example.com")))
        .isEqualTo(c.profile(id(IdentifierType.CUSTOMER_ID, "c-1")).map(Profile::id));
  }

  @Test
  void ingest_sharedDeviceAfterTwoSignIns_neverGluesTwoCustomerIds() {
    Clientele c = with(IdentityRules.defaults());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1").identifier(IdentifierType.ANONYMOUS_ID, "tablet").build());

    IngestResult r = c.ingest(event("e-2", "login", 5).identifier(IdentifierType.CUSTOMER_ID, "c-2").identifier(IdentifierType.ANONYMOUS_ID, "tablet").build());

    assertThat(c.profileCount()).isEqualTo(2);
    assertThat(r.refusals()).hasSize(1);
    assertThat(r.refusals().get(0).identifier().type()).isEqualTo(IdentifierType.ANONYMOUS_ID);
  }

  @Test
  void ingest_forceOfTwoCustomerIdsInOneEvent_keepsTheFirstByOrder_andRefusesTheOther() {
    Clientele c = with(IdentityRules.defaults());

    IngestResult r = c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .identifier(IdentifierType.CUSTOMER_ID, "c-2").build());

    Profile p = c.profile(r.profile().orElseThrow()).orElseThrow();
    assertThat(p.identifiers(IdentifierType.CUSTOMER_ID)).hasSize(1);
    assertThat(r.refusals()).hasSize(1);
  }

  @Test
  void ingest_anonymousLimitPerWeek_refusesTheSixthNewDeviceInAWeek_butNotAfterTheWindow() {
    Clientele c = with(IdentityRules.defaults());
    for (int i = 0; i < 5; i++) {
      c.ingest(event("d-" + i, "pageview", i).identifier(IdentifierType.EMAIL, "ann@example.com")
          .identifier(IdentifierType.ANONYMOUS_ID, "dev-" + i).build());
    }
    IngestResult sixth = c.ingest(event("d-5", "pageview", 10).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-5").build());
    IngestResult nextWeek = c.ingest(event("d-6", "pageview", 60 * 24 * 8).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-6").build());

    assertThat(sixth.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.LIMIT);
    assertThat(nextWeek.refusals()).isEmpty();
    Profile ann = c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
    assertThat(ann.identifiers(IdentifierType.ANONYMOUS_ID)).extracting(s -> s.identifier().value())
        .containsExactly("dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-6");
  }

  /** One anonymous id per profile per week: small enough to write the windows out by hand. */
  static IdentityRules oneDevicePerWeek() {
    return IdentityRules.builder()
        .policy(IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(20).withLimit(1, Duration.ofDays(7))).build();
  }

  static final long DAY = 60 * 24;

  @Test
  void ingest_olderEventArrivingLate_doesNotLetASecondDeviceIntoTheWeekItWasLinkedIn() {
    Clientele c = with(oneDevicePerWeek());
    c.ingest(event("e-1", "pageview", 5 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());
    // An old sighting of dev-1 arrives late: its first-seen time moves back ten days, its link does not.
    c.ingest(event("e-0", "pageview", -10 * DAY).identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());

    IngestResult r = c.ingest(event("e-2", "pageview", 7 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-2").build());

    assertThat(r.refusals()).as("dev-1 was linked on day 5, dev-2 would be linked on day 7")
        .extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.LIMIT);
    Profile ann = c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
    IdentifierState dev1 = ann.identifier(id(IdentifierType.ANONYMOUS_ID, "dev-1")).orElseThrow();
    assertThat(dev1.firstSeen()).isEqualTo(Fixtures.at(-10 * DAY));
    assertThat(dev1.linkedAt()).isEqualTo(Fixtures.at(5 * DAY));
  }

  @Test
  void ingest_olderEventArrivingLate_doesNotCrowdAWeekAndBlockLaterDevices() {
    Clientele c = with(oneDevicePerWeek());
    c.ingest(event("e-1", "pageview", 10 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());
    c.ingest(event("e-2", "pageview", 0).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-2").build());
    // dev-1 turns out to have been seen on day 1: first-seen times 0 and 1 share a week, link times 0 and 10 do not.
    c.ingest(event("e-3", "pageview", DAY).identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());

    IngestResult r = c.ingest(event("e-4", "pageview", 20 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-3").build());

    assertThat(r.refusals()).isEmpty();
    assertThat(c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow().identifiers(IdentifierType.ANONYMOUS_ID))
        .extracting(s -> s.identifier().value()).containsExactlyInAnyOrder("dev-1", "dev-2", "dev-3");
  }

  @Test
  void split_givesBackTheTimesIdentifiersWereLinked_notTheOldestSighting() {
    Clientele c = with(oneDevicePerWeek());
    c.ingest(event("e-1", "pageview", 5 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());
    c.ingest(event("e-0", "pageview", -10 * DAY).identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());
    c.ingest(event("e-2", "pageview", 6 * DAY).identifier(IdentifierType.EMAIL, "bob@example.com").build());
    IngestResult glue = c.ingest(event("e-3", "pageview", 9 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.EMAIL, "bob@example.com").build());
    assertThat(glue.mergedProfiles()).hasSize(1);
    Profile merged = c.profile(glue.profile().orElseThrow()).orElseThrow();
    assertThat(merged.identifier(id(IdentifierType.ANONYMOUS_ID, "dev-1")).orElseThrow().linkedAt()).isEqualTo(Fixtures.at(5 * DAY));

    c.split(c.mergeLog(merged.id()).get(0).id(), "two people");

    Profile ann = c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow();
    Profile bob = c.profile(id(IdentifierType.EMAIL, "bob@example.com")).orElseThrow();
    assertThat(ann.id()).isNotEqualTo(bob.id());
    IdentifierState dev1 = ann.identifier(id(IdentifierType.ANONYMOUS_ID, "dev-1")).orElseThrow();
    assertThat(dev1.firstSeen()).isEqualTo(Fixtures.at(-10 * DAY));
    assertThat(dev1.linkedAt()).as("rebuilt from events, relinked at its original time").isEqualTo(Fixtures.at(5 * DAY));
    assertThat(bob.identifier(id(IdentifierType.EMAIL, "bob@example.com")).orElseThrow().linkedAt()).isEqualTo(Fixtures.at(6 * DAY));
  }

  @Test
  void forceMerge_mayExceedAWindow_andLaterLinksAreStillCountedOnLinkTimes() {
    Clientele c = with(oneDevicePerWeek());
    c.ingest(event("e-1", "pageview", 0).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-1").build());
    c.ingest(event("e-2", "pageview", DAY).identifier(IdentifierType.EMAIL, "ann2@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-2").build());

    Profile merged = c.merge(c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow().id(),
        c.profile(id(IdentifierType.EMAIL, "ann2@example.com")).orElseThrow().id(), "same person, confirmed");
    IngestResult third = c.ingest(event("e-3", "pageview", 3 * DAY).identifier(IdentifierType.EMAIL, "ann@example.com")
        .identifier(IdentifierType.ANONYMOUS_ID, "dev-3").build());

    assertThat(merged.identifiers(IdentifierType.ANONYMOUS_ID)).as("an operator's merge overrides the limit").hasSize(2);
    assertThat(third.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.LIMIT);
  }

  @Test
  void ingest_attachOnlyType_attachesButNeverJoinsTwoProfiles() {
    Clientele c = with(IdentityRules.builder().policy(LOYALTY, IdentifierPolicy.attachOnly(40)).build());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.EMAIL, "ann@example.com").identifier(LOYALTY, "card-7").build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.EMAIL, "bob@example.com").build());

    IngestResult r = c.ingest(event("e-3", "login", 2).identifier(IdentifierType.EMAIL, "bob@example.com").identifier(LOYALTY, "card-7").build());

    assertThat(c.profileCount()).isEqualTo(2);
    assertThat(r.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.ATTACH_ONLY);
    assertThat(c.profile(id(IdentifierType.EMAIL, "ann@example.com")).orElseThrow().identifier(id(LOYALTY, "card-7"))).isPresent();
  }

  @Test
  void ingest_mergeCap_refusesTheMergeBeyondIt() {
    Clientele c = with(IdentityRules.builder().maxMergesPerProfile(1).build());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.EMAIL, "a@example.com").build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.PHONE, "+12015550123").build());
    c.ingest(event("e-3", "login", 2).identifier(IdentifierType.PUSH_TOKEN, "tok").build());

    IngestResult first = c.ingest(event("e-4", "login", 3).identifier(IdentifierType.EMAIL, "a@example.com")
        .identifier(IdentifierType.PHONE, "+12015550123").build());
    IngestResult second = c.ingest(event("e-5", "login", 4).identifier(IdentifierType.EMAIL, "a@example.com")
        .identifier(IdentifierType.PUSH_TOKEN, "tok").build());

    assertThat(first.mergedProfiles()).hasSize(1);
    assertThat(second.mergedProfiles()).isEmpty();
    assertThat(second.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.MERGE_CAP);
    assertThat(c.profileCount()).isEqualTo(2);
  }

  @Test
  void ingest_capTightenedBelowAnExistingProfile_stillAppliesItsEvents() {
    Clientele loose = with(IdentityRules.defaults());
    loose.ingest(event("e-1", "login", 0).identifier(IdentifierType.EMAIL, "a@example.com").build());
    loose.ingest(event("e-2", "login", 1).identifier(IdentifierType.PHONE, "+12015550123").build());
    loose.ingest(event("e-3", "login", 2).identifier(IdentifierType.EMAIL, "a@example.com")
        .identifier(IdentifierType.PHONE, "+12015550123").build());
    Clientele strict = Clientele.builder().storage(loose.storage())
        .identityRules(IdentityRules.builder().maxMergesPerProfile(0).build()).build();

    IngestResult r = strict.ingest(event("e-4", "login", 3).identifier(IdentifierType.EMAIL, "a@example.com").build());

    assertThat(r.outcome()).isEqualTo(IngestResult.Outcome.APPLIED);
    assertThat(r.refusals()).isEmpty();
  }

  @Test
  void ingest_identifierCap_refusesAttachmentsBeyondIt() {
    Clientele c = with(IdentityRules.builder().maxIdentifiersPerProfile(2).build());

    IngestResult r = c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1")
        .identifier(IdentifierType.EMAIL, "a@example.com").identifier(IdentifierType.ANONYMOUS_ID, "dev").build());

    assertThat(c.profile(r.profile().orElseThrow()).orElseThrow().identifiers()).hasSize(2);
    assertThat(r.refusals()).extracting(LinkPlan.Refusal::rule).containsExactly(LinkPlan.Rule.IDENTIFIER_CAP);
    assertThat(r.refusals().get(0).identifier().type()).isEqualTo(IdentifierType.ANONYMOUS_ID);
  }

  @Test
  void ingest_withoutLimits_twoCustomerIdsMerge() {
    Clientele c = with(IdentityRules.builder().withoutLimits().build());
    c.ingest(event("e-1", "login", 0).identifier(IdentifierType.CUSTOMER_ID, "c-1").identifier(IdentifierType.EMAIL, "home@example.com").build());
    c.ingest(event("e-2", "login", 1).identifier(IdentifierType.CUSTOMER_ID, "c-2").identifier(IdentifierType.EMAIL, "home@example.com").build());
    assertThat(c.profileCount()).isEqualTo(1);
  }

  /**
   * Random events over a small shared pool of identifiers, at random times over twenty days, in
   * the order generated and in a shuffled order: people collide on purpose, and older events
   * arrive after newer ones.
   */
  @Property(tries = 150)
  void ingest_anyHistoryInAnyOrder_limitsHold_everyIdentifierHasOneOwner_andNoEventIsLost(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 120) int events) {
    Random random = new Random(seed);
    IdentityRules rules = IdentityRules.builder()
        .policy(IdentifierType.EMAIL, IdentifierPolicy.linking(80).withLimit(2))
        .policy(IdentifierType.ANONYMOUS_ID, IdentifierPolicy.linking(10).withLimit(2, Duration.ofDays(7)))
        .build();
    IdentifierType[] types = {IdentifierType.CUSTOMER_ID, IdentifierType.EMAIL, IdentifierType.ANONYMOUS_ID};
    List<Event> all = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      Event.Builder b = event("e-" + i, "pageview", random.nextInt(60 * 24 * 20));
      int n = 1 + random.nextInt(3);
      java.util.Set<Identifier> chosen = new java.util.LinkedHashSet<>();
      for (int k = 0; k < n; k++) {
        IdentifierType t = types[random.nextInt(types.length)];
        String v = t == IdentifierType.EMAIL ? "u" + random.nextInt(6) + "@example.com" : t.name() + "-" + random.nextInt(6);
        chosen.add(Identifier.of(t, v));
      }
      chosen.forEach(b::identifier);
      all.add(b.build());
    }
    List<Event> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, random);
    for (List<Event> order : List.of(all, shuffled)) {
      // The shuffled order also goes through batched ingestion (a staged overlay per 16 events).
      Clientele c = order == all ? with(rules)
          : Clientele.builder().profileIds(Fixtures.sequentialIds()).identityRules(rules).ingestBatchSize(16).build();
      c.ingestAll(order);
      assertLimitsHold(c, rules);

      Map<Identifier, ProfileId> owners = new HashMap<>();
      long[] timelineTotal = {0};
      c.storage().forEachProfile(p -> {
        for (IdentifierState s : p.identifiers()) {
          assertThat(owners.put(s.identifier(), p.id())).as("one owner").isNull();
          assertThat(c.storage().owner(s.identifier())).contains(p.id());
        }
        timelineTotal[0] += c.timeline(p.id(), dev.clientele.core.TimelineQuery.all()).size();
      });
      assertThat(timelineTotal[0]).isEqualTo(c.stats().applied()).isEqualTo(events);
    }
  }

  /**
   * Every profile holds at most {@code limit} values of each limited type, and for a windowed
   * type at most {@code limit} linked within any one window: for each value, count those linked
   * in the window's length up to and including its link time (every window that holds the most
   * values starts or ends at one of them).
   */
  static void assertLimitsHold(Clientele c, IdentityRules rules) {
    c.storage().forEachProfile(p -> {
      Map<IdentifierType, List<IdentifierState>> byType = new HashMap<>();
      p.identifiers().forEach(s -> byType.computeIfAbsent(s.type(), t -> new ArrayList<>()).add(s));
      byType.forEach((type, held) -> {
        IdentifierPolicy policy = rules.policy(type);
        if (policy.limit().isEmpty()) {
          return;
        }
        int limit = policy.limit().getAsInt();
        if (policy.window().isEmpty()) {
          assertThat(held).as("%s on %s", type, p.id()).hasSizeLessThanOrEqualTo(limit);
          return;
        }
        Duration window = policy.window().get();
        for (IdentifierState s : held) {
          long inWindow = held.stream()
              .filter(o -> !o.linkedAt().isAfter(s.linkedAt()) && o.linkedAt().isAfter(s.linkedAt().minus(window)))
              .count();
          assertThat(inWindow).as("%s linked in the %s up to %s on %s", type, window, s.linkedAt(), p.id())
              .isLessThanOrEqualTo(limit);
        }
      });
    });
  }
}
