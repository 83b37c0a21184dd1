package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clientele profiles --jdbc jdbc:h2:file:…} killed mid-run (SIGKILL, a child JVM running
 * {@link Cli#main}) and run again on the same database and events file: the second run succeeds
 * and writes the profiles an uninterrupted run writes (ids aside, which are random on a
 * database). The same salt file both times, so the erasures of the sample data (its
 * {@code gdpr_delete} events) still block the replays of the erased people's events.
 */
class CliCrashHuntTest {
  @TempDir Path dir;

  @Test
  void profiles_killedMidRunThenRunAgain_sameProfilesAsAnUninterruptedRun() throws Exception {
    SampleGenerator.writeJsonl(new SampleGenerator(7, 150).events(), dir.resolve("events.jsonl"));
    write(dir, "salt.txt", "a-test-salt-of-32-bytes-or-more!\n");
    Run reference = cli(dir, "profiles", "--events", "events.jsonl", "--out", "reference.jsonl",
        "--jdbc", url("reference"), "--salt-file", "salt.txt");
    assertThat(reference.code()).as(reference.err()).isZero();

    Random random = new Random(3);
    for (int k = 0; k < 1; k++) {
      String name = "killed-" + k;
      Process child = start("profiles", "--events", "events.jsonl", "--out", name + "-first.jsonl",
          "--jdbc", url(name), "--salt-file", "salt.txt");
      // kill once the database file is being written (JVM start-up takes seconds on a loaded machine)
      Path file = dir.resolve("db").resolve(name + ".mv.db");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (child.isAlive() && System.nanoTime() < deadline && !(Files.exists(file) && Files.size(file) > 64 * 1024)) {
        Thread.sleep(5);
      }
      child.waitFor(random.nextInt(800), TimeUnit.MILLISECONDS);
      boolean killed = child.isAlive();
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      Run again = cli(dir, "profiles", "--events", "events.jsonl", "--out", name + ".jsonl",
          "--jdbc", url(name), "--salt-file", "salt.txt");

      assertThat(again.code()).as("killed %s; %s", killed, again.err()).isZero();
      assertThat(withoutIds(dir.resolve(name + ".jsonl"))).as("killed %s", killed)
          .isEqualTo(withoutIds(dir.resolve("reference.jsonl")));
      assertThat(again.json().get("profiles")).isEqualTo(reference.json().get("profiles"));
      System.out.printf("CLI killed mid-run: %s; the second run: %s applied, %s duplicates%n", killed,
          again.json().get("applied"), again.json().get("duplicates"));
    }
  }

  private String url(String name) {
    return "jdbc:h2:file:" + dir.resolve("db").resolve(name) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
  }

  private Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add(Cli.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
  }

  /** The profile lines, sorted, with the random profile ids replaced. */
  private static List<String> withoutIds(Path jsonl) throws IOException {
    return Files.readAllLines(jsonl, StandardCharsets.UTF_8).stream()
        .map(line -> line.replaceAll("\"p-[0-9a-f]+\"", "\"p\""))
        .sorted()
        .toList();
  }
}
