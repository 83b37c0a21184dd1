package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The "all customer info" preset (the fused CSV writers) against the JSON export of the same
 * profiles: every CSV cell, parsed back with Jackson, is exactly the JSON value's text, guarded
 * exactly when {@link FormulaGuard#needsGuard} says so; and the JSON values are the profiles' own.
 * Text goes everywhere a profile holds text: identifier values of every type, tags, list names,
 * attribute values (text, lists, maps).
 */
class ExportHuntPropertiesTest {
  private static final CsvMapper CSV = new CsvMapper();
  /** Decimals read exactly, scale kept (Jackson's tree would strip trailing zeros otherwise). */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  private static final IdentifierType LOYALTY = IdentifierType.of("loyalty_card");

  /** What one generated profile holds. */
  record Spec(String email, String phone, String customer, String push, String loyalty, String tag, String list,
      String text, List<String> texts, BigDecimal decimal, long number, boolean flag, Consent consent, int orders) {}

  @Provide
  Arbitrary<String> awkward() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", "''", ",", ";", "\"", "|", "\\", " ", ":",
            "=1+2", "+1", "-1", "+44 20 7946 0958", "-12.50", "@SUM(A1)", "=HYPERLINK(\"x\")", "\uFEFF", "\u00A0",
            "\uD83D\uDE00", "\u00E9", "\u0130", "null", "true", "{}", "[]"),
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(5),
        Arbitraries.strings().withCharRange('\u00A0', '\uD7FF').ofMinLength(1).ofMaxLength(2));
    return piece.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("", l));
  }

  /** A string acceptable as an identifier value (no control characters, not blank). */
  private Arbitrary<String> identifierValue() {
    return awkward().filter(s -> {
      try {
        Identifier.of(IdentifierType.CUSTOMER_ID, s);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    });
  }

  private Arbitrary<String> name() {
    return awkward().filter(s -> !s.isBlank() && s.length() <= 64);
  }

  @Provide
  Arbitrary<List<Spec>> specs() {
    Arbitrary<Spec> spec = Combinators.combine(
        Combinators.combine(identifierValue().injectNull(0.3), identifierValue().injectNull(0.3), identifierValue().injectNull(0.3),
            identifierValue().injectNull(0.3), identifierValue().injectNull(0.3), name().injectNull(0.3), name().injectNull(0.3),
            awkward()).as((a, b, c, d, e, f, g, h) -> new Object[] {a, b, c, d, e, f, g, h}),
        awkward().list().ofMaxSize(3).filter(l -> !(l.size() == 1 && l.get(0).isEmpty())),
        Arbitraries.bigDecimals().ofScale(2).between(new BigDecimal("-1e6"), new BigDecimal("1e6")),
        Arbitraries.longs(),
        Arbitraries.of(true, false),
        Arbitraries.of(Consent.class),
        Arbitraries.integers().between(0, 3))
        .as((o, texts, dec, num, flag, consent, orders) -> new Spec((String) o[0], (String) o[1], (String) o[2], (String) o[3],
            (String) o[4], (String) o[5], (String) o[6], (String) o[7], texts, dec, num, flag, consent, orders));
    return spec.list().ofMaxSize(5);
  }

  static List<Profile> profiles(List<Spec> specs) {
    List<Profile> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      Spec s = specs.get(i);
      Profile.Builder b = Profile.builder(ProfileId.of("p-" + i), ExportFixtures.T0);
      // At least one identifier: an anonymous id.
      b.putIdentifier(ExportFixtures.id(IdentifierType.ANONYMOUS_ID, "a-" + i, 1));
      if (s.email() != null) {
        b.putIdentifier(ExportFixtures.id(IdentifierType.EMAIL, s.email(), 2).withConsent(s.consent(), ExportFixtures.T0));
      }
      if (s.phone() != null) {
        b.putIdentifier(ExportFixtures.id(IdentifierType.PHONE, s.phone(), 3));
      }
      if (s.customer() != null) {
        b.putIdentifier(ExportFixtures.id(IdentifierType.CUSTOMER_ID, s.customer(), 4));
      }
      if (s.push() != null) {
        b.putIdentifier(ExportFixtures.id(IdentifierType.PUSH_TOKEN, s.push(), 5));
      }
      if (s.loyalty() != null) {
        b.putIdentifier(ExportFixtures.id(LOYALTY, s.loyalty(), 6));
      }
      if (s.tag() != null) {
        b.addTag(s.tag());
      }
      if (s.list() != null) {
        b.putList(new ListSubscription(s.list(), true, Optional.of(ExportFixtures.T0), Optional.empty()));
      }
      b.putAttribute(new Attribute("note", s.text(), "t", ExportFixtures.T0));
      b.putAttribute(new Attribute("interests", s.texts(), "t", ExportFixtures.T0));
      b.putAttribute(new Attribute("balance", s.decimal(), "t", ExportFixtures.T0));
      b.putAttribute(new Attribute("points", s.number(), "t", ExportFixtures.T0));
      b.putAttribute(new Attribute("vip", s.flag(), "t", ExportFixtures.T0));
      b.putAttribute(new Attribute("prefs", Map.of("k" + i, s.text()), "t", ExportFixtures.T0));
      OrderSummary orders = OrderSummary.NONE;
      for (int k = 0; k < s.orders(); k++) {
        orders = orders.plus(new BigDecimal("10.0" + k), ExportFixtures.T0.plusSeconds(10L * k));
      }
      b.orders(orders);
      b.eventCount(1 + s.orders());
      out.add(b.build());
    }
    return out;
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return Arbitraries.of(',', ';', '\t', ':');
  }

  @Property(tries = 150)
  void allCustomerInfo_csvCells_areTheJsonValues_guardedExactlyWhereDocumented(
      @ForAll("specs") List<Spec> specs, @ForAll("delimiters") char delimiter, @ForAll FormulaGuard guard, @ForAll boolean crlf)
      throws IOException {
    List<Profile> profiles = profiles(specs);
    CsvOptions options = CsvOptions.builder().delimiter(delimiter).formulaGuard(guard).lineSeparator(crlf ? "\r\n" : "\n").build();
    String csv = ExportFixtures.export(
        ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).format(ExportFormat.CSV).csvOptions(options).build(), profiles);
    String json = ExportFixtures.export(
        ExportRequest.builder().preset(Preset.ALL_CUSTOMER_INFO).format(ExportFormat.JSON_LINES).build(), profiles);

    List<String[]> rows = new ArrayList<>();
    try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
        .with(CsvSchema.emptySchema().withColumnSeparator(delimiter)).readValues(csv.getBytes(StandardCharsets.UTF_8))) {
      it.forEachRemaining(rows::add);
    }
    List<JsonNode> objects = new ArrayList<>();
    for (String line : json.split("\n")) {
      if (!line.isEmpty()) {
        objects.add(JSON.readTree(line));
      }
    }
    assertThat(rows).hasSize(profiles.size() + 1);
    assertThat(objects).hasSize(profiles.size());
    String[] header = rows.get(0);
    for (int r = 0; r < profiles.size(); r++) {
      String[] row = rows.get(r + 1);
      JsonNode obj = objects.get(r);
      List<String> keys = new ArrayList<>();
      obj.fieldNames().forEachRemaining(keys::add);
      assertThat(header).as("header").containsExactlyElementsOf(keys);
      assertThat(row).as("row %s: %s", r, csv).hasSize(keys.size());
      for (int k = 0; k < keys.size(); k++) {
        String key = keys.get(k);
        String cell = row[k];
        JsonNode v = obj.get(key);
        String context = "row " + r + ", column " + key + ", CSV:\n" + csv + "\nJSON:\n" + json;
        if (v.isNull()) {
          assertThat(cell).as(context).isEmpty();
        } else if (v.isTextual()) {
          assertThat(cell).as(context).isEqualTo(guard.apply(v.asText()));
        } else if (v.isBoolean()) {
          assertThat(cell).as(context).isEqualTo(v.asText());
        } else if (v.isNumber()) {
          assertThat(new BigDecimal(cell)).as(context).isEqualTo(v.decimalValue());
        } else if (v.isArray()) {
          List<String> items = new ArrayList<>();
          v.forEach(n -> items.add(n.asText()));
          assertThat(cell).as(context).isEqualTo(items.isEmpty() ? "" : guard.apply(MultiValues.join(items)));
        } else {
          assertThat(JSON.readTree(guard.undo(cell))).as(context).isEqualTo(v);
        }
        if (guard != FormulaGuard.OFF && (v.isTextual() || v.isArray() || v.isObject())) {
          // Text only: numbers, booleans and times are never guarded (FormulaGuard's Javadoc).
          assertThat(guard.needsGuard(cell) && !cell.startsWith("'")).as("cell would run as a formula; " + context).isFalse();
        }
      }
    }
    // The JSON values are the profiles' own (JSON is never guarded).
    for (int r = 0; r < profiles.size(); r++) {
      Spec s = specs.get(r);
      JsonNode obj = objects.get(r);
      assertThat(obj.get("attributes.note").asText()).isEqualTo(s.text());
      List<String> interests = new ArrayList<>();
      obj.get("attributes.interests").forEach(n -> interests.add(n.asText()));
      assertThat(interests).isEqualTo(s.texts());
      assertThat(obj.get("attributes.balance").decimalValue()).isEqualTo(s.decimal());
      assertThat(obj.get("attributes.points").asLong()).isEqualTo(s.number());
      assertThat(obj.get("attributes.prefs").get("k" + r).asText()).isEqualTo(s.text());
      List<String> ids = new ArrayList<>();
      obj.get("identifiers").forEach(n -> ids.add(n.asText()));
      List<String> expected = new ArrayList<>();
      for (IdentifierState st : profiles.get(r).identifiers()) {
        expected.add(st.type().name() + ":" + st.identifier().value());
      }
      assertThat(ids).isEqualTo(expected);
      Map<String, String> single = new LinkedHashMap<>();
      single.put("email", s.email());
      single.put("phone", s.phone());
      single.put("customer_id", s.customer());
      for (Map.Entry<String, String> e : single.entrySet()) {
        Iterator<String> names = obj.fieldNames();
        while (names.hasNext()) {
          String n = names.next();
          if (n.equals(e.getKey())) {
            JsonNode got = obj.get(n);
            assertThat(got.isNull() ? null : got.asText()).as(n).isEqualTo(e.getValue());
          }
        }
      }
    }
  }
}
