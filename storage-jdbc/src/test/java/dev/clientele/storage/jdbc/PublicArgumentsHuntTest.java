package dev.clientele.storage.jdbc;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of the JDBC backend's API, swept by reflection
 * ({@link ArgumentSweep}) on one in-memory H2 database: null, edge numbers, odd strings (masked in
 * messages when personal), collections copied in and read-only out.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");


  @Test
  void publicArguments_sweep() {
    try (HikariDataSource db = TestDatabases.h2Memory(); JdbcStorage storage = JdbcStorage.open(db)) {
      JdbcMembershipStore memberships = JdbcMembershipStore.open(db);
      Map<Class<?>, Supplier<?>> own = dev.clientele.core.SweepValues.coreTypes();
      own.put(DataSource.class, () -> db);
      own.put(JdbcStorage.class, () -> storage);
      own.put(JdbcStorage.Builder.class, () -> JdbcStorage.builder(db));
      own.put(JdbcMembershipStore.class, () -> memberships);
      own.put(JdbcMembershipStore.Builder.class, () -> JdbcMembershipStore.builder(db));
      own.put(Commit.class, () -> Commit.builder().build());
      Map<String, Supplier<?>> byName = new HashMap<>();
      byName.put("segment", () -> "vip");
      ArgumentSweep s = ArgumentSweep.over(ArgumentSweep.publicTypes(JdbcStorage.class), Map.of(), byName, own)
          .closeReceivers(false);
      s.run();
      System.out.println(s.report("storage-jdbc"));
      s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
          || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
      assertThat(s.findings).isEmpty();
    }
  }

  @Test
  void membershipEnter_nameTheColumnsCannotHold_refusedNamingTheArgumentNotAStorageFailure() {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      JdbcMembershipStore store = JdbcMembershipStore.open(db);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.enter(P1, "v".repeat(65), T, java.util.Optional.empty()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.enter(P1, "vip", T, java.util.Optional.of("e".repeat(257))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cause");
      assertThat(store.enter(P1, "vip", T, java.util.Optional.of("e".repeat(256)))).isTrue();
      assertThat(store.current(P1)).containsExactly("vip");
    }
  }

  @Test
  void builders_statementTimeoutTwice_refusedAsDocumented() {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      java.time.Duration d = java.time.Duration.ofSeconds(5);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcStorage.builder(db).statementTimeout(d).statementTimeout(d))
          .isInstanceOf(IllegalStateException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> JdbcMembershipStore.builder(db).statementTimeout(d).statementTimeout(d))
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
