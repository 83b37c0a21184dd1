package dev.clientele.storage.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A pool shared by the tests of one class: opened before the first, disposed of after the last.
 * Register it on a static field:
 *
 * <pre>
 * &#64;RegisterExtension static final ClassPool DB = ClassPool.postgres();
 * </pre>
 */
final class ClassPool implements BeforeAllCallback, AfterAllCallback {
  private final Supplier<HikariDataSource> open;
  private final Consumer<HikariDataSource> dispose;
  private HikariDataSource pool;

  private ClassPool(Supplier<HikariDataSource> open, Consumer<HikariDataSource> dispose) {
    this.open = open;
    this.dispose = dispose;
  }

  /** A new in-memory H2 database, gone when the pool closes. */
  static ClassPool h2Memory() {
    return new ClassPool(TestDatabases::h2Memory, HikariDataSource::close);
  }

  /**
   * A new schema on the test PostgreSQL server, dropped at the end; skips the class without a
   * server outside CI (see {@link TestDatabases#postgres()}).
   */
  static ClassPool postgres() {
    return new ClassPool(TestDatabases::postgres, TestDatabases::dropPostgres);
  }

  /** The pool, once the class's tests have started. */
  HikariDataSource pool() {
    return pool;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    pool = open.get();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (pool != null) {
      dispose.accept(pool);
    }
  }
}
