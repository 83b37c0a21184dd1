package dev.clientele.storage.jdbc;

import static dev.clientele.tck.StorageFixtures.create;
import static dev.clientele.tck.StorageFixtures.customerId;
import static dev.clientele.tck.StorageFixtures.email;
import static dev.clientele.tck.StorageFixtures.event;
import static dev.clientele.tck.StorageFixtures.next;
import static dev.clientele.tck.StorageFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Identifier;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.CommitConflictException;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.spi.StorageException;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.tck.StorageFixtures;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resource hunt, storage level: every public operation of {@link JdbcStorage} and
 * {@link JdbcMembershipStore}, run on a {@link RecordingDataSource} over a pooled H2 database,
 * without faults and then with a {@link java.sql.SQLException}, a {@link RuntimeException} and an
 * {@link Error} at each counted JDBC call in turn. After each run: every connection, statement and
 * result set opened was closed; each connection came back with the settings it was handed out
 * with and no open transaction; a failed run left the rows exactly as they were, a run that
 * absorbed its fault returned what the run without faults returned and left the same rows.
 * Connections are handed out as Hikari's defaults (auto-commit on, {@code READ COMMITTED}) and as
 * a pool configured for auto-commit off at {@code SERIALIZABLE}.
 */
class JdbcResourcesHuntTest {
  @RegisterExtension static final ClassPool DB = ClassPool.h2Memory();

  private static final Identifier ANN = email("ann");
  private static final Identifier ANN_CID = customerId("c-ann");
  private static final Identifier BOB = email("bob");
  private static final Identifier OLD = email("old");
  private static final Profile ANN_PROFILE = profile("p-ann", 1, ANN, ANN_CID);
  private static final Profile BOB_PROFILE = profile("p-bob", 1, BOB);
  private static final MergeRecord MERGE = new MergeRecord("r-1", MergeRecord.Kind.MERGE, StorageFixtures.T0,
      ANN_PROFILE.id(), List.of(new MergeRecord.Side(ProfileId.of("p-old"), Set.of(OLD), List.of())),
      Optional.of("e-1"), List.of(ANN), Optional.empty(), "test");
  private static final MergeRecord SPLIT = new MergeRecord("r-2", MergeRecord.Kind.SPLIT, StorageFixtures.T0,
      ANN_PROFILE.id(), List.of(new MergeRecord.Side(BOB_PROFILE.id(), Set.of(BOB), List.of())),
      Optional.empty(), List.of(ANN), Optional.of("r-1"), "test");
  private static final Instant AT = Instant.parse("2026-02-01T10:00:00Z");

  /** The database of the sweeps; {@link PostgresResourcesHuntTest} runs them on PostgreSQL. */
  DataSource db() {
    return DB.pool();
  }

  private RecordingDataSource rec;

  @BeforeEach
  void open() {
    rec = new RecordingDataSource(db());
  }

  /**
   * Closes whatever a failed test left open (a cursor's transaction left open on PostgreSQL would
   * keep the class's schema from being dropped).
   */
  @AfterEach
  void closeLeftovers() {
    rec.noFaults();
    rec.drainViolations();
  }

  /** One operation: {@code prepare} runs without faults and returns the call that runs with them. */
  private record Op(String name, Supplier<Callable<Object>> prepare) {}

  private static Op op(String name, Callable<Object> call) {
    return new Op(name, () -> call);
  }

  /** The fixture every operation starts from, written without the recorder. */
  private void fixture() {
    JdbcStorage s = TestDatabases.openCleared(db());
    s.commit(create(ANN_PROFILE));
    s.commit(create(BOB_PROFILE));
    s.commit(Commit.builder().append(event("e-1", 1, ANN)).append(event("e-2", 2, ANN_CID))
        .append(event("e-3", 3, BOB)).build());
    s.commit(Commit.builder().logMerge(MERGE).logMerge(SPLIT).tombstone("hash-1").build());
    JdbcMembershipStore m = JdbcMembershipStore.open(db());
    m.enter(ANN_PROFILE.id(), "vip", AT, Optional.of("e-1"));
    m.enter(ANN_PROFILE.id(), "old", AT, Optional.empty());
    m.leave(ANN_PROFILE.id(), "old", AT.plusSeconds(60), Optional.of("e-2"));
  }

