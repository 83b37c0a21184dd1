package dev.clientele.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Shared test data and a way to run the CLI in-process. */
final class Fixtures {
  private Fixtures() {}

  /**
   * Eleven valid events. Expected: five profiles. Ann (email, c-1, a-1) after the login of line 3
   * bridges her anonymous device to her account (one merge), opt-out on email, one order of
   * 42.50, five events. An anonymous visitor in October (a-2) and one in September (a-3). Bob
   * (email hard-bounced, phone opted in), three events. Cat, known only from a consent event.
   */
  static final List<String> EVENTS =
      List.of(
          "{\"id\":\"e-1\",\"type\":\"pageview\",\"timestamp\":\"2026-10-01T10:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-1\"},\"data\":{\"page\":\"/\",\"device\":\"iphone\"}}",
          "{\"id\":\"e-2\",\"type\":\"identify\",\"action\":\"signup\",\"timestamp\":\"2026-10-01T10:05:00Z\",\"identifiers\":{\"email\":\" Ann@Example.COM \",\"customer_id\":\"c-1\"},\"data\":{\"first_name\":\"Ann\",\"city\":\"Leeds\",\"nickname\":null}}",
          "{\"id\":\"e-3\",\"type\":\"login\",\"action\":\"login\",\"timestamp\":\"2026-10-02T09:00:00Z\",\"identifiers\":{\"customer_id\":\"c-1\",\"anonymous_id\":\"a-1\"}}",
          "{\"id\":\"e-4\",\"type\":\"consent\",\"action\":\"opt_out\",\"timestamp\":\"2026-10-03T09:00:00Z\",\"identifiers\":{\"email\":\"ann@example.com\"},\"data\":{\"channel\":\"email\"}}",
          "{\"id\":\"e-5\",\"type\":\"order\",\"action\":\"purchase\",\"timestamp\":\"2026-10-04T12:00:00Z\",\"identifiers\":{\"customer_id\":\"c-1\"},\"data\":{\"order_id\":\"o-1\",\"total\":42.50,\"currency\":\"GBP\"}}",
          "{\"id\":\"e-6\",\"type\":\"pageview\",\"timestamp\":\"2026-10-05T12:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-2\"}}",
          "{\"id\":\"e-7\",\"type\":\"identify\",\"timestamp\":\"2026-10-06T08:00:00Z\",\"identifiers\":{\"email\":\"bob@example.org\",\"phone\":\"+1 (212) 555-0199\"},\"data\":{\"first_name\":\"Bob\"}}",
          "{\"id\":\"e-8\",\"type\":\"reachability\",\"action\":\"hard_bounce\",\"timestamp\":\"2026-10-06T09:00:00Z\",\"identifiers\":{\"email\":\"BOB@example.org\"},\"data\":{\"channel\":\"email\"}}",
          "{\"id\":\"e-9\",\"type\":\"consent\",\"action\":\"opt_in\",\"timestamp\":\"2026-10-06T10:00:00Z\",\"identifiers\":{\"phone\":\"+12125550199\"},\"data\":{\"channel\":\"sms\"}}",
          "{\"id\":\"e-10\",\"type\":\"pageview\",\"timestamp\":\"2026-09-20T10:00:00Z\",\"identifiers\":{\"anonymous_id\":\"a-3\"}}",
          "{\"id\":\"e-11\",\"type\":\"consent\",\"action\":\"opt_in\",\"timestamp\":\"2026-10-02T10:00:00Z\",\"identifiers\":{\"email\":\"cat@example.net\"},\"data\":{\"channel\":\"email\"}}");

  static final ObjectMapper JSON = new ObjectMapper();

  /** What one CLI run printed. */
  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Runs the CLI in {@code workingDir}. */
  static Run cli(Path workingDir, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Cli.run(args, o, e, workingDir);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Writes lines to {@code dir/name} and returns the path. */
  static Path write(Path dir, String name, List<String> lines) {
    try {
      return Files.write(dir.resolve(name), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes text to {@code dir/name} and returns the path. */
  static Path write(Path dir, String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
