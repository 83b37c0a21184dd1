package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.export.ExportFormat;
import dev.clientele.export.ExportRequest;
import dev.clientele.segments.Comparison;
import dev.clientele.segments.Condition;
import dev.clientele.segments.Segment;
import dev.clientele.segments.SegmentConfig;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Resource hunt through the facade: random sessions of {@link Clientele} operations (ingest,
 * ingestAll, gluing two people, forced merge, split, erasure, consent, export, segment members
 * read whole or closed early, analytics that stream every event) on {@link JdbcStorage} and
 * {@link JdbcMembershipStore} over a {@link RecordingDataSource}, next to the same session on a
 * reference database without faults. One operation of the session is swept: run with a fault
 * ({@link java.sql.SQLException}, {@link RuntimeException} or {@link Error}, in turn) at its first,
 * second, … JDBC call until it needs fewer calls. After every run, faulty or not: every
 * connection, statement and result set was closed, every connection came back as it was handed
 * out (a pool handing out auto-commit on or off, {@code READ COMMITTED} or {@code SERIALIZABLE})
 * with no transaction open; a run that threw left the rows exactly as before (unless a commit had
 * succeeded before the fault, as with a multi-commit erasure or batch, when the session stops
 * comparing states), and one that absorbed its fault left what the reference left (segment
 * memberships aside: a failed evaluation is documented to leave them behind until a refresh).
 */
class JdbcResourcesHuntPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  private static final Clock CLOCK = Clock.fixed(T0.plusSeconds(86_400 * 20L), ZoneOffset.UTC);
  private static final LocalDate DAY = LocalDate.of(2026, 10, 15);
  /** The most faulty runs of the swept operation. */
  private static final int MAX_SWEEP = 45;
  private static final List<Segment> SEGMENTS = List.of(
      Segment.of("buyers", Condition.eventCount("order", Comparison.GE, 1)),
      Segment.of("zurich", Condition.attribute("city", Condition.AttributeOp.EQ, "Zürich")));

  private static HikariDataSource poolA;
  private static HikariDataSource poolB;

  @BeforeContainer
  static void openPools() {
    poolA = TestDatabases.h2Memory();
    poolB = TestDatabases.h2Memory();
  }

  /** Faulty runs over all tries, by the kind of operation swept (printed at the end, for tuning). */
  private static final Map<Integer, Integer> FAULTY_RUNS = new java.util.concurrent.ConcurrentSkipListMap<>();

  @AfterContainer
  static void closePools() {
    System.out.println("resource hunt: faulty runs by operation kind " + FAULTY_RUNS);
    poolA.close();
    poolB.close();
  }

  /**
   * One operation: 0-2 ingest an event of person {@code x % 3} ({@code y}: which identifiers and
   * what), 3 ingestAll of three events, 4 an event gluing two people's emails, 5 a forced merge,
   * 6 a split, 7 an erasure, 8 consent through the facade, 9 a CSV export of every profile,
   * 10 segment members read whole and counted, 11 segment members closed after one, 12 MAU and
   * activity status (they stream every event).
   */
  record Op(int kind, int x, int y) {}

  @Provide
  Arbitrary<List<Op>> sessions() {
    return Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 5),
        Arbitraries.integers().between(0, 15)).as(Op::new).list().ofMinSize(2).ofMaxSize(6);
  }

  private static Identifier email(int p) {
    return Identifier.of(IdentifierType.EMAIL, "person" + p + "@example.com");
  }

  private static Event event(String id, int minute, int person, int y) {
    Event.Builder b = Event.builder(id, List.of("pageview", "order", "identify", "login").get(y % 4),
        T0.plusSeconds(minute * 60L));
    if ((y & 4) == 0 || (y & 8) == 0) {
      b.identifier(email(person));
    }
    if ((y & 4) != 0) {
      b.identifier(IdentifierType.CUSTOMER_ID, "c-" + person);
    }
    if ((y & 8) != 0) {
      b.identifier(IdentifierType.ANONYMOUS_ID, "a-" + person);
    }
    switch (y % 4) {
      case 1 -> b.action("purchase").data("total", new BigDecimal(y * 10 + 5).movePointLeft(1)).data("order_id", "o-" + id);
      case 2 -> b.data("city", y % 3 == 0 ? "Zürich" : "Bern");
      case 3 -> b.action("login");
      default -> b.data("device", "d-" + y);
    }
    return b.build();
  }

  private static Clientele open(DataSource ds, boolean batches) {
    AtomicInteger n = new AtomicInteger();
    Supplier<ProfileId> ids = () -> ProfileId.of(String.format(Locale.ROOT, "p-%04d", n.incrementAndGet()));
    return Clientele.builder().storage(JdbcStorage.open(ds)).profileIds(ids).clock(CLOCK)
        .erasurePolicy(ErasurePolicy.builder().salt("resource-hunt-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build())
        .ingestBatchSize(batches ? 2 : 1)
        .segments(SegmentConfig.builder().defineAll(SEGMENTS).membershipStore(JdbcMembershipStore.open(ds)).build())
        .build();
  }

  /** Runs operation {@code i} on {@code c}; what it returns is not compared (ids differ between the two sides). */
  private static void apply(Clientele c, int i, Op op) {
    String id = "s-" + i;
    int minute = i * 10;
    switch (op.kind()) {
      case 3 -> c.ingestAll(List.of(event(id + "-0", minute, op.x() % 3, op.y()),
          event(id + "-1", minute + 1, (op.x() + 1) % 3, op.y() + 1), event(id + "-2", minute + 2, op.x() % 3, op.y() + 2)));
      case 4 -> c.ingest(Event.builder(id, "pageview", T0.plusSeconds(minute * 60L)).identifier(email(op.x() % 3))
          .identifier(email((op.x() + 1) % 3)).build());
      case 5 -> {
        Optional<Profile> a = c.profile(email(op.x() % 3));
        Optional<Profile> b = c.profile(email((op.x() + 1 + op.y() % 2) % 3));
        if (a.isPresent() && b.isPresent() && !a.get().id().equals(b.get().id())) {
          c.merge(a.get().id(), b.get().id(), "hunt");
        }
      }
      case 6 -> {
        Optional<Profile> a = c.profile(email(op.x() % 3));
        if (a.isPresent()) {
          List<MergeRecord> merges = c.mergeLog(a.get().id()).stream()
              .filter(r -> r.kind() != MergeRecord.Kind.SPLIT && r.profile().equals(a.get().id())).toList();
          if (!merges.isEmpty()) {
            c.split(merges.get(op.y() % merges.size()).id(), "hunt");
          }
        }
      }
      case 7 -> c.profile(email(op.x() % 3)).ifPresent(p -> c.delete(p.id()));
      case 8 -> c.recordConsent(email(op.x() % 3), List.of(Consent.OPT_IN, Consent.OPT_OUT).get(op.y() % 2),
          T0.plusSeconds(minute * 60L), "preference-centre", "form");
      case 9 -> c.exportProfiles(ExportRequest.builder().format(ExportFormat.CSV).build(), new ByteArrayOutputStream());
      case 10 -> {
        Segment s = SEGMENTS.get(op.y() % SEGMENTS.size());
        try (Stream<Profile> members = c.segments().members(s, CLOCK.instant())) {
          members.count();
        }
        c.segments().count(s, CLOCK.instant());
      }
      case 11 -> {
        try (Stream<Profile> members = c.segments().members(SEGMENTS.get(op.y() % SEGMENTS.size()), CLOCK.instant())) {
          Iterator<Profile> it = members.iterator();
          if (it.hasNext()) {
            it.next();
          }
        }
      }
      case 12 -> {
        c.mau(DAY);
        c.activityStatus(DAY);
      }
      default -> c.ingest(event(id, minute, op.x() % 3, op.y()));
    }
  }

  /**
   * The state of a database without the ids the two sides draw differently (profile ids, merge
   * record ids, consent event ids): which identifiers are together on a profile, with its event
   * count and attributes read through {@code c}; which event is anchored where; tombstones; the
   * numbers of merge records and split keys; and, with {@code segments}, each profile's segments.
   */
  private static Map<String, Object> state(DataSource raw, Clientele c, boolean segments) {
    Map<String, Object> out = new TreeMap<>();
    Map<String, TreeSet<String>> byProfile = new TreeMap<>();
    try (Connection conn = raw.getConnection(); Statement s = conn.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT profile_id, id_type, id_value FROM clientele_identity")) {
        while (rs.next()) {
          byProfile.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(2) + ":" + rs.getString(3));
        }
      }
      Map<String, String> key = new HashMap<>();
      byProfile.forEach((p, ids) -> key.put(p, String.join(",", ids)));
      List<String> events = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT event_id, anchor_type, anchor_value FROM clientele_event")) {
        while (rs.next()) {
          String eventId = rs.getString(1).startsWith("consent-") ? "consent-*" : rs.getString(1);
          events.add(eventId + "@" + rs.getString(2) + ":" + rs.getString(3));
        }
      }
      events.sort(null);
      out.put("events", events);
      out.put("tombstones", rows(s, "SELECT hash FROM clientele_tombstone"));
      out.put("profiles", rows(s, "SELECT COUNT(*) FROM clientele_profile"));
      out.put("merge records", rows(s, "SELECT COUNT(*) FROM clientele_merge_record"));
      out.put("split keys", rows(s, "SELECT id_type || ':' || id_value FROM clientele_merge_split_identifier"));
      if (segments) {
        List<String> current = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT profile_id, segment FROM clientele_segment_current")) {
          while (rs.next()) {
            current.add(key.getOrDefault(rs.getString(1), "(no identifiers)") + " in " + rs.getString(2));
          }
        }
        current.sort(null);
        out.put("segments", current);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    List<String> partition = new ArrayList<>();
    for (TreeSet<String> ids : byProfile.values()) {
      String first = ids.first();
      int colon = first.indexOf(':');
      Optional<Profile> p = c.profile(Identifier.of(IdentifierType.of(first.substring(0, colon)), first.substring(colon + 1)));
      partition.add(ids + " events " + p.map(Profile::eventCount).orElse(-1L) + " attributes "
          + p.map(q -> q.attributes().keySet().toString()).orElse("none"));
    }
    partition.sort(null);
    out.put("profiles by identifiers", partition);
    return out;
  }

  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    out.sort(null);
    return out;
  }

  @Property(tries = 40)
  void sessions_withAFaultAtEachCallOfOneOperation_leakNothingAndApplyAllOrNothing(
      @ForAll("sessions") List<Op> ops, @ForAll @IntRange(min = 0, max = 5) int swept,
      @ForAll RecordingDataSource.Fault firstFault, @ForAll boolean autoCommit, @ForAll boolean serializable,
      @ForAll boolean batches) {
    TestDatabases.openCleared(poolA);
    TestDatabases.openMembershipCleared(poolA);
    TestDatabases.openCleared(poolB);
    TestDatabases.openMembershipCleared(poolB);
    RecordingDataSource recA = new RecordingDataSource(poolA);
    RecordingDataSource recB = new RecordingDataSource(poolB); // counts the calls; never fails
    int isolation = serializable ? Connection.TRANSACTION_SERIALIZABLE : Connection.TRANSACTION_READ_COMMITTED;
    recA.hostSettings(autoCommit, isolation);
    recB.hostSettings(autoCommit, isolation);
    int f = swept % ops.size();
    List<String> problems = new ArrayList<>();
    boolean compare = true;
    boolean segments = true;
    try (Clientele a = open(recA, batches); Clientele b = open(recB, batches)) {
      recA.drainViolations().forEach(v -> problems.add("opening: " + v));
      for (int step = 0; step < ops.size(); step++) {
        int i = step;
        Op op = ops.get(i);
        recB.noFaults();
        apply(b, i, op);
        int calls = recB.calls();
        recB.drainViolations().forEach(v -> problems.add("reference: " + v));
        if (i == f) {
          Map<String, List<String>> before = RecordingDataSource.snapshot(poolA);
          RecordingDataSource.Fault[] kinds = RecordingDataSource.Fault.values();
          boolean applied = false;
          for (int k = 1; k <= Math.min(calls + 2, MAX_SWEEP) && !applied && compare; k++) {
            RecordingDataSource.Fault fault = kinds[(firstFault.ordinal() + k) % kinds.length];
            recA.failAt(k, fault);
            Throwable thrown = null;
            try {
              apply(a, i, op);
            } catch (Throwable t) {
              thrown = t;
            }
            String fired = recA.fired();
            if (fired != null) {
              FAULTY_RUNS.merge(op.kind(), 1, Integer::sum);
            }
            // ingestAll applies the events before one that fails with anything but a StorageException
            // (documented on Clientele#ingestAll): its later commits are legitimate.
            boolean committed = recA.committedBeforeFault() || op.kind() == 3 && recA.committedAfterFault();
            recA.noFaults();
            String where = "step " + i + " " + op + " with " + fault + " at call " + k + " (" + fired + ")";
            recA.drainViolations().forEach(v -> problems.add(where + ": " + v));
            if (fired == null) {
              applied = true; // k is past the operation's calls: it ran without a fault
            } else if (thrown == null) {
              applied = true; // absorbed: compared below, memberships aside
              segments = false;
            } else if (!RecordingDataSource.snapshot(poolA).equals(before)) {
              Map<String, List<String>> now = RecordingDataSource.snapshot(poolA);
              if (committed) {
                compare = false; // part of a multi-commit operation applied; the sides differ from here on
              } else {
                StringBuilder diff = new StringBuilder();
                before.forEach((table, rows) -> {
                  if (!rows.equals(now.get(table))) {
                    List<String> gone = new ArrayList<>(rows);
                    gone.removeAll(now.get(table));
                    List<String> added = new ArrayList<>(now.get(table));
                    added.removeAll(rows);
                    diff.append(table).append(" lost ").append(gone).append(" gained ").append(added).append("; ");
                  }
                });
                problems.add(where + ": threw " + thrown + " but changed rows: " + diff);
                compare = false;
              }
            }
          }
          if (!applied && compare) {
            apply(a, i, op); // every fault made it fail: now once without
          }
        } else {
          apply(a, i, op);
        }
        recA.drainViolations().forEach(v -> problems.add("step " + i + " " + op + " without faults: " + v));
        if (compare) {
          Map<String, Object> sa = state(poolA, a, segments);
          Map<String, Object> sb = state(poolB, b, segments);
          if (!sa.equals(sb)) {
            problems.add("after step " + i + " " + op + ": state " + sa + " but the reference has " + sb);
            compare = false;
          }
          recA.drainViolations().forEach(v -> problems.add("reading the state: " + v));
        }
      }
    }
    problems.forEach(p -> System.out.println("HUNT " + p));
    assertThat(problems).as("%d problems, the first: %s", problems.size(), problems.isEmpty() ? "" : problems.get(0))
        .isEmpty();
  }

  /**
   * No operation holds one connection while it asks for another: the same sessions run on a pool
   * of a single connection that gives up waiting after a quarter of a second (a nested borrow
   * would wait for itself, and on a busy pool two such callers deadlock each other until the
   * pool's timeout).
   */
  @Property(tries = 15)
  void sessions_runOnAPoolOfOneConnection(@ForAll("sessions") List<Op> ops, @ForAll boolean batches) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:hjres-one;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    try (HikariDataSource one = new HikariDataSource(config)) {
      TestDatabases.openCleared(one);
      TestDatabases.openMembershipCleared(one);
      try (Clientele c = open(one, batches)) {
        for (int i = 0; i < ops.size(); i++) {
          if (ops.get(i).kind() != 12) { // analytics: an open bug, see analytics_runOnAPoolOfOneConnection
            apply(c, i, ops.get(i));
          }
        }
        state(one, c, true);
      }
    }
  }
}