  private static List<Identifier> many(Identifier... plus) {
    List<Identifier> out = new ArrayList<>(List.of(plus));
    for (int i = 0; i < JdbcStorage.CHUNK + 5; i++) {
      out.add(customerId("c-" + i));
    }
    return out;
  }

  private List<Op> storageOps() {
    Supplier<JdbcStorage> store = () -> JdbcStorage.open(rec);
    List<Op> ops = new ArrayList<>();
    ops.add(op("open", () -> JdbcStorage.open(rec).toString()));
    ops.add(op("membership open", () -> JdbcMembershipStore.open(rec) != null));
    ops.add(new Op("profile", () -> { JdbcStorage s = store.get(); return () -> s.profile(ANN_PROFILE.id()); }));
    ops.add(new Op("profiles page", () -> { JdbcStorage s = store.get(); return () -> s.profiles(Optional.empty(), 10); }));
    ops.add(new Op("profiles after", () -> {
      JdbcStorage s = store.get();
      return () -> s.profiles(Optional.of(ANN_PROFILE.id()), 1);
    }));
    ops.add(new Op("profileCount", () -> { JdbcStorage s = store.get(); return s::profileCount; }));
    ops.add(new Op("owner", () -> { JdbcStorage s = store.get(); return () -> s.owner(ANN); }));
    ops.add(new Op("owners", () -> { JdbcStorage s = store.get(); return () -> s.owners(List.of(ANN, BOB, OLD)); }));
    ops.add(new Op("owners chunked", () -> { JdbcStorage s = store.get(); return () -> s.owners(many(ANN, BOB)); }));
    ops.add(new Op("ownedProfiles", () -> {
      JdbcStorage s = store.get();
      return () -> s.ownedProfiles(List.of(ANN, BOB)).toString();
    }));
    ops.add(new Op("ownedProfiles chunked", () -> {
      JdbcStorage s = store.get();
      return () -> s.ownedProfiles(many(ANN, BOB)).toString();
    }));
    ops.add(new Op("containsEvent", () -> { JdbcStorage s = store.get(); return () -> s.containsEvent("e-1"); }));
    ops.add(new Op("containsEventAt", () -> { JdbcStorage s = store.get(); return () -> s.containsEventAt("e-1", ANN); }));
    ops.add(new Op("containedEvents chunked", () -> {
      JdbcStorage s = store.get();
      List<String> ids = new ArrayList<>(List.of("e-1", "e-3"));
      for (int i = 0; i < JdbcStorage.CHUNK + 5; i++) {
        ids.add("x-" + i);
      }
      return () -> s.containedEvents(ids);
    }));
    ops.add(new Op("events", () -> { JdbcStorage s = store.get(); return () -> s.events(List.of(ANN, ANN_CID)); }));
    ops.add(new Op("events chunked", () -> { JdbcStorage s = store.get(); return () -> s.events(many(ANN, BOB)); }));
    ops.add(new Op("allEvents", () -> {
      JdbcStorage s = store.get();
      return () -> {
        try (Stream<StoredEvent> all = s.allEvents()) {
          return all.map(e -> e.event().id()).sorted().toList();
        }
      };
    }));
    ops.add(new Op("allEvents closed early", () -> {
      JdbcStorage s = store.get();
      return () -> {
        try (Stream<StoredEvent> all = s.allEvents()) {
          Iterator<StoredEvent> it = all.iterator();
          return it.hasNext();
        }
      };
    }));
    ops.add(new Op("eventCount", () -> { JdbcStorage s = store.get(); return s::eventCount; }));
    ops.add(new Op("isTombstoned", () -> { JdbcStorage s = store.get(); return () -> s.isTombstoned("hash-1"); }));
    ops.add(new Op("tombstoneCount", () -> { JdbcStorage s = store.get(); return s::tombstoneCount; }));
    ops.add(new Op("hasTombstones", () -> { JdbcStorage s = store.get(); return s::hasTombstones; }));
    ops.add(new Op("mergeRecords", () -> { JdbcStorage s = store.get(); return () -> s.mergeRecords(ANN_PROFILE.id()); }));
    ops.add(new Op("mergeRecord", () -> { JdbcStorage s = store.get(); return () -> s.mergeRecord("r-1"); }));
    ops.add(new Op("splitsNaming", () -> { JdbcStorage s = store.get(); return () -> s.splitsNaming(List.of(BOB, ANN)); }));
    ops.add(new Op("forEachMergeRecord", () -> {
      JdbcStorage s = store.get();
      return () -> {
        List<String> ids = new ArrayList<>();
        s.forEachMergeRecord(r -> ids.add(r.id()));
        return ids;
      };
    }));
    // Writes
    ops.add(new Op("commit: create with a batch of events", () -> {
      JdbcStorage s = store.get();
      Profile cat = profile("p-cat", 1, email("cat"));
      Commit c = Commit.builder().putProfile(cat, 0).assign(email("cat"), Optional.empty(), cat.id())
          .append(event("e-10", 10, email("cat"))).append(event("e-11", 11, email("cat")))
          .append(event("e-12", 12, email("cat"))).build();
      return () -> { s.commit(c); return null; };
    }));
    ops.add(new Op("commit: update, move, one event", () -> {
      JdbcStorage s = store.get();
      Profile ann2 = next(ANN_PROFILE).toBuilder().putIdentifier(
          dev.clientele.core.IdentifierState.firstSeen(BOB, StorageFixtures.T0, true, "test")).build();
      Commit c = Commit.builder().putProfile(ann2, 1).deleteProfile(BOB_PROFILE.id(), 1)
          .assign(BOB, Optional.of(BOB_PROFILE.id()), ANN_PROFILE.id()).append(event("e-20", 20, ANN))
          .logMerge(new MergeRecord("r-3", MergeRecord.Kind.MERGE, AT, ANN_PROFILE.id(),
              List.of(new MergeRecord.Side(BOB_PROFILE.id(), Set.of(BOB), List.of())), Optional.of("e-20"),
              List.of(BOB), Optional.empty(), "test"))
          .build();
      return () -> { s.commit(c); return null; };
    }));
    ops.add(new Op("commit: conflict", () -> {
      JdbcStorage s = store.get();
      Commit c = Commit.builder().putProfile(next(next(ANN_PROFILE)), 2).append(event("e-30", 30, ANN)).build();
      return () -> {
        try {
          s.commit(c);
          return "applied";
        } catch (CommitConflictException e) {
          return "conflict";
        }
      };
    }));
    ops.add(new Op("commit: erasure with redaction", () -> {
      JdbcStorage s = store.get();
      Commit c = Commit.builder().deleteProfile(BOB_PROFILE.id(), 1).unassign(BOB, BOB_PROFILE.id())
          .eraseEvents(BOB).tombstone("hash-bob").tombstone("hash-1").redactMergeRecord(SPLIT.without(List.of(BOB)))
          .build();
      return () -> { s.commit(c); return null; };
    }));
    ops.add(new Op("commit: erase merge records", () -> {
      JdbcStorage s = store.get();
      Commit c = Commit.builder().eraseMergeRecords(ANN_PROFILE.id()).build();
      return () -> { s.commit(c); return null; };
    }));
    return ops;
  }

