package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run on: H2 in memory or in a file (PostgreSQL mode), and the
 * PostgreSQL server named by {@code CLIENTELE_TEST_PG_URL} (or the system property
 * {@code clientele.test.pg.url}), which {@code .ci/run} starts. Without a server the PostgreSQL
 * tests are skipped, except under {@code CI=true}, where a missing server fails them.
 */
final class TestDatabases {
  static final String PG_URL_ENV = "CLIENTELE_TEST_PG_URL";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TestDatabases() {}

  /** A pool on a new, empty in-memory H2 database that lives as long as the pool. */
  static HikariDataSource h2Memory() {
    return pool("jdbc:h2:mem:clientele-" + NAMES.incrementAndGet() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", 8);
  }

  /** A pool on an H2 database file ({@code path} without the {@code .mv.db} suffix). */
  static HikariDataSource h2File(String path) {
    return pool("jdbc:h2:file:" + path + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", 4);
  }

  /** The PostgreSQL URL, if one is configured. */
  static Optional<String> postgresUrl() {
    String url = System.getProperty("clientele.test.pg.url", System.getenv(PG_URL_ENV));
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
  }

  /**
   * A pool on a new schema of the test PostgreSQL server (so test classes never see each
   * other's rows); skips the calling test when there is no server outside CI.
   */
  static HikariDataSource postgres() {
    Optional<String> url = postgresUrl();
    if (url.isEmpty()) {
      String why = "no PostgreSQL server: set " + PG_URL_ENV
          + " (e.g. jdbc:postgresql://127.0.0.1:55432/clientele?user=postgres); .ci/run starts one";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true but " + why);
      }
      Assumptions.abort(why);
    }
    String schema = "t" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    try (HikariDataSource admin = pool(url.get(), 1);
        Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare a schema on the test PostgreSQL server", e);
    }
    return pool(url.get(), 8, schema);
  }

  /** Drops the schema a {@link #postgres()} pool works in, then closes the pool. */
  static void dropPostgres(HikariDataSource pool) {
    if (pool == null) {
      return;
    }
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + pool.getSchema() + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop a test schema", e);
    } finally {
      pool.close();
    }
  }

  /**
   * Opens the store on {@code ds} (which migrates the database) and deletes every row, for a
   * test on a database earlier tests of its class wrote to.
   */
  static JdbcStorage openCleared(DataSource ds) {
    JdbcStorage storage = JdbcStorage.open(ds);
    clear(ds);
    return storage;
  }

  /** Opens a membership store on {@code ds} (migrating the database) and deletes every row. */
  static JdbcMembershipStore openMembershipCleared(DataSource ds) {
    JdbcMembershipStore store = JdbcMembershipStore.open(ds);
    clear(ds);
    return store;
  }

  /** Deletes every row of the Clientele tables (between tests on a shared database). */
  static void clear(DataSource ds) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String table : new String[] {"clientele_segment_current", "clientele_segment_span", "clientele_event", "clientele_identity", "clientele_profile", "clientele_tombstone",
          "clientele_merge_split_identifier", "clientele_merge_profile", "clientele_merge_record"}) {
        s.execute("DELETE FROM " + table);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot clear the test database", e);
    }
  }

  static HikariDataSource pool(String url, int size) {
    return new HikariDataSource(config(url, size));
  }

  /** A pool working in {@code schema} of the PostgreSQL database at {@code url}. */
  static HikariDataSource pool(String url, int size, String schema) {
    HikariConfig config = config(url, size);
    config.setSchema(schema);
    return new HikariDataSource(config);
  }

  private static HikariConfig config(String url, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setPoolName("test-" + url.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
    return config;
  }
}
