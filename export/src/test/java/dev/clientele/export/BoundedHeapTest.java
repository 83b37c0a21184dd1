package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streaming, checked where it matters: a child JVM with a 16 MiB heap exports 25,000 profiles of
 * about 4 KB each (about 100 MB of output, several times the heap). Buffering the rows, or the
 * output, would run out of memory; streaming finishes.
 */
class BoundedHeapTest {
  static final int PROFILES = 25_000;
  static final int NOTE_CHARS = 4_000;

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"CSV", "JSON_LINES"})
  void write_farMoreRowsThanTheHeapHolds_finishesInASmallHeap(ExportFormat format) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        BoundedHeapMain.class.getName(), Integer.toString(PROFILES), Integer.toString(NOTE_CHARS), format.name())
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(output).isZero();
    List<String> parts = List.of(output.split(" "));
    long rows = Long.parseLong(parts.get(0));
    long bytes = Long.parseLong(parts.get(1));
    long maxHeap = Long.parseLong(parts.get(2));
    assertThat(rows).isEqualTo(PROFILES);
    assertThat(bytes).as("output is many times the heap").isGreaterThan(5 * maxHeap);
  }
}