  private List<Op> membershipOps() {
    Supplier<JdbcMembershipStore> store = () -> JdbcMembershipStore.open(rec);
    ProfileId ann = ANN_PROFILE.id();
    List<Op> ops = new ArrayList<>();
    ops.add(new Op("current", () -> { JdbcMembershipStore m = store.get(); return () -> m.current(ann); }));
    ops.add(new Op("history", () -> { JdbcMembershipStore m = store.get(); return () -> m.history(ann); }));
    ops.add(new Op("enter", () -> {
      JdbcMembershipStore m = store.get();
      return () -> m.enter(ann, "buyers", AT, Optional.of("e-9"));
    }));
    ops.add(new Op("enter again", () -> { JdbcMembershipStore m = store.get(); return () -> m.enter(ann, "vip", AT, Optional.empty()); }));
    ops.add(new Op("leave", () -> { JdbcMembershipStore m = store.get(); return () -> m.leave(ann, "vip", AT, Optional.of("e-9")); }));
    ops.add(new Op("leave a non-member", () -> {
      JdbcMembershipStore m = store.get();
      return () -> m.leave(ann, "buyers", AT, Optional.empty());
    }));
    ops.add(new Op("forget", () -> { JdbcMembershipStore m = store.get(); return () -> m.forget(ann); }));
    return ops;
  }

  /** The outcome of one run: what it returned (as a string) or what it threw. */
  private record Outcome(Object result, Throwable thrown) {}

