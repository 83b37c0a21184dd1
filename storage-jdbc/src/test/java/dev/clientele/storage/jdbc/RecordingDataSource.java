package dev.clientele.storage.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A data source that records what a store does with the connections it borrows, for the resource
 * hunt: every connection, statement and result set opened and whether it was closed; each
 * connection's settings (auto-commit, isolation, read-only, schema, and the query timeout a new
 * statement of its session gets, which H2 keeps in the session) as handed out and as handed back;
 * whether a transaction was left open at {@code close()}; and whether {@code setAutoCommit(true)}
 * committed writes nobody committed explicitly.
 *
 * <p>It can also fail on command: {@link #failAt} makes the {@code k}-th counted call from then on
 * throw a {@link SQLException}, a {@link RuntimeException} or an {@link Error}, instead of running
 * (once; the calls after it run normally). Counted calls: {@code getConnection},
 * {@code prepareStatement}, {@code setQueryTimeout} (but to 0), every {@code execute…}, {@code getGeneratedKeys},
 * {@code ResultSet.next}, {@code commit}, and the settings a store changes away from what it was
 * handed ({@code setAutoCommit(false)}, {@code setReadOnly}, {@code setTransactionIsolation}).
 * Calls that put a connection back as it was are not counted: on a healthy connection they do not
 * fail, and on a broken one the pool discards the connection.
 *
 * <p>{@link #hostSettings} makes it hand out connections as a host's pool configured so would.
 * Not for concurrent use.
 */
final class RecordingDataSource extends ForwardingDataSource {
  /** What a counted call throws when it is the one chosen by {@link #failAt}. */
  enum Fault { SQL, RUNTIME, ERROR }

  /** The error {@link Fault#ERROR} throws. */
  static final class InjectedError extends Error {
    private static final long serialVersionUID = 1L;

    InjectedError(String message) {
      super(message);
    }
  }

  /**
   * The state of a connection that the host cares about.
   *
   * @param sessionQueryTimeout the query timeout of a new statement on the session
   */
  record Settings(boolean autoCommit, int isolation, boolean readOnly, String schema, int sessionQueryTimeout) {}

  /** Settings given to each connection before it is handed out, or null: as the pool gives it. */
  private Settings host;

  /** What was opened and not closed yet, by proxy: its description and the real object. */
  private final Map<Object, Opened> open = Collections.synchronizedMap(new IdentityHashMap<>());

  private record Opened(String what, AutoCloseable real) {}
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private int calls;
  private int failAt;
  private Fault fault = Fault.SQL;
  private String fired;
  private boolean committedBeforeFault;
  private boolean committedAfterFault;
  private int connections;

  RecordingDataSource(DataSource target) {
    super(target);
  }

  /** Hands out connections with these settings (auto-commit, isolation; read-only off). */
  void hostSettings(boolean autoCommit, int isolation) {
    this.host = new Settings(autoCommit, isolation, false, null, 0);
  }

  /** Makes the {@code k}-th counted call from now on (1: the next) throw {@code kind}; 0: none. */
  void failAt(int k, Fault kind) {
    calls = 0;
    failAt = k;
    fault = kind;
    fired = null;
    committedBeforeFault = false;
    committedAfterFault = false;
  }

  /** No fault; the count of calls starts again. */
  void noFaults() {
    failAt(0, Fault.SQL);
  }

  /** Counted calls since {@link #failAt} or {@link #noFaults}. */
  int calls() {
    return calls;
  }

  /** The call that failed on command since {@link #failAt}, or null. */
  String fired() {
    return fired;
  }

  /**
   * Whether a {@code commit()} succeeded before the fault fired: a failure after it may leave the
   * committed state (the one case where the caller cannot tell, as the SPI allows).
   */
  boolean committedBeforeFault() {
    return committedBeforeFault;
  }

  /** Whether a {@code commit()} succeeded after the fault fired (an operation of several commits went on). */
  boolean committedAfterFault() {
    return committedAfterFault;
  }

  /** Connections, statements and result sets opened and not closed yet. */
  int openNow() {
    return open.size();
  }

  /** Connections handed out so far. */
  int connections() {
    return connections;
  }

  /**
   * What went wrong since the last call: objects never closed, connections handed back changed or
   * inside a transaction, implicit commits; then forgets them, closing the objects left open (so
   * that a leak does not exhaust the pool under later tests).
   */
  List<String> drainViolations() {
    List<String> out = new ArrayList<>(violations);
    List<Opened> left;
    synchronized (open) {
      left = new ArrayList<>(open.values());
      open.clear();
    }
    for (Opened o : left) {
      out.add("never closed: " + o.what());
    }
    for (Opened o : left) {
      try {
        o.real().close();
      } catch (Exception ignored) {
        // the test reports the leak; closing is a courtesy to the pool
      }
    }
    violations.clear();
    return out;
  }

  private void count(String what) throws SQLException {
    calls++;
    if (failAt > 0 && calls == failAt) {
      fired = what;
      String message = "injected fault at call " + calls + " (" + what + ")";
      switch (fault) {
        case SQL -> throw new SQLException(message, "XX000");
        case RUNTIME -> throw new IllegalStateException(message);
        default -> throw new InjectedError(message);
      }
    }
  }

  private static Settings settingsOf(Connection real) throws SQLException {
    int timeout;
    try (Statement s = real.createStatement()) {
      timeout = s.getQueryTimeout();
    }
    return new Settings(real.getAutoCommit(), real.getTransactionIsolation(), real.isReadOnly(), real.getSchema(), timeout);
  }

  @Override
  public Connection getConnection() throws SQLException {
    count("getConnection");
    Connection real = target.getConnection();
    try {
      try (Statement reset = real.createStatement()) {
        reset.setQueryTimeout(0); // H2 keeps it in the session: hand out a session without one, as a fresh one is
      }
      if (host != null) {
        real.setAutoCommit(host.autoCommit());
        real.setTransactionIsolation(host.isolation());
        real.setReadOnly(false);
      }
      Settings given = settingsOf(real);
      if (!given.autoCommit()) {
        real.rollback(); // reading the schema began a transaction (PostgreSQL): a fresh connection has none
      }
      int n = ++connections;
      ConnectionHandler handler = new ConnectionHandler(real, given, "connection #" + n);
      Connection proxy = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, handler);
      open.put(proxy, new Opened(handler.name, real));
      return proxy;
    } catch (SQLException | RuntimeException e) {
      real.close();
      throw e;
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("use getConnection()");
  }

  private final class ConnectionHandler implements InvocationHandler {
    final Connection real;
    final Settings given;
    final String name;
    boolean closed;
    /** A statement ran since the last commit or rollback while auto-commit was off. */
    boolean inTransaction;
    /** A write (or a lock) happened since the last commit or rollback while auto-commit was off. */
    boolean wrote;

    ConnectionHandler(Connection real, Settings given, String name) {
      this.real = real;
      this.given = given;
      this.name = name;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String m = method.getName();
      switch (m) {
        case "close" -> {
          if (!closed) {
            closed = true;
            open.remove(proxy);
            handBack();
          }
          return invokeOn(real, method, args);
        }
        case "isClosed" -> {
          return closed || real.isClosed();
        }
        case "commit", "rollback" -> {
          if (m.equals("commit")) {
            count(name + ".commit");
          }
          Object r = invokeOn(real, method, args);
          if (m.equals("commit")) {
            if (fired == null) {
              committedBeforeFault = true;
            } else {
              committedAfterFault = true;
            }
          }
          if (args == null) { // not rollback(Savepoint)
            inTransaction = false;
            wrote = false;
          }
          return r;
        }
        case "setAutoCommit" -> {
          boolean on = (Boolean) args[0];
          if (!on && given.autoCommit()) {
            count(name + ".setAutoCommit(false)");
          } else if (!real.getAutoCommit() && wrote) {
            violations.add(name + ": setAutoCommit(true) committed writes that no commit() committed");
          }
          Object r = invokeOn(real, method, args);
          if (on) {
            inTransaction = false;
            wrote = false;
          }
          return r;
        }
        case "setReadOnly" -> {
          if ((Boolean) args[0] != given.readOnly()) {
            count(name + ".setReadOnly(" + args[0] + ")");
          }
          return invokeOn(real, method, args);
        }
        case "setTransactionIsolation" -> {
          if ((Integer) args[0] != given.isolation()) {
            count(name + ".setTransactionIsolation(" + args[0] + ")");
          }
          return invokeOn(real, method, args);
        }
        case "createStatement", "prepareStatement", "prepareCall" -> {
          if (!m.equals("createStatement")) { // also made to put the session's query timeout back
            count(name + "." + m);
          }
          Statement s = (Statement) invokeOn(real, method, args);
          String sql = m.equals("createStatement") ? null : (String) args[0];
          String shown = sql == null ? "" : ": " + (sql.length() > 60 ? sql.substring(0, 60) + "…" : sql);
          StatementHandler h = new StatementHandler(this, s, sql, shown);
          Object p = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {method.getReturnType()}, h);
          open.put(p, new Opened("statement of " + name + shown, s));
          return p;
        }
        default -> {
          return invokeOn(real, method, args);
        }
      }
    }

    /** Checks the connection as the store hands it back. */
    private void handBack() {
      try {
        if (real.isClosed()) {
          return; // broken: the pool discards it
        }
        Settings back = settingsOf(real);
        if (!back.equals(given)) {
          violations.add(name + " handed back changed: given " + given + ", returned " + back);
        }
        if (wrote && !back.autoCommit()) {
          violations.add(name + " handed back inside a transaction with uncommitted writes");
        } else if (inTransaction && !back.autoCommit() && given.autoCommit()) {
          violations.add(name + " handed back inside a (read) transaction the store began");
        }
      } catch (SQLException e) {
        violations.add(name + ": could not read its settings at close: " + e);
      }
    }

    /** Notes that a statement is about to run. */
    void executing(String sql) throws SQLException {
      if (!real.getAutoCommit()) {
        inTransaction = true;
        if (sql == null || writes(sql)) {
          wrote = true;
        }
      }
    }
  }

  /** Whether {@code sql} writes or locks (anything but a plain query). */
  private static boolean writes(String sql) {
    String s = sql.strip().toUpperCase(Locale.ROOT);
    return !s.startsWith("SELECT") || s.contains("FOR UPDATE");
  }

  private final class StatementHandler implements InvocationHandler {
    private final ConnectionHandler connection;
    private final Statement statement;
    private final String sql;
    private final String shown;
    private boolean closed;

    StatementHandler(ConnectionHandler connection, Statement statement, String sql, String shown) {
      this.connection = connection;
      this.statement = statement;
      this.sql = sql;
      this.shown = shown;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String m = method.getName();
      if (m.equals("close")) {
        if (!closed) {
          closed = true;
          open.remove(proxy);
        }
        return invokeOn(statement, method, args);
      }
      if (m.startsWith("execute")) {
        count(connection.name + "." + m);
        String text = sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String q ? q : null;
        connection.executing(text);
      } else if (m.equals("setQueryTimeout") && (Integer) args[0] != 0 || m.equals("getGeneratedKeys")) {
        count(connection.name + "." + m);
      }
      Object r = invokeOn(statement, method, args);
      if (r instanceof ResultSet rs) {
        ResultSetHandler h = new ResultSetHandler(connection.name, rs);
        Object p = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResultSet.class}, h);
        open.put(p, new Opened("result set of " + connection.name + " (" + m + shown + ")", rs));
        return p;
      }
      return r;
    }
  }

  private final class ResultSetHandler implements InvocationHandler {
    private final String connection;
    private final ResultSet rs;
    private boolean closed;

    ResultSetHandler(String connection, ResultSet rs) {
      this.connection = connection;
      this.rs = rs;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String m = method.getName();
      if (m.equals("close")) {
        if (!closed) {
          closed = true;
          open.remove(proxy);
        }
      } else if (m.equals("next")) {
        count(connection + ".next");
      }
      return invokeOn(rs, method, args);
    }
  }

  private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * The rows of every Clientele table, sorted, blobs as hex: the raw state, for exact comparisons.
   * Generated sequence numbers are replaced by their rank (a rolled-back insert may use up a
   * number, and a test that rebuilds its fixture gets new ones).
   */
  static Map<String, List<String>> snapshot(DataSource raw) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      for (Map.Entry<String, String> table : TABLES.entrySet()) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(table.getValue())) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              Object v = rs.getObject(i);
              row.append(v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
            }
            rows.add(row.toString());
          }
        }
        Collections.sort(rows);
        out.put(table.getKey(), rows);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the test database", e);
    }
    return out;
  }

  private static final String SPAN_RANK = "(SELECT COUNT(*) FROM clientele_segment_span o WHERE o.seq <= %s)";

  /** The query of each table's rows, sequence numbers as ranks. */
  private static final Map<String, String> TABLES = Map.of(
      "clientele_profile", "SELECT * FROM clientele_profile",
      "clientele_identity", "SELECT * FROM clientele_identity",
      "clientele_event", "SELECT * FROM clientele_event",
      "clientele_tombstone", "SELECT * FROM clientele_tombstone",
      "clientele_merge_record", "SELECT id, body, (SELECT COUNT(*) FROM clientele_merge_record o WHERE o.seq <= r.seq) "
          + "FROM clientele_merge_record r",
      "clientele_merge_profile", "SELECT * FROM clientele_merge_profile",
      "clientele_merge_split_identifier", "SELECT * FROM clientele_merge_split_identifier",
      "clientele_segment_span", "SELECT " + SPAN_RANK.formatted("s.seq") + ", profile_id, segment, entered_s, entered_n, "
          + "entered_by, left_s, left_n, left_by FROM clientele_segment_span s",
      "clientele_segment_current", "SELECT profile_id, segment, " + SPAN_RANK.formatted("c.span_seq")
          + " FROM clientele_segment_current c");
}
