package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bug hunt on the export options an embedder sets: effects, contradictions, reuse. */
class ExportConfigHuntTest {
  /**
   * {@code attributeNames} are "the attribute columns of ALL_CUSTOMER_INFO": with the email-only
   * preset or explicit columns they were accepted and silently left out of the table. A
   * contradictory setting: refused when the request is built.
   */
  @Test
  void attributeNames_withoutTheAllCustomerInfoPreset_areRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExportRequest.builder().preset(Preset.EMAIL_ONLY).attributeNames(List.of("city")).build())
        .withMessageContaining("attributeNames");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ExportRequest.builder().columns(List.of(ProfileColumn.id())).attributeNames(List.of("city")).build())
        .withMessageContaining("attributeNames");
    // With the preset, given or by default, they choose the attribute columns.
    for (ExportRequest r : List.of(ExportRequest.builder().attributeNames(List.of("city")).build(),
        ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).attributeNames(List.of("city")).build())) {
      List<String> names = ProfileExporter.columns(r, ProfileSource.of(ExportFixtures.three())).stream().map(ProfileColumn::name).toList();
      assertThat(names).contains("attributes.city").doesNotContain("attributes.note");
    }
  }

  /**
   * An attribute column for a name no attribute can have ("City", "first name") was accepted and
   * always empty: refused now, in a column and in attributeNames, with the name masked.
   */
  @Test
  void attributeColumns_forNamesNoAttributeCanHave_areRefused() {
    for (String bad : List.of("City", "first name", "1st", "x".repeat(65), "ann@example.com")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ProfileColumn.attribute(bad))
          .withMessageContaining("attribute name must match").withMessageNotContaining(bad);
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> ExportRequest.builder().attributeNames(List.of(bad)))
          .withMessageContaining("attribute names must match").withMessageNotContaining(bad);
    }
    assertThat(ProfileColumn.attribute("x".repeat(64)).name()).isEqualTo("attributes." + "x".repeat(64));
  }

  /** Each setting once; a built request does not change when its builder is used again. */
  @Test
  void builder_reuse_leavesTheBuiltRequestAlone() {
    ExportRequest.Builder b = ExportRequest.builder().columns(List.of(ProfileColumn.id()));
    ExportRequest first = b.build();
    b.addColumn(ProfileColumn.attribute("city"));
    ExportRequest second = b.build();

    assertThat(first.columns()).extracting(ProfileColumn::name).containsExactly("id");
    assertThat(second.columns()).extracting(ProfileColumn::name).containsExactly("id", "attributes.city");
    assertThatIllegalStateException().isThrownBy(() -> b.format(ExportFormat.CSV).format(ExportFormat.JSON_LINES));
    assertThatIllegalStateException().isThrownBy(() -> CsvOptions.builder().delimiter(';').delimiter(','));
  }

  /** CsvOptions: the documented defaults, and the refused delimiters. */
  @Test
  void csvOptions_defaultsAndRefusals() {
    CsvOptions d = CsvOptions.builder().build();
    assertThat(d).isEqualTo(CsvOptions.defaults());
    assertThat(d.delimiter()).isEqualTo(',');
    assertThat(d.lineSeparator()).isEqualTo("\r\n");
    assertThat(d.formulaGuard()).isEqualTo(FormulaGuard.PREFIX);
    for (char bad : new char[] {'"', '\r', '\n', '|', '\\'}) {
      assertThatIllegalArgumentException().as("%s", (int) bad).isThrownBy(() -> CsvOptions.builder().delimiter(bad).build());
    }
    assertThatIllegalArgumentException().isThrownBy(() -> CsvOptions.builder().lineSeparator("\r").build());
  }
}
