package dev.clientele.storage.jdbc;

import dev.clientele.core.spi.Storage;
import dev.clientele.tck.StorageContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage conformance suite on PostgreSQL (skipped without a server outside CI). */
final class PostgresStorageTest extends StorageContract {
  @RegisterExtension static final ClassPool DB = ClassPool.postgres();

  @Override
  protected Storage newStorage() {
    return TestDatabases.openCleared(DB.pool());
  }

  /** A second store on the same database, as another node opens it. */
  @Override
  protected Storage sharingStorage() {
    return JdbcStorage.open(DB.pool());
  }

  @Override
  protected int operationsPerThread() {
    return 200;
  }
}
