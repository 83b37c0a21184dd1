package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.identity.SurvivorshipRules.AttributeMerge;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Examples from the late-arrival hunt ({@link LateArrivalHuntPropertiesTest}): each found bug's
 * regression, the consent rules for late events, and attribute strategies under arrival order.
 */
class LateArrivalHuntTest {
  private static final Identifier CID = Fixtures.customerId("c-1");
  private static final Identifier EMAIL = Fixtures.email("ann@example.com");

  private static Profile ingestAll(Clientele c, List<Event> events) {
    events.forEach(e -> assertThat(c.ingest(e).outcome()).isEqualTo(IngestResult.Outcome.APPLIED));
    List<Profile> all = Fixtures.profiles(c);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /**
   * Two observations at the same time from the same source whose values have the same text and
   * class ({@code [1]} and {@code ["1"]}: both an immutable list printing as {@code [1]}) tied in
   * {@link Attribute#OBSERVATION_ORDER}, so the first to arrive was kept: the profile depended on
   * arrival order. The order now ends with the value's typed encoding.
   */
  @Test
  void attributeTie_sameTimeSourceAndText_isDecidedTheSameInBothArrivalOrders() {
    Event number = Fixtures.event("e-1", "identify", 1).identifier(CID).data("tags", List.of(1L)).build();
    Event text = Fixtures.event("e-2", "identify", 1).identifier(CID).data("tags", List.of("1")).build();
    Object first;
    try (Clientele c = Fixtures.clientele()) {
      first = ingestAll(c, List.of(number, text)).attribute("tags").orElseThrow().value();
    }
    try (Clientele c = Fixtures.clientele()) {
      assertThat(ingestAll(c, List.of(text, number)).attribute("tags").orElseThrow().value()).isEqualTo(first);
    }
  }

  /** The same tie resolved by a merge (default: the latest observation wins) is decided the same whichever side holds which. */
  @Test
  void attributeTie_inAMerge_doesNotDependOnWhichProfileSurvives() {
    Event number = Fixtures.event("e-1", "identify", 1).identifier(CID).data("tags", List.of(1L)).build();
    Event text = Fixtures.event("e-2", "identify", 1).identifier(EMAIL).data("tags", List.of("1")).build();
    Event link = Fixtures.event("e-3", "pageview", 2).identifier(CID).identifier(EMAIL).build();
    Object first;
    try (Clientele c = Fixtures.clientele()) {
      first = ingestAll(c, List.of(number, text, link)).attribute("tags").orElseThrow().value();
    }
    try (Clientele c = Fixtures.clientele()) {
      assertThat(ingestAll(c, List.of(text, number, link)).attribute("tags").orElseThrow().value()).isEqualTo(first);
    }
  }

  /**
   * A malformed email is undeliverable "since" the first event that carried it to arrive, not the
   * earliest such event: a late older event left the later time. It is now the earliest.
   */
  @Test
  void malformedSince_isTheEarliestEventCarryingIt_whateverArrivesFirst() {
    Identifier bad = Fixtures.email("no-domain");
    Event early = Fixtures.event("e-1", "pageview", 1).identifier(CID).identifier(bad).build();
    Event late = Fixtures.event("e-2", "pageview", 5).identifier(CID).identifier(bad).build();
    for (List<Event> order : List.of(List.of(early, late), List.of(late, early))) {
      try (Clientele c = Fixtures.clientele()) {
        IdentifierState s = ingestAll(c, order).identifier(bad).orElseThrow();
        assertThat(s.deliverability()).as("arrival %s", order.stream().map(Event::id).toList())
            .isEqualTo(Deliverability.undeliverable(UndeliverableReason.MALFORMED, Fixtures.at(1)));
      }
    }
  }

  /** A late opt-in older than an opt-out does not re-open the address; the ledger keeps both. */
  @Test
  void lateOptIn_olderThanAnOptOut_doesNotReopen() {
    try (Clientele c = Fixtures.clientele()) {
      Profile p = ingestAll(c, List.of(
          Fixtures.event("e-1", "pageview", 0).identifier(CID).identifier(EMAIL).build(),
          Fixtures.event("e-2", "consent", 10).action("opt_out").identifier(EMAIL).build(),
          Fixtures.event("e-3", "consent", 5).action("opt_in").identifier(EMAIL).build(),   // late, older
          Fixtures.event("e-4", "pageview", 3).identifier(EMAIL).build()));                  // late activity
      IdentifierState s = p.identifier(EMAIL).orElseThrow();
      assertThat(s.consent()).isEqualTo(Consent.OPT_OUT);
      assertThat(s.consentAt()).contains(Fixtures.at(10));
      assertThat(c.reachability(p.id()).channels().get(Channel.EMAIL).reachable()).isFalse();
      assertThat(c.consentHistory(p.id())).extracting(x -> x.eventId()).containsExactly("e-3", "e-2");
    }
  }

  /** An opt-in and an opt-out at the same instant: the opt-out wins in both arrival orders. */
  @Test
  void optInAndOptOut_atTheSameInstant_optOutWinsEitherWay() {
    Event in = Fixtures.event("e-2", "consent", 10).action("opt_in").identifier(EMAIL).build();
    Event out = Fixtures.event("e-3", "consent", 10).action("opt_out").identifier(EMAIL).build();
    Event seen = Fixtures.event("e-1", "pageview", 0).identifier(CID).identifier(EMAIL).build();
    for (List<Event> order : List.of(List.of(seen, in, out), List.of(seen, out, in))) {
      try (Clientele c = Fixtures.clientele()) {
        assertThat(ingestAll(c, order).identifier(EMAIL).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
      }
    }
  }

  /**
   * "The surviving id is that of the most recently updated profile": updated by event time
   * ({@link Profile#updatedAt}: the latest event applied), not by arrival. The profile whose
   * events are latest survives even though the other one was written last, and a late linking
   * event older than both changes neither choice.
   */
  @Test
  void survivor_isTheProfileWithTheLatestEventTime_notTheLastWritten() {
    try (Clientele c = Fixtures.clientele()) {
      IngestResult first = c.ingest(Fixtures.event("e-1", "pageview", 100).identifier(CID).build());
      IngestResult second = c.ingest(Fixtures.event("e-2", "pageview", 5).identifier(EMAIL).build());
      IngestResult link = c.ingest(Fixtures.event("e-3", "pageview", 1).identifier(CID).identifier(EMAIL).build());
      assertThat(link.mergedProfiles()).containsExactly(second.profile().orElseThrow());
      Profile p = c.profile(link.profile().orElseThrow()).orElseThrow();
      assertThat(p.id()).isEqualTo(first.profile().orElseThrow());
      assertThat(p.createdAt()).isEqualTo(Fixtures.at(1));
      assertThat(p.updatedAt()).isEqualTo(Fixtures.at(100));
      assertThat(Fixtures.timelineIds(c, p.id())).containsExactly("e-3", "e-2", "e-1");
    }
  }

  /**
   * Was an open bug: with an attribute strategy other than {@link AttributeMerge#LATEST}, ingestion
   * kept the latest observation within one profile and applied the strategy only when profiles
   * merged. So under {@link AttributeMerge#OLDEST}, city A@1 and C@3 on one profile and B@2 on
   * another merged to B, while the same events after the link gave C, and neither is the oldest
   * observation, A. OLDEST and FIRST_NON_EMPTY now decide among one profile's observations as a
   * merge does, so both orders give A.
   */
  @Test
  void oldestStrategy_mergedValue_doesNotDependOnArrivalOrder() {
    SurvivorshipRules oldest = SurvivorshipRules.builder().defaultAttributeMerge(AttributeMerge.OLDEST).build();
    Identifier email = Fixtures.email("x@example.com");
    Event a = Fixtures.event("e-1", "identify", 1).identifier(CID).data(Map.of("city", "A")).build();
    Event c3 = Fixtures.event("e-3", "identify", 3).identifier(CID).data(Map.of("city", "C")).build();
    Event b = Fixtures.event("e-2", "identify", 2).identifier(email).data(Map.of("city", "B")).build();
    Event link = Fixtures.event("e-4", "pageview", 4).identifier(CID).identifier(email).build();
    String[] cities = new String[2];
    List<List<Event>> orders = List.of(List.of(a, c3, b, link), List.of(link, a, b, c3));
    for (int i = 0; i < 2; i++) {
      try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds())
          .identityRules(IdentityRules.builder().withoutLimits().survivorship(oldest).build()).build()) {
        cities[i] = ingestAll(c, orders.get(i)).attribute("city").orElseThrow().text();
      }
    }
    assertThat(cities).containsExactly("A", "A");
  }

