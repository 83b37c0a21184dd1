package dev.clientele.export;

import dev.clientele.testsupport.ArgumentSweep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.consent.ConsentChange;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.ProfileQueries;
import dev.clientele.core.ProfileSearch;
import dev.clientele.core.spi.InMemoryStorage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of every public member of export's API, swept by reflection ({@link
 * ArgumentSweep}): null, edge numbers, odd strings (masked in messages when personal), collections
 * copied in and read-only out; and the rules of its builders.
 */
class PublicArgumentsHuntTest {
  static final Instant T = Instant.parse("2026-10-03T14:05:00Z");
  static final Identifier EMAIL = Identifier.of(IdentifierType.EMAIL, "ann@example.com");
  static final ProfileId P1 = ProfileId.of("p-1");

  static final LocalDate D = LocalDate.parse("2026-10-03");

  static Map<Class<?>, Supplier<?>> own() {
    Map<Class<?>, Supplier<?>> m = dev.clientele.core.SweepValues.coreTypes();
    m.put(ComputedValues.class, () -> ComputedValues.of(List.of("score"), p -> Map.of("score", 1)));
    m.put(CsvOptions.class, CsvOptions::defaults);
    m.put(CsvOptions.Builder.class, CsvOptions::builder);
    m.put(DailySeries.class, () -> DailySeries.builder(List.of("total")).day(D, List.of(1)).build());
    m.put(DailySeries.Builder.class, () -> DailySeries.builder(List.of("total")));
    m.put(ExportRequest.class, () -> ExportRequest.builder().build());
    m.put(ExportRequest.Builder.class, ExportRequest::builder);
    m.put(ExportProgress.class, () -> (ExportProgress) (read, written) -> { });
    m.put(ExportSummary.class, () -> new ExportSummary(1, 1, Map.of()));
    m.put(ProfileColumn.class, ProfileColumn::id);
    m.put(ProfileRow.class, () -> ProfileRow.of(Profile.builder(P1, T).build(), Map.of()));
    m.put(ProfileSource.class, () -> ProfileSource.of(List.of(Profile.builder(P1, T).build())));
    m.put(ProfileQueries.class, () -> new ProfileQueries(new InMemoryStorage()));
    m.put(ProfileSearch.class, ProfileSearch::all);
    m.put(ConsentChange.class, () -> new ConsentChange(T, EMAIL, Consent.OPT_IN, "app", Optional.empty(), "e-1"));
    m.put(java.util.Iterator.class, () -> List.of(Profile.builder(P1, T).build()).iterator());
    m.put(Number.class, () -> 1);
    return m;
  }

  static Map<String, Supplier<?>> byName() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("lineSeparator", () -> "\n");
    m.put("name", () -> "score");
    m.put("columns", () -> List.of("total"));
    m.put("from", () -> D);
    m.put("to", () -> D);
    return m;
  }

  static Map<String, Supplier<?>> byKey() {
    Map<String, Supplier<?>> m = new HashMap<>();
    m.put("DailySeries#generated/values", () -> (java.util.function.Function<LocalDate, List<Integer>>) d -> List.of(1));
    m.put("ComputedValues#of/values", () -> (java.util.function.Function<Profile, Map<String, Object>>) p -> Map.of("score", 1));
    m.put("ComputedValues#of/names", () -> List.of("score"));
    m.put("ExportRequest.Builder#columns/value", () -> List.of(ProfileColumn.id()));
    m.put("ExportRequest.Builder#columns/columns", () -> List.of(ProfileColumn.id()));
    m.put("ExportSummary#new/skipped", Map::of);
    m.put("ProfileExporter#write/request", () -> ExportRequest.builder()
        .source(ProfileSource.of(List.of(Profile.builder(P1, T).build()))).build());
    return m;
  }

  static ArgumentSweep sweep() {
    Map<Class<?>, Supplier<?>> own = own();
    return ArgumentSweep.over(ArgumentSweep.publicTypes(ProfileExporter.class), byKey(), byName(), own)
        .personal(ArgumentSweep.PERSONAL.or(p -> p.equals("cell") || p.equals("text")))
        .alias("ExportRequest.Builder#reachableOn/value", "channel")
        .alias("ExportRequest#withComputedFirst/value", "computed")
        .allow("ExportSummary#new/profilesRead=max", "the message states the rule that ties the three counts")
        .allow("ExportSummary#new/rowsWritten=0", "the message states the rule that ties the three counts");
  }

  @Test
  void publicArguments_sweep() {
    ArgumentSweep s = sweep().run();
    System.out.println(s.report("export"));
    s.accepted.stream().filter(a -> a.endsWith("=control") || a.endsWith("=surrogate") || a.endsWith("=newline")
        || a.endsWith("=huge") || a.endsWith("=-1")).forEach(a -> System.out.println("  accepted: " + a));
    assertThat(s.findings).isEmpty();
  }

  @Test
  void builders_setTwice_refusedNamingTheSetting() {
    assertThatThrownBy(() -> ExportRequest.builder().format(ExportFormat.values()[0]).format(ExportFormat.values()[0]))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("format");
    assertThatThrownBy(() -> ExportRequest.builder().preset(Preset.values()[0]).columns(List.of(ProfileColumn.id())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("preset");
    assertThatThrownBy(() -> CsvOptions.builder().lineSeparator("\n").lineSeparator("\r\n"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("line separator");
  }

  @Test
  void dailySeriesBuilder_noDay_refusedAtBuild() {
    assertThatThrownBy(() -> DailySeries.builder(List.of("total")).build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void exportRequest_columnsChangedAfterwards_doNotReachTheRequest() {
    List<ProfileColumn> columns = new ArrayList<>(List.of(ProfileColumn.id()));
    ExportRequest request = ExportRequest.builder().columns(columns).build();
    columns.add(ProfileColumn.revenue());
    assertThat(request.columns()).extracting(ProfileColumn::name).containsExactly(ProfileColumn.id().name());
  }

  @Test
  void lineSeparator_badValue_shownEscapedOrMasked() {
    assertThatThrownBy(() -> CsvOptions.builder().lineSeparator("\r").build()).hasMessage("lineSeparator must be CRLF or LF: \\r");
    assertThatThrownBy(() -> CsvOptions.builder().lineSeparator("\u0000").build())
        .hasMessage("lineSeparator must be CRLF or LF: \\u0000");
    assertThatThrownBy(() -> CsvOptions.builder().lineSeparator("ann." + ArgumentSweep.MARK + "@example.com").build())
        .message().doesNotContain(ArgumentSweep.MARK);
  }
}
