package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.EVENTS;
import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --jdbc}: the commands on an H2 file, which keeps what was ingested between runs. */
class CliJdbcTest {
  @TempDir Path dir;

  private String h2Url() {
    return "jdbc:h2:file:" + dir.resolve("db/clientele") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
  }

  /** {@code --jdbc URL --salt-file salt.txt}, writing the salt file. */
  private String[] jdbc() {
    write(dir, "salt.txt", "a-test-salt-of-32-bytes-or-more!\n");
    return new String[] {"--jdbc", h2Url(), "--salt-file", "salt.txt"};
  }

  private static String[] args(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  @Test
  void profiles_onH2File_sameProfilesAsInMemory_andKeptForTheNextRun() throws IOException {
    write(dir, "events.jsonl", EVENTS);

    Run memory = cli(dir, "profiles", "--events", "events.jsonl", "--out", "memory.jsonl");
    Run first = cli(dir, args(new String[] {"profiles", "--events", "events.jsonl", "--out", "first.jsonl"}, jdbc()));
    Run second = cli(dir, args(new String[] {"profiles", "--events", "events.jsonl", "--out", "second.jsonl"}, jdbc()));

    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.json().get("applied").asLong()).isEqualTo(memory.json().get("applied").asLong());
    assertThat(first.json().get("profiles").asLong()).isEqualTo(memory.json().get("profiles").asLong()).isEqualTo(5);
    assertThat(first.json().get("merges").asLong()).isEqualTo(1);
    // Same profiles apart from their ids (random on a database, sequential in memory).
    assertThat(withoutIds(dir.resolve("first.jsonl"))).hasSize(5);
    assertThat(withoutIds(dir.resolve("first.jsonl"))).isEqualTo(withoutIds(dir.resolve("memory.jsonl")));

    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.json().get("applied").asLong()).isZero();
    assertThat(second.json().get("duplicates").asLong()).isEqualTo(EVENTS.size());
    assertThat(Files.readString(dir.resolve("second.jsonl"))).isEqualTo(Files.readString(dir.resolve("first.jsonl")));
  }

  @Test
  void segments_onH2File_membershipKeptInTheDatabase() throws Exception {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "config.json", java.util.List.of("{\"segments\": [{\"name\": \"reachable-by-email\", \"condition\": {\"reachable\": \"email\"}}]}"));

    Run run = cli(dir, args(new String[] {"profiles", "--events", "events.jsonl", "--config", "config.json", "--out", "p.jsonl"}, jdbc()));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("segments").get("reachable-by-email").asLong()).isEqualTo(1);
    try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource()) {
      pool.setJdbcUrl(h2Url());
      dev.clientele.storage.jdbc.JdbcStorage storage = dev.clientele.storage.jdbc.JdbcStorage.open(pool);
      dev.clientele.storage.jdbc.JdbcMembershipStore store = dev.clientele.storage.jdbc.JdbcMembershipStore.open(pool);
      java.util.List<String> members = new java.util.ArrayList<>();
      storage.forEachProfile(p -> {
        if (store.current(p.id()).contains("reachable-by-email")) {
          members.add(p.id().value());
          assertThat(store.history(p.id())).isNotEmpty();
        }
      });
      assertThat(members).hasSize(1);
    }
  }

  @Test
  void mau_onH2File_countsWhatTheDatabaseHolds() {
    write(dir, "events.jsonl", EVENTS);

    Run memory = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31");
    Run jdbc = cli(dir, args(new String[] {"mau", "--events", "events.jsonl", "--date", "2026-10-31"}, jdbc()));

    assertThat(jdbc.code()).as(jdbc.err()).isZero();
    assertThat(jdbc.json()).isEqualTo(memory.json());
  }

  @Test
  void jdbc_notPostgresOrH2_isBadInput() {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31", "--jdbc", "jdbc:mysql://x/y?password=secret");

    assertThat(run.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--jdbc must be a PostgreSQL or H2 URL").doesNotContain("secret");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void jdbc_unreachableServer_isBadInputNamingTheUrl() {
    write(dir, "events.jsonl", EVENTS);

    write(dir, "salt.txt", "a-test-salt-of-32-bytes-or-more!");
    Run run = cli(dir, "status", "--events", "events.jsonl", "--date", "2026-10-31", "--salt-file", "salt.txt",
        "--jdbc", "jdbc:postgresql://127.0.0.1:1/nowhere?connectTimeout=2", "--jdbc-password", "secret");

    assertThat(run.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("cannot open --jdbc jdbc:postgresql://127.0.0.1:1/nowhere").doesNotContain("secret");
  }

  @Test
  void jdbcUser_withoutJdbc_isBadInput() {
    write(dir, "events.jsonl", EVENTS);

    Run run = cli(dir, "reach", "--events", "events.jsonl", "--jdbc-user", "ann");

    assertThat(run.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(run.err()).contains("--jdbc-user, --jdbc-password and --salt-file need --jdbc");
  }

  @Test
  void jdbc_withoutSalt_isBadInputSayingWhereTheSaltComesFrom() {
    write(dir, "events.jsonl", EVENTS);
    write(dir, "short.txt", "too short");

    Run none = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31", "--jdbc", h2Url());
    Run shortSalt = cli(dir, "mau", "--events", "events.jsonl", "--date", "2026-10-31", "--jdbc", h2Url(),
        "--salt-file", "short.txt");

    if (System.getenv(Database.SALT_ENV) == null) {
      assertThat(none.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
      assertThat(none.err()).contains("--salt-file").contains(Database.SALT_ENV);
    }
    assertThat(shortSalt.code()).isEqualTo(Cli.EXIT_BAD_INPUT);
    assertThat(shortSalt.err()).contains("at least 16 bytes");
  }

  /** The lines with profile ids blanked, sorted (files list profiles in id order). */
  private static java.util.List<String> withoutIds(Path jsonl) throws IOException {
    return Files.readAllLines(jsonl, StandardCharsets.UTF_8).stream()
        .map(line -> line.replaceAll("\"p-[0-9a-f]+\"", "\"p\""))
        .sorted()
        .toList();
  }
}
