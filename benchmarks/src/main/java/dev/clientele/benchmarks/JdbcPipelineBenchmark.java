package dev.clientele.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.consent.ErasurePolicy;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierType;
import dev.clientele.storage.jdbc.JdbcStorage;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole ingest pipeline on PostgreSQL, for context beside {@link JdbcIngestBenchmark}:
 * {@code Clientele.ingestAll} of {@value #BATCH} events. With {@code ingestBatchSize=1} each is
 * resolved and committed on its own (a duplicate check, an index read, profile reads and one
 * commit per event); with {@code 100} the invocation is one batch: one read of the duplicates,
 * one of the owners, a read per profile touched, one commit. The score is events per second.
 * Same server options as {@link JdbcIngestBenchmark}.
 *
 * <pre>
 * CLIENTELE_BENCH_PG_URL='jdbc:postgresql://127.0.0.1:55437/clientele?user=postgres' \
 *   java -jar benchmarks/target/benchmarks.jar JdbcPipelineBenchmark -f 1 -wi 2 -i 4
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(JdbcPipelineBenchmark.BATCH)
public class JdbcPipelineBenchmark {
  /** Events per invocation. */
  public static final int BATCH = 100;
  private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

  /** Events per commit of {@code ingestAll} (1: event by event, the behaviour before batching). */
  @Param({"1", "100"})
  public int ingestBatchSize;

  private HikariDataSource pool;
  private Clientele clientele;
  private long next;
  private List<Event> events;

  /** Opens Clientele on the JDBC store in a new schema. */
  @Setup(Level.Trial)
  public void open() throws SQLException {
    pool = BenchPostgres.openSchema("benchp_" + ProcessHandle.current().pid());
    clientele = Clientele.builder().storage(JdbcStorage.open(pool))
        .erasurePolicy(ErasurePolicy.builder().salt("benchmark-salt-0123456789".getBytes(StandardCharsets.UTF_8)).build())
        .ingestBatchSize(ingestBatchSize)
        .build();
  }

  /** The next events (untimed): 100 people, a login with email and device each. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    long b = next++;
    events = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      int person = (int) ((b * BATCH + i) % 20_000);
      events.add(Event.builder(String.format(Locale.ROOT, "e-%08d-%04d", b, i), "login", T0.plusSeconds(b * BATCH + i))
          .action("login")
          .identifier(IdentifierType.EMAIL, "person" + person + "@example.com")
          .identifier(IdentifierType.ANONYMOUS_ID, "dev-" + person)
          .build());
    }
  }

  /** Drops the schema. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    clientele.close();
    BenchPostgres.dropSchema(pool);
  }

  /** Ingests {@value #BATCH} events through the pipeline. */
  @Benchmark
  public long ingest() {
    return clientele.ingestAll(events).applied();
  }
}
