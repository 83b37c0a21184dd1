package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.Clientele;
import dev.clientele.core.Event;
import dev.clientele.core.ProfileId;
import dev.clientele.segments.MembershipSpan;
import dev.clientele.segments.MembershipStore;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * The child JVM of the crash hunt (test code only): a host process that opens Clientele on an H2
 * file and ingests a {@link CrashHistory}, until it dies. {@link CrashRestartHuntTest} starts it,
 * kills it (or lets one of the hooks below halt it at a chosen step), and checks the database.
 *
 * <p>Usage: {@code CrashChild ingest <db> <seed> <people>} or {@code CrashChild open <db>}, where
 * {@code <db>} is an H2 file path or a PostgreSQL JDBC URL (with {@code -Dhcrash.schema=S}).
 * Prints {@code ACK <n>} after each {@code ingestAll} batch returned ({@code n} events of the
 * history are then acknowledged), {@code STEPS <n>} and {@code DONE} at the end.
 *
 * <p>Hooks (system properties), each a {@link Runtime#halt} (no shutdown hook runs, as after
 * {@code kill -9}):
 * <ul>
 *   <li>{@code hcrash.haltAt=N}: before the N-th JDBC step of the process (a statement execution
 *       or a commit, counted from the first, schema migration included);
 *   <li>{@code hcrash.haltOn=forget}: at the first {@link MembershipStore#forget} (right after
 *       an erasure's commit, before its segment history goes);
 *   <li>{@code hcrash.urlSuffix}: settings appended to the H2 URL (e.g. {@code ;WRITE_DELAY=0});
 *   <li>{@code hcrash.haltOn=goneLeave}: at the first {@link MembershipStore#leave} of a profile
 *       that is no longer stored (right after a merge's or erasure's commit).
 * </ul>
 */
public final class CrashChild {
  /** The exit status of a halt by a hook. */
  static final int HALTED = 77;

  private static final AtomicInteger STEPS = new AtomicInteger();
  private static final int HALT_AT = Integer.getInteger("hcrash.haltAt", 0);
  private static final String HALT_ON = System.getProperty("hcrash.haltOn", "");

  private CrashChild() {}

  /** Runs the child; see the class comment. */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    String db = args[1];
    try (HikariDataSource pool = pool(db)) {
      DataSource ds = counting(pool);
      if (args[0].equals("open")) {
        JdbcStorage.open(ds);
        JdbcMembershipStore.open(ds);
      } else {
        long seed = Long.parseLong(args[2]);
        CrashHistory history = CrashHistory.of(seed, Integer.parseInt(args[3]));
        JdbcStorage storage = JdbcStorage.open(ds);
        AtomicReference<JdbcStorage> stored = new AtomicReference<>(storage);
        MembershipStore memberships = halting(JdbcMembershipStore.open(ds), stored);
        try (Clientele clientele = CrashHistory.clientele(storage, memberships)) {
          int acked = 0;
          for (List<Event> batch : history.batches(seed)) {
            clientele.ingestAll(batch);
            acked += batch.size();
            out.println("ACK " + acked);
            out.flush();
          }
        }
      }
    }
    out.println("STEPS " + STEPS.get());
    out.println("DONE");
    out.flush();
  }

  /** A pool on the H2 file {@code path}, or on the database of a JDBC URL (in schema {@code hcrash.schema}, if set). */
  static HikariDataSource pool(String path) {
    HikariConfig config = new HikariConfig();
    if (path.startsWith("jdbc:")) {
      config.setJdbcUrl(path);
      String schema = System.getProperty("hcrash.schema");
      if (schema != null) {
        config.setSchema(schema);
      }
    } else {
      config.setJdbcUrl(url(path));
    }
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setPoolName("hcrash");
    return new HikariDataSource(config);
  }

  /** The H2 file URL of {@code path}, as {@link TestDatabases#h2File} has it. */
  static String url(String path) {
    return "jdbc:h2:file:" + path + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" + System.getProperty("hcrash.urlSuffix", "");
  }

  private static void step() {
    int n = STEPS.incrementAndGet();
    if (n == HALT_AT) {
      System.out.flush();
      Runtime.getRuntime().halt(HALTED);
    }
  }

  /** {@code ds} with every statement execution and commit counted by {@link #step}. */
  private static DataSource counting(DataSource ds) {
    return (DataSource) Proxy.newProxyInstance(CrashChild.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, m, a) -> {
          Object r = invoke(ds, m, a);
          return r instanceof Connection c ? wrap(c, Connection.class) : r;
        });
  }

  private static <T> T wrap(T target, Class<T> type) {
    InvocationHandler h = (proxy, m, a) -> {
      String name = m.getName();
      if (name.startsWith("execute") || name.equals("commit")) {
        step();
      }
      if (name.equals("unwrap") || name.equals("isWrapperFor")) {
        return invoke(target, m, a);
      }
      Object r = invoke(target, m, a);
      if (r instanceof java.sql.PreparedStatement p && m.getReturnType() == java.sql.PreparedStatement.class) {
        return wrap(p, java.sql.PreparedStatement.class);
      }
      if (r instanceof Statement s && m.getReturnType() == Statement.class) {
        return wrap(s, Statement.class);
      }
      return r;
    };
    return type.cast(Proxy.newProxyInstance(CrashChild.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static Object invoke(Object target, Method m, Object[] a) throws Throwable {
    try {
      return m.invoke(target, a);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** {@code store} with the {@code hcrash.haltOn} hooks. */
  private static MembershipStore halting(MembershipStore store, AtomicReference<JdbcStorage> storage) {
    return new MembershipStore() {
      @Override
      public Set<String> current(ProfileId profile) {
        return store.current(profile);
      }

      @Override
      public boolean enter(ProfileId profile, String segment, Instant at, Optional<String> cause) {
        return store.enter(profile, segment, at, cause);
      }

      @Override
      public boolean leave(ProfileId profile, String segment, Instant at, Optional<String> cause) {
        if (HALT_ON.equals("goneLeave") && storage.get().profile(profile).isEmpty()) {
          System.out.flush();
          Runtime.getRuntime().halt(HALTED);
        }
        return store.leave(profile, segment, at, cause);
      }

      @Override
      public List<MembershipSpan> history(ProfileId profile) {
        return store.history(profile);
      }

      @Override
      public void forEachProfile(java.util.function.Consumer<ProfileId> action) {
        store.forEachProfile(action);
      }

      @Override
      public int forget(ProfileId profile) {
        if (HALT_ON.equals("forget")) {
          System.out.flush();
          Runtime.getRuntime().halt(HALTED);
        }
        return store.forget(profile);
      }
    };
  }
}
