package dev.clientele.storage.jdbc;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The resource hunt's sweeps ({@link JdbcResourcesHuntTest}) on the test PostgreSQL server;
 * skipped without one outside CI (see {@link TestDatabases#postgres()}).
 */
class PostgresResourcesHuntTest extends JdbcResourcesHuntTest {
  @RegisterExtension static final ClassPool PG = ClassPool.postgres();

  @Override
  DataSource db() {
    return PG.pool();
  }
}
