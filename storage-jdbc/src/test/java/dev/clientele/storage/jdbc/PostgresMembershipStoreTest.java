package dev.clientele.storage.jdbc;

import dev.clientele.segments.MembershipStore;
import dev.clientele.tck.MembershipStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The membership conformance suite on PostgreSQL (skipped without a server outside CI). */
final class PostgresMembershipStoreTest extends MembershipStoreContract {
  @RegisterExtension static final ClassPool DB = ClassPool.postgres();

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
    return 50;
  }
}
