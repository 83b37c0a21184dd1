package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.spi.Storage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fault contract on PostgreSQL: the server terminates the store's session (as on a
 * network failure or a killed backend) in the middle of a commit.
 */
final class PostgresFaultTest extends FaultyDataSourceContract {
  @RegisterExtension static final ClassPool DB = ClassPool.postgres();
  private HikariDataSource faultyPool;

  @Override
  protected Storage newStorage() {
    HikariDataSource pool = DB.pool();
    TestDatabases.openCleared(pool); // migrates the schema and empties it
    PGSimpleDataSource direct = new PGSimpleDataSource();
    direct.setURL(TestDatabases.postgresUrl().orElseThrow());
    direct.setCurrentSchema(pool.getSchema());
    faulty = new FaultyDataSource(direct, PostgresFaultTest::terminate);
    // Pooled as in production: the pool must notice the dead connection and replace it.
    HikariConfig config = new HikariConfig();
    config.setDataSource(faulty);
    config.setMaximumPoolSize(2);
    faultyPool = new HikariDataSource(config);
    return JdbcStorage.open(faultyPool);
  }

  @AfterEach
  void closePool() {
    faultyPool.close();
  }

  /** Has the server end the session of {@code physical}, from another connection. */
  private static void terminate(Connection physical) throws SQLException {
    int pid = physical.unwrap(PGConnection.class).getBackendPID();
    try (Connection admin = DB.pool().getConnection();
        PreparedStatement p = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      p.setInt(1, pid);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
      }
    }
    // Wait until the session is gone, so the next statement surely meets a dead connection.
    for (int i = 0; i < 200 && physical.isValid(1); i++) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
