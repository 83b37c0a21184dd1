package dev.clientele.storage.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source whose connections can be dropped on command, for fault tests: after
 * {@link #dropAt(int)}, the n-th statement execution (or {@code COMMIT}) from then on breaks
 * its connection the way a network failure or a killed server process does, and every later
 * operation fails until {@link #heal()}.
 *
 * <p>A statement is dropped before it runs (the database rolls the transaction back when the
 * session dies). A {@code COMMIT} is dropped <em>after</em> the database committed, so the
 * caller sees a failure for a commit that took effect: the one case where it cannot tell.
 */
final class FaultyDataSource extends ForwardingDataSource {
  /** Breaks a physical connection: closes it (H2) or has the server kill its session (PostgreSQL). */
  @FunctionalInterface
  interface Dropper {
    void drop(Connection physical) throws SQLException;
  }

  private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
      "executeLargeUpdate", "executeLargeBatch");

  private final Dropper dropper;
  private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
  private volatile boolean armed;

  FaultyDataSource(DataSource target, Dropper dropper) {
    super(target);
    this.dropper = dropper;
  }

  /** Breaks the connection at the {@code step}-th operation from now on (1 = the next). */
  void dropAt(int step) {
    remaining.set(step);
    armed = true;
  }

  /** No more faults. */
  void heal() {
    armed = false;
    remaining.set(Integer.MAX_VALUE);
  }

  /** Whether the next counted operation must fail; counts it. */
  private boolean fires() {
    return armed && remaining.decrementAndGet() <= 0;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection physical = target.getConnection();
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        new ConnectionHandler(physical));
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("use getConnection()");
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection physical;

    ConnectionHandler(Connection physical) {
      this.physical = physical;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("commit") && fires()) {
        invokeOn(physical, method, args);
        dropper.drop(physical);
        throw new SQLException("connection dropped after COMMIT (fault injection)", "08006");
      }
      Object result = invokeOn(physical, method, args);
      if (result instanceof Statement s && method.getReturnType().isInterface()) {
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {method.getReturnType()},
            new StatementHandler(physical, s));
      }
      return result;
    }
  }

  private final class StatementHandler implements InvocationHandler {
    private final Connection physical;
    private final Statement statement;

    StatementHandler(Connection physical, Statement statement) {
      this.physical = physical;
      this.statement = statement;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (EXECUTIONS.contains(method.getName()) && fires()) {
        dropper.drop(physical);
        // The statement now runs on a dead connection and fails as the driver makes it fail.
      }
      return invokeOn(statement, method, args);
    }
  }

  private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
