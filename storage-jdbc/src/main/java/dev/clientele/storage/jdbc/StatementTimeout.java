package dev.clientele.storage.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;

/**
 * Gives every statement made on a connection a query timeout ({@link Statement#setQueryTimeout}),
 * so that no statement of the store, however it is written, can wait without bound (for a row
 * lock another transaction holds, say). The driver cancels a statement that runs longer: on
 * PostgreSQL the server ends it with SQL state 57014, on H2 likewise.
 */
final class StatementTimeout {
  private StatementTimeout() {}

  /**
   * {@code timeout} in the whole seconds JDBC counts, rounded up ({@link java.time.Duration#ZERO}: 0,
   * no limit).
   *
   * @throws IllegalArgumentException if {@code timeout} is negative or longer than {@link Integer#MAX_VALUE} seconds
   */
  static int seconds(java.time.Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
    if (seconds > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout too long: " + timeout);
    }
    return (int) seconds;
  }

  /**
   * {@code c} whose statements time out after {@code seconds} (0: no timeout, set explicitly). Some
   * drivers keep a statement's timeout in the session (H2 runs {@code SET QUERY_TIMEOUT}), where it
   * would outlive this use of a pooled connection and reach the host's own statements; so closing
   * the returned connection first sets the timeout back to none, then closes {@code c} (also when
   * the reset fails). The caller must close the returned connection, not {@code c}.
   */
  static Connection applyTo(Connection c, int seconds) {
    return applyTo(c, seconds, true);
  }

  /**
   * As {@link #applyTo(Connection, int)}; without {@code resetOnClose}, for a driver that keeps no
   * timeout in the session (see {@link Dialect#sessionQueryTimeout}), closing does not reset it.
   */
  static Connection applyTo(Connection c, int seconds, boolean resetOnClose) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("close") && method.getParameterCount() == 0) {
        close(c, resetOnClose ? seconds : 0);
        return null;
      }
      Object result;
      try {
        result = method.invoke(c, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof Statement s && makesStatement(method)) {
        try {
          s.setQueryTimeout(seconds);
        } catch (Throwable e) {
          try {
            s.close(); // nobody else has it
          } catch (SQLException closing) {
            e.addSuppressed(closing);
          }
          throw e;
        }
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(
        StatementTimeout.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  /**
   * Sets the session's timeout back to none, then closes {@code c} whatever happened: a failure
   * of the reset (but an {@link Error}, thrown once {@code c} is closed) is ignored, as the
   * connection is being given back anyway and the pool validates it.
   */
  private static void close(Connection c, int seconds) throws SQLException {
    Error error = null;
    try {
      if (seconds != 0 && !c.isClosed()) {
        try (Statement reset = c.createStatement()) {
          reset.setQueryTimeout(0);
        }
      }
    } catch (SQLException | RuntimeException ignored) {
      // see above
    } catch (Error e) {
      error = e;
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException | Error e) {
      if (error != null) {
        e.addSuppressed(error);
      }
      throw e;
    }
    if (error != null) {
      throw error;
    }
  }

  private static boolean makesStatement(Method m) {
    String name = m.getName();
    return name.equals("createStatement") || name.equals("prepareStatement") || name.equals("prepareCall");
  }

  /** Whether {@code e} (or an exception chained to it) reports a statement cancelled by its timeout. */
  static boolean isTimeout(SQLException e) {
    for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof SQLTimeoutException) {
        return true;
      }
      if (x instanceof SQLException s) {
        if ("57014".equals(s.getSQLState())) {
          return true;
        }
        if (s.getNextException() != null && s.getNextException() != s && isTimeout(s.getNextException())) {
          return true;
        }
      }
    }
    return false;
  }
}