  private static Outcome run(Callable<Object> call) {
    try {
      return new Outcome(String.valueOf(call.call()), null);
    } catch (Throwable t) {
      return new Outcome(null, t);
    }
  }

  /**
   * Runs each operation without faults, then with each kind of fault at each counted call, and
   * returns every problem found (empty: none).
   */
  private List<String> sweep(List<Op> ops) {
    List<String> problems = new ArrayList<>();
    for (Op op : ops) {
      fixture();
      Map<String, List<String>> before = RecordingDataSource.snapshot(db());
      Callable<Object> call = op.prepare().get();
      rec.drainViolations().forEach(v -> problems.add(op.name() + " (preparing): " + v));
      rec.noFaults();
      Outcome baseline = run(call);
      int calls = rec.calls();
      Map<String, List<String>> after = RecordingDataSource.snapshot(db());
      rec.drainViolations().forEach(v -> problems.add(op.name() + " without faults: " + v));
      if (baseline.thrown() != null) {
        problems.add(op.name() + " failed without faults: " + baseline.thrown());
        continue;
      }
      boolean dirty = !after.equals(before);
      for (RecordingDataSource.Fault fault : RecordingDataSource.Fault.values()) {
        for (int k = 1; k <= calls; k++) {
          if (dirty) {
            fixture();
            before = RecordingDataSource.snapshot(db());
          }
          call = op.prepare().get();
          rec.drainViolations();
          rec.failAt(k, fault);
          Outcome o = run(call);
          String fired = rec.fired();
          boolean committed = rec.committedBeforeFault();
          rec.noFaults();
          String where = op.name() + " with " + fault + " at call " + k + " (" + fired + ")";
          rec.drainViolations().forEach(v -> problems.add(where + ": " + v));
          Map<String, List<String>> now = RecordingDataSource.snapshot(db());
          dirty = !now.equals(before);
          if (o.thrown() != null) {
            if (dirty && !(committed && now.equals(after))) {
              problems.add(where + ": failed (" + o.thrown() + ") but changed the rows: " + diff(before, now));
            }
            String kind = switch (fault) {
              case SQL -> o.thrown() instanceof StorageException ? null : "a StorageException";
              case RUNTIME -> o.thrown() instanceof IllegalStateException ? null : "the RuntimeException";
              case ERROR -> o.thrown() instanceof RecordingDataSource.InjectedError ? null : "the Error";
            };
            if (kind != null) {
              problems.add(where + ": threw " + o.thrown() + " instead of " + kind);
            }
          } else if (fired != null) {
            if (!o.result().equals(baseline.result())) {
              problems.add(where + ": absorbed the fault but returned " + o.result() + ", not " + baseline.result());
            }
            if (!now.equals(after)) {
              problems.add(where + ": absorbed the fault but left other rows: " + diff(after, now));
            }
          }
        }
      }
    }
    return problems;
  }

  private static String diff(Map<String, List<String>> a, Map<String, List<String>> b) {
    StringBuilder sb = new StringBuilder();
    for (String table : a.keySet()) {
      if (!a.get(table).equals(b.get(table))) {
        sb.append(table).append(": ").append(a.get(table).size()).append(" rows -> ").append(b.get(table).size())
            .append(" rows; ");
      }
    }
    return sb.toString();
  }

  /** Asserts that {@code problems} is empty, printing them one per line first. */
  private static void assertNone(List<String> problems) {
    problems.forEach(p -> System.out.println("HUNT " + p));
    assertThat(problems).as("%d problems, the first: %s", problems.size(), problems.isEmpty() ? "" : problems.get(0))
        .isEmpty();
  }

  @Test
  void storageOperations_withPoolDefaults_releaseEverythingAndLeaveNoHalfWrites() {
    assertNone(sweep(storageOps()));
  }

  @Test
  void storageOperations_withAutoCommitOffAndSerializable_handConnectionsBackAsGiven() {
    rec.hostSettings(false, Connection.TRANSACTION_SERIALIZABLE);
    assertNone(sweep(storageOps()));
  }

  @Test
  void membershipOperations_withPoolDefaults_releaseEverythingAndLeaveNoHalfWrites() {
    assertNone(sweep(membershipOps()));
  }

