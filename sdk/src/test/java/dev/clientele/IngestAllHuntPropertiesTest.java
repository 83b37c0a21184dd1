package dev.clientele;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.IdentityRules;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Hunt: {@link Clientele#ingestAll} on the in-memory store (read-ahead groups of {@link
 * Clientele#READ_AHEAD}, the group and outcome holder replaced every {@link Clientele#RENEW_GROUPS}
 * groups) against {@link Clientele#ingest} one event at a time, over generated histories aimed at a
 * group's edges: anonymous visitors who identify a few events later (an anonymous profile merged
 * into a known one inside one group), events joining two known people (merges, or refusals of two
 * customer ids), duplicates inside a group and across calls, {@code gdpr_delete} mid-group and
 * replays of the erased person after it, and one call long enough to pass the replacement of the
 * holders. The history is cut into several calls, each made with {@code each}, without it (the
 * path that counts outcomes without building results), or as a loop of {@code ingest}; under six
 * configurations (identity limits, erasure accepted from some events only, bounded event times).
 * Everything observable must be the same: each result, the instance's
 * counts, every profile with its version, the timelines, the merge log, the index, the stored
 * events with their anchors, and the tombstones.
 */
class IngestAllHuntPropertiesTest {
  private static final Clock CLOCK = Clock.fixed(Fixtures.T0.plusSeconds(86_400L * 30), ZoneOffset.UTC);