  /**
   * FIRST_NON_EMPTY keeps the earliest observation with a value: an empty value observed first
   * gives way to a later known one, and a later known one never replaces an earlier known one,
   * whichever order the events arrive in and whether or not a merge brings them together.
   */
  @Test
  void firstNonEmptyStrategy_keepsTheEarliestKnownValue_inAnyArrivalOrder() {
    SurvivorshipRules firstKnown = SurvivorshipRules.builder().attribute("city", AttributeMerge.FIRST_NON_EMPTY).build();
    Identifier email = Fixtures.email("x@example.com");
    Event empty = Fixtures.event("e-1", "identify", 1).identifier(CID).data(Map.of("city", "")).build();
    Event b = Fixtures.event("e-2", "identify", 2).identifier(email).data(Map.of("city", "B")).build();
    Event c3 = Fixtures.event("e-3", "identify", 3).identifier(CID).data(Map.of("city", "C", "plan", "gold")).build();
    Event link = Fixtures.event("e-4", "pageview", 4).identifier(CID).identifier(email).build();
    Event plan = Fixtures.event("e-5", "identify", 5).identifier(CID).data(Map.of("plan", "silver")).build();
    for (List<Event> order : List.of(List.of(empty, b, c3, link, plan), List.of(link, plan, c3, b, empty), List.of(c3, empty, link, b, plan))) {
      try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds())
          .identityRules(IdentityRules.builder().withoutLimits().survivorship(firstKnown).build()).build()) {
        Profile p = ingestAll(c, order);
        assertThat(p.attribute("city").orElseThrow().text()).as("city, order %s", order).isEqualTo("B");
        assertThat(p.attribute("plan").orElseThrow().text()).as("plan keeps LATEST, order %s", order).isEqualTo("silver");
      }
    }
  }

  /**
   * OLDEST (the default here) and FIRST_NON_EMPTY (for {@code nick}) give the same merged profile
   * in all 24 arrival orders of four events, and the same two sides when the merge is split: a
   * split rebuilds each side by replaying its events under the same preferences. {@code
   * last_device} stays the latest device whatever the default.
   */
  @Test
  void oldestAndFirstNonEmpty_mergeThenSplit_sameInEveryArrivalOrder() {
    SurvivorshipRules rules = SurvivorshipRules.builder().defaultAttributeMerge(AttributeMerge.OLDEST)
        .attribute("nick", AttributeMerge.FIRST_NON_EMPTY).build();
    Identifier email = Fixtures.email("x@example.com");
    Identifier other = Fixtures.email("y@example.com");
    Event e1 = Fixtures.event("e-1", "identify", 1).identifier(CID).identifier(other)
        .data(Map.of("city", "A", "device", "ios", "nick", "")).build();
    Event e2 = Fixtures.event("e-2", "identify", 2).identifier(email).data(Map.of("city", "B", "device", "android", "nick", "bee")).build();
    Event e3 = Fixtures.event("e-3", "identify", 3).identifier(CID).data(Map.of("city", "C", "device", "web", "nick", "cee")).build();
    Event link = Fixtures.event("e-4", "pageview", 4).identifier(CID).identifier(email).build();
    int splits = 0;
    for (List<Event> order : permutations(List.of(e1, e2, e3, link))) {
      try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds())
          .identityRules(IdentityRules.builder().withoutLimits().survivorship(rules).build()).build()) {
        Profile merged = ingestAll(c, order);
        assertThat(cityDeviceNick(merged)).as("merged, order %s", ids(order)).isEqualTo("A/web/bee");
        java.util.Optional<dev.clientele.core.spi.MergeRecord> merge = c.mergeLog(merged.id()).stream()
            .filter(m -> m.kind() == dev.clientele.core.spi.MergeRecord.Kind.MERGE).findFirst();
        if (merge.isEmpty()) {
          continue; // the link came first: one profile all along, nothing to split
        }
        splits++;
        c.split(merge.get().id(), "wrong merge");
        assertThat(cityDeviceNick(c.profile(CID).orElseThrow())).as("customer side, order %s", ids(order)).isEqualTo("A/web/cee");
        assertThat(cityDeviceNick(c.profile(email).orElseThrow())).as("email side, order %s", ids(order)).isEqualTo("B/android/bee");
      }
    }
    assertThat(splits).as("orders with a merge to split").isPositive();
  }

  private static String cityDeviceNick(Profile p) {
    return p.attribute("city").orElseThrow().text() + "/" + p.attribute(Attribute.LAST_DEVICE).orElseThrow().text() + "/"
        + p.attribute("nick").orElseThrow().text();
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().map(Event::id).toList();
  }

  private static List<List<Event>> permutations(List<Event> events) {
    if (events.isEmpty()) {
      return List.of(List.of());
    }
    List<List<Event>> out = new java.util.ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      List<Event> rest = new java.util.ArrayList<>(events);
      Event first = rest.remove(i);
      for (List<Event> tail : permutations(rest)) {
        List<Event> one = new java.util.ArrayList<>();
        one.add(first);
        one.addAll(tail);
        out.add(one);
      }
    }
    return out;
  }
}
