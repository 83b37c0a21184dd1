package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.IngestResult;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.TimelineQuery;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.segments.InMemoryMembershipStore;
import dev.clientele.segments.Segment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host process that dies mid-work and restarts on the same H2 file: a child JVM
 * ({@link CrashChild}) ingests a {@link CrashHistory} into Clientele on {@link JdbcStorage} with
 * {@link JdbcMembershipStore} segments and is killed, by {@code destroyForcibly} after a delay or
 * by a hook at a chosen JDBC step; then this JVM opens the file again and checks what the docs
 * promise:
 * <ul>
 *   <li>every commit all-or-nothing: each index entry's owner exists and holds the identifier,
 *       each profile's identifiers are indexed to it, each stored event reaches a profile through
 *       its anchor, each profile's event count is its timeline, each merged-away id is gone and
 *       named by its survivor's merge log; events of acknowledged batches are stored;
 *   <li>replaying the whole history (at-least-once delivery) counts what was stored as
 *       duplicates and ends in the state of an uninterrupted run (an in-memory one) and of the
 *       model: the same partition of identifiers, events, attributes and memberships;
 *   <li>the erased persons stay erased after the replay (their tombstones block it);
 *   <li>after {@code refresh}, stored memberships equal a fresh evaluation, and no membership
 *       row names a profile that is gone (current rows) or was erased (any row).
 * </ul>
 * A larger run (more seeds and kill points) is {@link #soak}, off unless {@code -Dhcrash.soak=N}.
 */
class CrashRestartHuntTest {
  private static final int PEOPLE = 10;

  /**
   * The child's H2 URL gets {@code WRITE_DELAY=0}: each commit reaches the file before
   * {@code commit()} returns. Without it H2 writes in the background (every 500 ms by default),
   * so a kill also loses the last commits and hides the windows between two commits.
   */
  private static final String DURABLE = "-Dhcrash.urlSuffix=;WRITE_DELAY=0";

  /** Kills at chosen JDBC steps spread over the run (mid-transaction: before a statement or the commit). */
  @Test
  void haltedAtChosenSteps_restartAndReplay_sameAsUninterrupted(@TempDir Path dir) throws Exception {
    long seed = 11;
    for (int haltAt : new int[] {40, 157, 333}) {
      Path db = dir.resolve("halt-" + haltAt).resolve("db");
      Child child = runChild(db, seed, List.of("-Dhcrash.haltAt=" + haltAt), null);
      assertThat(child.exit).as("halted at step %s: %s", haltAt, child.output).isEqualTo(CrashChild.HALTED);
      checkAfterRestart(db, seed, child.acked, false);
    }
  }

  /**
   * With {@code WRITE_DELAY=0} in the H2 URL every commit is written to the file before
   * {@code commit()} returns, so a batch {@code ingestAll} acknowledged survives a kill of the
   * process. (With H2's default write delay of 500 ms it need not: see the test above, which
   * checks only that what survives is a prefix of the commits, and {@link JdbcStorage}.)
   */
  @Test
  void writeDelayZero_acknowledgedBatchesSurviveTheKill(@TempDir Path dir) throws Exception {
    long seed = 11;
    for (int haltAt : new int[] {157, 333}) {
      Path db = dir.resolve("durable-" + haltAt).resolve("db");
      Child child = runChild(db, seed, List.of("-Dhcrash.haltAt=" + haltAt, DURABLE), null);
      assertThat(child.exit).as("halted at step %s: %s", haltAt, child.output).isEqualTo(CrashChild.HALTED);
      assertThat(child.acked).as("batches acknowledged before the kill").isPositive();
      checkAfterRestart(db, seed, child.acked, true);
    }
  }

  /** Kills by {@code destroyForcibly} (SIGKILL) a delay drawn from a seed after the first acknowledged batch. */
  @Test
  void killedAfterRandomDelay_restartAndReplay_sameAsUninterrupted(@TempDir Path dir) throws Exception {
    Random random = new Random(5);
    for (int k = 0; k < 2; k++) {
      long seed = 100 + k;
      Path db = dir.resolve("kill-" + k).resolve("db");
      Child child = runChild(db, seed, List.of(), Duration.ofMillis(random.nextInt(600)));
      checkAfterRestart(db, seed, child.acked, false);
    }
  }

  /**
   * A kill during the first open, while the schema is being created (H2 commits each
   * {@code CREATE} by itself, so some tables exist and no version row says so): the next open
   * must finish the schema, and the store then works as on a fresh database.
   */
  @Test
  void killedDuringFirstOpen_nextOpenFinishesTheSchema(@TempDir Path dir) throws Exception {
    for (int haltAt : new int[] {5, 14}) {
      Path db = dir.resolve("open-" + haltAt).resolve("db");
      Child child = runChild(List.of("-Dhcrash.haltAt=" + haltAt, DURABLE), null, "open", db.toString());
      assertThat(child.exit).as("halted at step %s: %s", haltAt, child.output).isEqualTo(CrashChild.HALTED);
      checkAfterRestart(db, 11, 0, false);
    }
  }

  /**
   * Killed right after an erasure's commit, before its segment history went: the erased
   * profile's spans (its id, segments, times, cause event ids) stayed in the membership tables,
   * and nothing after the restart found them ({@code refresh} visited stored profiles only).
   */
  @Test
  void killedBetweenErasureAndForget_noMembershipTraceAfterRestart(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("forget").resolve("db");
    Child child = runChild(db, 11, List.of("-Dhcrash.haltOn=forget", DURABLE), null);
    assertThat(child.exit).as(child.output).isEqualTo(CrashChild.HALTED);
    checkAfterRestart(db, 11, child.acked, false);
  }

  /**
   * Killed right after a merge's commit, before the merged-away profile left its segments: the
   * merged-away id stayed a current member after the restart and a {@code refresh}.
   */
  @Test
  void killedBetweenMergeAndLeave_noStaleMembershipAfterRestartAndRefresh(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("leave").resolve("db");
    Child child = runChild(db, 11, List.of("-Dhcrash.haltOn=goneLeave", DURABLE), null);
    assertThat(child.exit).as(child.output).isEqualTo(CrashChild.HALTED);
    checkAfterRestart(db, 11, child.acked, false);
  }

  /**
   * On PostgreSQL (skipped without {@code CLIENTELE_TEST_PG_URL}, failed under {@code CI=true}
   * without it): halted mid-transaction, and in the windows after a merge's and an erasure's
   * commit. PostgreSQL keeps every acknowledged commit.
   */
  @Test
  void postgres_haltedMidWork_restartAndReplay_sameAsUninterrupted() throws Exception {
    for (String halt : List.of("-Dhcrash.haltAt=333", "-Dhcrash.haltOn=forget", "-Dhcrash.haltOn=goneLeave")) {
      HikariDataSource pool = TestDatabases.postgres();
      try {
        String url = TestDatabases.postgresUrl().orElseThrow();
        Child child = runChild(List.of(halt, "-Dhcrash.schema=" + pool.getSchema()), null,
            "ingest", url, "11", Integer.toString(PEOPLE));
        assertThat(child.exit).as("%s: %s", halt, child.output).isEqualTo(CrashChild.HALTED);
        checkAfterRestart(pool, 11, child.acked, true);
      } finally {
        TestDatabases.dropPostgres(pool);
      }
    }
  }

  /**
   * Profile ids after a restart: a second process whose id supplier starts again from the
   * beginning (a host's sequential ids without persistent state, or two processes drawing the
   * same ids) must never overwrite or reuse a stored profile: the insert of a new profile is
   * refused by the primary key, and the retry draws the next id. Every stored profile is
   * unchanged, and every new person gets a profile of their own.
   */
  @Test
  void restartWithRepeatingIdSupplier_noStoredProfileReused(@TempDir Path dir) throws Exception {
    CrashHistory first = CrashHistory.of(3, 4);
    Map<ProfileId, Profile> before = new HashMap<>();
    try (HikariDataSource pool = CrashChild.pool(dir.resolve("ids").toString())) {
      for (int run = 0; run < 2; run++) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (Clientele clientele = Clientele.builder().storage(JdbcStorage.open(pool))
            .erasurePolicy(ErasurePolicy.builder().salt(CrashHistory.SALT).build())
            .profileIds(() -> ProfileId.of("p-" + n.incrementAndGet())).build()) {
          if (run == 0) {
            clientele.ingestAll(first.events);
            clientele.storage().forEachProfile(p -> before.put(p.id(), p));
            continue;
          }
          List<Event> others = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            others.add(Event.builder("other-" + i, "identify", CrashHistory.T0)
                .identifier(dev.clientele.core.IdentifierType.EMAIL, "other" + i + "@example.com").data("city", "Bern").build());
          }
          List<IngestResult> results = new ArrayList<>();
          clientele.ingestAll(others, results::add);
          assertThat(results).extracting(IngestResult::outcome).containsOnly(IngestResult.Outcome.APPLIED);
          for (Profile old : before.values()) {
            assertThat(clientele.storage().profile(old.id())).as("a stored profile after the restart").contains(old);
          }
          Set<ProfileId> owners = new HashSet<>();
          for (Event e : others) {
            ProfileId owner = clientele.storage().owner(e.identifiers().get(0)).orElseThrow();
            assertThat(before).as("a new person's profile id").doesNotContainKey(owner);
            owners.add(owner);
          }
          assertThat(owners).as("one profile per new person").hasSize(others.size());
        }
      }
    }
  }

  /**
   * The larger run, kept out of the suite: {@code -Dhcrash.soak=N} kills N children at steps
   * drawn from {@code hcrash.soakSeed} (default 1) over the whole run, schema migration included,
   * half of them with {@code WRITE_DELAY=0} (then acknowledged batches must survive), and checks
   * each database after a restart.
   */
  @Test
  @EnabledIfSystemProperty(named = "hcrash.soak", matches = "\\d+")
  void soak(@TempDir Path dir) throws Exception {
    int n = Integer.getInteger("hcrash.soak");
    Random random = new Random(Long.getLong("hcrash.soakSeed", 1));
    for (int k = 0; k < n; k++) {
      long seed = random.nextInt(1000);
      int haltAt = 1 + random.nextInt(900);
      boolean durable = random.nextBoolean();
      Path db = dir.resolve("soak-" + k).resolve("db");
      List<String> props = new ArrayList<>(List.of("-Dhcrash.haltAt=" + haltAt));
      if (durable) {
        props.add(DURABLE);
      }
      Child child = runChild(db, seed, props, null);
      System.out.printf("soak %d: seed %d haltAt %d durable %s exit %d acked %d%n", k, seed, haltAt, durable, child.exit, child.acked);
      checkAfterRestart(db, seed, child.acked, durable);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The child

  record Child(int exit, int acked, String output) {}

  static Child runChild(Path db, long seed, List<String> props, Duration killAfter) throws Exception {
    return runChild(props, killAfter, "ingest", db.toString(), Long.toString(seed), Integer.toString(PEOPLE));
  }

  static Child runChild(List<String> props, Duration killAfter, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.addAll(props);
    cmd.add(CrashChild.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    int[] acked = {0};
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (out) {
            if (line.startsWith("ACK ")) {
              acked[0] = Integer.parseInt(line.substring(4));
            } else {
              out.append(line).append('\n');
            }
          }
        }
      } catch (IOException ignored) {
        // the child died: what was read stands
      }
    });
    reader.start();
    if (killAfter != null) {
      // the delay counts from the first acknowledged batch: JVM start-up takes seconds on a loaded machine
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (p.isAlive() && System.nanoTime() < deadline) {
        synchronized (out) {
          if (acked[0] > 0) {
            break;
          }
        }
        Thread.sleep(5);
      }
      if (!p.waitFor(killAfter.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
      }
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child did not end");
    }
    reader.join(10_000);
    synchronized (out) {
      return new Child(p.exitValue(), acked[0], out.toString());
    }
  }

  // -------------------------------------------------------------------------------------------
  // After the restart

  /** What the reference (uninterrupted, in-memory) run ends with, by history seed. */
  private static final Map<Long, Map<Set<Identifier>, Canon>> REFERENCE = new HashMap<>();

  /** A profile without what legitimately differs between runs (ids, versions, times of writing). */
  record Canon(Set<String> events, String city, String firstName, long eventCount, Set<String> segments) {}

  static void checkAfterRestart(Path db, long seed, int acked, boolean durable) throws SQLException {
    try (HikariDataSource pool = CrashChild.pool(db.toString())) {
      checkAfterRestart(pool, seed, acked, durable);
    }
  }

  static void checkAfterRestart(HikariDataSource pool, long seed, int acked, boolean durable) throws SQLException {
    CrashHistory history = CrashHistory.of(seed, PEOPLE);
    {
      JdbcStorage storage = JdbcStorage.open(pool);
      JdbcMembershipStore memberships = JdbcMembershipStore.open(pool);
      checkConsistent(storage, pool);
      Set<String> stored = eventIds(storage);
      Set<String> ackedEvents = new TreeSet<>();
      history.events.subList(0, acked).forEach(e -> ackedEvents.add(e.id()));
      ackedEvents.retainAll(history.expectedEventIds());
      List<String> order = history.events.stream().map(Event::id).toList();
      // Commits persist in order: the events of people never erased that are stored are a prefix
      // of theirs in the history (a commit lost to H2's write delay takes every later one with it).
      List<String> kept = order.stream().filter(history.expectedEventIds()::contains).toList();
      int prefix = 0;
      while (prefix < kept.size() && stored.contains(kept.get(prefix))) {
        prefix++;
      }
      List<String> later = kept.subList(prefix, kept.size());
      assertThat(later.stream().filter(stored::contains).toList())
          .as("stored events are a prefix of the history (%s)", order).isEmpty();
      if (durable) {
        assertThat(stored).as("events of acknowledged batches survive the kill (%s acknowledged; history %s)", acked, order)
            .containsAll(ackedEvents);
      }
      assertThat(stored).as("only events of the history").isSubsetOf(history.events.stream().map(Event::id).toList());
      try (Clientele clientele = CrashHistory.clientele(storage, memberships)) {
        Map<String, IngestResult.Outcome> replay = ingest(clientele, history, seed);
        for (String id : stored) {
          assertThat(replay.get(id)).as("replay of a stored event").isEqualTo(IngestResult.Outcome.DUPLICATE);
        }
        System.out.println("replay outcomes: " + replay.values().stream()
            .collect(Collectors.groupingBy(o -> o, java.util.TreeMap::new, Collectors.counting())));
        clientele.segments().refresh(CrashHistory.CLOCK.instant());
        checkConsistent(storage, pool);
        Map<Set<Identifier>, Canon> after = canon(clientele);
        assertThat(after.keySet()).as("partition after the replay").isEqualTo(history.expectedPartition());
        assertThat(after).as("same as an uninterrupted run").isEqualTo(reference(seed, history));
        assertThat(eventIds(storage)).isEqualTo(history.expectedEventIds());
        checkMemberships(clientele, storage, pool);
        for (int person : history.erased) {
          for (Identifier id : history.identifiersOf.get(person)) {
            assertThat(storage.owner(id)).as("erased %s", id.type()).isEmpty();
            assertThat(storage.isTombstoned(ErasurePolicy.builder().salt(CrashHistory.SALT).build().tombstoneOf(id)))
                .as("tombstone of an erased %s", id.type()).isTrue();
          }
        }
      }
    }
  }

  /** Ingests the history in its batches; what each event came to, by event id. */
  static Map<String, IngestResult.Outcome> ingest(Clientele clientele, CrashHistory history, long seed) {
    Map<String, IngestResult.Outcome> out = new java.util.LinkedHashMap<>();
    for (List<Event> batch : history.batches(seed)) {
      int[] i = {0};
      clientele.ingestAll(batch, r -> out.put(batch.get(i[0]++).id(), r.outcome()));
    }
    return out;
  }

  private static Map<Set<Identifier>, Canon> reference(long seed, CrashHistory history) {
    synchronized (REFERENCE) {
      return REFERENCE.computeIfAbsent(seed, s -> {
        try (Clientele memory = CrashHistory.clientele(new dev.clientele.core.spi.InMemoryStorage(), new InMemoryMembershipStore())) {
          ingest(memory, history, seed);
          assertThat(canon(memory).keySet()).as("the in-memory run against the model").isEqualTo(history.expectedPartition());
          return canon(memory);
        }
      });
    }
  }

  static Map<Set<Identifier>, Canon> canon(Clientele clientele) {
    Map<Set<Identifier>, Canon> out = new HashMap<>();
    clientele.storage().forEachProfile(p -> {
      Set<Identifier> ids = p.identifiers().stream().map(IdentifierState::identifier).collect(Collectors.toSet());
      Set<String> events = clientele.timeline(p.id(), TimelineQuery.all()).stream().map(Event::id)
          .collect(Collectors.toCollection(TreeSet::new));
      String city = p.attributes().containsKey("city") ? String.valueOf(p.attributes().get("city").value()) : null;
      String name = p.attributes().containsKey("first_name") ? String.valueOf(p.attributes().get("first_name").value()) : null;
      out.put(Set.copyOf(ids), new Canon(events, city, name, p.eventCount(), new TreeSet<>(clientele.segments().memberships(p.id()))));
    });
    return out;
  }

  static Set<String> eventIds(Storage storage) {
    try (Stream<StoredEvent> all = storage.allEvents()) {
      return all.map(e -> e.event().id()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The all-or-nothing invariants of the stored state. */
  static void checkConsistent(JdbcStorage storage, HikariDataSource pool) throws SQLException {
    Map<ProfileId, Profile> profiles = new HashMap<>();
    storage.forEachProfile(p -> profiles.put(p.id(), p));
    long identifiers = 0;
    for (Profile p : profiles.values()) {
      assertThat(p.version()).as("version of a stored profile").isPositive();
      for (IdentifierState s : p.identifiers()) {
        identifiers++;
        assertThat(storage.owner(s.identifier())).as("owner of an identifier of a stored profile").contains(p.id());
      }
      for (ProfileId gone : p.mergedFrom()) {
        assertThat(profiles).as("a merged-away profile is gone").doesNotContainKey(gone);
      }
      for (ProfileId gone : p.mergedFrom()) {
        // (a profile merged into one that merged later is named by the first merge's record only)
        assertThat(storage.mergeRecords(gone)).as("the merge log names each merged-away id").isNotEmpty();
      }
      long timeline = storage.events(p.identifiers().stream().map(IdentifierState::identifier).toList()).size();
      assertThat(p.eventCount()).as("event count against the timeline").isEqualTo(timeline);
    }
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM clientele_identity")) {
        rs.next();
        assertThat(rs.getLong(1)).as("index entries = identifiers of stored profiles").isEqualTo(identifiers);
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM clientele_identity i WHERE NOT EXISTS "
          + "(SELECT 1 FROM clientele_profile p WHERE p.id = i.profile_id)")) {
        rs.next();
        assertThat(rs.getLong(1)).as("index entries whose owner is gone").isZero();
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM clientele_event e WHERE NOT EXISTS "
          + "(SELECT 1 FROM clientele_identity i WHERE i.id_type = e.anchor_type AND i.id_value = e.anchor_value)")) {
        rs.next();
        assertThat(rs.getLong(1)).as("events that reach no profile").isZero();
      }
    }
  }

  /**
   * After refresh: each stored profile's memberships are what a fresh evaluation gives; no
   * current membership of a profile that is gone; no membership row at all of a profile that is
   * neither stored nor named by a merge record (an erased one).
   */
  static void checkMemberships(Clientele clientele, JdbcStorage storage, HikariDataSource pool) throws SQLException {
    Instant asOf = CrashHistory.CLOCK.instant();
    storage.forEachProfile(p -> {
      Set<String> fresh = new TreeSet<>();
      for (Segment s : List.of(CrashHistory.ZURICH, CrashHistory.BUYERS)) {
        if (clientele.segments().matches(s, p, asOf)) {
          fresh.add(s.name());
        }
      }
      assertThat(clientele.segments().memberships(p.id())).as("stored memberships = fresh evaluation").isEqualTo(fresh);
    });
    Set<String> live = new HashSet<>();
    storage.forEachProfile(p -> live.add(p.id().value()));
    Set<String> named = new HashSet<>();
    storage.forEachMergeRecord(r -> {
      named.add(r.profile().value());
      r.sides().forEach(side -> named.add(side.id().value()));
    });
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      Set<String> current = column(s, "SELECT DISTINCT profile_id FROM clientele_segment_current");
      current.removeAll(live);
      assertThat(current).as("current memberships of profiles that are gone").isEmpty();
      Set<String> spans = column(s, "SELECT DISTINCT profile_id FROM clientele_segment_span");
      spans.removeAll(live);
      spans.removeAll(named);
      assertThat(spans).as("membership history of erased profiles").isEmpty();
    }
  }

  private static Set<String> column(Statement s, String sql) throws SQLException {
    Set<String> out = new TreeSet<>(Comparator.naturalOrder());
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
