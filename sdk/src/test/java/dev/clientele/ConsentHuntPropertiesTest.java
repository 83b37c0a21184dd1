package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.AudienceCounts;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Consent, deliverability and CCPA under merges and splits, checked against a brute-force model
 * written from DESIGN.md: per identifier the latest consent and the latest deliverability report
 * (distinct times, so no ties), last seen = the identifier of its type in the latest active event,
 * CCPA = the latest compliance change of any event reaching the profile, reachability under the
 * default policy (unknown consent passes on email and push, not on sms; CCPA blocks every channel).
 */
class ConsentHuntPropertiesTest {

  /** One generated event: whose, what, which variant of the action, which channel, which identifiers (bit mask). */
  record Step(int person, int kind, int variant, int channel, int mask) {}

  /** A history and an ingestion order (a permutation of its indices). */
  record History(List<Step> steps, long seed) {}

  private static final int IDS_PER_PERSON = 7;

  /** Identifier {@code k} (0..6) of person {@code p}: two emails, two phones, two push tokens, a customer id. */
  static Identifier id(int p, int k) {
    return switch (k) {
      case 0 -> Identifier.of(IdentifierType.EMAIL, "p" + p + "a@example.com");
      case 1 -> Identifier.of(IdentifierType.EMAIL, "p" + p + "b@example.com");
      case 2 -> Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+16502531%02d1", p));
      case 3 -> Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+16502531%02d2", p));
      case 4 -> Identifier.of(IdentifierType.PUSH_TOKEN, "tok-" + p + "-a");
      case 5 -> Identifier.of(IdentifierType.PUSH_TOKEN, "tok-" + p + "-b");
      default -> Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
    };
  }

  static Instant time(int index) {
    return Fixtures.at(3L * index + 1);
  }

  /** The event of step {@code i}: at a time of its own, so no two events tie. */
  static Event event(int i, Step s, List<Identifier> ids) {
    String[] types = {"pageview", "login", "consent", "reachability", "compliance", "discovery"};
    String type = types[s.kind()];
    String action = switch (type) {
      case "consent" -> List.of("opt_in", "opt_out", "reset").get(s.variant() % 3);
      case "reachability" -> List.of("hard_bounce", "deliverable", "complaint", "deliverable").get(s.variant() % 4);
      case "compliance" -> s.variant() % 2 == 0 ? "ccpa_opt_out" : "ccpa_opt_in";
      default -> "view";
    };
    Event.Builder b = Event.builder("e-" + i, type, time(i)).action(action);
    ids.forEach(b::identifier);
    if ((type.equals("consent") || type.equals("reachability")) && s.channel() > 0) {
      b.data("channel", List.of("email", "sms", "push").get(s.channel() - 1));
    }
    return b.build();
  }

