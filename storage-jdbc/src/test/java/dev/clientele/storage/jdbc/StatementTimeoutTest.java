package dev.clientele.storage.jdbc;

import static dev.clientele.tck.StorageFixtures.create;
import static dev.clientele.tck.StorageFixtures.email;
import static dev.clientele.tck.StorageFixtures.next;
import static dev.clientele.tck.StorageFixtures.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The statement timeout of {@link JdbcStorage.Builder#statementTimeout}: a call that waits for a
 * lock another transaction keeps fails with a {@link StorageException} once the timeout is over,
 * rather than waiting as long as the other transaction (without a timeout, an ingest waited for
 * as long as a row lock was held, and interrupting its thread had no effect). PostgreSQL only:
 * H2 does not end a wait for a row lock on the query timeout, only on its own {@code LOCK_TIMEOUT}
 * (reported as a conflict).
 */
class StatementTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @Test
  void commit_waitingForARowLockOnPostgres_failsAfterTheTimeout_havingAppliedNothing() throws SQLException {
    HikariDataSource pool = TestDatabases.postgres();
    try {
      JdbcStorage storage = JdbcStorage.builder(pool).statementTimeout(TIMEOUT).open();
      Profile ann = profile("p-ann", 1, email("ann"));
      storage.commit(create(ann));

      try (Connection other = pool.getConnection(); Statement s = other.createStatement()) {
        other.setAutoCommit(false);
        s.executeQuery("SELECT id FROM clientele_profile WHERE id = 'p-ann' FOR UPDATE").close();
        long start = System.nanoTime();

        assertThatThrownBy(() -> storage.commit(Commit.builder().putProfile(next(ann), 1).build()))
            .isInstanceOf(StorageException.class).hasMessageContaining("57014").hasMessageContaining("statement timeout of 1 s");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        other.rollback();
      }
      assertThat(storage.profile(ann.id()).orElseThrow().version()).as("nothing applied").isEqualTo(1);
    } finally {
      TestDatabases.dropPostgres(pool);
    }
  }

  @Test
  void read_waitingForATableLockOnPostgres_failsAfterTheTimeout() throws SQLException {
    HikariDataSource pool = TestDatabases.postgres();
    try {
      JdbcStorage storage = JdbcStorage.builder(pool).statementTimeout(TIMEOUT).open();
      try (Connection other = pool.getConnection(); Statement s = other.createStatement()) {
        other.setAutoCommit(false);
        s.execute("LOCK TABLE clientele_tombstone IN ACCESS EXCLUSIVE MODE");

        assertThatThrownBy(storage::hasTombstones).isInstanceOf(StorageException.class)
            .hasMessageContaining("statement timeout of 1 s");
        other.rollback();
      }
      assertThat(storage.hasTombstones()).as("works again once the lock is gone").isFalse();
    } finally {
      TestDatabases.dropPostgres(pool);
    }
  }

  @Test
  void membershipStore_waitingForATableLockOnPostgres_failsAfterItsOwnTimeout() throws SQLException {
    HikariDataSource pool = TestDatabases.postgres();
    try {
      JdbcMembershipStore memberships = JdbcMembershipStore.builder(pool).statementTimeout(TIMEOUT).open();
      ProfileId ann = ProfileId.of("p-ann");
      try (Connection other = pool.getConnection(); Statement s = other.createStatement()) {
        other.setAutoCommit(false);
        s.execute("LOCK TABLE clientele_segment_current IN ACCESS EXCLUSIVE MODE");
        long start = System.nanoTime();

        assertThatThrownBy(() -> memberships.current(ann)).isInstanceOf(StorageException.class)
            .hasMessageContaining("statement timeout of 1 s");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        other.rollback();
      }
      assertThat(memberships.enter(ann, "vip", Instant.parse("2026-01-01T00:00:00Z"), Optional.empty()))
          .as("works again once the lock is gone").isTrue();
      assertThat(memberships.current(ann)).containsExactly("vip");
    } finally {
      TestDatabases.dropPostgres(pool);
    }
  }

  @Test
  void membershipStore_statementTimeout_isChecked() {
    try (HikariDataSource pool = TestDatabases.h2Memory()) {
      JdbcMembershipStore.Builder b = JdbcMembershipStore.builder(pool);
      assertThatIllegalArgumentException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(-1)))
          .withMessageContaining("negative");
      assertThatIllegalArgumentException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(Integer.MAX_VALUE + 1L)));
      assertThat(b.statementTimeout(Duration.ZERO).open().current(ProfileId.of("p-x"))).as("no limit").isEmpty();
      assertThatIllegalStateException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(5)))
          .withMessageContaining("already set");
    }
  }

  @Test
  void statementTimeout_isChecked() {
    try (HikariDataSource pool = TestDatabases.h2Memory()) {
      JdbcStorage.Builder b = JdbcStorage.builder(pool);
      assertThatIllegalArgumentException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(-1)));
      assertThatIllegalArgumentException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(Integer.MAX_VALUE + 1L)));
      assertThat(b.statementTimeout(Duration.ZERO).open()).as("no limit").isNotNull();
      assertThat(JdbcStorage.builder(pool).statementTimeout(Duration.ofMillis(1)).open()).as("rounded up to a second").isNotNull();
      // each setting once (a refused value above did not count); open() again reuses the settings
      assertThatIllegalStateException().isThrownBy(() -> b.statementTimeout(Duration.ofSeconds(5)))
          .withMessageContaining("already set");
      assertThat(b.open()).isNotNull();
    }
  }

  /**
   * H2 keeps a statement's query timeout in the session: without the reset at close, a pooled
   * connection handed back by the store gave the host's next statement the store's timeout.
   */
  @Test
  void applyTo_close_setsTheSessionTimeoutBack_onH2() throws Exception {
    try (Connection raw = java.sql.DriverManager.getConnection("jdbc:h2:mem:timeout-reset;MODE=PostgreSQL")) {
      // A pool's connection: close() gives it back instead of closing it.
      Connection pooled = (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("close") && args == null
              ? null : method.invoke(raw, args));
      Connection store = StatementTimeout.applyTo(pooled, 7);
      try (Statement st = store.createStatement()) {
        assertThat(st.getQueryTimeout()).isEqualTo(7);
        st.execute("SELECT 1");
      }
      store.close();

      try (Statement host = raw.createStatement()) {
        assertThat(host.getQueryTimeout()).as("the host's own statement").isZero();
      }
    }
  }
}
