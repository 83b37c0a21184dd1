package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A process killed while an H2 schema script runs: H2 commits each {@code CREATE} by itself, so
 * the database keeps the first statements of the script and no version row. The next open must
 * finish the schema (it failed with "table already exists", SQL state 42S01, on every open).
 * Here the kill is simulated by running the statements by hand; {@link CrashRestartHuntTest}
 * kills a real process during its first open.
 */
class MigrationCrashHuntTest {
  @Test
  void everyPrefixOfEveryH2Script_nextOpenFinishesTheSameSchema() throws Exception {
    List<String> fresh;
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      JdbcStorage.open(db);
      fresh = schema(db);
    }
    for (int v = 1; v <= Migrations.SCRIPTS.size(); v++) {
      List<String> statements = Migrations.statements(script(Migrations.SCRIPTS.get(v - 1)));
      for (int k = 1; k < statements.size(); k++) {
        try (HikariDataSource db = TestDatabases.h2Memory()) {
          try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE clientele_schema_version (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL, "
                + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            for (int done = 1; done < v; done++) {
              for (String sql : Migrations.statements(script(Migrations.SCRIPTS.get(done - 1)))) {
                s.execute(sql);
              }
              s.execute("INSERT INTO clientele_schema_version VALUES (" + done + ", 'x', CURRENT_TIMESTAMP)");
            }
            for (String sql : statements.subList(0, k)) {
              s.execute(sql); // then the process dies: no version row for script v
            }
          }

          JdbcStorage.open(db);
          JdbcMembershipStore.open(db);

          assertThat(schema(db)).as("script %s killed after %s statements", v, k).isEqualTo(fresh);
          try (Connection c = db.getConnection()) {
            assertThat(Migrations.currentVersion(c)).isEqualTo(Migrations.SCRIPTS.size());
          }
        }
      }
    }
  }

  private static String script(String name) throws IOException {
    try (InputStream in = Migrations.class.getResourceAsStream("migration/h2/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Tables, columns and indexes of the Clientele schema, sorted. */
  private static List<String> schema(HikariDataSource db) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT table_name, column_name, data_type, is_nullable "
          + "FROM information_schema.columns WHERE table_name LIKE 'clientele_%' ORDER BY table_name, column_name")) {
        while (rs.next()) {
          out.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT index_name, table_name FROM information_schema.indexes "
          + "WHERE table_name LIKE 'clientele_%' ORDER BY index_name")) {
        while (rs.next()) {
          out.add("index " + rs.getString(1) + " on " + rs.getString(2));
        }
      }
    }
    return out;
  }
}
