package dev.clientele.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.StoredEvent;
import dev.clientele.storage.jdbc.JdbcStorage;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulk ingest of events into PostgreSQL: {@link JdbcStorage#commit} of {@value #BATCH}
 * appends, against the baseline of plain batched JDBC inserts of the same rows (same columns,
 * same primary key and index, the same body bytes as the store writes) into a twin table, in
 * one transaction per batch. The score is events per second.
 *
 * <p>The server comes from the environment variable {@code CLIENTELE_BENCH_PG_URL} (which JMH's
 * forks inherit; a {@code -D} given to the runner does not reach them) or the system property
 * {@code clientele.bench.pg.url} (through {@code -jvmArgsAppend}); each run works in a schema of its own,
 * dropped at the end. Both tables are emptied before every iteration so they grow alike.
 *
 * <pre>
 * CLIENTELE_BENCH_PG_URL='jdbc:postgresql://127.0.0.1:55437/clientele?user=postgres' \
 *   java -jar benchmarks/target/benchmarks.jar JdbcIngestBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(JdbcIngestBenchmark.BATCH)
public class JdbcIngestBenchmark {
  /** Events per commit. */
  public static final int BATCH = 1000;
  private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  private HikariDataSource pool;
  private JdbcStorage storage;
  private long next;
  /** Rows of the baseline: anchor type, anchor value, occurred_at and body of stored events. */
  private final List<Object[]> rows = new ArrayList<>();
  private List<StoredEvent> events;
  private List<String> plainIds;

  /** Opens the store in a new schema and takes the baseline's rows from what it stored. */
  @Setup(Level.Trial)
  public void open() throws SQLException {
    pool = BenchPostgres.openSchema("bench_" + ProcessHandle.current().pid());
    storage = JdbcStorage.open(pool);
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      // The twin of clientele_event (see the V1 migration), for the baseline.
      s.execute("CREATE TABLE plain_event (event_id VARCHAR(256) COLLATE \"C\" PRIMARY KEY, "
          + "anchor_type VARCHAR(64) COLLATE \"C\" NOT NULL, anchor_value VARCHAR(512) COLLATE \"C\" NOT NULL, "
          + "occurred_at BIGINT NOT NULL, body BYTEA NOT NULL)");
      s.execute("CREATE INDEX plain_event_by_anchor ON plain_event (anchor_type, anchor_value, occurred_at)");
    }
    storage.commit(commitOf(batch(-1)));
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT anchor_type, anchor_value, occurred_at, body FROM clientele_event ORDER BY event_id")) {
      while (rs.next()) {
        rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBytes(4)});
      }
    }
    if (rows.size() != BATCH) {
      throw new IllegalStateException("expected " + BATCH + " template rows, found " + rows.size());
    }
  }

  /** Empties both tables, so each iteration starts from the same size. */
  @Setup(Level.Iteration)
  public void empty() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE clientele_event, plain_event");
      s.execute("VACUUM ANALYZE clientele_event");
      s.execute("VACUUM ANALYZE plain_event");
    }
  }

  /** Makes the next batch (untimed): new events for the store, new ids for the baseline. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    long b = next++;
    events = batch(b);
    plainIds = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      plainIds.add(id(b, i));
    }
  }

  /** Drops the schema. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    BenchPostgres.dropSchema(pool);
  }

  /** The store: one commit of {@value #BATCH} appends (encoding and the batched insert). */
  @Benchmark
  public void jdbcStorageCommit() {
    storage.commit(commitOf(events));
  }

  /** The baseline: the same rows as one JDBC batch in one transaction. */
  @Benchmark
  public void plainBatchedInsert() throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO plain_event (event_id, anchor_type, anchor_value, occurred_at, body) VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < BATCH; i++) {
          Object[] row = rows.get(i);
          p.setString(1, plainIds.get(i));
          p.setString(2, (String) row[0]);
          p.setString(3, (String) row[1]);
          p.setLong(4, (Long) row[2]);
          p.setBytes(5, (byte[]) row[3]);
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);
    }
  }

  private static Commit commitOf(List<StoredEvent> events) {
    Commit.Builder b = Commit.builder();
    events.forEach(b::append);
    return b.build();
  }

  private static String id(long batch, int i) {
    return String.format(Locale.ROOT, "e-%08d-%04d", batch, i);
  }

  /** {@value #BATCH} events like the ingest fixture's: a page view or an order, one to three identifiers. */
  private static List<StoredEvent> batch(long b) {
    List<StoredEvent> out = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int person = (int) ((b * BATCH + i) % 50_000);
      Identifier email = Identifier.of(IdentifierType.EMAIL, "person" + person + "@example.com");
      Event.Builder e = Event.builder(id(b, i), i % 10 == 0 ? "order" : "pageview", T0.plusSeconds(b * BATCH + i))
          .identifier(email)
          .identifier(IdentifierType.ANONYMOUS_ID, "dev-" + person + "-" + (i % 3))
          .data("page", "/products/" + (i % 97));
      if (i % 10 == 0) {
        e.action("purchase").data("order_id", "o-" + b + "-" + i).data("total", new BigDecimal("19.99"));
      }
      out.add(new StoredEvent(e.build(), email));
    }
    return out;
  }
}
