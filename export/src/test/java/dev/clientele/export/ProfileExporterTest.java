package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.core.Channel;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.spi.Commit;
import dev.clientele.core.spi.InMemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileExporterTest {
  static InMemoryStorage store(List<Profile> profiles) {
    InMemoryStorage s = new InMemoryStorage();
    for (Profile p : profiles) {
      s.commit(Commit.builder().putProfile(p.toBuilder().version(1).build(), 0).build());
    }
    return s;
  }

  @Test
  void write_emailOnly_skipsProfilesWithoutEmailAndCountsThem() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).build(),
        ProfileSource.of(ExportFixtures.three()), out);

    assertThat(s.profilesRead()).isEqualTo(3);
    assertThat(s.rowsWritten()).isEqualTo(2);
    assertThat(s.skipped()).containsExactly(Map.entry("no_email", 1L));
  }

  @Test
  void write_reachableOn_writesOnlyReachableAndCountsTheRest() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).reachableOn(Channel.EMAIL)
        .computed(ExportFixtures.reachability()).build(), ProfileSource.of(ExportFixtures.three()), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("email\r\nann@example.com\r\n");
    assertThat(s.skipped()).containsExactly(Map.entry("not_reachable_email", 2L));
  }

  @Test
  void write_reachableOnWithoutComputedReachability_failsNamingTheValue() {
    ExportRequest r = ExportRequest.builder().preset(Preset.EMAIL_ONLY).reachableOn(Channel.SMS).build();

    assertThatThrownBy(() -> ProfileExporter.write(r, ProfileSource.of(ExportFixtures.three()), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reachable_sms");
  }

  @Test
  void write_callerFilter_countsFiltered() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().columns(List.of(ProfileColumn.id()))
            .filter(row -> row.profile().tags().contains("favourite")).build(),
        ProfileSource.of(ExportFixtures.three()), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id\r\np-ann\r\n");
    assertThat(s.skipped()).containsExactly(Map.entry("filtered", 2L));
  }

  @Test
  void write_progress_reportedEveryIntervalAndAtTheEnd() {
    List<long[]> reports = new ArrayList<>();
    ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY)
            .progress((read, written) -> reports.add(new long[] {read, written}), 2).build(),
        ProfileSource.of(ExportFixtures.three()), new ByteArrayOutputStream());

    assertThat(reports).extracting(r -> r[0] + "/" + r[1]).containsExactly("2/2", "3/2");
  }

  @Test
  void write_hostColumnsAndComputedValues_addedAfterThePreset() {
    ComputedValues clv = ComputedValues.of(List.of(ComputedValues.PREDICTED_CLV),
        p -> p.id().value().equals("p-ann") ? Map.of(ComputedValues.PREDICTED_CLV, 123.25) : Map.of());
    String csv = ExportFixtures.export(ExportRequest.builder().columns(List.of(ProfileColumn.id(), ProfileColumn.computed("predicted_clv")))
        .addColumn(ProfileColumn.of("first_seen_day", r -> LocalDate.parse("2026-10-01")))
        .computed(clv).build(), ExportFixtures.three());

    assertThat(csv).isEqualTo("id,predicted_clv,first_seen_day\r\n"
        + "p-ann,123.25,2026-10-01\r\n"
        + "p-bob,,2026-10-01\r\n"
        + "p-zed,,2026-10-01\r\n");
  }

  @Test
  void write_allCustomerInfo_takesAttributeNamesFromTheSourceOrTheRequest() {
    ExportRequest given = ExportRequest.builder().attributeNames(List.of("city")).build();
    List<String> names = ProfileExporter.columns(given, ProfileSource.of(ExportFixtures.three())).stream().map(ProfileColumn::name).toList();
    assertThat(names).endsWith("ccpa_opted_out", "attributes.city");

    List<String> found = ProfileExporter.columns(ExportRequest.builder().build(), ProfileSource.of(ExportFixtures.three()))
        .stream().map(ProfileColumn::name).toList();
    assertThat(found).endsWith("attributes.city", "attributes.first_name", "attributes.interests", "attributes.note",
        "attributes.prefs", "attributes.score");
  }

  @Test
  void write_searchSource_streamsEveryMatchInIdOrder() {
    InMemoryStorage storage = store(ExportFixtures.three());
    String csv = ExportFixtures.export(ExportRequest.builder().columns(List.of(ProfileColumn.id())).build(), List.of());
    assertThat(csv).isEqualTo("id\r\n");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportSummary s = ProfileExporter.write(ExportRequest.builder().columns(List.of(ProfileColumn.id())).build(),
        ProfileSource.search(new ProfileQueries(storage), ProfileSearch.all().withText("bo").withPage(0, 1)), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("id\r\np-bob\r\n");
    assertThat(s.rowsWritten()).isEqualTo(1);

    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ProfileExporter.write(ExportRequest.builder().columns(List.of(ProfileColumn.id())).build(), ProfileSource.all(storage), all);
    assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo("id\r\np-ann\r\np-bob\r\np-zed\r\n");

    ByteArrayOutputStream some = new ByteArrayOutputStream();
    ProfileExporter.write(ExportRequest.builder().columns(List.of(ProfileColumn.id())).build(),
        ProfileSource.matching(storage, Profile::isAnonymous), some);
    assertThat(some.toString(StandardCharsets.UTF_8)).isEqualTo("id\r\np-zed\r\n");
  }

  @Test
  void write_identifierColumns_lastSeenAndAll() {
    String csv = ExportFixtures.export(ExportRequest.builder().columns(List.of(ProfileColumn.lastSeen(IdentifierType.EMAIL),
        ProfileColumn.all(IdentifierType.EMAIL), ProfileColumn.consent(IdentifierType.EMAIL))).build(), ExportFixtures.three().subList(0, 1));

    assertThat(csv).isEqualTo("email,email_all,email_consent\r\nann@example.com,ann.old@example.com|ann@example.com,opt_in\r\n");
  }

  @Test
  void write_requestSource_usedOrMissingNamed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).source(ProfileSource.of(ExportFixtures.three())).build(), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("email\r\nann@example.com\r\nbob@example.org\r\n");

    assertThatThrownBy(() -> ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).build(), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no source");
  }

  @Test
  void write_duplicateColumnNames_rejected() {
    ExportRequest r = ExportRequest.builder().columns(List.of(ProfileColumn.id(), ProfileColumn.id())).build();

    assertThatThrownBy(() -> ProfileExporter.write(r, ProfileSource.of(List.of()), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two columns are named id");
  }

  @Test
  void write_unsupportedValueType_failsNamingTheColumn() {
    ExportRequest r = ExportRequest.builder().columns(List.of(ProfileColumn.of("odd", row -> new Object()))).build();

    assertThatThrownBy(() -> ProfileExporter.write(r, ProfileSource.of(ExportFixtures.three()), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column odd");
  }

  @Test
  void write_leavesTheStreamOpen() throws IOException {
    boolean[] closed = {false};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public void close() {
        closed[0] = true;
      }
    };
    for (ExportFormat f : ExportFormat.values()) {
      ProfileExporter.write(ExportRequest.builder().preset(Preset.EMAIL_ONLY).format(f).build(), ProfileSource.of(ExportFixtures.three()), out);
    }
    assertThat(closed[0]).isFalse();
    assertThat(bytes.size()).isPositive();
  }

  @Test
  void write_emptySource_headerOnlyOrEmptyJson() {
    assertThat(ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).build(), List.of())).isEqualTo("email\r\n");
    assertThat(ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).format(ExportFormat.JSON_ARRAY).build(), List.of()))
        .isEqualTo("[]\n");
    assertThat(ExportFixtures.export(ExportRequest.builder().preset(Preset.EMAIL_ONLY).format(ExportFormat.JSON_LINES).build(), List.of()))
        .isEmpty();
  }

  @Test
  void builder_presetAndColumns_doNotCombine() {
    assertThatThrownBy(() -> ExportRequest.builder().preset(Preset.EMAIL_ONLY).columns(List.of(ProfileColumn.id())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("preset was already set to EMAIL_ONLY");
    assertThatThrownBy(() -> ExportRequest.builder().format(ExportFormat.CSV).format(ExportFormat.JSON_LINES))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("format was already set to CSV");
    assertThatThrownBy(() -> ExportRequest.builder().progress(ExportProgress.NONE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("progress interval must be >= 1: 0");
  }

  @Test
  void csvOptions_badDelimiter_rejected() {
    assertThatThrownBy(() -> CsvOptions.builder().delimiter('"').build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delimiter");
    assertThatThrownBy(() -> CsvOptions.builder().delimiter('\uD83D').build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delimiter must not be half of a surrogate pair: U+D83D");
    assertThatThrownBy(() -> CsvOptions.builder().lineSeparator("\r").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lineSeparator must be CRLF or LF: \\r");
  }

  @Test
  void formulaGuard_examples() {
    assertThat(FormulaGuard.PREFIX.apply("=SUM(A1:A2)")).isEqualTo("'=SUM(A1:A2)");
    assertThat(FormulaGuard.PREFIX.apply("@cmd")).isEqualTo("'@cmd");
    assertThat(FormulaGuard.PREFIX.apply("\tx")).isEqualTo("'\tx");
    assertThat(FormulaGuard.PREFIX.apply("\rx")).isEqualTo("'\rx");
    assertThat(FormulaGuard.PREFIX.apply("+1+cmd|' /C calc'!A0")).isEqualTo("'+1+cmd|' /C calc'!A0");
    assertThat(FormulaGuard.PREFIX.apply("-2+3")).isEqualTo("'-2+3");
    assertThat(FormulaGuard.PREFIX.apply("+442079460958")).isEqualTo("+442079460958");
    assertThat(FormulaGuard.PREFIX.apply("-12.50")).isEqualTo("-12.50");
    assertThat(FormulaGuard.PREFIX_ALL.apply("-12.50")).isEqualTo("'-12.50");
    assertThat(FormulaGuard.PREFIX.apply("'=x")).isEqualTo("''=x");
    assertThat(FormulaGuard.PREFIX.apply("'plain")).isEqualTo("'plain");
    assertThat(FormulaGuard.OFF.apply("=x")).isEqualTo("=x");
    assertThat(FormulaGuard.PREFIX.apply("ann@example.com")).isEqualTo("ann@example.com");
  }

  @Test
  void dailySeries_generated_oneRowPerDayComputedAsWritten() {
    List<LocalDate> asked = new ArrayList<>();
    DailySeries s = DailySeries.generated(List.of("mau"), LocalDate.parse("2026-02-27"), LocalDate.parse("2026-03-02"), d -> {
      asked.add(d);
      return List.of(d.getDayOfMonth());
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThat(SeriesExporter.writeCsv(s, CsvOptions.builder().lineSeparator("\n").build(), out)).isEqualTo(4);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("date,mau\n2026-02-27,27\n2026-02-28,28\n2026-03-01,1\n2026-03-02,2\n");
    assertThat(asked).hasSize(4);
  }

  @Test
  void dailySeries_gapsAndBadValues_rejected() {
    DailySeries.Builder b = DailySeries.builder(List.of("total")).day(LocalDate.parse("2026-10-01"), List.of(1));
    assertThatThrownBy(() -> b.day(LocalDate.parse("2026-10-03"), List.of(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("one row per day, in order and without gaps: 2026-10-03 follows 2026-10-01");
    assertThatThrownBy(() -> DailySeries.builder(List.of("date")))
        .isInstanceOf(IllegalArgumentException.class);
    DailySeries wrong = DailySeries.generated(List.of("a", "b"), LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-01"),
        d -> List.of(1));
    assertThatThrownBy(() -> SeriesExporter.writeCsv(wrong, CsvOptions.defaults(), new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the series gave 1 values for 2026-10-01; it has 2 columns");
  }

  @Test
  void profileRow_toString_hasNoPersonalData() {
    Profile ann = ExportFixtures.three().get(0);
    assertThat(ProfileRow.of(ann, Map.of()).toString()).isEqualTo("ProfileRow{p-ann}");
    assertThat(ProfileRow.of(ann, Map.of("x", 1)).computed("x")).isEqualTo(Optional.of(1));
  }

  @Test
  void write_withAFilter_handsItADistinctRowPerProfile() {
    List<ProfileRow> seen = new ArrayList<>();
    ProfileExporter.write(ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).computed(ExportFixtures.reachability())
        .filter(r -> seen.add(r)).build(), ProfileSource.of(ExportFixtures.three()), new ByteArrayOutputStream());

    // A filter may keep the rows it sees: each must stay the row of its own profile.
    assertThat(seen).extracting(r -> r.profile().id()).containsExactlyElementsOf(ExportFixtures.three().stream().map(Profile::id).toList());
    assertThat(seen.get(0)).isNotSameAs(seen.get(1));
    assertThat(seen.get(0).lastSeen(IdentifierType.EMAIL)).isEqualTo(ExportFixtures.three().get(0).lastSeen(IdentifierType.EMAIL));
  }

  @Test
  void write_oneMovedRowOrARowPerProfile_writesTheSameBytes() {
    // Built-in and computed columns only: one row object moves from profile to profile. A filter
    // that passes everything makes the exporter hand out a row per profile instead.
    ExportRequest.Builder b = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).computed(ExportFixtures.reachability());
    String moved = ExportFixtures.export(b.build(), ExportFixtures.three());
    String fresh = ExportFixtures.export(b.filter(r -> true).build(), ExportFixtures.three());

    assertThat(moved).isEqualTo(fresh).contains("reachable_email");
  }
}