  static List<Identifier> idsOf(Step s) {
    List<Identifier> out = new ArrayList<>();
    int m = s.mask() % ((1 << IDS_PER_PERSON) - 1) + 1;
    for (int k = 0; k < IDS_PER_PERSON; k++) {
      if ((m & (1 << k)) != 0) {
        out.add(id(s.person(), k));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // The model

  /** What the model says one identifier ends with. */
  record IdModel(Consent consent, boolean deliverable, Instant lastSeen) {}

  /** What the model says about one profile. */
  static final class ProfileModel {
    final Set<Identifier> ids;
    final Map<Identifier, IdModel> states = new HashMap<>();
    boolean ccpaOut;
    final Map<Channel, Boolean> reachable = new TreeMap<>();

    ProfileModel(Set<Identifier> ids) {
      this.ids = ids;
    }
  }

  /**
   * Folds {@code events} (any order; times distinct) into the state of a profile holding exactly
   * {@code ids}: every event carrying one of them reaches it; identifier-level changes apply only
   * to the event's identifiers that are in {@code ids}.
   */
  static ProfileModel model(Set<Identifier> ids, List<Event> events) {
    return model(ids, events, Set.of());
  }

  /**
   * {@link #model(Set, List)} where the events named in {@code elsewhere} are on another profile's
   * timeline (their anchor is there): they do not count as sightings of {@code ids}, but their
   * consent and deliverability changes still do, and of their compliance changes the CCPA
   * opt-out (the restrictive one).
   */
  static ProfileModel model(Set<Identifier> ids, List<Event> events, Set<String> elsewhere) {
    List<Event> mine = new ArrayList<>();
    for (Event e : events) {
      if (e.identifiers().stream().anyMatch(ids::contains)) {
        mine.add(e);
      }
    }
    mine.sort(Comparator.comparing(Event::timestamp));
    ProfileModel m = new ProfileModel(ids);
    Map<Identifier, Consent> consent = new HashMap<>();
    Map<Identifier, Boolean> deliverable = new HashMap<>();
    Map<Identifier, Instant> lastSeen = new HashMap<>();
    boolean ccpaOut = false;
    for (Event e : mine) {
      boolean active = (e.type().equals("pageview") || e.type().equals("login")) && !elsewhere.contains(e.id());
      IdentifierType only = null;
      Object channel = e.data().get("channel");
      if (channel != null) {
        only = Channel.fromKey(channel.toString()).orElseThrow().identifierType();
      }
      for (Identifier i : e.identifiers()) {
        if (!ids.contains(i)) {
          continue;
        }
        if (active) {
          lastSeen.put(i, e.timestamp());
        }
        boolean target = i.type().isMessaging() && (only == null || only.equals(i.type()));
        if (target && e.type().equals("consent")) {
          consent.put(i, switch (e.action()) {
            case "opt_in" -> Consent.OPT_IN;
            case "opt_out" -> Consent.OPT_OUT;
            default -> Consent.UNKNOWN;
          });
        }
        if (target && e.type().equals("reachability")) {
          deliverable.put(i, e.action().equals("deliverable"));
        }
      }
      if (e.type().equals("compliance") && (!elsewhere.contains(e.id()) || e.action().equals("ccpa_opt_out"))) {
        ccpaOut = e.action().equals("ccpa_opt_out");
      }
    }
    m.ccpaOut = ccpaOut;
    for (Identifier i : ids) {
      m.states.put(i, new IdModel(consent.getOrDefault(i, Consent.UNKNOWN), deliverable.getOrDefault(i, true), lastSeen.get(i)));
    }
    for (Channel c : Channel.values()) {
      List<Identifier> candidates = new ArrayList<>();
      for (Identifier i : ids) {
        if (i.type().equals(c.identifierType())) {
          candidates.add(i);
        }
      }
      if (c != Channel.PUSH && !candidates.isEmpty()) {
        // last seen: the latest active sighting; never seen in an active event sorts first; then by value
        Identifier best = Collections.max(candidates, Comparator
            .comparing((Identifier i) -> lastSeen.getOrDefault(i, Instant.MIN))
            .thenComparing(Comparator.naturalOrder()));
        candidates = List.of(best);
      }
      boolean any = false;
      for (Identifier i : candidates) {
        IdModel s = m.states.get(i);
        boolean consentOk = s.consent() == Consent.OPT_IN || (s.consent() == Consent.UNKNOWN && c != Channel.SMS);
        any |= s.deliverable() && consentOk;
      }
      m.reachable.put(c, any && !ccpaOut);
    }
    return m;
  }

  /** The partition of identifiers into profiles that linking every event's identifiers gives (no limit is reached here). */
  static List<Set<Identifier>> partition(List<Event> events) {
    Map<Identifier, Identifier> parent = new HashMap<>();
    for (Event e : events) {
      Identifier first = null;
      for (Identifier i : e.identifiers()) {
        parent.putIfAbsent(i, i);
        if (first == null) {
          first = i;
        } else {
          parent.put(root(parent, i), root(parent, first));
        }
      }
    }
    Map<Identifier, Set<Identifier>> groups = new HashMap<>();
    for (Identifier i : parent.keySet()) {
      groups.computeIfAbsent(root(parent, i), r -> new HashSet<>()).add(i);
    }
    return new ArrayList<>(groups.values());
  }

  private static Identifier root(Map<Identifier, Identifier> parent, Identifier i) {
    while (!parent.get(i).equals(i)) {
      i = parent.get(i);
    }
    return i;
  }

  /** Checks the stored profile holding {@code expected.ids} against the model. */
  static void assertMatches(Clientele c, ProfileModel expected, String context) {
    Profile p = c.profile(expected.ids.iterator().next()).orElseThrow();
    Set<Identifier> held = new HashSet<>();
    p.identifiers().forEach(s -> held.add(s.identifier()));
    assertThat(held).as("identifiers of the profile; %s", context).isEqualTo(expected.ids);
    for (IdentifierState s : p.identifiers()) {
      IdModel m = expected.states.get(s.identifier());
      assertThat(s.consent()).as("consent of %s; %s", s.identifier(), context).isEqualTo(m.consent());
      assertThat(s.deliverability().isDeliverable()).as("deliverable %s; %s", s.identifier(), context).isEqualTo(m.deliverable());
      assertThat(s.lastSeen().orElse(null)).as("last seen %s; %s", s.identifier(), context).isEqualTo(m.lastSeen());
    }
    assertThat(p.isCcpaOptedOut()).as("CCPA opt-out; %s", context).isEqualTo(expected.ccpaOut);
    for (Channel ch : Channel.values()) {
      assertThat(c.reachability(p.id()).on(ch).reachable())
          .as("reachable on %s; %s", ch, context).isEqualTo(expected.reachable.get(ch));
    }
  }

  static String describe(List<Event> events) {
    StringBuilder b = new StringBuilder();
    for (Event e : events) {
      b.append('\n').append(e.id()).append(' ').append(e.timestamp()).append(' ').append(e.type()).append('/').append(e.action())
          .append(' ').append(e.data()).append(' ').append(e.identifiers());
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Property 1: any arrival order, merges included, ends in the model's state; audience counts
  // equal a brute-force recount.

  @Property(tries = 120)
  void anyArrivalOrder_consentDeliverabilityCcpaAndCounts_matchTheModel(@ForAll("histories") History h) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < h.steps().size(); i++) {
      events.add(event(i, h.steps().get(i), idsOf(h.steps().get(i))));
    }
    List<Event> order = new ArrayList<>(events);
    Collections.shuffle(order, new Random(h.seed()));
    String context = "arrival order:" + describe(order);
    try (Clientele c = Fixtures.clientele()) {
      for (Event e : order) {
        assertThat(c.ingest(e).outcome()).as(context).isEqualTo(IngestResult.Outcome.APPLIED);
      }
      List<Set<Identifier>> groups = partition(events);
      assertThat(c.profileCount()).as(context).isEqualTo(groups.size());
      long[] reachable = new long[Channel.values().length];
      long any = 0;
      for (Set<Identifier> g : groups) {
        ProfileModel m = model(g, events);
        assertMatches(c, m, context);
        boolean onAny = false;
        for (Channel ch : Channel.values()) {
          if (m.reachable.get(ch)) {
            reachable[ch.ordinal()]++;
            onAny = true;
          }
        }
        any += onAny ? 1 : 0;
      }
      AudienceCounts counts = c.audience();
      assertThat(counts.total()).as(context).isEqualTo(groups.size());
      assertThat(counts.reachableAny()).as(context).isEqualTo(any);
      for (Channel ch : Channel.values()) {
        assertThat(counts.channels().get(ch).reachable()).as("%s; %s", ch, context).isEqualTo(reachable[ch.ordinal()]);
        assertThat(c.forEachSyncable(ch, p -> { })).as("%s; %s", ch, context).isEqualTo(reachable[ch.ordinal()]);
      }
    }
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 11),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 1 << IDS_PER_PERSON))
        .as(Step::new);
    return Combinators.combine(step.list().ofMinSize(1).ofMaxSize(24), Arbitraries.longs()).as(History::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Property 2: split an automatic merge after more events arrived; each side holds what its own
  // events say, nothing of the other side's.

  /** Side 0: person 0's first email and first phone; side 1: person 0's second email, a push token and the customer id. */
  private static final int[][] SIDES = {{0, 2}, {1, 4, 6}};

  record SplitHistory(List<Step> before, Step link, List<Step> after, long seed) {}

  @Property(tries = 80)
  void splitOfAnAutomaticMerge_eachSideHasOnlyWhatItsOwnEventsSay(@ForAll("splitHistories") SplitHistory h) {
    List<Identifier> side0 = List.of(id(0, 0), id(0, 2));
    List<Identifier> side1 = List.of(id(0, 1), id(0, 4), id(0, 6));
    List<Event> before = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    // Times: a random permutation, so events after the merge may be older than it.
    int total = h.before().size() + 1 + h.after().size() + 2;
    List<Integer> times = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      times.add(i);
    }
    Collections.shuffle(times, new Random(h.seed()));
    int t = 0;
    // Each side exists as one profile first: one event with all its identifiers.
    before.add(event(times.get(t++), new Step(0, 5, 0, 0, 0), side0));
    before.add(event(times.get(t++), new Step(0, 5, 0, 0, 0), side1));
    for (Step s : h.before()) {
      before.add(event(times.get(t++), s, sideIds(s)));
    }
    Event link = event(times.get(t++), h.link(), List.of(id(0, 0), id(0, 6)));
    List<Event> after = new ArrayList<>();
    for (Step s : h.after()) {
      after.add(event(times.get(t++), s, sideIds(s)));
    }
    events.addAll(before);
    events.add(link);
    events.addAll(after);
    String context = "events in arrival order:" + describe(events);
    try (Clientele c = Fixtures.clientele()) {
      for (Event e : before) {
        assertThat(c.ingest(e).outcome()).as(context).isEqualTo(IngestResult.Outcome.APPLIED);
      }
      assertThat(c.profileCount()).as(context).isEqualTo(2);
      c.ingest(link);
      assertThat(c.profileCount()).as(context).isEqualTo(1);
      for (Event e : after) {
        assertThat(c.ingest(e).outcome()).as(context).isEqualTo(IngestResult.Outcome.APPLIED);
      }
      Profile merged = c.profile(id(0, 0)).orElseThrow();
      Set<Identifier> all = new LinkedHashSet<>(side0);
      all.addAll(side1);
      assertMatches(c, model(all, events), "merged; " + context);

      MergeRecord merge = c.mergeLog(merged.id()).stream()
          .filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst().orElseThrow();
      c.split(merge.id(), "property test");
      assertThat(c.profileCount()).as(context).isEqualTo(2);
      // The linking event stays on the timeline of its anchor's side only (StoredEvent): on the
      // other side it is no sighting, but its consent and deliverability facts and a CCPA
      // opt-out still hold.
      Identifier anchor;
      try (var stored = c.storage().allEvents()) {
        anchor = stored.filter(s -> s.event().id().equals(link.id())).findFirst().orElseThrow().anchor();
      }
      Set<String> linkOnly = Set.of(link.id());
      assertMatches(c, model(new HashSet<>(side0), events, side0.contains(anchor) ? Set.of() : linkOnly),
          "side 0 after split; " + context);
      assertMatches(c, model(new HashSet<>(side1), events, side1.contains(anchor) ? Set.of() : linkOnly),
          "side 1 after split; " + context);
      // The ledger and profiles over time see what the split carried over from the linking event too.
      for (Identifier first : List.of(side0.get(0), side1.get(0))) {
        SplitCarryOverPropertiesTest.assertLedgerIsTheStoredConsent(c, c.profile(first).orElseThrow(), context);
      }
      java.time.LocalDate afterAll = java.time.LocalDate.parse("2026-12-31");
      assertThat(c.profilesOverTime(afterAll, afterAll)).as(context)
          .extracting(dev.clientele.analytics.DailyProfileCounts::counts).containsExactly(c.audience());
    }
  }

  /** The identifiers of a step on one side: {@code person} picks the side, {@code mask} a non-empty subset. */
  private static List<Identifier> sideIds(Step s) {
    int[] side = SIDES[s.person()];
    int m = s.mask() % ((1 << side.length) - 1) + 1;
    List<Identifier> out = new ArrayList<>();
    for (int k = 0; k < side.length; k++) {
      if ((m & (1 << k)) != 0) {
        out.add(id(0, side[k]));
      }
    }
    return out;
  }

  @Provide
  Arbitrary<SplitHistory> splitHistories() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 5),
            Arbitraries.integers().between(0, 11),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 7))
        .as(Step::new);
    return Combinators.combine(step.list().ofMaxSize(10), step, step.list().ofMaxSize(10), Arbitraries.longs())
        .as(SplitHistory::new);
  }

  // ---------------------------------------------------------------------------------------------
  // Regression: an opt-out (or CCPA opt-out) in the event that linked two profiles was lost for
  // the side that did not hold the event's anchor when the merge was split.

  @Test
  void split_optOutInTheLinkingEvent_staysOnTheEmailsSide() {
    Identifier email = id(0, 0);
    Identifier customer = id(0, 6);
    try (Clientele c = Fixtures.clientele()) {
      c.ingest(Event.builder("e-1", "pageview", Fixtures.at(1)).identifier(email).build());
      c.ingest(Event.builder("e-2", "pageview", Fixtures.at(2)).identifier(customer).build());
      // One preference-centre event names both: it merges the two and opts the address out.
      c.ingest(Event.builder("e-3", "consent", Fixtures.at(3)).action("opt_out").identifier(email).identifier(customer).build());
      c.ingest(Event.builder("e-4", "compliance", Fixtures.at(4)).action("ccpa_opt_out").identifier(email).identifier(customer).build());
      Profile merged = c.profile(email).orElseThrow();
      assertThat(merged.identifier(email).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
      MergeRecord merge = c.mergeLog(merged.id()).stream()
          .filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst().orElseThrow();

      c.split(merge.id(), "wrong merge");

      Profile emailSide = c.profile(email).orElseThrow();
      assertThat(emailSide.identifiers()).hasSize(1);
      assertThat(emailSide.identifier(email).orElseThrow().consent()).isEqualTo(Consent.OPT_OUT);
      assertThat(emailSide.identifier(email).orElseThrow().consentAt()).contains(Fixtures.at(3));
      assertThat(emailSide.isCcpaOptedOut()).isTrue();
      assertThat(c.reachability(emailSide.id()).on(Channel.EMAIL).reachable()).isFalse();
      assertThat(c.profile(customer).orElseThrow().isCcpaOptedOut()).isTrue();
      assertThat(c.audience().reachableAny()).isZero();
      // The customer-id side's ledger lists no change of the email, which it does not hold.
      assertThat(c.consentHistory(c.profile(customer).orElseThrow().id())).isEmpty();
    }
  }
}
