package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.core.Attribute;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Write, parse back with Jackson, compare: for any text, delimiter and formula guard. */
class RoundTripTest {
  static final CsvMapper CSV = new CsvMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  /** A value of an attribute on one profile. */
  record Values(String text, List<String> list, long number, BigDecimal decimal) {}

  @Provide
  Arbitrary<String> awkwardText() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of(",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "=", "+", "-", "@", "'", "|", "\\", " ",
            "\uD83D\uDE00", "\uD834\uDD1E", "\u00E9", "\u0130", "ı", "1", "-1", "+44 20", "=SUM(A1)", "@cmd", "null"),
        Arbitraries.strings().alpha().numeric().ofMaxLength(6),
        Arbitraries.strings().withCharRange('\u00A0', '\uD7FF').ofMaxLength(3));
    return piece.list().ofMaxSize(8).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<Values> values() {
    Arbitrary<List<String>> lists = awkwardText().list().ofMaxSize(4).filter(l -> !(l.size() == 1 && l.get(0).isEmpty()));
    return Combinators.combine(awkwardText(), lists, Arbitraries.longs(),
            Arbitraries.bigDecimals().ofScale(3).between(new BigDecimal("-1e9"), new BigDecimal("1e9")))
        .as(Values::new);
  }

  @Provide
  Arbitrary<List<Values>> rows() {
    return values().list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<String>> textLists() {
    return awkwardText().list().ofMaxSize(5);
  }

  static List<Profile> profiles(List<Values> values) {
    List<Profile> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Values v = values.get(i);
      out.add(Profile.builder(ProfileId.of("p-" + i), ExportFixtures.T0)
          .putIdentifier(ExportFixtures.id(IdentifierType.CUSTOMER_ID, "c-" + i, 0))
          .putAttribute(new Attribute("text", v.text(), "t", ExportFixtures.T0))
          .putAttribute(new Attribute("list", v.list(), "t", ExportFixtures.T0))
          .putAttribute(new Attribute("number", v.number(), "t", ExportFixtures.T0))
          .putAttribute(new Attribute("decimal", v.decimal(), "t", ExportFixtures.T0))
          .build());
    }
    return out;
  }

  static ExportRequest.Builder request() {
    return ExportRequest.builder().columns(List.of(ProfileColumn.id(), ProfileColumn.attribute("text"),
        ProfileColumn.attribute("list"), ProfileColumn.attribute("number"), ProfileColumn.attribute("decimal")));
  }

  @Property(tries = 300)
  void csv_anyText_parsesBackToTheSameValues(@ForAll("rows") List<Values> values,
      @ForAll("delimiters") char delimiter, @ForAll FormulaGuard guard, @ForAll boolean crlf) throws IOException {
    CsvOptions options = CsvOptions.builder().delimiter(delimiter).formulaGuard(guard).lineSeparator(crlf ? "\r\n" : "\n").build();
    String csv = ExportFixtures.export(request().csvOptions(options).build(), profiles(values));

    List<String[]> rows = new ArrayList<>();
    try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
        .with(CsvSchema.emptySchema().withColumnSeparator(delimiter)).readValues(csv.getBytes(StandardCharsets.UTF_8))) {
      it.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(values.size() + 1);
    assertThat(rows.get(0)).containsExactly("id", "attributes.text", "attributes.list", "attributes.number", "attributes.decimal");
    for (int i = 0; i < values.size(); i++) {
      String[] row = rows.get(i + 1);
      Values v = values.get(i);
      assertThat(row).hasSize(5);
      assertThat(row[0]).isEqualTo("p-" + i);
      assertThat(guard.undo(row[1])).isEqualTo(v.text());
      assertThat(MultiValues.split(guard.undo(row[2]))).isEqualTo(v.list());
      assertThat(Long.parseLong(row[3])).isEqualTo(v.number());
      assertThat(new BigDecimal(row[4])).isEqualTo(v.decimal());
      if (guard != FormulaGuard.OFF) {
        for (String cell : List.of(row[1], row[2])) {
          assertThat(guard.needsGuard(cell) && !cell.startsWith("'"))
              .as("text cell %s would run as a formula", cell).isFalse();
        }
      }
    }
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return Arbitraries.of(',', ';', '\t');
  }

  @Property(tries = 200)
  void json_anyText_parsesBackToTheSameValues(@ForAll("rows") List<Values> values, @ForAll boolean lines) throws IOException {
    String json = ExportFixtures.export(request().format(lines ? ExportFormat.JSON_LINES : ExportFormat.JSON_ARRAY).build(),
        profiles(values));

    List<JsonNode> rows = new ArrayList<>();
    if (lines) {
      assertThat(json.isEmpty() || json.endsWith("\n")).isTrue();
      for (String line : json.split("\n", -1)) {
        if (!line.isEmpty()) {
          rows.add(JSON.readTree(line));
        }
      }
    } else {
      JSON.readTree(json).forEach(rows::add);
    }
    assertThat(rows).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      JsonNode row = rows.get(i);
      Values v = values.get(i);
      assertThat(row.get("id").asText()).isEqualTo("p-" + i);
      assertThat(row.get("attributes.text").asText()).as("JSON is never guarded").isEqualTo(v.text());
      List<String> list = new ArrayList<>();
      row.get("attributes.list").forEach(n -> list.add(n.asText()));
      assertThat(list).isEqualTo(v.list());
      assertThat(row.get("attributes.number").asLong()).isEqualTo(v.number());
      assertThat(row.get("attributes.decimal").decimalValue()).isEqualByComparingTo(v.decimal());
    }
  }

  @Property(tries = 500)
  void formulaGuard_undoIsTheInverse(@ForAll("awkwardText") String text, @ForAll FormulaGuard guard) {
    assertThat(guard.undo(guard.apply(text))).isEqualTo(text);
  }

  @Property(tries = 500)
  void multiValues_splitIsTheInverseOfJoin(@ForAll("textLists") List<String> values) {
    org.junit.jupiter.api.Assumptions.assumeFalse(values.size() == 1 && values.get(0).isEmpty());
    assertThat(MultiValues.split(MultiValues.join(values))).isEqualTo(values);
  }

  static byte[] bytes(ByteArrayOutputStream out) {
    return out.toByteArray();
  }
}
