/**
 * The storage SPI on JDBC: {@link dev.clientele.storage.jdbc.JdbcStorage}, for PostgreSQL
 * (production) and H2 in PostgreSQL mode (embedded, e.g. {@code jdbc:h2:file:./db;MODE=PostgreSQL}).
 *
 * <p>Everything else in this package is implementation: the binary codec of stored profiles,
 * events and merge records, the commit writer and the schema migrations (SQL scripts under
 * {@code migration/<dialect>/V<n>__<what>.sql} in this jar, recorded in
 * {@code clientele_schema_version}). The host supplies the {@link javax.sql.DataSource}, its
 * pool and its driver.
 *
 * <p>Known limits: identifier values and event ids are stored in {@code VARCHAR} key columns,
 * so a value that is not well-formed UTF-16 (a lone surrogate) cannot be a key on PostgreSQL;
 * bodies keep such text exactly. Counting events or profiles scans an index.
 */
package dev.clientele.storage.jdbc;
