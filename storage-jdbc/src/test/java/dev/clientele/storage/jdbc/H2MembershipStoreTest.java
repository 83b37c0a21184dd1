package dev.clientele.storage.jdbc;

import dev.clientele.segments.MembershipStore;
import dev.clientele.tck.MembershipStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The membership conformance suite on H2 (in memory, PostgreSQL mode). */
final class H2MembershipStoreTest extends MembershipStoreContract {
  @RegisterExtension static final ClassPool DB = ClassPool.h2Memory();

  @Override
  protected MembershipStore newStore() {
    return TestDatabases.openMembershipCleared(DB.pool());
  }

  /** A second store on the same database, as another node opens it. */
  @Override
  protected MembershipStore sharingStore() {
    return JdbcMembershipStore.open(DB.pool());
  }

  @Override
  protected int concurrentRounds() {
    return 100;
  }
}
