package dev.clientele.storage.jdbc;

import dev.clientele.core.spi.Storage;
import dev.clientele.tck.StorageContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage conformance suite on H2 (in memory, PostgreSQL mode). */
final class H2StorageTest extends StorageContract {
  @RegisterExtension static final ClassPool DB = ClassPool.h2Memory();

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
    return 500;
  }
}
