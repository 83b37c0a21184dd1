package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The store hands connections back as it got them. Reads that span several statements switch a
 * connection to {@code REPEATABLE READ}; a pool that does not reset connections (Hikari does, not
 * every pool) would otherwise run the next commit on it at that level, where PostgreSQL fails
 * concurrent writes with serialisation errors that only retries absorb.
 */
class ConnectionStateTest {
  /** A "pool" of one connection that it never resets: close() is ignored (also used by the resource hunt). */
  static DataSource singleConnection(Connection real) {
    Connection keep = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          if (method.getName().equals("isClosed")) {
            return false;
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            return keep;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void chunkedReadsAndEventCursors_leaveTheConnectionsIsolationAsTheyFoundIt() throws SQLException {
    try (Connection real = DriverManager.getConnection("jdbc:h2:mem:state-" + System.nanoTime() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")) {
      real.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      JdbcStorage storage = JdbcStorage.open(singleConnection(real));
      List<Identifier> many = new ArrayList<>();
      for (int i = 0; i < JdbcStorage.CHUNK + 10; i++) {
        many.add(Identifier.of(IdentifierType.CUSTOMER_ID, "c-" + i));
      }

      assertThat(storage.owners(many)).isEmpty(); // more than one chunk: one transaction at REPEATABLE READ
      assertThat(real.getTransactionIsolation()).as("after a chunked read").isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      assertThat(real.getAutoCommit()).isTrue();

      try (Stream<?> events = storage.allEvents()) {
        assertThat(events.count()).isZero();
      }
      assertThat(real.getTransactionIsolation()).as("after an event cursor").isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      assertThat(real.getAutoCommit()).isTrue();
      assertThat(real.isReadOnly()).isFalse();
    }
  }
}
