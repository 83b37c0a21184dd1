package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static dev.clientele.Fixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.GammaGammaModel;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.core.Channel;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.export.CsvOptions;
import dev.clientele.export.DailySeries;
import dev.clientele.export.ExportFormat;
import dev.clientele.export.ExportRequest;
import dev.clientele.export.ExportSummary;
import dev.clientele.export.Preset;
import dev.clientele.export.SeriesExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportProfilesTest {
  /** Ann: email opted in, two logins. Bob: email opted out. Cat: phone only, sms opt-in. Dan: email, unknown consent, hard bounce. */
  static Clientele loaded() {
    Clientele c = Fixtures.clientele();
    c.ingest(event("a-1", "login", 0).identifier(email("ann@example.com")).build());
    c.ingest(event("a-2", "login", 60).identifier(email("ann@example.com")).build());
    c.ingest(event("a-3", "consent", 61).action("opt_in").identifier(email("ann@example.com")).build());
    c.ingest(event("b-1", "pageview", 1).identifier(email("bob@example.com")).build());
    c.ingest(event("b-2", "consent", 2).action("opt_out").identifier(email("bob@example.com")).build());
    c.ingest(event("c-1", "pageview", 3).identifier(phone("+12125550199")).build());
    c.ingest(event("c-2", "consent", 4).action("opt_in").identifier(phone("+12125550199")).build());
    c.ingest(event("d-1", "pageview", 5).identifier(email("dan@example.com")).build());
    c.ingest(event("d-2", "reachability", 6).action("hard_bounce").identifier(email("dan@example.com")).build());
    return c;
  }

  static String csv(Clientele c, ExportRequest r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.exportProfiles(r, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static List<Map<String, String>> rows(String csv) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  @Test
  void exportProfiles_emailOnlyReachableOnEmail_isTheMailingListSync() {
    Clientele c = loaded();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ExportSummary s = c.exportProfiles(ExportRequest.builder().preset(Preset.EMAIL_ONLY).reachableOn(Channel.EMAIL).build(), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("email\r\nann@example.com\r\n");
    assertThat(s.profilesRead()).isEqualTo(4);
    assertThat(s.skipped()).containsExactly(Map.entry("not_reachable_email", 3L));
    List<String> syncable = new ArrayList<>();
    c.forEachSyncable(Channel.EMAIL, p -> syncable.add(p.lastSeen(Channel.EMAIL.identifierType()).orElseThrow().identifier().value()));
    assertThat(syncable).as("same audience as forEachSyncable").containsExactly("ann@example.com");
  }

  @Test
  void exportProfiles_allCustomerInfo_hasReachabilityAndActivityColumns() throws IOException {
    Clientele c = loaded();
    String csv = csv(c, ExportRequest.builder().computed(c.activityStatusValues(LocalDate.parse("2026-10-01"))).build());

    List<Map<String, String>> rows = rows(csv);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).keySet()).contains("reachable_email", "reachable_sms", "reachable_push", "activity_status");
    Map<String, String> ann = rows.stream().filter(r -> r.get("email").equals("ann@example.com")).findFirst().orElseThrow();
    assertThat(ann).containsEntry("reachable_email", "true").containsEntry("reachable_sms", "false")
        .containsEntry("activity_status", "very_active");
    Map<String, String> cat = rows.stream().filter(r -> r.get("phone").equals("+12125550199")).findFirst().orElseThrow();
    assertThat(cat).containsEntry("reachable_sms", "true").containsEntry("reachable_email", "false")
        .containsEntry("activity_status", "sleeper");
    Map<String, String> dan = rows.stream().filter(r -> r.get("email").equals("dan@example.com")).findFirst().orElseThrow();
    assertThat(dan).containsEntry("reachable_email", "false").containsEntry("email_deliverable", "false");
  }

  @Test
  void exportProfiles_clvValues_presentForCustomersWithOrders() throws IOException {
    Clientele c = loaded();
    c.ingest(event("o-1", "order", 100).identifier(email("ann@example.com")).data("total", new java.math.BigDecimal("40.00")).build());
    c.ingest(event("o-2", "order", 3 * 24 * 60).identifier(email("ann@example.com")).data("total", new java.math.BigDecimal("60.00")).build());
    c.ingest(event("o-3", "order", 9 * 24 * 60).identifier(email("ann@example.com")).data("total", new java.math.BigDecimal("20.00")).build());
    ClvScorer scorer = new ClvScorer(new BgNbdModel(0.24, 4.41 * 7, 0.79, 2.43), java.util.Optional.of(new GammaGammaModel(6.25, 3.74, 15.44)),
        ClvScorer.Options.defaults(PeriodUnit.DAY));

    String csv = csv(c, ExportRequest.builder().computed(c.clvValues(scorer, PeriodUnit.DAY, LocalDate.parse("2026-10-20"))).build());

    List<Map<String, String>> rows = rows(csv);
    Map<String, String> ann = rows.stream().filter(r -> r.get("email").equals("ann@example.com")).findFirst().orElseThrow();
    java.math.BigDecimal predicted = new java.math.BigDecimal(ann.get("predicted_clv"));
    assertThat(predicted).isPositive();
    assertThat(new java.math.BigDecimal(ann.get("total_clv"))).isEqualByComparingTo(predicted.add(new java.math.BigDecimal("120.00")));
    assertThat(ann.get("churn_risk")).isIn("low", "medium", "high");
    assertThat(Double.parseDouble(ann.get("p_alive"))).isBetween(0.0, 1.0);
    Map<String, String> bob = rows.stream().filter(r -> r.get("email").equals("bob@example.com")).findFirst().orElseThrow();
    assertThat(bob).containsEntry("predicted_clv", "").containsEntry("total_clv", "").containsEntry("churn_risk", "");
  }

  @Test
  void exportProfiles_searchSource_jsonLines() throws IOException {
    Clientele c = loaded();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    c.exportProfiles(ExportRequest.builder().preset(Preset.EMAIL_ONLY).format(ExportFormat.JSON_LINES)
        .source(dev.clientele.export.ProfileSource.search(new ProfileQueries(c.storage()), ProfileSearch.all().withText("b")))
        .build(), out);

    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode bob = new ObjectMapper().readTree(lines.get(0));
    assertThat(bob.get("email").asText()).isEqualTo("bob@example.com");
  }

  @Test
  void trendedMau_adaptsToADailySeries_oneRowPerDay() {
    Clientele c = loaded();
    DailySeries mau = DailySeries.generated(List.of("mau", "identified", "anonymous"),
        LocalDate.parse("2026-09-30"), LocalDate.parse("2026-10-02"), day -> {
          var m = c.mau(day);
          return List.of(m.mau(), m.identified(), m.anonymous());
        });
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    SeriesExporter.writeCsv(mau, CsvOptions.defaults(), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "date,mau,identified,anonymous\r\n2026-09-30,0,0,0\r\n2026-10-01,4,4,0\r\n2026-10-02,4,4,0\r\n");
  }
}
