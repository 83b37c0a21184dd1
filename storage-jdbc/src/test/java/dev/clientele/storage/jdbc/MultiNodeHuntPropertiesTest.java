package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.IngestStats;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.identity.IdentityRules;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Bug hunt: two or three application instances ("nodes"), each with its own pool, its own
 * {@link JdbcStorage} and its own {@link Clientele}, on ONE database, ingesting interleaved
 * events of overlapping people at the same time. Without identifier limits resolution is
 * order-independent (DESIGN.md), so whatever the interleaving, the partition of identifiers into
 * profiles must be the connected components of the events' identifiers (a union-find model
 * written here), equal to what one in-memory instance gives event by event; every event is stored
 * once, on the profile of its block; every identifier has one owner; the merge log accounts for
 * every profile created; and every node explains every profile the same way.
 */
class MultiNodeHuntPropertiesTest {
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  static final AtomicInteger DATABASES = new AtomicInteger();

  static ErasurePolicy salted() {
    return ErasurePolicy.builder().salt("multi-node-hunt-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build();
  }

  static IdentityRules unlimited() {
    return IdentityRules.builder().withoutLimits().build();
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes on one database

  /** Where the nodes' pools connect: a fresh H2 in-memory database, or a fresh PostgreSQL schema. */
  interface Database extends AutoCloseable {
    HikariDataSource newPool();

    @Override
    void close();
  }

  /** A new H2 in-memory database, alive while one of its pools is open (the first one is kept). */
  static Database h2() {
    String url = "jdbc:h2:mem:hnodes-" + DATABASES.incrementAndGet() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    HikariDataSource keeper = TestDatabases.pool(url, 1);
    return new Database() {
      @Override
      public HikariDataSource newPool() {
        return TestDatabases.pool(url, 4);
      }

      @Override
      public void close() {
        try (Connection c = keeper.getConnection(); Statement s = c.createStatement()) {
          s.execute("SHUTDOWN");
        } catch (java.sql.SQLException ignored) {
          // the database goes with the last connection anyway
        }
        keeper.close();
      }
    };
  }

  /** A new schema on the test PostgreSQL server (skips the test without one, as the other tests do). */
  static Database postgres() {
    HikariDataSource first = TestDatabases.postgres();
    String schema = first.getSchema();
    String url = TestDatabases.postgresUrl().orElseThrow();
    return new Database() {
      @Override
      public HikariDataSource newPool() {
        return TestDatabases.pool(url, 4, schema);
      }

      @Override
      public void close() {
        TestDatabases.dropPostgres(first);
      }
    };
  }

  /** {@code n} nodes on {@code db}: each its own pool, store and instance; closing closes them all. */
  static final class Nodes implements AutoCloseable {
    final List<HikariDataSource> pools = new ArrayList<>();
    final List<Clientele> nodes = new ArrayList<>();

    Nodes(Database db, int n, Function<Clientele.Builder, Clientele.Builder> configure, Function<HikariDataSource, Clientele.Builder> base) {
      for (int i = 0; i < n; i++) {
        HikariDataSource pool = db.newPool();
        pools.add(pool);
        nodes.add(configure.apply(base.apply(pool)).build());
      }
    }

    Nodes(Database db, int n, Function<Clientele.Builder, Clientele.Builder> configure) {
      this(db, n, configure, pool -> Clientele.builder().storage(JdbcStorage.open(pool)).erasurePolicy(salted()));
    }

    Clientele node(int i) {
      return nodes.get(i);
    }

    @Override
    public void close() {
      nodes.forEach(Clientele::close);
      pools.forEach(HikariDataSource::close);
    }
  }

  /** Runs the tasks on threads of their own, started together; their results in order. */
  static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> running = new ArrayList<>();
      for (Callable<T> task : tasks) {
        running.add(threads.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : running) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      threads.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generation: people with emails (two spellings), phones (two spellings), a customer id and
  // devices; some devices shared by two people, some events naming two people's emails.

  static Identifier email(int p) {
    return Identifier.of(IdentifierType.EMAIL, "person" + p + "@example.com");
  }

  static Identifier phone(int p) {
    return Identifier.of(IdentifierType.PHONE, String.format(Locale.ROOT, "+1650253%04d", p));
  }

  static Identifier customer(int p) {
    return Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + p);
  }

  static Identifier device(String name) {
    return Identifier.of(IdentifierType.ANONYMOUS_ID, name);
  }

  /** An event and the canonical (normalised) identifiers it carries, for the model. */
  record Sent(Event event, Set<Identifier> canonical) {}

  /**
   * A history of {@code people} people: per person fragments (an email alone, a phone alone, a
   * device alone, a customer id with a device), then events that glue some of them, in a random
   * order with distinct times. Email and phone values come in either spelling.
   */
  static List<Sent> history(Random random, int people, int extra) {
    List<Sent> out = new ArrayList<>();
    int[] n = {0};
    for (int p = 0; p < people; p++) {
      out.add(sent(random, n, p, List.of(email(p))));
      out.add(sent(random, n, p, List.of(phone(p))));
      out.add(sent(random, n, p, List.of(device("a-" + p))));
      out.add(sent(random, n, p, List.of(customer(p), device("b-" + p))));
    }
    for (int k = 0; k < extra; k++) {
      int p = random.nextInt(people);
      List<Identifier> ids = new ArrayList<>();
      List<Identifier> own = List.of(email(p), phone(p), customer(p), device("a-" + p), device("b-" + p));
      int mask = 1 + random.nextInt(31);
      for (int b = 0; b < own.size(); b++) {
        if ((mask >>> b & 1) != 0) {
          ids.add(own.get(b));
        }
      }
      switch (random.nextInt(6)) {
        case 0 -> ids.add(device("shared-" + random.nextInt(2))); // a household tablet
        case 1 -> ids.add(email((p + 1 + random.nextInt(people - 1)) % people)); // two people's emails
        default -> { }
      }
      out.add(sent(random, n, p, ids));
    }
    Collections.shuffle(out, random);
    return out;
  }

  static Sent sent(Random random, int[] n, int person, List<Identifier> ids) {
    String[] types = {"pageview", "login", "identify", "order"};
    String type = types[random.nextInt(types.length)];
    // Distinct times (no tie-breaks between attribute values) in any order.
    Event.Builder b = Event.builder(String.format(Locale.ROOT, "e-%04d", ++n[0]), type,
        T0.plusSeconds(60L * n[0] + random.nextInt(50)));
    for (Identifier id : ids) {
      if (id.type() == IdentifierType.EMAIL && random.nextBoolean()) {
        b.identifier(IdentifierType.EMAIL, " " + id.value().substring(0, 1).toUpperCase(Locale.ROOT)
            + id.value().substring(1).replace("example.com", "Example.COM"));
      } else if (id.type() == IdentifierType.PHONE && random.nextBoolean()) {
        b.identifier(IdentifierType.PHONE, "(650) 253-" + id.value().substring(8));
      } else {
        b.identifier(id);
      }
    }
    switch (type) {
      case "identify" -> b.data("first_name", "N" + random.nextInt(10)).data("city", random.nextBoolean() ? "Zürich" : "İzmir");
      case "order" -> b.action("purchase").data("total", BigDecimal.valueOf(1 + random.nextInt(90)));
      case "login" -> b.action("login");
      default -> b.data("page", "/p" + person);
    }
    return new Sent(b.build(), new HashSet<>(ids));
  }

  // ---------------------------------------------------------------------------------------------
  // The model: connected components of the events' identifiers

  static Set<Set<Identifier>> components(List<Sent> history) {
    Map<Identifier, Identifier> parent = new HashMap<>();
    Function<Identifier, Identifier> find = new Function<>() {
      @Override
      public Identifier apply(Identifier x) {
        Identifier p = parent.computeIfAbsent(x, k -> k);
        if (p.equals(x)) {
          return x;
        }
        Identifier root = apply(p);
        parent.put(x, root);
        return root;
      }
    };
    for (Sent s : history) {
      Identifier first = null;
      for (Identifier id : s.canonical()) {
        Identifier root = find.apply(id);
        if (first == null) {
          first = root;
        } else if (!root.equals(find.apply(first))) {
          parent.put(root, find.apply(first));
        }
      }
    }
    Map<Identifier, Set<Identifier>> blocks = new HashMap<>();
    for (Identifier id : new ArrayList<>(parent.keySet())) {
      blocks.computeIfAbsent(find.apply(id), k -> new HashSet<>()).add(id);
    }
    return new HashSet<>(blocks.values());
  }

  static List<Profile> profiles(Clientele c) {
    List<Profile> out = new ArrayList<>();
    c.storage().forEachProfile(out::add);
    return out;
  }

  static Set<Identifier> ids(Profile p) {
    return p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet());
  }

  /** Per block of identifiers: event count, attributes, created-at, last-active, event ids on the timeline. */
  static Map<Set<Identifier>, List<Object>> summary(Clientele c) {
    Map<Set<Identifier>, List<Object>> out = new HashMap<>();
    for (Profile p : profiles(c)) {
      out.put(ids(p), List.of(p.eventCount(), p.attributes(), p.createdAt(), p.lastActive(),
          new TreeSet<>(c.timeline(p.id(), TimelineQuery.all()).stream().map(Event::id).toList())));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Concurrent ingestion on several nodes

  /**
   * 2 or 3 nodes ingest a shuffled history at once, each its share (some events delivered to
   * two nodes, as at-least-once delivery does), each with {@code ingestAll} in batches of a
   * random size (1: event by event). Afterwards: the partition is the model's and the in-memory
   * instance's, nothing lost or doubled, one owner per identifier, merge log consistent, and
   * every node tells the same story.
   */
  @Property(tries = 12)
  void concurrentNodes_ingestOverlappingPeople_sameAsModelAndOneInMemoryInstance(
      @ForAll long seed, @ForAll @IntRange(min = 2, max = 3) int nodes) throws Exception {
    try (Database db = h2()) {
      checkConcurrentIngestion(db, new Random(seed), nodes);
    }
  }

  /** The property above once on PostgreSQL (skipped without a server, as the other PostgreSQL tests). */
  @Test
  void postgres_concurrentNodes_ingestOverlappingPeople_sameAsModel() throws Exception {
    for (int round = 0; round < 3; round++) {
      try (Database db = postgres()) {
        checkConcurrentIngestion(db, new Random(1000 + round), 2 + round % 2);
      }
    }
  }

  static void checkConcurrentIngestion(Database db, Random random, int n) throws Exception {
    List<Sent> history = history(random, 6, 30);
    Set<Set<Identifier>> model = components(history);
    List<String> distinct = history.stream().map(s -> s.event().id()).distinct().toList();

    // Shares: each event to one node, every fifth also to another one (a redelivery).
    List<List<Event>> shares = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      shares.add(new ArrayList<>());
    }
    int deliveries = 0;
    for (int i = 0; i < history.size(); i++) {
      int to = random.nextInt(n);
      shares.get(to).add(history.get(i).event());
      deliveries++;
      if (i % 5 == 0) {
        shares.get((to + 1) % n).add(history.get(i).event());
        deliveries++;
      }
    }
    int[] batch = new int[n];
    for (int i = 0; i < n; i++) {
      batch[i] = 1 + random.nextInt(6);
    }
    AtomicInteger node = new AtomicInteger();
    try (Clientele memory = Clientele.builder().identityRules(unlimited()).erasurePolicy(salted()).build();
        Nodes nodes = new Nodes(db, n, b -> b.identityRules(unlimited()).ingestBatchSize(batch[node.getAndIncrement()]))) {
      history.forEach(s -> memory.ingest(s.event()));

      List<Callable<List<IngestResult>>> tasks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Clientele c = nodes.node(i);
        List<Event> share = shares.get(i);
        tasks.add(() -> {
          List<IngestResult> results = new ArrayList<>();
          c.ingestAll(share, results::add);
          return results;
        });
      }
      List<List<IngestResult>> results = together(tasks);
      String context = "nodes " + n + ", batch sizes " + java.util.Arrays.toString(batch);

      Clientele any = nodes.node(0);
      // The partition: the model's, and the in-memory instance's.
      Set<Set<Identifier>> partition = profiles(any).stream().map(MultiNodeHuntPropertiesTest::ids).collect(Collectors.toSet());
      assertThat(partition).as("partition, %s", context).isEqualTo(model);
      assertThat(summary(any)).as("profiles, %s", context).isEqualTo(summary(memory));

      // No event lost or doubled; each reported applied exactly once across the nodes.
      Map<String, Long> applied = results.stream().flatMap(List::stream)
          .filter(r -> r.outcome() == IngestResult.Outcome.APPLIED)
          .collect(Collectors.groupingBy(IngestResult::eventId, Collectors.counting()));
      assertThat(applied.keySet()).as("applied events, %s", context).containsExactlyInAnyOrderElementsOf(distinct);
      assertThat(applied.values()).as("each applied once, %s", context).allMatch(v -> v == 1);
      assertThat(results.stream().flatMap(List::stream).filter(r -> r.outcome() == IngestResult.Outcome.DUPLICATE).count())
          .as("duplicates, %s", context).isEqualTo(deliveries - distinct.size());
      long appliedInStats = nodes.nodes.stream().map(Clientele::stats).mapToLong(IngestStats::applied).sum();
      assertThat(appliedInStats).as("stats, %s", context).isEqualTo(distinct.size());
      assertThat(any.storage().eventCount()).isEqualTo(distinct.size());
      try (Stream<StoredEvent> all = any.storage().allEvents()) {
        assertThat(all.map(e -> e.event().id()).sorted().toList()).isEqualTo(distinct.stream().sorted().toList());
      }
      long onTimelines = 0;
      Set<String> seen = new HashSet<>();
      for (Profile p : profiles(any)) {
        onTimelines += p.eventCount();
        for (Event e : any.timeline(p.id(), TimelineQuery.all())) {
          assertThat(seen.add(e.id())).as("event %s on one timeline only", e.id()).isTrue();
        }
      }
      assertThat(onTimelines).isEqualTo(distinct.size());
      assertThat(seen).hasSize(distinct.size());

      // One owner per identifier, the profile listing it, as seen from every node.
      for (Clientele c : nodes.nodes) {
        for (Profile p : profiles(any)) {
          for (Identifier id : ids(p)) {
            assertThat(c.storage().owner(id)).as("owner of %s", id).contains(p.id());
            assertThat(c.profile(id).map(Profile::id)).contains(p.id());
          }
        }
      }

      // The merge log: every profile created is a final profile or a side of a merge record.
      long created = results.stream().flatMap(List::stream).filter(IngestResult::createdProfile).count();
      List<MergeRecord> log = new ArrayList<>();
      any.storage().forEachMergeRecord(log::add);
      long absorbed = log.stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE).mapToLong(r -> r.sides().size()).sum();
      assertThat(created).as("profiles created = final + absorbed, %s", context).isEqualTo(profiles(any).size() + absorbed);
      Set<ProfileId> absorbedIds = log.stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE)
          .flatMap(r -> r.sides().stream().map(MergeRecord.Side::id)).collect(Collectors.toSet());
      assertThat(absorbedIds).as("absorbed once each").hasSize((int) absorbed);
      for (Profile p : profiles(any)) {
        assertThat(absorbedIds).doesNotContain(p.id());
        Set<ProfileId> fromLog = new HashSet<>();
        for (MergeRecord r : any.mergeLog(p.id())) {
          if (r.kind() == MergeRecord.Kind.MERGE && r.profile().equals(p.id())) {
            r.sides().forEach(s -> {
              fromLog.add(s.id());
              fromLog.addAll(s.mergedFrom());
            });
          }
        }
        assertThat(p.mergedFrom()).as("mergedFrom of %s is what its merge records absorbed", p.id())
            .containsExactlyInAnyOrderElementsOf(fromLog);
        // Every node explains it the same way, and the same merge log.
        for (Clientele c : nodes.nodes) {
          assertThat(c.explain(p.id())).isEqualTo(any.explain(p.id()));
          assertThat(c.mergeLog(p.id())).isEqualTo(any.mergeLog(p.id()));
          assertThat(c.profile(p.id())).contains(p);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. One node changes people while another ingests their events

  /** An event of person {@code p} carrying {@code ids}, at minute {@code minute}. */
  static Event of(String id, String type, long minute, Identifier... ids) {
    Event.Builder b = Event.builder(id, type, T0.plusSeconds(60 * minute));
    for (Identifier i : ids) {
      b.identifier(i);
    }
    if (type.equals("identify")) {
      b.data("city", "Zürich");
    }
    return b.build();
  }

  /** Person {@code p}'s history as fragments joined by later events (so the profile is a merge). */
  static List<Event> person(int p, String prefix) {
    return List.of(
        of(prefix + p + "-1", "pageview", 1, device("a-" + p)),
        of(prefix + p + "-2", "login", 2, device("a-" + p), email(p)),
        of(prefix + p + "-3", "identify", 3, email(p), phone(p)),
        of(prefix + p + "-4", "pageview", 4, customer(p)),
        of(prefix + p + "-5", "order", 5, customer(p), email(p)));
  }

  /**
   * Node A erases a person while node B ingests (event by event or in batches) new events of that
   * person, some also naming a new device: whichever commits first, afterwards no node finds any
   * identifier the person had or any of their events, every node rejects a replay of their events,
   * and nodes that never saw the erasure (C) reject them too.
   */
  @Property(tries = 10)
  void eraseOnOneNode_whileAnotherIngests_nothingOfThePersonSurvivesAnywhere(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int batchB) throws Exception {
    try (Database db = h2()) {
      checkEraseWhileIngesting(db, new Random(seed), batchB);
    }
  }

  /** The erasure race above on PostgreSQL, a few rounds (skipped without a server). */
  @Test
  void postgres_eraseOnOneNode_whileAnotherIngests_nothingOfThePersonSurvivesAnywhere() throws Exception {
    for (int round = 0; round < 4; round++) {
      try (Database db = postgres()) {
        checkEraseWhileIngesting(db, new Random(77 + round), 1 + round);
      }
    }
  }

  static void checkEraseWhileIngesting(Database db, Random random, int batchB) throws Exception {
    AtomicInteger which = new AtomicInteger();
    try (Nodes nodes = new Nodes(db, 3, b -> b.ingestBatchSize(which.getAndIncrement() == 1 ? batchB : 1))) {
      Clientele a = nodes.node(0);
      Clientele b = nodes.node(1);
      Clientele c = nodes.node(2);
      List<Event> old = new ArrayList<>(person(0, "old-"));
      old.addAll(person(1, "old-"));
      old.forEach(e -> nodes.node(random.nextInt(3)).ingest(e));
      // Node B and C read (and cache) the person before the erasure.
      ProfileId erased = b.profile(email(0)).orElseThrow().id();
      assertThat(c.profile(phone(0)).map(Profile::id)).contains(erased);
      Set<Identifier> theirs = ids(b.profile(erased).orElseThrow());

      List<Event> fresh = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        List<Identifier> pick = new ArrayList<>(List.of(email(0), phone(0), customer(0), device("a-0")));
        Collections.shuffle(pick, random);
        List<Identifier> carried = new ArrayList<>(pick.subList(0, 1 + random.nextInt(2)));
        if (random.nextBoolean()) {
          carried.add(device("new-" + k)); // a device the erasure did not know of
        }
        fresh.add(of("fresh-" + k, random.nextBoolean() ? "pageview" : "identify", 10 + k, carried.toArray(Identifier[]::new)));
      }
      List<Object> outcomes = together(List.of(
          () -> a.delete(erased),
          () -> {
            List<IngestResult> rs = new ArrayList<>();
            b.ingestAll(fresh, rs::add);
            return rs;
          }));
      @SuppressWarnings("unchecked")
      List<IngestResult> during = (List<IngestResult>) outcomes.get(1);
      Set<Identifier> after = new HashSet<>(theirs);
      for (int k = 0; k < fresh.size(); k++) {
        IngestResult r = during.get(k);
        assertThat(r.outcome()).as("%s", r).isIn(IngestResult.Outcome.APPLIED, IngestResult.Outcome.REJECTED);
        if (r.outcome() == IngestResult.Outcome.APPLIED) {
          // Applied before the erasure: erased with the person (its new device too), so no owner is left.
          after.addAll(fresh.get(k).identifiers());
        }
      }
      Set<String> gone = new HashSet<>();
      old.stream().filter(e -> e.id().startsWith("old-0")).forEach(e -> gone.add(e.id()));
      fresh.forEach(e -> gone.add(e.id()));
      for (Clientele n : nodes.nodes) {
        assertThat(n.profile(erased)).as("profile by id").isEmpty();
        for (Identifier id : after) {
          assertThat(n.profile(id)).as("profile of %s", id).isEmpty();
          assertThat(n.storage().owner(id)).as("owner of %s", id).isEmpty();
        }
        assertThat(n.storage().containedEvents(new ArrayList<>(gone))).as("their events").isEmpty();
        for (Profile p : profiles(n)) {
          assertThat(ids(p)).as("identifiers of a remaining profile").doesNotContainAnyElementsOf(theirs);
        }
      }
      // Replays of the person's old and new events: rejected on every node.
      for (Clientele n : nodes.nodes) {
        for (Event e : Stream.concat(old.stream().filter(e -> e.id().startsWith("old-0")), fresh.stream()).toList()) {
          IngestResult r = n.ingest(e);
          boolean onlyUnknown = e.identifiers().stream().noneMatch(theirs::contains);
          if (!onlyUnknown) {
            assertThat(r.outcome()).as("replay of %s on a node", e.id()).isEqualTo(IngestResult.Outcome.REJECTED);
          }
        }
      }
      // The other person is untouched.
      assertThat(c.profile(email(1)).orElseThrow().eventCount()).isEqualTo(5);
    }
  }

  /**
   * Read-after-write across nodes: once a write returns on node A, node B (which read the same
   * people before, so any cache it has is warm) shows its result: a consent recorded, a forced
   * merge, a split, an erasure; in profiles, consent history, reachability, timeline, merge log
   * and explanation.
   */
  @Test
  void writesOnOneNode_areVisibleOnAnother_atOnce() throws Exception {
    try (Database db = h2(); Nodes nodes = new Nodes(db, 2, b -> b)) {
      Clientele a = nodes.node(0);
      Clientele b = nodes.node(1);
      person(0, "p-").forEach(b::ingest);
      person(1, "p-").forEach(b::ingest);
      ProfileId p0 = b.profile(email(0)).orElseThrow().id();
      ProfileId p1 = b.profile(email(1)).orElseThrow().id();
      // Warm B's view.
      for (ProfileId p : List.of(p0, p1)) {
        b.reachability(p);
        b.consentHistory(p);
        b.explain(p);
        b.timeline(p, TimelineQuery.all());
      }
      assertThat(b.reachability(p0).on(dev.clientele.core.Channel.EMAIL).reachable()).isTrue();

      // Consent recorded on A.
      a.recordConsent(email(0), dev.clientele.core.Consent.OPT_OUT, T0.plusSeconds(6000), "preference-centre", "form");
      assertThat(b.consentHistory(p0)).extracting(ch -> ch.consent()).containsExactly(dev.clientele.core.Consent.OPT_OUT);
      assertThat(b.reachability(p0).on(dev.clientele.core.Channel.EMAIL).reachable()).isFalse();
      assertThat(b.timeline(p0, TimelineQuery.all())).hasSize(6);
      assertThat(b.profile(p0)).isEqualTo(a.profile(p0));

      // A forced merge on A.
      Profile merged = a.merge(p0, p1, "same person");
      ProfileId gone = merged.id().equals(p0) ? p1 : p0;
      assertThat(b.profile(gone)).isEmpty();
      assertThat(b.profile(email(1)).map(Profile::id)).contains(merged.id());
      assertThat(b.profile(email(0)).map(Profile::id)).contains(merged.id());
      assertThat(b.timeline(merged.id(), TimelineQuery.all())).hasSize(11);
      assertThat(b.explain(merged.id())).isEqualTo(a.explain(merged.id()));
      assertThat(b.mergeLog(merged.id())).isEqualTo(a.mergeLog(merged.id()));
      assertThat(b.consentHistory(merged.id())).isEqualTo(a.consentHistory(merged.id()));

      // B ingests an event of the merged person; A splits the forced merge.
      b.ingest(of("p-after-merge", "pageview", 20, email(1)));
      MergeRecord forced = a.mergeLog(merged.id()).stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE).reduce((x, y) -> y).orElseThrow();
      dev.clientele.SplitResult split = a.split(forced.id(), "not the same person");
      Set<ProfileId> after = new HashSet<>();
      after.add(split.kept().id());
      split.restored().forEach(r -> after.add(r.id()));
      assertThat(b.profile(email(0)).map(Profile::id)).isPresent().get().isIn(after);
      assertThat(b.profile(email(1)).map(Profile::id)).isPresent().get().isIn(after);
      assertThat(b.profile(email(0)).map(Profile::id)).isNotEqualTo(b.profile(email(1)).map(Profile::id));
      for (ProfileId p : after) {
        assertThat(b.profile(p)).isEqualTo(a.profile(p));
        assertThat(b.timeline(p, TimelineQuery.all())).isEqualTo(a.timeline(p, TimelineQuery.all()));
        assertThat(b.explain(p)).isEqualTo(a.explain(p));
        assertThat(b.consentHistory(p)).isEqualTo(a.consentHistory(p));
        assertThat(b.reachability(p)).isEqualTo(a.reachability(p));
      }

      // An erasure on A: B finds nothing, and a replay on B is rejected.
      ProfileId zero = b.profile(email(0)).orElseThrow().id();
      a.delete(zero);
      assertThat(b.profile(zero)).isEmpty();
      assertThat(b.profile(email(0))).isEmpty();
      assertThat(b.profile(customer(0))).isEmpty();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.timeline(zero, TimelineQuery.all()))
          .isInstanceOf(java.util.NoSuchElementException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.explain(zero))
          .isInstanceOf(java.util.NoSuchElementException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.consentHistory(zero))
          .isInstanceOf(java.util.NoSuchElementException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.reachability(zero))
          .isInstanceOf(java.util.NoSuchElementException.class);
      for (Event e : person(0, "p-")) {
        assertThat(b.ingest(e).outcome()).as(e.id()).isEqualTo(IngestResult.Outcome.REJECTED);
      }
      assertThat(b.profileCount()).isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. The same event delivered to two nodes at once

  /**
   * Each event of a history is handed to two nodes at the same instant (at-least-once delivery):
   * it is applied by exactly one of them, the other reports a duplicate, nothing throws.
   */
  @Test
  void sameEventOnTwoNodesAtOnce_appliedOnce() throws Exception {
    try (Database db = h2(); Nodes nodes = new Nodes(db, 2, b -> b.identityRules(unlimited()))) {
      List<Sent> history = history(new Random(42), 4, 12);
      for (Sent s : history) {
        List<IngestResult> rs = together(List.of(() -> nodes.node(0).ingest(s.event()), () -> nodes.node(1).ingest(s.event())));
        assertThat(rs).extracting(IngestResult::outcome).as("%s", s.event().id())
            .containsExactlyInAnyOrder(IngestResult.Outcome.APPLIED, IngestResult.Outcome.DUPLICATE);
      }
      assertThat(nodes.node(0).storage().eventCount()).isEqualTo(history.size());
      Set<Set<Identifier>> partition = profiles(nodes.node(1)).stream().map(MultiNodeHuntPropertiesTest::ids).collect(Collectors.toSet());
      assertThat(partition).isEqualTo(components(history));
    }
  }

  /**
   * A {@code gdpr_delete} event delivered to two nodes at once erases the person once; neither
   * node throws, and afterwards the person is gone on both and their replays are rejected.
   */
  @Test
  void gdprDeleteOnTwoNodesAtOnce_erasesOnce_noFailure() throws Exception {
    try (Database db = h2(); Nodes nodes = new Nodes(db, 2, b -> b)) {
      for (int round = 0; round < 6; round++) {
        int p = 10 + round;
        person(p, "g-").forEach(nodes.node(round % 2)::ingest);
        Event delete = Event.builder("gdpr-" + p, "compliance", T0.plusSeconds(9000)).action("gdpr_delete")
            .identifier(email(p)).build();
        List<IngestResult> rs = together(List.of(() -> nodes.node(0).ingest(delete), () -> nodes.node(1).ingest(delete)));
        assertThat(rs).extracting(IngestResult::outcome).as("round %d: %s", round, rs).contains(IngestResult.Outcome.ERASED);
        long erasedProfiles = rs.stream().mapToLong(r -> r.erasedProfiles().size()).sum();
        assertThat(erasedProfiles).as("round %d: the profile erased once: %s", round, rs).isEqualTo(1);
        for (Clientele n : nodes.nodes) {
          assertThat(n.profile(email(p))).isEmpty();
          assertThat(n.profile(customer(p))).isEmpty();
          assertThat(n.ingest(person(p, "g-").get(2)).outcome()).isEqualTo(IngestResult.Outcome.REJECTED);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2b. Forced merges, splits and consent on one node while another ingests

  /**
   * Node A force-merges, splits and records consent on the people while node B ingests their
   * events (event by event or in batches): whatever wins each race, afterwards every identifier
   * has one owner that lists it, every event is on one timeline (its count on its profile), no
   * consent recorded on A is lost (the opt-outs are in the ledger of whoever holds the email),
   * and both nodes read the same profiles, timelines, explanations and consent histories.
   */
  @Property(tries = 8)
  void reshapeOnOneNode_whileAnotherIngests_stateConsistentOnBothNodes(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int batchB) throws Exception {
    Random random = new Random(seed);
    AtomicInteger which = new AtomicInteger();
    try (Database db = h2();
        Nodes nodes = new Nodes(db, 2, b -> b.ingestBatchSize(which.getAndIncrement() == 1 ? batchB : 1))) {
      Clientele a = nodes.node(0);
      Clientele b = nodes.node(1);
      for (int p = 0; p < 3; p++) {
        person(p, "h-").forEach(a::ingest);
      }
      List<Event> fresh = new ArrayList<>();
      for (int k = 0; k < 24; k++) {
        int p = random.nextInt(3);
        List<Identifier> own = new ArrayList<>(List.of(email(p), phone(p), device("a-" + p), device("n-" + p + "-" + k)));
        Collections.shuffle(own, random);
        fresh.add(of("f-" + k, k % 3 == 0 ? "identify" : "pageview", 30 + k, own.subList(0, 1 + random.nextInt(2)).toArray(Identifier[]::new)));
      }
      List<Identifier> optedOut = Collections.synchronizedList(new ArrayList<>());
      together(List.<Callable<Object>>of(
          () -> {
            for (int k = 0; k < 6; k++) {
              try {
                List<Profile> ps = profiles(a);
                if (k % 3 == 2) {
                  Identifier who = email(random.nextInt(3));
                  a.recordConsent(who, dev.clientele.core.Consent.OPT_OUT, T0.plusSeconds(6000L + k), "centre", "form");
                  optedOut.add(who);
                } else if (k % 3 == 0 && ps.size() >= 2) {
                  a.merge(ps.get(0).id(), ps.get(1).id(), "hunt");
                } else {
                  List<MergeRecord> log = new ArrayList<>();
                  a.storage().forEachMergeRecord(log::add);
                  Optional<MergeRecord> forced = log.stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE).findFirst();
                  if (forced.isPresent()) {
                    a.split(forced.get().id(), "hunt");
                  }
                }
              } catch (IllegalArgumentException | IllegalStateException | java.util.NoSuchElementException raced) {
                // The other node changed what this operation named (e.g. a record already split): documented outcomes.
              }
            }
            return null;
          },
          () -> b.ingestAll(fresh)));

      List<Profile> all = profiles(a);
      long events = 0;
      Set<String> seen = new HashSet<>();
      for (Profile p : all) {
        for (Identifier id : ids(p)) {
          assertThat(a.storage().owner(id)).as("owner of %s", id).contains(p.id());
        }
        List<Event> timeline = a.timeline(p.id(), TimelineQuery.all());
        for (Event e : timeline) {
          assertThat(seen.add(e.id())).as("event %s on one timeline", e.id()).isTrue();
        }
        events += p.eventCount();
        assertThat(b.profile(p.id())).contains(p);
        assertThat(b.timeline(p.id(), TimelineQuery.all())).isEqualTo(timeline);
        assertThat(b.explain(p.id())).isEqualTo(a.explain(p.id()));
        assertThat(b.consentHistory(p.id())).isEqualTo(a.consentHistory(p.id()));
        assertThat(b.reachability(p.id())).isEqualTo(a.reachability(p.id()));
      }
      assertThat(a.storage().eventCount()).as("stored events").isEqualTo(15 + fresh.size() + optedOut.size());
      assertThat(events).as("event counts of the profiles").isEqualTo(a.storage().eventCount());
      for (Identifier who : new HashSet<>(optedOut)) {
        Profile holder = b.profile(who).orElseThrow();
        assertThat(b.consentHistory(holder.id())).as("ledger of the holder of %s", who)
            .anyMatch(ch -> ch.identifier().equals(who) && ch.consent() == dev.clientele.core.Consent.OPT_OUT);
      }
    }
  }

  /** What a call returned, or the type of what it threw. */
  static Object outcome(Callable<?> call) {
    try {
      return call.call();
    } catch (Exception e) {
      return e.getClass();
    }
  }

  /**
   * Two operators on two nodes do the same thing at once: erase the same profile, force-merge
   * the same two profiles, split the same merge. Exactly one succeeds; the other gets the
   * documented exception for what it found (no such profile, no such record, or a merge already
   * undone), never another failure, and the state is that of one operation.
   */
  @Test
  void sameOperatorWriteOnTwoNodesAtOnce_oneWins_theOtherGetsTheDocumentedException() throws Exception {
    try (Database db = h2(); Nodes nodes = new Nodes(db, 2, b -> b)) {
      Clientele a = nodes.node(0);
      Clientele b = nodes.node(1);
      for (int round = 0; round < 4; round++) {
        int p = 20 + 2 * round;
        person(p, "o-").forEach(a::ingest);
        person(p + 1, "o-").forEach(b::ingest);
        ProfileId x = a.profile(email(p)).orElseThrow().id();
        ProfileId y = a.profile(email(p + 1)).orElseThrow().id();

        List<Object> merges = together(List.<Callable<Object>>of(
            () -> outcome(() -> a.merge(x, y, "ops")), () -> outcome(() -> b.merge(x, y, "ops"))));
        assertThat(merges).as("round %d merges: %s", round, merges).filteredOn(o -> o instanceof Profile).hasSize(1);
        assertThat(merges).filteredOn(o -> !(o instanceof Profile)).containsOnly(java.util.NoSuchElementException.class);
        ProfileId merged = a.profile(email(p)).orElseThrow().id();
        assertThat(a.mergeLog(merged)).filteredOn(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE).hasSize(1);

        String record = a.mergeLog(merged).stream().filter(r -> r.kind() == MergeRecord.Kind.FORCED_MERGE).findFirst().orElseThrow().id();
        List<Object> splits = together(List.<Callable<Object>>of(
            () -> outcome(() -> a.split(record, "ops")), () -> outcome(() -> b.split(record, "ops"))));
        assertThat(splits).as("round %d splits: %s", round, splits).filteredOn(o -> o instanceof dev.clientele.SplitResult).hasSize(1);
        assertThat(splits).filteredOn(o -> !(o instanceof dev.clientele.SplitResult)).containsOnly(IllegalStateException.class);
        assertThat(a.profile(email(p)).map(Profile::id)).isNotEqualTo(a.profile(email(p + 1)).map(Profile::id));

        ProfileId victim = b.profile(email(p)).orElseThrow().id();
        List<Object> deletes = together(List.<Callable<Object>>of(
            () -> outcome(() -> a.delete(victim)), () -> outcome(() -> b.delete(victim))));
        assertThat(deletes).as("round %d erasures: %s", round, deletes).filteredOn(o -> o instanceof dev.clientele.consent.ErasureReport).hasSize(1);
        assertThat(deletes).filteredOn(o -> !(o instanceof dev.clientele.consent.ErasureReport)).containsOnly(java.util.NoSuchElementException.class);
        assertThat(b.profile(email(p))).isEmpty();
        assertThat(a.profile(email(p + 1))).isPresent();
        assertThat(a.recordConsent(email(p), dev.clientele.core.Consent.OPT_IN, T0.plusSeconds(9000), "centre", "form").outcome())
            .as("consent for an erased address, on the other node").isEqualTo(IngestResult.Outcome.REJECTED);
      }
    }
  }
}
