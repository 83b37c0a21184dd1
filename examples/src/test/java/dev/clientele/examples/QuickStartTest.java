package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's quick start is {@link QuickStart}'s imports and body, and prints what the README says. */
class QuickStartTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCE = Path.of("src", "main", "java", "dev", "clientele", "examples", "QuickStart.java");

  @Test
  void readme_quickStartBlock_isQuickStartsImportsAndBody() throws Exception {
    assumeTrue(Files.isRegularFile(README), "README.md not found next to the examples module (run from the reactor)");
    List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
    int from = readme.indexOf("## Quick start");
    int open = readme.subList(from, readme.size()).indexOf("```java") + from;
    int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
    List<String> block = readme.subList(open + 1, close);

    List<String> source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
    List<String> expected = new ArrayList<>();
    source.stream().filter(l -> l.startsWith("import ")).forEach(expected::add);
    expected.add("");
    int body = source.indexOf("  public static void main(String[] args) {") + 1;
    int end = source.lastIndexOf("  }");
    source.subList(body, end).forEach(l -> expected.add(l.startsWith("    ") ? l.substring(4) : l));

    assertThat(block).containsExactlyElementsOf(expected);
  }

  @Test
  void main_printsWhatTheReadmeSays() {
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(before);
    }
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("Ann has 2 events", "MAU 2026-10: 1");
  }
}
