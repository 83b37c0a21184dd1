package dev.clientele.storage.jdbc;

import dev.clientele.core.spi.Storage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;

/** The fault contract on H2: connections closed under the store in the middle of a commit. */
final class H2FaultTest extends FaultyDataSourceContract {
  private static int databases;
  private Connection keepAlive;

  @Override
  protected Storage newStorage() {
    String url = "jdbc:h2:mem:fault-" + (++databases) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    try {
      keepAlive = DriverManager.getConnection(url); // an in-memory database lives while a connection does
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(url);
    faulty = new FaultyDataSource(h2, Connection::close);
    return JdbcStorage.open(faulty);
  }

  @AfterEach
  void closeDatabase() throws SQLException {
    keepAlive.close();
  }
}