  @Test
  void membershipOperations_withAutoCommitOffAndSerializable_handConnectionsBackAsGiven() {
    rec.hostSettings(false, Connection.TRANSACTION_SERIALIZABLE);
    assertNone(sweep(membershipOps()));
  }

  // ---------------------------------------------------------------------------------------------
  // Regressions, one per bug the sweeps found (each failed before its fix)

  /** A "pool" of one connection that never resets it: close() is ignored. */
  private static DataSource poolOfOne(Connection real) {
    return ConnectionStateTest.singleConnection(real);
  }

  private static int sessionQueryTimeout(Connection real) throws SQLException {
    try (Statement s = real.createStatement()) {
      return s.getQueryTimeout();
    }
  }

  /**
   * H2 keeps a statement's query timeout in the session. Every read, commit and membership call
   * wrapped its connection in the timeout wrapper but closed the connection under it, so the
   * wrapper's reset never ran: the host's next statement on that pooled connection got the
   * store's 30 s timeout.
   */
  @Test
  void h2SessionQueryTimeout_isPutBack_afterReadsCommitsAndMembershipCalls() throws SQLException {
    try (Connection real = DriverManager.getConnection("jdbc:h2:mem:hjres-timeout;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")) {
      DataSource one = poolOfOne(real);
      JdbcStorage storage = JdbcStorage.open(one);
      JdbcMembershipStore memberships = JdbcMembershipStore.open(one);

      storage.profile(ANN_PROFILE.id());
      assertThat(sessionQueryTimeout(real)).as("after a read").isZero();
      storage.owners(many(ANN));
      assertThat(sessionQueryTimeout(real)).as("after a chunked read").isZero();
      storage.commit(create(ANN_PROFILE));
      assertThat(sessionQueryTimeout(real)).as("after a commit").isZero();
      memberships.enter(ANN_PROFILE.id(), "vip", AT, Optional.empty());
      assertThat(sessionQueryTimeout(real)).as("after a membership write").isZero();
      memberships.current(ANN_PROFILE.id());
      assertThat(sessionQueryTimeout(real)).as("after a membership read").isZero();
    }
  }

  /**
   * An {@link Error} thrown in the middle of a commit (here by the driver, at each call in turn)
   * skipped the rollback, and the {@code finally} that turns auto-commit back on then committed
   * the half-written transaction: a profile deleted without its merge, an index entry moved to a
   * profile not yet updated.
   */
  @Test
  void errorInTheMiddleOfACommit_appliesNothing() {
    fixture();
    Map<String, List<String>> before = RecordingDataSource.snapshot(db());
    Profile ann2 = next(ANN_PROFILE);
    Commit merge = Commit.builder().putProfile(ann2, 1).deleteProfile(BOB_PROFILE.id(), 1)
        .assign(BOB, Optional.of(BOB_PROFILE.id()), ANN_PROFILE.id()).append(event("e-20", 20, ANN))
        .append(event("e-21", 21, BOB)).build();
    JdbcStorage storage = JdbcStorage.open(rec);
    assertThat(walkErrors(before, () -> storage.commit(merge))).as("calls walked").isGreaterThan(5);
  }

  /**
   * Runs {@code write} with an {@link Error} injected at its first driver call, then its second,
   * and so on until it completes; after each failure the database holds {@code before} and no
   * connection was handed back in a bad state. Returns the number of the call past the last one.
   */
  private int walkErrors(Map<String, List<String>> before, Runnable write) {
    int k = 1;
    for (; ; k++) {
      rec.failAt(k, RecordingDataSource.Fault.ERROR);
      try {
        write.run();
        return k; // k is past the write's last call
      } catch (RecordingDataSource.InjectedError expected) {
        // the write failed at call k
      } finally {
        rec.noFaults();
      }
      assertThat(RecordingDataSource.snapshot(db())).as("rows after an Error at call %d", k).isEqualTo(before);
      assertThat(rec.drainViolations()).as("at call %d", k).isEmpty();
    }
  }

  /** The same for a membership write, whose Error left its half (a span without its row) committed. */
  @Test
  void errorInTheMiddleOfAMembershipWrite_appliesNothing() {
    fixture();
    Map<String, List<String>> before = RecordingDataSource.snapshot(db());
    JdbcMembershipStore memberships = JdbcMembershipStore.open(rec);
    assertThat(walkErrors(before, () -> memberships.enter(ANN_PROFILE.id(), "buyers", AT, Optional.empty())))
        .as("calls walked").isGreaterThan(3);
  }

