package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Attribute;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.UndeliverableReason;
import dev.clientele.export.internal.CsvRowWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * The CSV exporter writes built-in columns with typed cell writers (straight into the generator)
 * and host columns through their extracted values. Both must give exactly the bytes of the
 * value path: every column's extracted value written by {@link CsvRowWriter#row(Object[])}, which
 * the round-trip and golden tests pin down. Checked here for arbitrary profiles, delimiters
 * (including characters of numbers and times), guards and line ends.
 */
class TypedCsvCellsTest {
  static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
  static final List<IdentifierType> TYPES = List.of(IdentifierType.EMAIL, IdentifierType.PHONE, IdentifierType.PUSH_TOKEN,
      IdentifierType.CUSTOMER_ID, IdentifierType.ANONYMOUS_ID, IdentifierType.of("loyalty_card"));
  static final List<String> ATTRIBUTES = List.of("a_text", "b_list", "c_number", "d_decimal", "e_flag", "f_map");

  final RoundTripTest texts = new RoundTripTest();

  /** One identifier: type index, value, seconds after T0 last seen (or never, when negative), consent, bounced. */
  record Id(int type, String value, long seen, Consent consent, boolean bounced) {}

  /** What varies between profiles; {@code flags}: 1 active, 2 CCPA opt-out. */
  record Spec(List<Id> ids, List<Object> attributes, List<BigDecimal> orders, List<String> tags, List<String> lists,
      List<String> mergedFrom, long events, int flags) {
    boolean active() {
      return (flags & 1) != 0;
    }

    boolean ccpa() {
      return (flags & 2) != 0;
    }
  }

  @Provide
  Arbitrary<String> text() {
    return texts.awkwardText();
  }

  @Provide
  Arbitrary<Spec> specs() {
    Arbitrary<String> idValue = text().filter(v -> !v.isBlank() && v.chars().noneMatch(c -> Character.isISOControl(c)));
    Arbitrary<Id> ids = Combinators.combine(Arbitraries.integers().between(0, TYPES.size() - 1), idValue,
            Arbitraries.longs().between(-1, 5), Arbitraries.of(Consent.class), Arbitraries.of(true, false, false))
        .as(Id::new);
    Arbitrary<Object> value = Arbitraries.oneOf(
        text().map(t -> (Object) t),
        text().list().ofMaxSize(3).map(l -> (Object) l),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.bigDecimals().ofScale(2).between(new BigDecimal("-1e6"), new BigDecimal("1e6")).map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        text().map(t -> (Object) Map.of("k", t, "n", 1L)),
        Arbitraries.just(null));
    Arbitrary<List<BigDecimal>> orders = Arbitraries.bigDecimals().ofScale(2)
        .between(new BigDecimal("0.01"), new BigDecimal("99999")).list().ofMaxSize(4);
    Arbitrary<List<String>> names = text().filter(t -> !t.isBlank() && t.length() <= 64).list().ofMaxSize(3);
    return Combinators.combine(ids.list().ofMaxSize(5), value.list().ofSize(ATTRIBUTES.size()), orders, names, names,
            Arbitraries.of("p-1", "p-2", "-p", "x_9").list().ofMaxSize(2), Arbitraries.longs().between(0, 1_000_000),
            Arbitraries.integers().between(0, 3))
        .as(Spec::new);
  }

  @Provide
  Arbitrary<List<Spec>> profileSpecs() {
    return specs().list().ofMaxSize(5);
  }

  static Profile profile(int n, Spec s) {
    Profile.Builder b = Profile.builder(ProfileId.of("p-" + n), T0.plusNanos(n * 1_000_123L));
    for (Id id : s.ids()) {
      IdentifierState st = IdentifierState.firstSeen(Identifier.of(TYPES.get(id.type()), id.value()),
          T0.plusSeconds(Math.max(0, id.seen())), id.seen() >= 0, "web");
      if (id.consent() != Consent.UNKNOWN) {
        st = st.withConsent(id.consent(), T0);
      }
      if (id.bounced()) {
        st = st.withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, T0));
      }
      b.putIdentifier(st);
    }
    for (int i = 0; i < ATTRIBUTES.size(); i++) {
      if (s.attributes().get(i) != null) {
        b.putAttribute(new Attribute(ATTRIBUTES.get(i), s.attributes().get(i), "t", T0));
      }
    }
    OrderSummary o = OrderSummary.NONE;
    for (int i = 0; i < s.orders().size(); i++) {
      o = o.plus(s.orders().get(i), T0.plusMillis(1000L * i + 7));
    }
    b.orders(o);
    s.tags().forEach(b::addTag);
    for (int i = 0; i < s.lists().size(); i++) {
      boolean subscribed = i % 2 == 0;
      b.putList(new ListSubscription(s.lists().get(i), subscribed, Optional.of(T0),
          subscribed ? Optional.empty() : Optional.of(T0.plusSeconds(1))));
    }
    s.mergedFrom().forEach(m -> b.addMergedFrom(List.of(ProfileId.of(m))));
    if (s.active()) {
      b.activity(Optional.of(T0.minusSeconds(s.events())), Optional.of(T0.plusSeconds(s.events())));
    }
    if (s.ccpa()) {
      b.ccpa(Optional.of(T0), Optional.empty());
    }
    return b.eventCount(s.events()).build();
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return Arbitraries.of(',', ';', '\t', ' ', '1', '0', '-', ':', 'T', '.', 'Z', 'a', 'e', 'f', 'l', 'r', 's', 't', 'u', '#', '\'', '=');
  }

  @Property(tries = 400)
  void csv_typedCellWriters_writeTheBytesOfTheValuePath(@ForAll("profileSpecs") List<Spec> specs, @ForAll("delimiters") char delimiter,
      @ForAll FormulaGuard guard, @ForAll boolean crlf) throws IOException {
    List<Profile> profiles = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      profiles.add(profile(i, specs.get(i)));
    }
    CsvOptions options = CsvOptions.builder().delimiter(delimiter).formulaGuard(guard).lineSeparator(crlf ? "\r\n" : "\n").build();
    ComputedValues computed = ComputedValues.of(List.of("tier", "score"),
        p -> p.eventCount() % 3 == 0 ? Map.of() : Map.of("tier", "=" + p.id().value(), "score", p.eventCount() * 0.25));
    List<ProfileColumn> columns = new ArrayList<>(Preset.ALL_CUSTOMER_INFO.columns(ATTRIBUTES, computed.names()));
    for (IdentifierType t : TYPES) {
      columns.add(ProfileColumn.lastSeen(t).withName("last_" + t.name()));
      columns.add(ProfileColumn.all(t).withName("every_" + t.name()));
    }
    columns.add(ProfileColumn.of("host", row -> Optional.of(List.of(row.profile().id().value(), Optional.empty()))));
    ExportRequest request = ExportRequest.builder().columns(columns).computed(computed).csvOptions(options).build();

    ByteArrayOutputStream typed = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(profiles), typed);

    ByteArrayOutputStream values = new ByteArrayOutputStream();
    try (CsvRowWriter w = CsvRowWriter.to(values, options)) {
      w.start(columns.stream().map(ProfileColumn::name).toList());
      for (Profile p : profiles) {
        ProfileRow row = ProfileRow.of(p, computed.values(p));
        Object[] cells = new Object[columns.size()];
        for (int i = 0; i < cells.length; i++) {
          cells[i] = columns.get(i).extract(row);
        }
        w.row(cells);
      }
    }
    assertThat(typed.toString(StandardCharsets.UTF_8)).isEqualTo(values.toString(StandardCharsets.UTF_8));
  }
}
