package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Several nodes starting at once on a fresh database: every {@link JdbcStorage#open} succeeds and
 * each script is applied once. (On PostgreSQL, {@code CREATE TABLE IF NOT EXISTS} is not safe
 * under concurrency: creating the version table before taking the advisory lock made about half
 * of such starts fail with SQL state 23505.)
 */
class ConcurrentMigrationTest {
  private static final int NODES = 4;
  private static final int ROUNDS = 8;

  @Test
  void open_concurrentlyOnAFreshPostgresDatabase_allSucceed() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      HikariDataSource schema = TestDatabases.postgres(); // a fresh, empty schema (skips without a server)
      try {
        PGSimpleDataSource direct = new PGSimpleDataSource(); // unpooled: each node its own session at once
        direct.setURL(TestDatabases.postgresUrl().orElseThrow());
        direct.setCurrentSchema(schema.getSchema());
        openConcurrently(direct, "round " + round);
        assertEachScriptAppliedOnce(schema);
      } finally {
        TestDatabases.dropPostgres(schema);
      }
    }
  }

  @Test
  void open_concurrentlyOnAFreshH2Database_allSucceed() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      try (HikariDataSource keepAlive = TestDatabases.h2Memory()) {
        JdbcDataSource direct = new JdbcDataSource();
        direct.setURL(keepAlive.getJdbcUrl());
        openConcurrently(direct, "round " + round);
        assertEachScriptAppliedOnce(keepAlive);
      }
    }
  }

  private static void openConcurrently(DataSource ds, String what) throws Exception {
    CyclicBarrier start = new CyclicBarrier(NODES);
    ExecutorService nodes = Executors.newFixedThreadPool(NODES);
    try {
      List<Future<JdbcStorage>> opened = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        opened.add(nodes.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return JdbcStorage.open(ds);
        }));
      }
      for (Future<JdbcStorage> f : opened) {
        assertThat(f.get(60, TimeUnit.SECONDS)).as(what).isNotNull(); // rethrows a failed open
      }
    } finally {
      nodes.shutdownNow();
      assertThat(nodes.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void assertEachScriptAppliedOnce(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT version), MAX(version) FROM clientele_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.SCRIPTS.size());
      assertThat(rs.getInt(2)).isEqualTo(Migrations.SCRIPTS.size());
      assertThat(rs.getInt(3)).isEqualTo(Migrations.SCRIPTS.size());
    }
  }
}
