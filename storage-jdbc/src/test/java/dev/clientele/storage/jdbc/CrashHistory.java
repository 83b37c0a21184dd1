package dev.clientele.storage.jdbc;

import dev.clientele.Clientele;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.spi.Storage;
import dev.clientele.identity.IdentityRules;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.MembershipStore;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The deterministic input of the crash hunt ({@link CrashChild}, {@link CrashRestartHuntTest}):
 * a seeded history of a few people, the configuration every run of it uses (before and after a
 * kill), and a simple model of its outcome written from the spec, not from the implementation.
 *
 * <p>Each person is seen anonymously on two devices, identifies with an email (a city that
 * alternates between two segments' values), logs in on both devices (so anonymous profiles merge
 * into the known one), some order with a customer id, some move city. Persons 1, 5 (and 9 with
 * enough people) share a device with the next person: their profiles merge. Persons {@code i % 5
 * == 3} ask to be erased: their {@code gdpr_delete} events come after every other event, and they
 * share nothing with anyone, so the model is simple: their identifiers and events are gone, the
 * rest is the union-find partition of every other event's identifiers (identity rules without
 * limits, so order does not matter).
 */
final class CrashHistory {
  /** Where events begin; the clock of every run is one day later. */
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  /** The fixed clock of every run (incremental evaluation and refresh as of this instant). */
  static final Clock CLOCK = Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC);

  /** The erasure salt, the same on every start, as a host keeps it in its secret store. */
  static final byte[] SALT = "hcrash-salt-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  static final Segment ZURICH = Segment.of("zurich", Condition.attribute("city", Condition.AttributeOp.EQ, "Zürich"));
  static final Segment BUYERS = Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1));

  final List<Event> events;
  /** Identifiers of each person, by person number. */
  final Map<Integer, Set<Identifier>> identifiersOf = new HashMap<>();
  /** Event ids of each person, by person number (a cross-link event counts for its sender). */
  final Map<Integer, Set<String>> eventsOf = new HashMap<>();
  final Set<Integer> erased = new TreeSet<>();

  private CrashHistory(List<Event> events) {
    this.events = events;
  }

  /** The history of {@code people} persons, interleaved by {@code seed}. */
  static CrashHistory of(long seed, int people) {
    Random random = new Random(seed);
    List<Deque<Function<Instant, Event.Builder>>> queues = new ArrayList<>();
    CrashHistory h = new CrashHistory(new ArrayList<>());
    List<Function<Instant, Event.Builder>> erasures = new ArrayList<>();
    for (int i0 = 0; i0 < people; i0++) {
      final int i = i0;
      Deque<Function<Instant, Event.Builder>> q = new ArrayDeque<>();
      String email = "person" + i + "@example.com";
      String devA = "dev-" + i + "a";
      String devB = "dev-" + i + "b";
      String id = "e" + i + "-";
      Set<Identifier> ids = new LinkedHashSet<>();
      ids.add(Identifier.of(IdentifierType.EMAIL, email));
      ids.add(Identifier.of(IdentifierType.ANONYMOUS_ID, devA));
      ids.add(Identifier.of(IdentifierType.ANONYMOUS_ID, devB));
      q.add(t -> Event.builder(id + 1, "pageview", t).identifier(IdentifierType.ANONYMOUS_ID, devA).data("page", "/"));
      q.add(t -> Event.builder(id + 2, "identify", t).identifier(IdentifierType.EMAIL, email)
          .data("first_name", "Name" + i).data("city", i % 2 == 0 ? "Zürich" : "İzmir"));
      q.add(t -> Event.builder(id + 3, "login", t).action("login").identifier(IdentifierType.ANONYMOUS_ID, devA)
          .identifier(IdentifierType.EMAIL, email));
      q.add(t -> Event.builder(id + 4, "pageview", t).identifier(IdentifierType.ANONYMOUS_ID, devB).data("page", "/p"));
      if (i % 2 == 0) {
        ids.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i));
        q.add(t -> Event.builder(id + 5, "order", t).action("purchase").identifier(IdentifierType.EMAIL, email)
            .identifier(IdentifierType.CUSTOMER_ID, "c-" + i).data("order_id", "o-" + i)
            .data("total", new BigDecimal("10.50").add(BigDecimal.valueOf(i))));
      }
      q.add(t -> Event.builder(id + 6, "login", t).action("login").identifier(IdentifierType.ANONYMOUS_ID, devB)
          .identifier(IdentifierType.EMAIL, email));
      if (i % 3 == 0) {
        q.add(t -> Event.builder(id + 7, "identify", t).identifier(IdentifierType.EMAIL, email)
            .data("city", i % 2 == 0 ? "İzmir" : "Zürich"));
      }
      if (i % 4 == 1 && i + 1 < people) {
        q.add(t -> Event.builder(id + 8, "pageview", t).identifier(IdentifierType.ANONYMOUS_ID, devA)
            .identifier(IdentifierType.EMAIL, "person" + (i + 1) + "@example.com"));
      }
      if (i % 5 == 3) {
        h.erased.add(i);
        erasures.add(t -> Event.builder(id + 9, "compliance", t).action("gdpr_delete").identifier(IdentifierType.EMAIL, email));
      }
      h.identifiersOf.put(i, ids);
      queues.add(q);
    }
    List<Function<Instant, Event.Builder>> order = new ArrayList<>();
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < people; i++) {
      open.add(i);
    }
    while (!open.isEmpty()) {
      int k = random.nextInt(open.size());
      Deque<Function<Instant, Event.Builder>> q = queues.get(open.get(k));
      order.add(q.poll());
      if (q.isEmpty()) {
        open.remove(k);
      }
    }
    order.addAll(erasures);
    for (int n = 0; n < order.size(); n++) {
      Event e = order.get(n).apply(T0.plusSeconds(60L * n)).build();
      h.events.add(e);
      int person = Integer.parseInt(e.id().substring(1, e.id().indexOf('-')));
      h.eventsOf.computeIfAbsent(person, p -> new TreeSet<>()).add(e.id());
    }
    return h;
  }

  /**
   * The expected partition: sets of identifiers of the persons not erased, persons sharing a
   * device in one set (the cross-link of person {@code i % 4 == 1} with {@code i + 1}).
   */
  Set<Set<Identifier>> expectedPartition() {
    Set<Set<Identifier>> out = new LinkedHashSet<>();
    Set<Integer> done = new TreeSet<>();
    for (int i : new TreeSet<>(identifiersOf.keySet())) {
      if (erased.contains(i) || done.contains(i)) {
        continue;
      }
      Set<Identifier> group = new java.util.HashSet<>();
      group.addAll(identifiersOf.get(i));
      done.add(i);
      if (i % 4 == 1 && identifiersOf.containsKey(i + 1)) {
        group.addAll(identifiersOf.get(i + 1));
        done.add(i + 1);
      }
      out.add(Set.copyOf(group));
    }
    return out;
  }

  /** Event ids expected to be stored: every event of a person not erased (no gdpr_delete is stored for the erased). */
  Set<String> expectedEventIds() {
    Set<String> out = new TreeSet<>();
    eventsOf.forEach((person, ids) -> {
      if (!erased.contains(person)) {
        out.addAll(ids);
      }
    });
    return out;
  }

  /** The configuration of every run: no identity limits, a fixed salt and clock, two segments. */
  static Clientele clientele(Storage storage, MembershipStore memberships) {
    return Clientele.builder()
        .storage(storage)
        .identityRules(IdentityRules.builder().withoutLimits().build())
        .erasurePolicy(ErasurePolicy.builder().salt(SALT).build())
        .clock(CLOCK)
        .segments(SegmentConfig.builder().define(ZURICH).define(BUYERS).membershipStore(memberships).build())
        .build();
  }

  /** The batches of a run: sizes drawn from {@code seed} (1 to 7 events), in order. */
  List<List<Event>> batches(long seed) {
    Random random = new Random(seed * 31 + 7);
    List<List<Event>> out = new ArrayList<>();
    for (int from = 0; from < events.size(); ) {
      int to = Math.min(events.size(), from + 1 + random.nextInt(7));
      out.add(events.subList(from, to));
      from = to;
    }
    return out;
  }
}
