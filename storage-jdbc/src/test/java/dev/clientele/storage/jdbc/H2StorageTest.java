package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.spi.Storage;
import dev.clientele.tck.StorageContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage conformance suite on H2 (in memory, PostgreSQL mode). */
final class H2StorageTest extends StorageContract {
  private static HikariDataSource pool;

  @BeforeAll
  static void database() {
    pool = TestDatabases.h2Memory();
  }

  @AfterAll
  static void closeDatabase() {
    pool.close();
  }

  @Override
  protected Storage newStorage() {
    Storage storage = JdbcStorage.open(pool);
    TestDatabases.clear(pool);
    return storage;
  }

  @Override
  protected int operationsPerThread() {
    return 500;
  }
}
