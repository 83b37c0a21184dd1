package dev.clientele.storage.jdbc;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.ActivityRules;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.EventStore;
import dev.clientele.core.spi.InMemoryStorage;
import dev.clientele.core.spi.ProfileStore;
import dev.clientele.core.spi.Storage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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

  /** Valid values of the core types this module's API takes. */
  static Map<Class<?>, Supplier<?>> coreValues() {
    Map<Class<?>, Supplier<?>> m = new HashMap<>();
    m.put(Identifier.class, () -> EMAIL);
    m.put(IdentifierType.class, () -> IdentifierType.EMAIL);
    m.put(ProfileId.class, () -> P1);
    m.put(Profile.class, () -> Profile.builder(P1, T).build());
    m.put(Event.class, () -> Event.builder("e-1", "order", T).identifier(EMAIL).build());
    m.put(Channel.class, () -> Channel.EMAIL);
    m.put(Consent.class, () -> Consent.OPT_IN);
    m.put(ActivityRules.class, ActivityRules::defaults);
    for (Class<?> spi : List.of(Storage.class, ProfileStore.class, EventStore.class, InMemoryStorage.class)) {
      m.put(spi, InMemoryStorage::new);
    }
    return m;
  }

  @Test
  void publicArguments_sweep() {
    try (HikariDataSource db = TestDatabases.h2Memory(); JdbcStorage storage = JdbcStorage.open(db)) {
      JdbcMembershipStore memberships = JdbcMembershipStore.open(db);
      Map<Class<?>, Supplier<?>> own = coreValues();
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
