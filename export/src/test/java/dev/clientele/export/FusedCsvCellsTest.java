package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The exporter writes runs of built-in columns with fused writers ({@link FusedCsvCells}: the
 * fixed columns of {@link Preset#ALL_CUSTOMER_INFO} in one pass, consecutive attribute columns in
 * one merge walk). They must write the bytes that the columns' own writers write one by one, for
 * any profiles, delimiter, guard, line end and column layout (runs at any position, renamed,
 * interrupted, attribute names absent from the profiles, out of order).
 */
class FusedCsvCellsTest {
  final TypedCsvCellsTest profiles = new TypedCsvCellsTest();

  /** One piece of a column layout: 0 the standard run, 1 an attribute column, 2 a last-seen column, 3 a host column. */
  record Piece(int kind, int pick, boolean renamed) {}

  @Provide
  Arbitrary<List<TypedCsvCellsTest.Spec>> profileSpecs() {
    return profiles.profileSpecs();
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return profiles.delimiters();
  }

  @Provide
  Arbitrary<List<Piece>> layouts() {
    Arbitrary<Piece> piece = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 99), Arbitraries.of(false, false, true)).as(Piece::new);
    return piece.list().ofMinSize(1).ofMaxSize(12);
  }

  static final List<String> NAMES = List.of("a_text", "b_list", "c_number", "d_decimal", "e_flag", "f_map", "a0_absent", "zz_absent", "c");

  static List<ProfileColumn> columns(List<Piece> layout) {
    List<ProfileColumn> columns = new ArrayList<>();
    int n = 0;
    for (Piece p : layout) {
      List<ProfileColumn> add = switch (p.kind()) {
        case 0 -> Preset.standardColumns();
        case 1 -> List.of(ProfileColumn.attribute(NAMES.get(p.pick() % NAMES.size())));
        case 2 -> List.of(ProfileColumn.lastSeen(TypedCsvCellsTest.TYPES.get(p.pick() % TypedCsvCellsTest.TYPES.size())));
        default -> List.of(ProfileColumn.of("host", row -> row.profile().eventCount() % 2 == 0 ? "=x" : List.of("a", "b|c")));
      };
      for (ProfileColumn c : add) {
        columns.add(c.withName("c" + n++ + (p.renamed() ? "_renamed" : "_" + c.name())));
      }
    }
    return columns;
  }

  @Property(tries = 300)
  void csv_fusedWriters_writeTheBytesOfTheColumnsOwnWriters(@ForAll("profileSpecs") List<TypedCsvCellsTest.Spec> specs,
      @ForAll("layouts") List<Piece> layout, @ForAll("delimiters") char delimiter, @ForAll FormulaGuard guard,
      @ForAll boolean crlf) {
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      ps.add(TypedCsvCellsTest.profile(i, specs.get(i)));
    }
    CsvOptions options = CsvOptions.builder().delimiter(delimiter).formulaGuard(guard).lineSeparator(crlf ? "\r\n" : "\n").build();
    ExportRequest request = ExportRequest.builder().columns(columns(layout)).csvOptions(options).build();

    ByteArrayOutputStream fused = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), fused, true);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), single, false);
    assertThat(fused.toString(StandardCharsets.UTF_8)).isEqualTo(single.toString(StandardCharsets.UTF_8));
  }

  @Property(tries = 100)
  void csv_presetWithAttributes_isFusedAndWritesTheSameBytes(@ForAll("profileSpecs") List<TypedCsvCellsTest.Spec> specs,
      @ForAll("delimiters") char delimiter) {
    List<Profile> ps = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      ps.add(TypedCsvCellsTest.profile(i, specs.get(i)));
    }
    ExportRequest request = ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).attributeNames(NAMES)
        .csvOptions(CsvOptions.builder().delimiter(delimiter).build()).build();
    List<ProfileColumn> columns = ProfileExporter.columns(request, ProfileSource.of(ps));
    // the standard run and one run of all the attribute columns
    assertThat(FusedCsvCells.plan(columns, true)).hasSize(2);
    ByteArrayOutputStream fused = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), fused, true);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(ps), single, false);
    assertThat(fused.toString(StandardCharsets.UTF_8)).isEqualTo(single.toString(StandardCharsets.UTF_8));
  }

  @Test
  void plan_unsortedAttributeRun_fusesOnlySortedRuns() {
    List<ProfileColumn> columns = List.of(ProfileColumn.attribute("b"), ProfileColumn.attribute("a"),
        ProfileColumn.attribute("c"), ProfileColumn.lastSeen(IdentifierType.EMAIL));
    // b | a,c (fused) | email
    assertThat(FusedCsvCells.plan(columns, true)).hasSize(3);
    assertThat(FusedCsvCells.plan(columns, false)).hasSize(4);
  }

  @Test
  void plan_renamedStandardColumns_areStillFused() {
    List<ProfileColumn> columns = new ArrayList<>();
    for (ProfileColumn c : Preset.standardColumns()) {
      columns.add(c.withName("x_" + c.name()));
    }
    assertThat(FusedCsvCells.plan(columns, true)).hasSize(1);
    columns.remove(3); // no longer the whole run
    assertThat(FusedCsvCells.plan(columns, true)).hasSize(columns.size());
  }
}
