package dev.clientele.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL that differs between the supported databases. */
enum Dialect {
  POSTGRESQL("postgresql", "INSERT INTO clientele_tombstone (hash) VALUES (?) ON CONFLICT DO NOTHING", false),
  H2("h2", "MERGE INTO clientele_tombstone (hash) KEY (hash) VALUES (?)", true);

  /** The folder of this dialect's migration scripts. */
  final String folder;
  /** Inserts a tombstone unless it exists. */
  final String insertTombstone;
  /**
   * Whether the driver keeps a statement's query timeout in the session (H2 runs {@code SET
   * QUERY_TIMEOUT}), so that it must be put back before the connection goes back to the pool
   * (pgjdbc times each statement on the client).
   */
  final boolean sessionQueryTimeout;

  Dialect(String folder, String insertTombstone, boolean sessionQueryTimeout) {
    this.folder = folder;
    this.insertTombstone = insertTombstone;
    this.sessionQueryTimeout = sessionQueryTimeout;
  }

  static Dialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    String p = product.toLowerCase(Locale.ROOT);
    if (p.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (p.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException("dataSource must be PostgreSQL or H2, not " + product);
  }
}
