package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.consent.ChannelReachability;
import dev.clientele.consent.ConsentChange;
import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.identity.IdentityRules;
import dev.clientele.identity.SurvivorshipRules;
import dev.clientele.identity.SurvivorshipRules.AttributeMerge;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hunt: late, out-of-order events and equal timestamps (DESIGN "Identity resolution", "Consent
 * and reachability"; README "Identity resolution and arrival order").
 *
 * <p>Histories of one to three people whose events come at only six distinct times (so many
 * events share a timestamp) and from two sources, ingested in two random arrival orders, each by
 * an {@code ingest} loop, by {@code ingestAll} (batch size 1, the in-memory default) and by
 * {@code ingestAll} with batches of three. Every run must end in the state of an independent
 * model written here from the documented rules: times widen by min/max; attributes: the latest
 * observation wins, ties by the greater source then the greater value text; identifier source:
 * the earliest sighting's, ties by the lesser source; consent: the latest change, ties to the most
 * restrictive; deliverability: the latest report, ties to undeliverable then the greater reason,
 * malformed for good from the earliest event carrying the value; lists: the latest change, ties
 * to unsubscribe; CCPA: latest opt-out and opt-in, opt-out wins ties; orders with a total above
 * zero; timeline by time then event id. What the model leaves open (the value among observations
 * that tie on time, source and text) must at least agree between all runs, as must the derived
 * reads: reachability, the consent ledger, activity status.
 *
 * <p>The first property has no merges (every event carries its person's customer id); the
 * second lets events carry any subset of a person's identifiers, so profiles merge in an order
 * that depends on arrival, and checks the same model per connected component (default
 * survivorship: the latest observation wins on both sides of a merge).
 */
class LateArrivalHuntPropertiesTest {
  /** Six times: three within two minutes (ties; the first is drawn most often), then days apart (activity windows). */
  private static final long[] MINUTES = {0, 1, 2, 3 * 1440, 10 * 1440, 40 * 1440};
  private static final String[] SOURCES = {"a", "b"};
  private static final String[] NAMES = {"Ann", "Bob", ""};
  private static final String[] CONSENT = {"opt_in", "opt_out", "reset"};
  private static final String[] REACH = {"hard_bounce", "complaint", "deliverable", "invalid"};
  /** The optional identifiers of a person, chosen per event by a bit mask; bit 3 is a malformed email. */
  private static final int OPTIONAL = 4;

  /** One generated event. */
  record Spec(int person, int mask, int time, int kind, int value, int source) {}

  /** A history and two arrival orders of it. */
  record History(int people, boolean linkAll, List<Event> events, List<Event> orderA, List<Event> orderB) {
    @Override
    public String toString() {
      return people + " people, linkAll=" + linkAll + ", events " + events.stream().map(History::show).toList()
          + ", A " + orderA.stream().map(Event::id).toList() + ", B " + orderB.stream().map(Event::id).toList();
    }

    static String show(Event e) {
      return e.id() + "@" + e.timestamp().getEpochSecond() % 100_000 + "/" + e.source() + ":" + e.type() + "/" + e.action()
          + e.identifiers().stream().map(i -> i.type() + "=" + i.value()).toList() + e.data();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<History> unlinked() {
    return histories(true, true);
  }

  @Provide
  Arbitrary<History> linking() {
    return histories(false, false);
  }

  private static Arbitrary<History> histories(boolean linkAll, boolean malformed) {
    return Arbitraries.integers().between(1, 3).flatMap(people -> {
      Arbitrary<Spec> spec = Combinators.combine(
              Arbitraries.integers().between(0, people - 1),
              Arbitraries.integers().between(0, 15),
              // Mostly the first instant, so that many events tie on time.
              Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(1, 2), Tuple.of(1, 3), Tuple.of(1, 4), Tuple.of(1, 5)),
              // identify (2) three times as often as each other kind: its observations tie most.
              Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(1, 1), Tuple.of(3, 2), Tuple.of(1, 3), Tuple.of(1, 4),
                  Tuple.of(1, 5), Tuple.of(1, 6), Tuple.of(1, 7), Tuple.of(1, 8)),
              Arbitraries.integers().between(0, 11),
              Arbitraries.integers().between(0, 1))
          .as(Spec::new);
      return Combinators.combine(spec.list().ofMinSize(1).ofMaxSize(18), Arbitraries.of(true, false)).flatAs((specs, dup) -> {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
          Optional<Event> e = event(i, specs.get(i), linkAll, malformed);
          e.ifPresent(events::add);
        }
        if (events.isEmpty()) {
          events.add(event(0, new Spec(0, 0, 0, 0, 0, 0), true, false).orElseThrow());
        }
        List<Event> withDuplicate = new ArrayList<>(events);
        if (dup) {
          withDuplicate.add(events.get(0)); // the same event delivered twice: counted, not applied again
        }
        return Combinators.combine(Arbitraries.shuffle(withDuplicate), Arbitraries.shuffle(withDuplicate))
            .as((a, b) -> new History(people, linkAll, events, a, b));
      });
    });
  }

  private static Identifier cid(int p) {
    return Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
  }

  private static List<Identifier> optional(int p, boolean malformed) {
    List<Identifier> out = new ArrayList<>(List.of(
        Identifier.of(IdentifierType.EMAIL, "p" + p + "@example.com"),
        Identifier.of(IdentifierType.PHONE, "+1650253000" + p),
        Identifier.of(IdentifierType.PUSH_TOKEN, "tok-" + p)));
    out.add(malformed ? Identifier.of(IdentifierType.EMAIL, "bad-" + p) : Identifier.of(IdentifierType.ANONYMOUS_ID, "a-" + p));
    return out;
  }

  /** The event of a spec, or empty when it would carry no identifier. */
  private static Optional<Event> event(int index, Spec s, boolean linkAll, boolean malformed) {
    List<Identifier> ids = new ArrayList<>();
    if (linkAll || (s.mask() & 16) != 0 || s.mask() == 0) {
      ids.add(cid(s.person()));
    }
    List<Identifier> opt = optional(s.person(), malformed);
    for (int i = 0; i < OPTIONAL; i++) {
      if ((s.mask() & (1 << i)) != 0) {
        ids.add(opt.get(i));
      }
    }
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    // Time 0 comes in two flavours a nanosecond apart (the same second: Profile's second-granular
    // time bound must still order them).
    Instant at = Fixtures.T0.plusSeconds(60 * MINUTES[s.time()]).plusNanos(s.time() == 0 && s.value() % 5 == 4 ? 1 : 0);
    int v = s.value();
    String type;
    String action = null;
    Map<String, Object> data = new LinkedHashMap<>();
    switch (s.kind()) {
      case 0 -> {
        type = "pageview";
        data.put("device", "d" + v % 3);
      }
      case 1 -> type = "login";
      case 2 -> {
        type = "identify";
        data.put("first_name", NAMES[v % NAMES.length]);
        data.put("score", (long) (v % 4));
        // [1] and ["1"]: the same text, the same list class, different values.
        data.put("tags", v % 2 == 0 ? List.of(1L) : List.of("1"));
      }
      case 3 -> {
        type = "order";
        data.put("total", (long) (v % 4) * 5);
        data.put("order_id", "o-" + index);
      }
      case 4 -> {
        type = "consent";
        action = CONSENT[v % 3];
        int channel = (v / 3) % 3;
        if (channel == 1) {
          data.put("channel", "email");
        } else if (channel == 2) {
          data.put("channel", "sms");
        }
      }
      case 5 -> {
        type = "reachability";
        action = REACH[v % 4];
      }
      case 6 -> {
        type = "list";
        action = v % 2 == 0 ? "subscribe" : "unsubscribe";
        data.put("list", "news");
      }
      case 7 -> {
        type = "compliance";
        action = v % 2 == 0 ? "ccpa_opt_out" : "ccpa_opt_in";
      }
      default -> {
        type = "campaign";
        action = "sent";
      }
    }
    Event.Builder b = Event.builder(String.format(Locale.ROOT, "e-%02d", index), type, at).source(SOURCES[s.source()]);
    if (action != null) {
      b.action(action);
    }
    ids.forEach(b::identifier);
    data.forEach(b::data);
    return Optional.of(b.build());
  }

  // ---------------------------------------------------------------------------------------------
  // The model

  private static boolean active(Event e) {
    return !Set.of("consent", "reachability", "list", "compliance", "discovery").contains(e.type())
        && !(e.type().equals("campaign") && e.action().equals("sent"));
  }

  /** The profile a component of identifiers should end as, from its events alone. */
  record Expected(
      long eventCount,
      Instant createdAt,
      Instant updatedAt,
      Optional<Instant> firstActive,
      Optional<Instant> lastActive,
      Map<Identifier, IdentifierState> identifiers,
      Map<String, List<Attribute>> attributeCandidates,
      SortedMap<String, ListSubscription> lists,
      Optional<Instant> ccpaOut,
      Optional<Instant> ccpaIn,
      OrderSummary orders,
      List<String> timeline) {}

  private static Comparator<Instant> instants() {
    return Comparator.naturalOrder();
  }

  private static Expected model(List<Event> events, AttributeMerge merge) {
    Instant created = events.stream().map(Event::timestamp).min(instants()).orElseThrow();
    Instant updated = events.stream().map(Event::timestamp).max(instants()).orElseThrow();
    Optional<Instant> firstActive = events.stream().filter(LateArrivalHuntPropertiesTest::active).map(Event::timestamp).min(instants());
    Optional<Instant> lastActive = events.stream().filter(LateArrivalHuntPropertiesTest::active).map(Event::timestamp).max(instants());

    Map<Identifier, IdentifierState> ids = new HashMap<>();
    Set<Identifier> all = new HashSet<>();
    events.forEach(e -> all.addAll(e.identifiers()));
    for (Identifier id : all) {
      List<Event> carrying = events.stream().filter(e -> e.identifiers().contains(id)).toList();
      Instant first = carrying.stream().map(Event::timestamp).min(instants()).orElseThrow();
      String source = carrying.stream().filter(e -> e.timestamp().equals(first)).map(Event::source).min(Comparator.naturalOrder()).orElseThrow();
      Optional<Instant> last = carrying.stream().filter(LateArrivalHuntPropertiesTest::active).map(Event::timestamp).max(instants());
      // Consent: the latest change; on equal times the most restrictive (OPT_OUT > UNKNOWN > OPT_IN).
      Consent consent = Consent.UNKNOWN;
      Optional<Instant> consentAt = Optional.empty();
      Deliverability deliverability = Deliverability.DELIVERABLE;
      boolean malformed = id.type().equals(IdentifierType.EMAIL) && !id.value().contains("@");
      for (Event e : carrying) {
        if (e.type().equals("consent") && targets(e, id)) {
          Consent c = switch (e.action()) {
            case "opt_in" -> Consent.OPT_IN;
            case "opt_out" -> Consent.OPT_OUT;
            default -> Consent.UNKNOWN;
          };
          Instant at = e.timestamp();
          if (consentAt.isEmpty() || at.isAfter(consentAt.get())
              || (at.equals(consentAt.get()) && restrictiveness(c) > restrictiveness(consent))) {
            consent = c;
            consentAt = Optional.of(at);
          }
        }
        if (!malformed && e.type().equals("reachability") && targets(e, id)) {
          Optional<UndeliverableReason> reason = switch (e.action()) {
            case "hard_bounce" -> Optional.of(UndeliverableReason.HARD_BOUNCE);
            case "complaint" -> Optional.of(UndeliverableReason.COMPLAINT);
            case "invalid" -> Optional.of(UndeliverableReason.INVALID);
            default -> Optional.empty();
          };
          Deliverability d = reason.map(r -> Deliverability.undeliverable(r, e.timestamp()))
              .orElse(Deliverability.deliverableSince(e.timestamp()));
          if (reportOrder(d, deliverability) > 0) {
            deliverability = d;
          }
        }
      }
      if (malformed) {
        deliverability = Deliverability.undeliverable(UndeliverableReason.MALFORMED, first);
      }
      ids.put(id, new IdentifierState(id, first, last, source, deliverability, consent, consentAt));
    }

    Map<String, List<Attribute>> attributes = new TreeMap<>();
    for (Event e : events) {
      List<Attribute> seen = new ArrayList<>();
      if (e.type().equals("identify")) {
        e.data().forEach((k, v) -> seen.add(new Attribute(k, v, e.source(), e.timestamp())));
      }
      if (e.data().get("device") instanceof String d) {
        seen.add(new Attribute(Attribute.LAST_DEVICE, d, e.source(), e.timestamp()));
      }
      for (Attribute a : seen) {
        attributes.computeIfAbsent(a.name(), n -> new ArrayList<>()).add(a);
      }
    }
    // Keep only the observations that tie for the win on time, source and value text: the latest
    // (LATEST; SUM and UNION combine only different profiles' values, so without a merge, and for
    // the observations of one profile, the latest too), the earliest (OLDEST), or the earliest
    // of those with a value, if any (FIRST_NON_EMPTY).
    Comparator<Attribute> later = Comparator.comparing(Attribute::updatedAt).thenComparing(Attribute::source)
        .thenComparing(a -> String.valueOf(a.value()));
    // last_device is always the latest device (the default strategy does not apply to it).
    Comparator<Attribute> wins = switch (merge) {
      case OLDEST -> later.reversed();
      case FIRST_NON_EMPTY -> Comparator.comparing(Attribute::isKnown).thenComparing(later.reversed());
      case LATEST, SUM, UNION -> later;
    };
    attributes.replaceAll((name, list) -> {
      Comparator<Attribute> order = name.equals(Attribute.LAST_DEVICE) ? later : wins;
      Attribute best = list.stream().max(order).orElseThrow();
      return list.stream().filter(a -> order.compare(a, best) == 0).distinct().toList();
    });

    SortedMap<String, ListSubscription> lists = new TreeMap<>();
    List<Event> listEvents = events.stream().filter(e -> e.type().equals("list")).toList();
    if (!listEvents.isEmpty()) {
      Optional<Instant> sub = listEvents.stream().filter(e -> e.action().equals("subscribe")).map(Event::timestamp).max(instants());
      Optional<Instant> unsub = listEvents.stream().filter(e -> e.action().equals("unsubscribe")).map(Event::timestamp).max(instants());
      boolean subscribed = sub.isPresent() && (unsub.isEmpty() || sub.get().isAfter(unsub.get()));
      lists.put("news", new ListSubscription("news", subscribed, sub, unsub));
    }
    Optional<Instant> ccpaOut = events.stream().filter(e -> e.is("compliance", "ccpa_opt_out")).map(Event::timestamp).max(instants());
    Optional<Instant> ccpaIn = events.stream().filter(e -> e.is("compliance", "ccpa_opt_in")).map(Event::timestamp).max(instants());

    List<Event> orders = events.stream()
        .filter(e -> e.type().equals("order") && ((Long) e.data().get("total")) > 0).toList();
    OrderSummary summary = orders.isEmpty() ? OrderSummary.NONE : new OrderSummary(
        orders.size(),
        orders.stream().map(e -> BigDecimal.valueOf((Long) e.data().get("total"))).reduce(BigDecimal.ZERO, BigDecimal::add),
        orders.stream().map(Event::timestamp).min(instants()),
        orders.stream().map(Event::timestamp).max(instants()));

    List<String> timeline = events.stream()
        .sorted(Comparator.comparing(Event::timestamp).thenComparing(Event::id)).map(Event::id).toList();
    return new Expected(events.size(), created, updated, firstActive, lastActive, ids, attributes, lists, ccpaOut, ccpaIn,
        summary, timeline);
  }

  /** Whether a consent or reachability event applies to {@code id} (its channel, if named). */
  private static boolean targets(Event e, Identifier id) {
    if (!id.type().isMessaging()) {
      return false;
    }
    Object channel = e.data().get("channel");
    return channel == null
        || (channel.equals("email") && id.type().equals(IdentifierType.EMAIL))
        || (channel.equals("sms") && id.type().equals(IdentifierType.PHONE));
  }

  private static int restrictiveness(Consent c) {
    return switch (c) {
      case OPT_IN -> 0;
      case UNKNOWN -> 1;
      case OPT_OUT -> 2;
    };
  }

  /** Positive when report {@code a} replaces {@code b}: later, or as late and undeliverable over deliverable, then the greater reason. */
  private static int reportOrder(Deliverability a, Deliverability b) {
    if (b.since().isEmpty()) {
      return 1;
    }
    int byTime = a.since().get().compareTo(b.since().get());
    if (byTime != 0) {
      return byTime;
    }
    if (a.reason().isEmpty()) {
      return -1; // a deliverable report never wins a tie
    }
    return b.reason().isEmpty() ? 1 : a.reason().get().compareTo(b.reason().get());
  }

  // ---------------------------------------------------------------------------------------------
  // Running and comparing

  /** What one run ends in, per component (keyed by the sorted identifiers), with the reads. */
  record Outcome(
      Set<Identifier> identifiers,
      Profile profile,
      List<String> timeline,
      Map<Channel, ChannelReachability> reachability,
      List<ConsentChange> ledger,
      List<ActivityStatus> statuses) {}

  private static final List<LocalDate> DAYS = List.of(0, 2, 5, 12, 45, 120).stream()
      .map(d -> LocalDate.ofInstant(Fixtures.T0, ZoneOffset.UTC).plusDays(d)).toList();

  /** One run's profiles by component, and the store-wide reads. */
  record Run(Map<Set<Identifier>, Outcome> profiles, List<Object> storeReads) {}

  private static Run run(List<Event> order, int batch, boolean loop, AttributeMerge merge, boolean limits, long distinct) {
    IdentityRules.Builder rules = IdentityRules.builder();
    if (!limits) {
      rules.withoutLimits();
    }
    Clientele.Builder b = Clientele.builder().profileIds(Fixtures.sequentialIds())
        .identityRules(rules.survivorship(SurvivorshipRules.builder().defaultAttributeMerge(merge).build()).build());
    if (batch > 1) {
      b.ingestBatchSize(batch);
    }
    try (Clientele c = b.build()) {
      if (loop) {
        for (Event e : order) {
          assertThat(c.ingest(e).outcome()).as("outcome of %s", e.id())
              .isIn(IngestResult.Outcome.APPLIED, IngestResult.Outcome.DUPLICATE);
        }
      } else {
        c.ingestAll(order);
      }
      assertThat(c.stats().applied()).as("applied").isEqualTo(distinct);
      Map<Set<Identifier>, Outcome> out = new HashMap<>();
      for (Profile p : Fixtures.profiles(c)) {
        Set<Identifier> ids = Fixtures.identifiersOf(p);
        List<ActivityStatus> statuses = DAYS.stream().map(d -> c.activityStatus(p.id(), d)).toList();
        out.put(ids, new Outcome(ids, p, Fixtures.timelineIds(c, p.id()), c.reachability(p.id()).channels(),
            c.consentHistory(p.id()), statuses));
      }
      List<Object> store = new ArrayList<>();
      for (LocalDate d : DAYS) {
        store.add(c.mau(d));
        store.add(c.activityStatus(d));
        store.add(c.engagementCounts(d));
      }
      store.add(c.audience());
      store.add(c.profilesOverTime(DAYS.get(0), DAYS.get(DAYS.size() - 1)));
      return new Run(out, store);
    }
  }

  /**
   * The parts of a profile that must not depend on arrival order: all but the id, the version
   * (commits), the link times and merged-from (how many merges it took depends on arrival).
   */
  private static List<Object> content(Outcome o, boolean attributes) {
    Profile p = o.profile();
    List<IdentifierState> ids = p.identifiers().stream().map(s -> s.withLinkedAt(s.firstSeen())).toList();
    return List.of(ids, attributes ? p.attributes() : p.attributes().keySet(), p.createdAt(), p.updatedAt(), p.firstActive(), p.lastActive(), p.lists(), p.tags(),
        p.orders(), p.ccpaOptOutAt(), p.ccpaOptInAt(), p.eventCount(), o.timeline(), o.reachability(),
        o.ledger(), o.statuses());
  }

  /** Connected components of the events' identifiers, with their events. */
  private static Map<Set<Identifier>, List<Event>> components(List<Event> events) {
    Map<Identifier, Set<Identifier>> block = new HashMap<>();
    for (Event e : events) {
      Set<Identifier> merged = new HashSet<>();
      for (Identifier id : e.identifiers()) {
        merged.addAll(block.getOrDefault(id, Set.of(id)));
      }
      for (Identifier id : merged) {
        block.put(id, merged);
      }
    }
    Map<Set<Identifier>, List<Event>> out = new HashMap<>();
    for (Set<Identifier> comp : new HashSet<>(block.values())) {
      out.put(Set.copyOf(comp), events.stream().filter(e -> comp.contains(e.identifiers().get(0))).toList());
    }
    return out;
  }

  private static void assertModel(Outcome o, Expected x, String run, boolean attributes) {
    Profile p = o.profile();
    String ctx = run + " " + p.id();
    assertThat(p.eventCount()).as("%s eventCount", ctx).isEqualTo(x.eventCount());
    assertThat(p.createdAt()).as("%s createdAt", ctx).isEqualTo(x.createdAt());
    assertThat(p.updatedAt()).as("%s updatedAt", ctx).isEqualTo(x.updatedAt());
    assertThat(p.firstActive()).as("%s firstActive", ctx).isEqualTo(x.firstActive());
    assertThat(p.lastActive()).as("%s lastActive", ctx).isEqualTo(x.lastActive());
    Map<Identifier, IdentifierState> actual = p.identifiers().stream()
        .collect(Collectors.toMap(IdentifierState::identifier, s -> s.withLinkedAt(s.firstSeen())));
    assertThat(actual).as("%s identifiers", ctx).isEqualTo(x.identifiers());
    assertThat(p.attributes().keySet()).as("%s attribute names", ctx).isEqualTo(x.attributeCandidates().keySet());
    if (attributes) {
      x.attributeCandidates().forEach((name, candidates) ->
          assertThat(p.attribute(name).orElseThrow()).as("%s attribute %s", ctx, name).isIn(candidates));
    }
    assertThat(p.lists()).as("%s lists", ctx).isEqualTo(x.lists());
    assertThat(p.ccpaOptOutAt()).as("%s ccpa out", ctx).isEqualTo(x.ccpaOut());
    assertThat(p.ccpaOptInAt()).as("%s ccpa in", ctx).isEqualTo(x.ccpaIn());
    assertThat(p.orders()).as("%s orders", ctx).isEqualTo(x.orders());
    assertThat(o.timeline()).as("%s timeline", ctx).isEqualTo(x.timeline());
  }

  /**
   * Runs {@code h} five ways (both orders by an {@code ingest} loop and by {@code ingestAll}, and
   * order B in batches of three) and checks each against the model and the first run. With
   * {@code attributes} false the attributes are left out (see the open bug in
   * {@link LateArrivalHuntTest}).
   */
  private static void check(History h, AttributeMerge merge, boolean limits, boolean attributes) {
    Map<Set<Identifier>, List<Event>> comps = components(h.events());
    long distinct = h.events().size();
    List<Run> runs = List.of(
        run(h.orderA(), 1, true, merge, limits, distinct),
        run(h.orderA(), 1, false, merge, limits, distinct),
        run(h.orderB(), 1, true, merge, limits, distinct),
        run(h.orderB(), 1, false, merge, limits, distinct),
        run(h.orderB(), 3, false, merge, limits, distinct));
    List<String> names = List.of("A ingest", "A ingestAll", "B ingest", "B ingestAll", "B ingestAll batch 3");
    for (int r = 0; r < runs.size(); r++) {
      Map<Set<Identifier>, Outcome> run = runs.get(r).profiles();
      assertThat(run.keySet()).as("%s partition", names.get(r)).isEqualTo(comps.keySet());
      for (Map.Entry<Set<Identifier>, Outcome> e : run.entrySet()) {
        assertModel(e.getValue(), model(comps.get(e.getKey()), merge), names.get(r), attributes);
        List<Object> mine = content(e.getValue(), attributes);
        assertThat(mine).as("%s vs %s", names.get(r), names.get(0))
            .isEqualTo(content(runs.get(0).profiles().get(e.getKey()), attributes));
      }
      assertThat(runs.get(r).storeReads()).as("%s store reads vs %s", names.get(r), names.get(0))
          .isEqualTo(runs.get(0).storeReads());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  /**
   * Without merges, any arrival order and either ingestion path ends in the model's profile, and
   * every read agrees between them, whatever attribute strategy is configured (OLDEST and
   * FIRST_NON_EMPTY decide among one profile's observations too; the others keep the latest one
   * there) and with the default identity rules as
   * well as without limits (one customer id, two emails, one phone and one push token per person
   * stay within every default limit).
   */
  @Property(tries = 150)
  void withoutMerges_anyArrivalOrderAndPath_endsInTheModel(
      @ForAll("unlinked") History h, @ForAll AttributeMerge merge, @ForAll boolean limits) {
    check(h, merge, limits, true);
  }

  /**
   * With merges in an order that depends on arrival (default survivorship: the latest observation
   * wins), every component ends in the model's profile and the reads agree between orders.
   */
  @Property(tries = 150)
  void withMerges_defaultSurvivorship_anyArrivalOrder_endsInTheModel(@ForAll("linking") History h) {
    check(h, AttributeMerge.LATEST, false, true);
  }

  /**
   * With merges and any other attribute strategy, everything ends in the model and agrees between
   * orders: identifiers, consent, deliverability, times, lists, CCPA, orders, counts, timeline and
   * the reads, and the attribute values under OLDEST and FIRST_NON_EMPTY (which decide among one
   * profile's observations as a merge does, see
   * {@link LateArrivalHuntTest#oldestStrategy_mergedValue_doesNotDependOnArrivalOrder}). SUM and
   * UNION combine the values the sides hold when they merge, which depends on arrival order (as
   * documented), so their values are left out.
   */
  @Property(tries = 80)
  void withMerges_anyStrategy_endInTheModel(@ForAll("linking") History h, @ForAll AttributeMerge merge) {
    check(h, merge, false, merge != AttributeMerge.SUM && merge != AttributeMerge.UNION);
  }
}
