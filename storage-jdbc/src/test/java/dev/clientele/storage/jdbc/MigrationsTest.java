package dev.clientele.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  @Test
  void open_newDatabase_appliesEveryScriptOnce() throws SQLException {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      JdbcStorage.open(db);
      JdbcStorage.open(db);

      try (Connection c = db.getConnection(); Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM clientele_schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.SCRIPTS.size());
        assertThat(rs.getInt(2)).isEqualTo(Migrations.SCRIPTS.size());
      }
    }
  }

  @Test
  void open_schemaNewerThanLibrary_isRefused() throws SQLException {
    try (HikariDataSource db = TestDatabases.h2Memory()) {
      JdbcStorage.open(db);
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO clientele_schema_version VALUES (99, 'V99__future.sql', CURRENT_TIMESTAMP)");
      }

      assertThatThrownBy(() -> JdbcStorage.open(db)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("99").hasMessageContaining("newer");
    }
  }

  @Test
  void statements_splitAtLineEndingSemicolons_droppingComments() {
    String script = "-- a comment\nCREATE TABLE a (\n  x INT -- trailing\n);\n\nCREATE INDEX i ON a (x);\n";

    assertThat(Migrations.statements(script)).containsExactly("CREATE TABLE a (\n  x INT -- trailing\n)",
        "CREATE INDEX i ON a (x)");
  }

  @Test
  void scripts_existForEveryDialect() {
    for (Dialect d : Dialect.values()) {
      for (String script : Migrations.SCRIPTS) {
        assertThat(Migrations.class.getResource("migration/" + d.folder + "/" + script)).as(d + " " + script).isNotNull();
      }
    }
    assertThat(Migrations.SCRIPTS).isEqualTo(List.copyOf(Migrations.SCRIPTS.stream().sorted().toList()));
  }
}