  /**
   * An instance under configuration {@code rules}: 0 default, 1 without limits, 2 at most 4
   * identifiers a profile, 3 at most 2 merges a profile, 4 erasure accepted from some
   * {@code gdpr_delete} events only, 5 event times bounded (the first hours of a history are too
   * old for the clock, and are rejected).
   */
  private static Clientele build(int rules) {
    IdentityRules.Builder r = IdentityRules.builder();
    switch (rules) {
      case 1 -> r.withoutLimits();
      case 2 -> r.maxIdentifiersPerProfile(4);
      case 3 -> r.maxMergesPerProfile(2);
      default -> { }
    }
    Clientele.Builder b = Clientele.builder().profileIds(Fixtures.sequentialIds()).clock(CLOCK).identityRules(r.build())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build());
    if (rules == 4) {
      b.erasureEvents(e -> e.id().hashCode() % 2 == 0);
    } else if (rules == 5) {
      b.eventTimes(java.time.Duration.ofDays(30).minusHours(3), java.time.Duration.ofMinutes(5));
    }
    return b.build();
  }

  @Property(tries = 16)
  void ingestAll_inCallsOfEveryKind_sameAsIngestOneByOne(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int rules, @ForAll boolean long_) {
    Random random = new Random(seed);
    List<Event> events = history(random, long_ ? Clientele.READ_AHEAD * Clientele.RENEW_GROUPS + 40 + random.nextInt(100) : 20 + random.nextInt(120));
    try (Clientele loop = build(rules); Clientele mixed = build(rules)) {
      List<IngestResult> singly = new ArrayList<>();
      events.forEach(e -> singly.add(loop.ingest(e)));

      Map<Integer, IngestResult> seen = new TreeMap<>(); // by position in the history
      int from = 0;
      while (from < events.size()) {
        int to = long_ && from == 0 ? events.size() - random.nextInt(30) : Math.min(events.size(), from + 1 + random.nextInt(80));
        List<Event> call = events.subList(from, to);
        int base = from;
        int[] k = {0};
        switch (random.nextInt(3)) {
          case 0 -> {
            IngestStats stats = mixed.ingestAll(call, r -> seen.put(base + k[0]++, r));
            assertThat(k[0]).as("results handed on").isEqualTo(call.size());
            assertThat(stats.received()).isEqualTo(call.size());
          }
          case 1 -> assertThat(mixed.ingestAll(call).received()).isEqualTo(call.size());
          default -> call.forEach(e -> seen.put(base + k[0]++, mixed.ingest(e)));
        }
        from = to;
      }
      seen.forEach((at, r) -> assertThat(r).as("result of event %s", at).isEqualTo(singly.get(at)));
      assertThat(mixed.stats()).as("instance counts").isEqualTo(loop.stats());
      assertThat(state(mixed)).isEqualTo(state(loop));
    }
  }

  /**
   * Two threads run {@code ingestAll} (read-ahead groups; one with {@code each}, one without) over
   * the halves of one history at once, on overlapping people, without identity limits (resolution
   * is then independent of the order events arrive in): the partition of identifiers into
   * profiles, the stored events and each event's place on exactly one timeline are those of one
   * thread ingesting the whole history; every event is applied or a duplicate exactly once. The
   * threads' read hints and read-ahead go stale under each other's merges and conflicts.
   */
  @Property(tries = 8)
  void ingestAll_twoThreadsAtOnce_samePartitionAsOneThread(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>();
    Map<String, Event> first = new java.util.HashMap<>();
    for (Event e : history(random, 300 + random.nextInt(200))) {
      if (!e.is("compliance", "gdpr_delete")) {
        events.add(first.computeIfAbsent(e.id(), k -> e)); // a repeated id repeats the same event: which copy wins is a race
      }
    }
    java.util.function.Supplier<Clientele> make = () -> Clientele.builder().profileIds(Fixtures.sequentialIds()).clock(CLOCK)
        .identityRules(IdentityRules.builder().withoutLimits().build()).build();
    try (Clientele one = make.get(); Clientele two = make.get()) {
      one.ingestAll(events);
      List<Event> a = new ArrayList<>();
      List<Event> b = new ArrayList<>();
      for (Event e : events) {
        (random.nextBoolean() ? a : b).add(e);
      }
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      IngestStats[] stats = new IngestStats[2];
      List<IngestResult> handed = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread ta = new Thread(() -> {
        try {
          go.await();
          stats[0] = two.ingestAll(a, handed::add);
        } catch (Throwable t) {
          failures.add(t);
        }
      });
      Thread tb = new Thread(() -> {
        try {
          go.await();
          stats[1] = two.ingestAll(b);
        } catch (Throwable t) {
          failures.add(t);
        }
      });
      ta.start();
      tb.start();
      go.countDown();
      ta.join(60_000);
      tb.join(60_000);
      assertThat(failures).isEmpty();
      assertThat(handed).hasSize(a.size());
      assertThat(stats[0].received() + stats[1].received()).isEqualTo(events.size());
      assertThat(stats[0].applied() + stats[0].duplicates() + stats[0].rejected() + stats[1].applied() + stats[1].duplicates()
          + stats[1].rejected()).isEqualTo(events.size());
      assertThat(two.stats().applied() + two.stats().duplicates()).isEqualTo(one.stats().applied() + one.stats().duplicates());
      assertThat(Fixtures.partition(two)).as("partition of identifiers").isEqualTo(Fixtures.partition(one));
      assertThat(two.storage().eventCount()).isEqualTo(one.storage().eventCount());
      List<String> timelines = new ArrayList<>();
      for (Profile p : Fixtures.profiles(two)) {
        timelines.addAll(Fixtures.timelineIds(two, p.id()));
      }
      List<String> expected = new ArrayList<>();
      for (Profile p : Fixtures.profiles(one)) {
        expected.addAll(Fixtures.timelineIds(one, p.id()));
      }
      assertThat(timelines).as("every event on exactly one timeline").containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /**
   * On a store with ceilings ({@link InMemoryStorage.Builder#maxEvents}, {@code maxProfiles}),
   * {@code ingestAll} stops at the event the store refuses, as a loop of {@code ingest} stops
   * there: the same exception, the same results handed on before it, the same state (the events
   * of the group after it, taken from the iterator, are not applied); erasures on the way make
   * room in both alike.
   */
  @Property(tries = 10)
  void ingestAll_onAStoreWithCeilings_stopsWhereALoopStops(
      @ForAll long seed, @ForAll @IntRange(min = 5, max = 30) int maxProfiles, @ForAll @IntRange(min = 20, max = 300) int maxEvents) {
    Random random = new Random(seed);
    List<Event> events = history(random, 100 + random.nextInt(500));
    java.util.function.Supplier<Clientele> make = () -> Clientele.builder().profileIds(Fixtures.sequentialIds()).clock(CLOCK)
        .storage(dev.clientele.core.spi.InMemoryStorage.builder().maxEvents(maxEvents).maxProfiles(maxProfiles).build())
        .erasurePolicy(ErasurePolicy.builder().salt(new byte[16]).build()).build();
    try (Clientele loop = make.get(); Clientele bulk = make.get()) {
      List<IngestResult> singly = new ArrayList<>();
      Class<?> loopFailure = null;
      for (Event e : events) {
        try {
          singly.add(loop.ingest(e));
        } catch (RuntimeException refused) {
          loopFailure = refused.getClass();
          break;
        }
      }
      List<IngestResult> each = new ArrayList<>();
      Class<?> bulkFailure = null;
      try {
        bulk.ingestAll(events, each::add);
      } catch (RuntimeException refused) {
        bulkFailure = refused.getClass();
      }
      assertThat(bulkFailure).isEqualTo(loopFailure);
      assertThat(each).isEqualTo(singly);
      assertThat(bulk.stats()).isEqualTo(loop.stats());
      assertThat(state(bulk)).isEqualTo(state(loop));
    }
  }

  /** Everything the two instances must agree on. */
  static Map<String, Object> state(Clientele c) {
    Map<String, Object> out = new TreeMap<>();
    Set<Identifier> all = new LinkedHashSet<>();
    for (Profile p : Fixtures.profiles(c)) {
      out.put("profile " + p.id(), p);
      out.put("timeline " + p.id(), Fixtures.timelineIds(c, p.id()));
      out.put("merges " + p.id(), c.mergeLog(p.id()).stream().map(IngestAllHuntPropertiesTest::record).toList());
      all.addAll(Fixtures.identifiersOf(p));
    }
    List<String> log = new ArrayList<>();
    c.storage().forEachMergeRecord(r -> log.add(record(r)));
    out.put("log", log);
    try (Stream<StoredEvent> events = c.storage().allEvents()) {
      out.put("events", events.map(e -> e.event().id() + "@" + e.anchor() + " " + e.event()).sorted().toList());
    }
    for (Identifier i : all) {
      out.put("owner " + i, c.storage().owner(i));
    }
    out.put("eventCount", c.storage().eventCount());
    out.put("profileCount", c.storage().profileCount());
    out.put("tombstones", c.storage().tombstoneCount());
    return out;
  }

  private static String record(MergeRecord r) {
    return r.kind() + " " + r.at() + " " + r.profile() + " " + r.eventId() + " " + r.sides() + " " + r.links() + " " + r.undoes()
        + " " + r.note();
  }

  /**
   * {@code n} events of 12 people: person p has customer id {@code c-p}, email {@code pP@x.com},
   * devices {@code a-p-0..2}; now and then an event of a device alone (anonymous) shortly before
   * the device's person identifies with it, an event carrying identifiers of two people, a
   * duplicate id (recent or old), a {@code gdpr_delete} of one person and replays of them after.
   */
  static List<Event> history(Random random, int n) {
    List<Event> out = new ArrayList<>();
    int nextId = 0;
    for (int i = 0; i < n; i++) {
      int roll = random.nextInt(100);
      if (roll < 6 && !out.isEmpty()) { // a duplicate: of a recent event (same group) or an old one
        int back = random.nextBoolean() ? 1 + random.nextInt(Math.min(out.size(), 20)) : 1 + random.nextInt(out.size());
        Event dup = out.get(out.size() - back);
        out.add(random.nextInt(3) == 0 ? Event.builder(dup.id(), "pageview", dup.timestamp()).identifier(Fixtures.customerId("c-99")).build() : dup);
        continue;
      }
      String id = String.format(Locale.ROOT, "e-%05d", nextId++);
      int p = random.nextInt(12);
      int minute = i + random.nextInt(5) - (random.nextInt(10) == 0 ? random.nextInt(200) : 0); // some late
      Event.Builder b;
      if (roll < 9) { // erase person p
        b = Fixtures.event(id, "compliance", minute).action("gdpr_delete").identifier(Fixtures.customerId("c-" + p));
        out.add(b.build());
        continue;
      }
      String type = switch (random.nextInt(6)) {
        case 0 -> "identify";
        case 1 -> "login";
        case 2 -> "order";
        case 3 -> "consent";
        default -> "pageview";
      };
      b = Fixtures.event(id, type, minute);
      switch (type) {
        case "identify" -> b.data("first_name", "N" + random.nextInt(4)).data("city", "C" + random.nextInt(3));
        case "order" -> b.data("total", 1 + random.nextInt(90)).data("order_id", "o-" + i);
        case "consent" -> b.action(random.nextBoolean() ? "opt_in" : "opt_out");
        default -> { }
      }
      Identifier device = Fixtures.anonymousId("a-" + p + "-" + random.nextInt(3));
      if (roll < 30) { // a device alone: anonymous until its person identifies with it
        b.identifier(device);
      } else {
        boolean any = false;
        if (random.nextInt(3) > 0) {
          b.identifier(Fixtures.customerId("c-" + p));
          any = true;
        }
        if (random.nextBoolean()) {
          b.identifier(Fixtures.email("p" + p + "@x.com"));
          any = true;
        }
        if (!any || random.nextBoolean()) {
          b.identifier(device);
        }
        if (roll < 36) { // someone else's identifier too: a merge, or a refused link
          int q = random.nextInt(12);
          Identifier other = random.nextBoolean() ? Fixtures.customerId("c-" + q) : Fixtures.anonymousId("a-" + q + "-0");
          if (!b.build().identifiers().contains(other)) {
            b.identifier(other);
          }
        }
      }
      out.add(b.build());
    }
    return out;
  }
}
