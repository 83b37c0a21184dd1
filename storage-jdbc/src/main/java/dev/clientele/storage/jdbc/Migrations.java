package dev.clientele.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades the schema from versioned SQL scripts, {@code migration/<dialect>/V<n>__<what>.sql}.
 *
 * <p>A small class of our own rather than a migration library: the schema is four tables and
 * the scripts are ours. Applied versions are recorded in {@code clientele_schema_version}; each
 * script runs in its own transaction with its version row (PostgreSQL's DDL is transactional,
 * so a failed script leaves nothing behind). On PostgreSQL, concurrent starts serialise on a
 * transaction-scoped advisory lock, which every migration transaction takes before anything else
 * (the creation of the version table included); an H2 database is embedded in one process, whose
 * H2 migrations take turns on a lock of the process. A database
 * whose schema is newer than this library is refused rather than written to.
 *
 * <p>H2's DDL is not transactional: each {@code CREATE} commits by itself. A process killed
 * during an H2 script (at the first open of a new database, or during an upgrade) leaves part of
 * it behind without its version row, so the H2 scripts create every table and index with
 * {@code IF NOT EXISTS}: the next open runs the script again and finishes it (it used to fail on
 * the first table that existed, SQL state 42S01, and every later open did too).
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The scripts in order; the position + 1 is the version. */
  static final List<String> SCRIPTS = List.of("V1__schema.sql", "V2__merge_log.sql", "V3__segment_membership.sql");

  /** An arbitrary constant naming Clientele's advisory lock. */
  private static final long LOCK_KEY = 0x436c69656e74656cL;

  /** The process-wide lock of H2 migrations. */
  private static final Object H2_MIGRATIONS = new Object();

  private Migrations() {}

  static void migrate(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.H2) {
      // H2 has no advisory locks; its databases are embedded in one process, so one lock of
      // this process serialises the migrations of every H2 database (they are rare and short).
      synchronized (H2_MIGRATIONS) {
        migrateLocked(c, dialect);
      }
    } else {
      migrateLocked(c, dialect);
    }
  }

  /**
   * Every transaction takes the advisory lock first (on PostgreSQL), the one creating the
   * version table included: {@code CREATE TABLE IF NOT EXISTS} is not safe against a concurrent
   * creation (the loser fails with a unique violation on the catalog, SQL state 23505).
   */
  private static void migrateLocked(Connection c, Dialect dialect) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    boolean ended = true;
    try {
      lock(c, dialect);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS clientele_schema_version ("
            + "version INT PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      }
      c.commit();
      for (int v = 1; v <= SCRIPTS.size(); v++) {
        lock(c, dialect);
        int current = currentVersion(c);
        if (current > SCRIPTS.size()) {
          throw new IllegalStateException("database schema version " + current
              + " is newer than this library knows (" + SCRIPTS.size() + "): upgrade Clientele");
        }
        if (current >= v) {
          c.commit();
          continue;
        }
        String script = SCRIPTS.get(v - 1);
        try (Statement s = c.createStatement()) {
          for (String sql : statements(read(dialect, script))) {
            s.execute(sql);
          }
        }
        try (PreparedStatement p = c.prepareStatement(
            "INSERT INTO clientele_schema_version (version, script, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
          p.setInt(1, v);
          p.setString(2, script);
          p.executeUpdate();
        }
        c.commit();
        LOG.info("clientele schema migrated to version {} ({})", v, script);
      }
    } catch (Throwable e) {
      // Errors too: setAutoCommit(true) below would otherwise commit half a script (PostgreSQL).
      ended = JdbcStorage.rollbackQuietly(c, e);
      throw e;
    } finally {
      try {
        if (ended) { // an aborted connection (its rollback failed) is left as it is
          c.setAutoCommit(autoCommit);
        }
      } catch (SQLException ignored) {
        // a connection that broke after the last transaction ended: the pool discards it, and
        // the outcome (migrated, or the failure above) stands
      }
    }
  }

  /** On PostgreSQL, waits for the transaction-scoped advisory lock; it is released at commit or rollback. */
  private static void lock(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      }
    }
  }

  static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM clientele_schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String read(Dialect dialect, String script) {
    String path = "migration/" + dialect.folder + "/" + script;
    try (InputStream in = Migrations.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration script missing from the jar: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a script into statements: {@code --} comments dropped, split at {@code ;} ending a line. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
