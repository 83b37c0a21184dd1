package dev.clientele;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A heap dump of this JVM's live objects, searched for text: which of some strings some live
 * object still holds, in Latin-1 (a compact {@code String}'s bytes) or UTF-16 in either byte
 * order (a {@code String} of non-Latin-1 text, a {@code char[]}). The dump is taken into a temp
 * file that is deleted once read; its bytes are kept as one Latin-1 {@code String} so that each
 * search is {@link String#indexOf}, which the JIT vectorises. For tests.
 */
final class HeapDump {
  private final String bytes;
  /** How many dumps were kept ({@code -Dclientele.heapdump.keep=PATH} keeps each as PATH.1, PATH.2, …). */
  private static final java.util.concurrent.atomic.AtomicInteger KEPT = new java.util.concurrent.atomic.AtomicInteger();

  private HeapDump(String bytes) {
    this.bytes = bytes;
  }

  /**
   * Dumps the live objects (after the full collection the dump makes) and reads the dump.
   *
   * @throws UncheckedIOException if the dump cannot be written or read
   */
  static HeapDump ofLiveObjects() {
    Path dir;
    try {
      dir = Files.createTempDirectory("clientele-heap");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = dir.resolve("live.hprof"); // dumpHeap refuses an existing file
    try {
      HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      bean.dumpHeap(file.toString(), true);
      String keep = System.getProperty("clientele.heapdump.keep"); // to find a holder by hand
      if (keep != null) {
        Files.copy(file, Path.of(keep + "." + KEPT.incrementAndGet()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return new HeapDump(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // a temp file left behind is not worth failing the test for
      }
    }
  }

  /** The dump's size in bytes. */
  int size() {
    return bytes.length();
  }

  /**
   * Which of {@code texts} the dump holds, with the encoding each was found in (Latin-1,
   * UTF-16LE, UTF-16BE): the texts found, in the order given, each mapped to its encodings.
   */
  Map<String, List<String>> find(List<String> texts) {
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String t : texts) {
      List<String> in = new ArrayList<>();
      if (canBeLatin1(t) && bytes.contains(t)) {
        in.add("Latin-1");
      }
      if (bytes.contains(asLatin1(t.getBytes(StandardCharsets.UTF_16LE)))) {
        in.add("UTF-16LE");
      }
      if (bytes.contains(asLatin1(t.getBytes(StandardCharsets.UTF_16BE)))) {
        in.add("UTF-16BE");
      }
      if (!in.isEmpty()) {
        found.put(t, in);
      }
    }
    return found;
  }

  /** Every offset of {@code text}'s Latin-1 bytes in the dump (to locate a holder by hand). */
  List<Integer> offsetsOf(String text) {
    List<Integer> at = new ArrayList<>();
    for (int i = bytes.indexOf(text); i >= 0; i = bytes.indexOf(text, i + 1)) {
      at.add(i);
    }
    return at;
  }

  /** {@code n} bytes of the dump before and after {@code offset}, printable ones as they are. */
  String around(int offset, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = Math.max(0, offset - n); i < Math.min(bytes.length(), offset + n); i++) {
      char c = bytes.charAt(i);
      b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format(Locale.ROOT, "\\x%02x", (int) c));
    }
    return b.toString();
  }

  private static boolean canBeLatin1(String t) {
    return t.chars().allMatch(c -> c < 256);
  }

  private static String asLatin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
