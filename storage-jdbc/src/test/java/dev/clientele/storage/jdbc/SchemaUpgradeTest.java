package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.segments.MembershipSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A database written by a library at schema version 2 (before segment membership) is upgraded
 * to version 3 by whichever store opens it first, keeping what it holds.
 */
class SchemaUpgradeTest {
  private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

  @Test
  void open_h2AtVersion2_upgradesKeepingProfiles() throws SQLException {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      upgradeFromVersion2(db, Dialect.H2);
    }
  }

  @Test
  void open_postgresAtVersion2_upgradesKeepingProfiles() throws SQLException {
    HikariDataSource db = TestDatabases.postgres();
    try {
      upgradeFromVersion2(db, Dialect.POSTGRESQL);
    } finally {
      TestDatabases.dropPostgres(db);
    }
  }

  private static void upgradeFromVersion2(HikariDataSource db, Dialect dialect) throws SQLException {
    Profile ann = Profile.builder(ProfileId.of("p-ann"), T0).version(1).build();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      // What Migrations did at version 2: the version table, the two scripts and their rows.
      s.execute("CREATE TABLE clientele_schema_version ("
          + "version INT PRIMARY KEY, script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
      for (int v = 1; v <= 2; v++) {
        for (String sql : Migrations.statements(script(dialect, Migrations.SCRIPTS.get(v - 1)))) {
          s.execute(sql);
        }
        s.execute("INSERT INTO clientele_schema_version VALUES (" + v + ", '" + Migrations.SCRIPTS.get(v - 1)
            + "', CURRENT_TIMESTAMP)");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO clientele_profile (id, version, body) VALUES (?, ?, ?)")) {
        p.setString(1, ann.id().value());
        p.setLong(2, 1);
        p.setBytes(3, Codec.encode(ann));
        p.executeUpdate();
      }
    }

    JdbcMembershipStore memberships = JdbcMembershipStore.open(db);
    JdbcStorage storage = JdbcStorage.open(db);

    try (Connection c = db.getConnection()) {
      assertThat(Migrations.currentVersion(c)).isEqualTo(3);
    }
    assertThat(storage.profile(ann.id())).contains(ann);
    assertThat(memberships.enter(ann.id(), "vip", T0, Optional.of("e-1"))).isTrue();
    assertThat(memberships.history(ann.id()))
        .containsExactly(new MembershipSpan("vip", T0, Optional.of("e-1"), Optional.empty(), Optional.empty()));
  }

  private static String script(Dialect dialect, String name) {
    try (InputStream in = Migrations.class.getResourceAsStream("migration/" + dialect.folder + "/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
