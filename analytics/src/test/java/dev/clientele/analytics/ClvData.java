package dev.clientele.analytics;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Locates the CLV reference data ({@code ../shared/data/clv}, see its README) at test time.
 * The files are fixtures of unknown licence: they are read in place, never copied into the
 * repository. The folder is found from the system property {@code clientele.clvData} or by
 * walking up from the working directory looking for {@code shared/data/clv} next to an
 * ancestor; tests that need it are skipped, naming the files, when it is absent.
 */
final class ClvData {
  static final String SUMMARY = "cdnow_customers_summary.csv";
  static final String SUMMARY_WITH_MONEY = "cdnow_customers_summary_with_transactions.csv";
  static final String CBS = "btyd_cdnowSummary_cbs.csv";
  static final String TRACKING = "btyd_cdnowSummary_cu_tracking.csv";
  static final String ELOG = "btyd_cdnowElog.csv";
  static final String EXAMPLE = "example_transactions.csv";

  private ClvData() {}

  static Optional<Path> directory() {
    String property = System.getProperty("clientele.clvData");
    if (property != null && !property.isBlank()) {
      Path p = Path.of(property);
      return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate : List.of(dir.resolve("shared/data/clv"), dir.resolveSibling("shared/data/clv"))) {
        if (Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The path of {@code file}; skips the calling test when the data folder or file is absent. */
  static Path require(String file) {
    Optional<Path> dir = directory();
    assumeTrue(dir.isPresent() && Files.isReadable(dir.get().resolve(file)),
        "needs ../shared/data/clv/" + file + " (CDNOW reference data; set -Dclientele.clvData=DIR)");
    return dir.get().resolve(file);
  }

  static Reader open(String file) throws IOException {
    return Files.newBufferedReader(require(file), StandardCharsets.UTF_8);
  }

  static List<RfmSummary> summaries(String file) throws IOException {
    try (Reader in = open(file)) {
      return RfmSummaries.readSummaries(in);
    }
  }
}
