package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.spi.Storage;
import dev.clientele.tck.StorageContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage conformance suite on PostgreSQL (skipped without a server outside CI). */
final class PostgresStorageTest extends StorageContract {
  private static HikariDataSource pool;

  @BeforeAll
  static void database() {
    pool = TestDatabases.postgres();
  }

  @AfterAll
  static void closeDatabase() {
    TestDatabases.dropPostgres(pool);
  }

  @Override
  protected Storage newStorage() {
    Storage storage = JdbcStorage.open(pool);
    TestDatabases.clear(pool);
    return storage;
  }

  @Override
  protected int operationsPerThread() {
    return 200;
  }
}
