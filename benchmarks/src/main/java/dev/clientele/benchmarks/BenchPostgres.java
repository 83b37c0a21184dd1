package dev.clientele.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server of the JDBC benchmarks: its URL from the environment variable
 * {@code CLIENTELE_BENCH_PG_URL} (which JMH's forks inherit) or the system property
 * {@code clientele.bench.pg.url}, and a schema of each run's own, made fresh at the start and
 * dropped at the end.
 */
final class BenchPostgres {
  private BenchPostgres() {}

  /**
   * Makes {@code schema} anew (dropping any left over from an earlier run) and returns a pool of
   * two connections working in it.
   *
   * @throws IllegalStateException when no server is configured
   */
  static HikariDataSource openSchema(String schema) throws SQLException {
    String url = System.getProperty("clientele.bench.pg.url", System.getenv("CLIENTELE_BENCH_PG_URL"));
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("set CLIENTELE_BENCH_PG_URL=jdbc:postgresql://host:port/db?user=…");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(2);
    try (HikariDataSource admin = new HikariDataSource(config);
        Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    }
    config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(2);
    config.setSchema(schema);
    return new HikariDataSource(config);
  }

  /** Drops the schema {@code pool} works in, then closes the pool. */
  static void dropSchema(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + pool.getSchema() + " CASCADE");
    } finally {
      pool.close();
    }
  }
}