  /**
   * A pool that hands out connections with auto-commit off (a common Hikari setting) got them back
   * with auto-commit on after a commit, a chunked read or an event cursor: the store forced it on.
   */
  @Test
  void autoCommitOff_asHandedOut_isKept_afterCommitsChunkedReadsAndCursors() throws SQLException {
    try (Connection real = DriverManager.getConnection("jdbc:h2:mem:hjres-autocommit;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")) {
      DataSource one = poolOfOne(real);
      JdbcStorage storage = JdbcStorage.open(one);
      real.setAutoCommit(false);

      storage.commit(create(ANN_PROFILE));
      assertThat(real.getAutoCommit()).as("after a commit").isFalse();
      storage.owners(many(ANN));
      assertThat(real.getAutoCommit()).as("after a chunked read").isFalse();
      try (Stream<StoredEvent> all = storage.allEvents()) {
        assertThat(all.count()).isZero();
      }
      assertThat(real.getAutoCommit()).as("after an event cursor").isFalse();
      assertThat(storage.profile(ANN_PROFILE.id())).as("the commit committed").isPresent();
    }
  }

  /**
   * A {@link RuntimeException} or {@link Error} while {@link JdbcStorage#allEvents()} opened its
   * cursor (only {@link SQLException} was handled) left the connection and statement open: a
   * connection lost to the host's pool for good.
   */
  @Test
  void allEvents_failingToOpenWithAnUncheckedThrowable_returnsTheConnection() {
    fixture();
    JdbcStorage storage = JdbcStorage.open(rec);
    for (RecordingDataSource.Fault fault : List.of(RecordingDataSource.Fault.RUNTIME, RecordingDataSource.Fault.ERROR)) {
      for (int k = 2; k <= 5; k++) { // after getConnection: the settings, prepareStatement, executeQuery
        rec.failAt(k, fault);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> storage.allEvents().close());
        String fired = rec.fired();
        rec.noFaults();
        assertThat(thrown).as("%s at %s", fault, fired).isNotNull();
        assertThat(rec.drainViolations()).as("%s at %s", fault, fired).isEmpty();
      }
    }
  }

  /** A statement whose {@code setQueryTimeout} failed was never closed (nobody else had it). */
  @Test
  void statementTimeout_closesAStatementWhoseTimeoutCannotBeSet() throws SQLException {
    boolean[] closed = {false};
    Statement failing = (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {Statement.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "setQueryTimeout" -> throw new SQLException("refused", "XX000");
          case "close" -> {
            closed[0] = true;
            yield null;
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });
    Connection c = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> method.getName().equals("createStatement") ? failing : null);

    assertThatThrownBy(() -> StatementTimeout.applyTo(c, 5).createStatement()).isInstanceOf(SQLException.class);
    assertThat(closed[0]).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Streams over the database

  /**
   * {@link JdbcStorage#allEvents()} returns its connection when the stream is closed early, and
   * now also as soon as it is exhausted or its cursor fails, closed or not (before, only
   * {@code close()} did: a caller that read every event without closing lost a connection). A
   * stream abandoned part-way keeps its connection until closed, as the SPI and the class comment
   * say; closing it then hands everything back as lent.
   */
  @Test
  void eventStream_givesItsConnectionBack_whenExhaustedOrFailed_andWhenAnAbandonedOneIsClosed() {
    fixture();
    JdbcStorage storage = JdbcStorage.open(rec);
    rec.drainViolations();

    assertThat(storage.allEvents().count()).as("read to the end, never closed").isEqualTo(3);
    assertThat(rec.openNow()).as("open after the last row").isZero();
    assertThat(rec.drainViolations()).isEmpty();

    rec.failAt(8, RecordingDataSource.Fault.SQL); // getConnection, 3 settings, prepare, execute, next, next
    Stream<StoredEvent> failing = storage.allEvents();
    Iterator<StoredEvent> it = failing.iterator();
    it.next();
    assertThatThrownBy(it::next).isInstanceOf(StorageException.class);
    assertThat(rec.fired()).endsWith(".next");
    rec.noFaults();
    assertThat(rec.openNow()).as("open after the cursor failed").isZero();
    assertThat(rec.drainViolations()).isEmpty();

    Stream<StoredEvent> abandoned = storage.allEvents();
    abandoned.iterator().next();
    assertThat(rec.openNow()).as("connection, statement and cursor of an abandoned stream").isEqualTo(3);
    abandoned.close();
    assertThat(rec.openNow()).isZero();
    assertThat(rec.drainViolations()).isEmpty();
  }

  /**
   * The facade's paging reads hold nothing between pages: segment members read one page at a
   * time through {@link JdbcStorage#profiles}, so a members stream abandoned part-way leaves no
   * connection behind (its Javadoc asks for close() anyway), and neither does an export or
   * {@link JdbcStorage#forEachMergeRecord} whose consumer throws.
   */
  @Test
  void pagingReads_holdNoConnectionBetweenPages_evenAbandonedOrInterrupted() {
    fixture();
    JdbcStorage storage = JdbcStorage.open(rec);
    dev.clientele.segments.Segment all = dev.clientele.segments.Segment.of("all",
        dev.clientele.segments.Condition.hasIdentifier(dev.clientele.core.IdentifierType.EMAIL));
    try (dev.clientele.Clientele c = dev.clientele.Clientele.builder().storage(storage)
        .erasurePolicy(dev.clientele.consent.ErasurePolicy.builder().salt(new byte[32]).build())
        .segments(dev.clientele.segments.SegmentConfig.builder().define(all)
            .membershipStore(JdbcMembershipStore.open(rec)).build()).build()) {
      rec.drainViolations();
      Iterator<Profile> members = c.segments().members(all, AT).iterator();
      assertThat(members.next()).isNotNull();
      assertThat(rec.openNow()).as("while a members stream is abandoned").isZero();

      assertThatThrownBy(() -> storage.forEachMergeRecord(r -> {
        throw new IllegalStateException("consumer gives up");
      })).hasMessage("consumer gives up");
      assertThat(rec.openNow()).as("after a merge-log consumer threw").isZero();

      assertThatThrownBy(() -> c.exportProfiles(dev.clientele.export.ExportRequest.builder().build(),
          new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
              throw new java.io.IOException("disk full");
            }
          })).isInstanceOf(java.io.UncheckedIOException.class);
      assertThat(rec.openNow()).as("after an export failed to write").isZero();
      assertThat(rec.drainViolations()).isEmpty();
    }
  }

  /**
   * Regression (found open by this hunt, fixed in the analytics module): MAU and the other
   * whole-population analytics looked up each event's anchor with {@link JdbcStorage#owner} while
   * the {@link JdbcStorage#allEvents()} cursor was still open, so each computation held one pooled
   * connection and asked for a second: on a pool of one they failed after the pool's timeout, and
   * N concurrent computations on a pool of N waited for each other until all timed out. They now
   * take owners from the profile pass and read the index only after the stream is closed.
   */
  @Test
  void analytics_runOnAPoolOfOneConnection() {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:hjres-analytics-one;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    try (com.zaxxer.hikari.HikariDataSource one = new com.zaxxer.hikari.HikariDataSource(config);
        dev.clientele.Clientele c = dev.clientele.Clientele.builder().storage(TestDatabases.openCleared(one))
            .clock(java.time.Clock.fixed(Instant.parse("2026-10-20T00:00:00Z"), java.time.ZoneOffset.UTC))
            .erasurePolicy(dev.clientele.consent.ErasurePolicy.builder().salt(new byte[32]).build()).build()) {
      Instant t = Instant.parse("2026-10-01T10:00:00Z");
      c.ingest(dev.clientele.core.Event.builder("e-1", "login", t).action("login").identifier(ANN).build());
      c.ingest(dev.clientele.core.Event.builder("e-2", "pageview", t.plusSeconds(60)).identifier(BOB).build());
      java.time.LocalDate day = java.time.LocalDate.of(2026, 10, 15);

      assertThat(c.mau(day).mau()).isEqualTo(2);
      assertThat(c.mauTrend(day.minusDays(1), day)).hasSize(2);
      assertThat(c.activityIndex().eventCount()).isEqualTo(2);
      assertThat(c.activityStatus(day)).isNotNull();
      assertThat(c.activityStatusValues(day)).isNotNull();
      assertThat(c.engagementCounts(day).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
      assertThat(c.engagementValues(day)).isNotNull();
    }
  }

  /**
   * Regression (review of this hunt): a commit whose write failed and whose rollback then failed
   * too still put auto-commit back, which under JDBC commits the open transaction: half of a merge
   * applied, reported as "nothing was applied"; and a rollback that threw an unchecked exception
   * replaced the write's failure. Now a failed rollback aborts the connection (its settings are
   * left alone) and is added to the first failure.
   */
  @Test
  void commit_whoseRollbackFails_appliesNothing_andKeepsTheFirstFailure() {
    for (boolean unchecked : new boolean[] {false, true}) {
      fixture();
      JdbcStorage store = JdbcStorage.open(db());
      int[] executes = {-1}; // armed (0) after open, whose migration check runs statements too
      DataSource breaking = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
          new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (!method.getName().equals("getConnection")) {
              throw new UnsupportedOperationException(method.getName());
            }
            Connection real = db().getConnection();
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, a) -> {
                  if (m.getName().equals("rollback") && a == null && executes[0] >= 0) {
                    throw unchecked ? new IllegalStateException("rollback failed (test)")
                        : new SQLException("rollback failed (test)", "08006");
                  }
                  Object r = invoke(real, m, a);
                  if (r instanceof java.sql.Statement st) {
                    Class<?> type = r instanceof PreparedStatement ? PreparedStatement.class : java.sql.Statement.class;
                    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (sp, sm, sa) -> {
                      if (sm.getName().startsWith("execute") && executes[0] >= 0 && ++executes[0] == 2) {
                        throw new SQLException("write failed (test)", "42000");
                      }
                      return invoke(st, sm, sa);
                    });
                  }
                  return r;
                });
          });
      JdbcStorage failing = JdbcStorage.open(breaking);
      executes[0] = 0;
      Profile merged = profile("p-ann", 2, ANN, ANN_CID, BOB);
      Commit merge = Commit.builder().putProfile(merged, 1).deleteProfile(BOB_PROFILE.id(), 1)
          .assign(BOB, Optional.of(BOB_PROFILE.id()), ANN_PROFILE.id()).build();

      assertThatThrownBy(() -> failing.commit(merge)).as("unchecked rollback failure: %s", unchecked)
          .isInstanceOf(StorageException.class)
          .satisfies(e -> {
            assertThat(e.getCause()).hasMessageContaining("write failed (test)");
            assertThat(e.getCause().getSuppressed()).anySatisfy(x -> assertThat(x).hasMessageContaining("rollback failed (test)"));
          });
      assertThat(executes[0]).as("the commit ran past its second statement's failure? %s", unchecked).isEqualTo(2);
      assertThat(store.profile(BOB_PROFILE.id())).as("nothing of the merge applied (%s)", unchecked).contains(BOB_PROFILE);
      assertThat(store.profile(ANN_PROFILE.id())).contains(ANN_PROFILE);
      assertThat(store.owner(BOB)).contains(BOB_PROFILE.id());
    }
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] a) throws Throwable {
    try {
      return m.invoke(target, a);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * A membership write whose transaction committed reported a failure to put auto-commit back
   * afterwards (a connection that broke just then) as a failure of the write: the caller was told
   * "not recorded" about a span that was recorded, and the exception hid any earlier one. The
   * schema migration of {@code open} did the same (a migrated database reported as not opened).
   * {@link JdbcStorage} already ignored it (the pool discards a broken connection).
   */
  @Test
  void membershipWrite_thatCommitted_isReportedDone_evenIfAutoCommitCannotBePutBack() {
    fixture();
    DataSource breaksAfterCommit = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (!method.getName().equals("getConnection")) {
            throw new UnsupportedOperationException(method.getName());
          }
          Connection real = db().getConnection();
          return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
              (p, m, a) -> {
                if (m.getName().equals("setAutoCommit") && (Boolean) a[0] && !real.getAutoCommit()) {
                  throw new SQLException("connection lost (test)", "08006");
                }
                try {
                  return m.invoke(real, a);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
        });
    JdbcMembershipStore memberships = JdbcMembershipStore.open(db());
    JdbcMembershipStore breaking = JdbcMembershipStore.open(breaksAfterCommit); // its migration check too

    assertThat(breaking.enter(ANN_PROFILE.id(), "buyers", AT, Optional.empty())).isTrue();
    assertThat(memberships.current(ANN_PROFILE.id())).contains("buyers");
  }
}
