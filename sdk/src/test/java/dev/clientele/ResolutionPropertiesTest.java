package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableSet;
import dev.clientele.IngestResult.Outcome;
import dev.clientele.core.Attribute;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Order independence of identity resolution (DESIGN: "without limits, resolution is
 * order-independent"): histories of 2 to 5 people, each with 1 to 4 identifiers of different
 * types, and events carrying a non-empty subset of one person's identifiers, at distinct times.
 */
class ResolutionPropertiesTest {
  private static final IdentifierType[] TYPES = {
    IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID,
    IdentifierType.PUSH_TOKEN
  };
  private static final String[] NAMES = {"Ann", "Bob", "Cy"};
  private static final String[] SOURCES = {"web", "crm", "app"};

  /** One generated event: whose, which identifiers (bit mask over the person's types), what. */
  record Spec(int person, int mask, int kind, int value, boolean variant) {}

  /** A generated history: the events in one order and a permutation of it. */
  record History(List<List<IdentifierType>> people, List<Event> events, List<Event> permuted) {
    @Override
    public String toString() {
      return people.size() + " people, events " + events.stream().map(History::show).toList()
          + ", permuted " + permuted.stream().map(Event::id).toList();
    }

    private static String show(Event e) {
      return e.id() + ":" + e.type() + e.identifiers().stream().map(i -> i.type() + "=" + i.value()).toList();
    }
  }

  /** What must not depend on the order of ingestion, for the profile holding one block of identifiers. */
  record Content(
      SortedMap<String, Attribute> attributes,
      long eventCount,
      List<IdentifierState> identifiers,
      Instant createdAt,
      Instant updatedAt,
      Optional<Instant> firstActive,
      Optional<Instant> lastActive,
      OrderSummary orders,
      SortedMap<String, ListSubscription> lists) {
    static Content of(Profile p) {
      // The time each identifier was linked is the one part of a profile that depends on arrival
      // order by design (it is when the first event carrying it arrived): left out here.
      List<IdentifierState> identifiers = p.identifiers().stream().map(s -> s.withLinkedAt(s.firstSeen())).toList();
      return new Content(p.attributes(), p.eventCount(), identifiers, p.createdAt(), p.updatedAt(),
          p.firstActive(), p.lastActive(), p.orders(), p.lists());
    }
  }

  @Provide
  Arbitrary<History> histories() {
    Arbitrary<List<List<IdentifierType>>> people =
        Arbitraries.of(TYPES).list().uniqueElements().ofMinSize(1).ofMaxSize(4).list().ofMinSize(2).ofMaxSize(5);
    return people.flatMap(ps -> {
      Arbitrary<Spec> spec = Combinators.combine(
              Arbitraries.integers().between(0, ps.size() - 1),
              Arbitraries.integers().between(1, 15),
              Arbitraries.integers().between(0, 6),
              Arbitraries.integers().between(-2, 8),
              Arbitraries.of(true, false))
          .as(Spec::new);
      return spec.list().ofMinSize(1).ofMaxSize(24).flatMap(specs -> {
        List<Event> events = IntStream.range(0, specs.size()).mapToObj(i -> event(i, specs.get(i), ps)).toList();
        return Arbitraries.shuffle(events).map(permuted -> new History(ps, events, permuted));
      });
    });
  }

  /** The normalised identifier of {@code type} of person {@code p}. */
  private static Identifier identifier(int p, IdentifierType type) {
    return Identifier.of(type, raw(p, type, false));
  }

  private static String raw(int p, IdentifierType type, boolean variant) {
    return switch (type.name()) {
      case "email" -> variant ? " Person" + p + "@Example.COM" : "person" + p + "@example.com";
      case "phone" -> variant ? String.format(Locale.ROOT, "(650) 253-%04d", p) : String.format(Locale.ROOT, "+1650253%04d", p);
      case "customer_id" -> variant ? " c-" + p + " " : "c-" + p;
      case "anonymous_id" -> "a-" + p;
      default -> "tok-" + p;
    };
  }

  private static List<IdentifierType> subset(List<IdentifierType> types, int mask) {
    int m = mask % ((1 << types.size()) - 1) + 1; // 1 .. 2^n - 1: never empty
    List<IdentifierType> out = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      if ((m & (1 << i)) != 0) {
        out.add(types.get(i));
      }
    }
    return out;
  }

  private static Event event(int index, Spec s, List<List<IdentifierType>> people) {
    // Distinct times that do not follow the generation order: 37 is coprime to 1009.
    Instant at = Fixtures.T0.plusSeconds(60L * ((index * 37L) % 1009));
    Event.Builder b = Event.builder(String.format(Locale.ROOT, "e-%02d", index), "pageview", at)
        .source(SOURCES[Math.floorMod(s.value(), SOURCES.length)]);
    for (IdentifierType t : subset(people.get(s.person()), s.mask())) {
      b.identifier(t, raw(s.person(), t, s.variant()));
    }
    Event.Builder typed = switch (s.kind()) {
      case 0 -> b;
      case 1 -> retype(b, "identify").data("first_name", NAMES[Math.floorMod(s.value(), NAMES.length)])
          .data("score", (long) s.value());
      case 2 -> retype(b, "order").data("total", s.value() * 10);
      case 3 -> retype(b, "login").data("device", "dev-" + s.value());
      case 4 -> retype(b, "consent").action(s.value() % 2 == 0 ? "opt_in" : "opt_out");
      case 5 -> retype(b, "list").action(s.value() % 2 == 0 ? "subscribe" : "unsubscribe").data("list", "news");
      default -> retype(b, "campaign").action("sent");
    };
    return typed.build();
  }

  private static Event.Builder retype(Event.Builder b, String type) {
    Event e = b.build();
    Event.Builder out = Event.builder(e.id(), type, e.timestamp()).source(e.source());
    e.identifiers().forEach(out::identifier);
    return out;
  }

  /** Connected components of the events' (normalised) identifiers: the expected partition. */
  private static Set<Set<Identifier>> components(History h) {
    Map<Identifier, Set<Identifier>> block = new HashMap<>();
    for (Event e : h.events()) {
      Set<Identifier> merged = new HashSet<>();
      for (Identifier raw : e.identifiers()) {
        int person = personOf(raw);
        Identifier id = identifier(person, raw.type());
        merged.addAll(block.getOrDefault(id, Set.of(id)));
      }
      for (Identifier id : merged) {
        block.put(id, merged);
      }
    }
    return block.values().stream().map(ImmutableSet::copyOf).collect(java.util.stream.Collectors.toSet());
  }

  private static int personOf(Identifier raw) {
    String digits = raw.value().replaceAll("[^0-9]", "");
    return raw.type().equals(IdentifierType.PHONE) ? Integer.parseInt(digits.substring(digits.length() - 4)) : Integer.parseInt(digits);
  }

  private static Map<Set<Identifier>, Content> ingest(List<Event> events, Set<Set<Identifier>> expectedPartition) {
    try (Clientele c = Fixtures.clientele()) {
      for (Event e : events) {
        assertThat(c.ingest(e).outcome()).as("outcome of %s", e.id()).isEqualTo(Outcome.APPLIED);
      }
      assertThat(Fixtures.partition(c)).isEqualTo(expectedPartition);
      assertThat(c.stats().applied()).isEqualTo(events.size());
      List<String> onTimelines = new ArrayList<>();
      Map<Set<Identifier>, Content> out = new HashMap<>();
      for (Profile p : Fixtures.profiles(c)) {
        onTimelines.addAll(Fixtures.timelineIds(c, p.id()));
        out.put(ImmutableSet.copyOf(Fixtures.identifiersOf(p)), Content.of(p));
        for (Identifier i : Fixtures.identifiersOf(p)) {
          assertThat(c.storage().owner(i)).contains(p.id());
        }
      }
      assertThat(onTimelines).hasSize(events.size())
          .containsExactlyInAnyOrderElementsOf(events.stream().map(Event::id).toList());
      assertThat(out.values().stream().mapToLong(Content::eventCount).sum()).isEqualTo(events.size());
      return out;
    }
  }

  @Property(tries = 200)
  void ingest_anyPermutation_samePartitionAndProfileContent(@ForAll("histories") History h) {
    Set<Set<Identifier>> expected = components(h);

    Map<Set<Identifier>, Content> inOrder = ingest(h.events(), expected);
    Map<Set<Identifier>, Content> permuted = ingest(h.permuted(), expected);

    assertThat(permuted).isEqualTo(inOrder);
  }

  // ---------------------------------------------------------------------------------------------
  // Malformed values (package-info of dev.clientele.identity: owned by one profile, never linking)

  /** Shared junk that fails validation, typed by several people. */
  private static final Identifier SHARED_MALFORMED = Identifier.of(IdentifierType.EMAIL, "nobody@nowhere");

  private static boolean malformed(Identifier id) {
    return id.value().endsWith("@bad") || id.value().endsWith("@nowhere");
  }

  /**
   * The histories above with malformed emails mixed in: per event, nothing, the person's own
   * malformed email, the shared one, or only a malformed email in place of its identifiers.
   */
  @Provide
  Arbitrary<History> historiesWithMalformed() {
    return histories().flatMap(h -> Arbitraries.integers().between(0, 4).list().ofSize(h.events().size()).flatMap(kinds -> {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < h.events().size(); i++) {
        Event e = h.events().get(i);
        Identifier own = Identifier.of(IdentifierType.EMAIL, "person" + personOf(e.identifiers().get(0)) + "@bad");
        List<Identifier> ids = new ArrayList<>(e.identifiers());
        switch (kinds.get(i)) {
          case 1 -> ids.add(own);
          case 2 -> ids.add(SHARED_MALFORMED);
          case 3 -> ids = List.of(i % 2 == 0 ? own : SHARED_MALFORMED);
          default -> { }
        }
        events.add(e.withIdentifiers(ids));
      }
      return Arbitraries.shuffle(events).map(permuted -> new History(h.people(), events, permuted));
    }));
  }

  /** The partition of the linkable identifiers (malformed ones left out), as {@link #components} computes it. */
  private static Set<Set<Identifier>> linkableComponents(History h) {
    List<Event> linkable = new ArrayList<>();
    for (Event e : h.events()) {
      List<Identifier> ids = e.identifiers().stream().filter(i -> !malformed(i)).toList();
      if (!ids.isEmpty()) {
        linkable.add(e.withIdentifiers(ids));
      }
    }
    return components(new History(h.people(), linkable, linkable));
  }

  private static Set<Set<Identifier>> ingestWithMalformed(List<Event> events) {
    try (Clientele c = Clientele.builder().profileIds(Fixtures.sequentialIds())
        .identityRules(dev.clientele.identity.IdentityRules.builder().withoutLimits().build()).build()) {
      for (Event e : events) {
        assertThat(c.ingest(e).outcome()).as("outcome of %s", e.id()).isEqualTo(Outcome.APPLIED);
      }
      Set<Set<Identifier>> linkable = new HashSet<>();
      Map<Identifier, Integer> holders = new HashMap<>();
      List<String> onTimelines = new ArrayList<>();
      for (Profile p : Fixtures.profiles(c)) {
        Set<Identifier> ids = Fixtures.identifiersOf(p);
        Set<Identifier> valid = ImmutableSet.copyOf(ids.stream().filter(i -> !malformed(i)).toList());
        if (!valid.isEmpty()) {
          linkable.add(valid);
        }
        for (Identifier i : ids) {
          holders.merge(i, 1, Integer::sum);
          assertThat(c.storage().owner(i)).as("owner of %s", i).contains(p.id());
          if (malformed(i)) {
            assertThat(p.identifier(i).orElseThrow().deliverability().reason())
                .contains(dev.clientele.core.UndeliverableReason.MALFORMED);
          }
        }
        onTimelines.addAll(Fixtures.timelineIds(c, p.id()));
      }
      assertThat(holders.values()).as("every identifier, malformed or not, has one holder").allMatch(n -> n == 1);
      // A consent event naming a malformed value another profile holds gives that profile its part
      // as a derived event <id>#~<n>; every other event is on exactly one timeline.
      Set<String> consentIds = new HashSet<>();
      events.stream().filter(e -> e.type().equals("consent")).forEach(e -> consentIds.add(e.id()));
      assertThat(onTimelines.stream().filter(id -> id.contains("#")).map(id -> id.substring(0, id.indexOf('#'))))
          .allMatch(consentIds::contains);
      assertThat(onTimelines.stream().filter(id -> !id.contains("#")).toList())
          .containsExactlyInAnyOrderElementsOf(events.stream().map(Event::id).toList());
      // Erasure finds the holder of a malformed value: afterwards no profile and no stored event keeps it.
      if (holders.containsKey(SHARED_MALFORMED)) {
        IngestResult erased = c.ingest(Event.builder("forget", "compliance", Fixtures.T0).action("gdpr_delete")
            .identifier(SHARED_MALFORMED).build());
        assertThat(erased.outcome()).isEqualTo(Outcome.ERASED);
        assertThat(c.storage().owner(SHARED_MALFORMED)).isEmpty();
        for (Profile p : Fixtures.profiles(c)) {
          assertThat(c.timeline(p.id(), dev.clientele.core.TimelineQuery.all()))
              .noneMatch(e -> e.identifiers().contains(SHARED_MALFORMED));
        }
      }
      return linkable;
    }
  }

  /**
   * Malformed values never link, so the partition of the linkable identifiers does not depend on
   * the order either; which one profile holds a malformed value that several people's events
   * carried is the one thing that does (the first to arrive keeps it), by design.
   */
  @Property(tries = 80)
  void ingest_anyPermutationWithMalformedValues_sameLinkablePartition_andOneHolderEach(
      @ForAll("historiesWithMalformed") History h) {
    Set<Set<Identifier>> expected = linkableComponents(h);

    assertThat(ingestWithMalformed(h.events())).isEqualTo(expected);
    assertThat(ingestWithMalformed(h.permuted())).isEqualTo(expected);
  }
}
