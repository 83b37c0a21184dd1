package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each preset and format against a file in {@code src/test/resources/golden}. To regenerate
 * after an intended change, run with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenFilesTest {
  static void assertGolden(String name, String actual) throws IOException {
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(Path.of("src/test/resources/golden", name), actual, StandardCharsets.UTF_8);
    }
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void emailOnly_csv_matchesGolden() throws IOException {
    String csv = ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).build(), ExportFixtures.three());
    assertGolden("email-only.csv", csv);
  }

  @Test
  void emailOnly_reachableOnEmail_csv_matchesGolden() throws IOException {
    String csv = ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).reachableOn(Channel.EMAIL)
        .computed(ExportFixtures.reachability()).build(), ExportFixtures.three());
    assertGolden("email-only-reachable.csv", csv);
  }

  @Test
  void allCustomerInfo_csv_matchesGolden() throws IOException {
    String csv = ExportFixtures.export(ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO)
        .computed(ExportFixtures.reachability()).build(), ExportFixtures.three());
    assertGolden("all-customer-info.csv", csv);
  }

  @Test
  void allCustomerInfo_semicolonsLf_csv_matchesGolden() throws IOException {
    String csv = ExportFixtures.export(ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO)
        .csvOptions(CsvOptions.builder().delimiter(';').lineSeparator("\n").build()).build(), ExportFixtures.three());
    assertGolden("all-customer-info-semicolon.csv", csv);
  }

  @Test
  void allCustomerInfo_jsonLines_matchesGolden() throws IOException {
    String json = ExportFixtures.export(ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).format(ExportFormat.JSON_LINES)
        .computed(ExportFixtures.reachability()).build(), ExportFixtures.three());
    assertGolden("all-customer-info.jsonl", json);
  }

  @Test
  void emailOnly_jsonArray_matchesGolden() throws IOException {
    String json = ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).format(ExportFormat.JSON_ARRAY).build(),
        ExportFixtures.three());
    assertGolden("email-only.json", json);
  }

  @Test
  void series_csv_matchesGolden() throws IOException {
    DailySeries s = DailySeries.builder(List.of("total", "reachable", "unreachable", "share"))
        .day(LocalDate.parse("2026-10-30"), List.of(10L, 7L, 3L, 0.7))
        .day(LocalDate.parse("2026-10-31"), List.of(12L, 8L, 4L, new java.math.BigDecimal("0.6667")))
        .day(LocalDate.parse("2026-11-01"), List.of(12, 8, 4, 2.0 / 3))
        .build();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    assertThat(SeriesExporter.writeCsv(s, CsvOptions.defaults(), out)).isEqualTo(3);
    assertGolden("series.csv", out.toString(StandardCharsets.UTF_8));
  }
}
