package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.export.internal.CsvCell;
import dev.clientele.export.internal.CsvRowWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One column of a profile table: a name (the CSV header, the JSON key) and an extractor that
 * reads the cell from a {@link ProfileRow}. Immutable.
 *
 * <p>An extractor returns {@code String}, {@code Boolean}, a {@code Number} ({@code Integer},
 * {@code Long}, {@code BigDecimal}, {@code Double}, …), a time ({@code Instant},
 * {@code LocalDate}, … written as ISO-8601), a {@code List} of those (a multi-valued cell, see
 * {@link MultiValues}), a {@code Map} (written as JSON text in CSV, as an object in JSON), or
 * {@link Optional#empty()} for an absent value (an empty CSV cell, JSON {@code null}; a
 * {@code null} is read the same way); an {@code Optional} holding a value is unwrapped. Anything else fails the export with an
 * {@link IllegalArgumentException} naming the column.
 *
 * <p>The factories below name their columns as the {@code profiles} CSV of the command-line
 * tool does; a host adds its own with {@link #of}:
 *
 * <pre>{@code
 * ProfileColumn.of("loyalty_tier", row -> row.profile().attribute("tier").map(Attribute::value));
 * ProfileColumn.computed(ComputedValues.reachableName(Channel.EMAIL));
 * }</pre>
 */
public final class ProfileColumn {
  /** The prefix of attribute columns: {@code attributes.NAME}. */
  public static final String ATTRIBUTE_PREFIX = "attributes.";

  private final String name;
  private final Function<ProfileRow, ?> extractor;
  /**
   * The built-in columns' typed CSV writer, which writes the same text as {@link #extractor}'s
   * value would (checked by a property test), without the value objects; null for host columns.
   */
  private final CsvCell csv;
  /**
   * What a built-in column holds, whatever its name ({@code "id"}, {@code "last_seen:email"},
   * {@code "attribute:city"}, {@code "computed:reachable_email"}, …), so that the exporter can
   * recognise runs of built-in columns and write them in one pass ({@link FusedCsvCells}) and
   * knows that no host code reads the rows; null for host columns.
   */
  private final String key;

  private ProfileColumn(String name, Function<ProfileRow, ?> extractor, CsvCell csv, String key) {
    this.name = name;
    this.extractor = extractor;
    this.csv = csv;
    this.key = key;
  }

  private ProfileColumn(String name, Function<ProfileRow, ?> extractor) {
    this(name, extractor, null, null);
  }

  /** A built-in column of {@code profile} values with its typed CSV writer; its key is its name. */
  private static ProfileColumn typed(String name, Function<Profile, ?> extractor, ProfileCell csv) {
    return typed(name, name, extractor, csv);
  }

  private static ProfileColumn typed(String key, String name, Function<Profile, ?> extractor, ProfileCell csv) {
    return new ProfileColumn(name, row -> extractor.apply(row.profile()), (row, out) -> csv.write(row.profile(), out), key);
  }

  /** What this built-in column holds (see {@link #key}), or null for a host column. */
  String key() {
    return key;
  }

  /** A typed CSV writer of a cell that reads only the profile. */
  @FunctionalInterface
  private interface ProfileCell {
    void write(Profile p, CsvRowWriter out) throws java.io.IOException;
  }

  /**
   * How this column writes a CSV cell: its typed writer, or for a host column the extracted value
   * through {@link CsvRowWriter#value}. The exporter asks once per export, not per row.
   */
  CsvCell csvCell() {
    if (csv != null) {
      return csv;
    }
    return (row, out) -> out.value(extractor.apply(row), name);
  }

  /**
   * A column named {@code name} whose cells {@code extractor} reads.
   *
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static ProfileColumn of(String name, Function<ProfileRow, ?> extractor) {
    requireNonNull(name, "name");
    checkArgument(!name.isBlank(), "column name must not be blank: '%s'", name);
    return new ProfileColumn(name, requireNonNull(extractor, "extractor"));
  }

  /** The column name. */
  public String name() {
    return name;
  }

  /** The cell of {@code row} (see the class comment for the value types). */
  public Object extract(ProfileRow row) {
    return extractor.apply(requireNonNull(row, "row"));
  }

  /** A copy of this column under another name. */
  public ProfileColumn withName(String value) {
    return new ProfileColumn(of(value, extractor).name, extractor, csv, key); // of() validates the name
  }

  /** {@code id}: the profile id. */
  public static ProfileColumn id() {
    return typed("id", p -> p.id().value(), (p, out) -> out.text(p.id().value()));
  }

  /** {@code anonymous}: whether the profile holds only anonymous identifiers. */
  public static ProfileColumn anonymous() {
    return typed("anonymous", Profile::isAnonymous, (p, out) -> out.bool(p.isAnonymous()));
  }

  /** {@code created_at}: when the profile began. */
  public static ProfileColumn createdAt() {
    return typed("created_at", Profile::createdAt, (p, out) -> out.time(p.createdAt()));
  }

  /** {@code first_active}: the time of the first active event. */
  public static ProfileColumn firstActive() {
    return typed("first_active", Profile::firstActive, (p, out) -> time(p.firstActive(), out));
  }

  /** {@code last_active}: the time of the last active event. */
  public static ProfileColumn lastActive() {
    return typed("last_active", Profile::lastActive, (p, out) -> time(p.lastActive(), out));
  }

  /** {@code event_count}: events applied to the profile. */
  public static ProfileColumn eventCount() {
    return typed("event_count", Profile::eventCount, (p, out) -> out.number(p.eventCount()));
  }

  /** {@code revenue}: the sum of order totals (historic CLV). */
  public static ProfileColumn revenue() {
    return typed("revenue", p -> p.orders().revenue(), (p, out) -> out.decimal(p.orders().revenue()));
  }

  /** {@code order_count}: orders with a positive total. */
  public static ProfileColumn orderCount() {
    return typed("order_count", p -> p.orders().orderCount(), (p, out) -> out.number(p.orders().orderCount()));
  }

  /** {@code average_order_value}: revenue per order, empty without orders. */
  public static ProfileColumn averageOrderValue() {
    return typed("average_order_value", p -> p.orders().averageOrderValue(), ProfileColumn::writeAverageOrderValue);
  }

  /**
   * The decimals of {@link OrderSummary#averageOrderValue()} (half-even): the exact text of that
   * value is pinned by {@code AverageOrderValueCellTest}, so a change there fails a test here.
   */
  private static final int AVERAGE_SCALE = 2;

  /**
   * The cell of {@link #averageOrderValue()}: {@link OrderSummary#averageOrderValue()}'s text,
   * its division (revenue / order count, 2 decimals, half-even) done in {@code long}s where exact.
   */
  static void writeAverageOrderValue(Profile p, CsvRowWriter out) throws java.io.IOException {
    OrderSummary orders = p.orders();
    if (orders.orderCount() == 0) {
      out.empty();
    } else {
      out.quotient(orders.revenue(), orders.orderCount(), AVERAGE_SCALE);
    }
  }

  /** {@code first_order}: the time of the first order. */
  public static ProfileColumn firstOrder() {
    return typed("first_order", p -> p.orders().firstOrder(), (p, out) -> time(p.orders().firstOrder(), out));
  }

  /** {@code last_order}: the time of the last order. */
  public static ProfileColumn lastOrder() {
    return typed("last_order", p -> p.orders().lastOrder(), (p, out) -> time(p.orders().lastOrder(), out));
  }

  /**
   * {@code TYPE} (e.g. {@code email}): the last-seen identifier of {@code type}, the one shown
   * and, for email and phone, the only one that may be messaged.
   */
  public static ProfileColumn lastSeen(IdentifierType type) {
    requireNonNull(type, "type");
    return new ProfileColumn(type.name(), row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? s.get().identifier().value() : null;
    }, (row, out) -> writeLastSeen(row.lastSeen(type).orElse(null), out), "last_seen:" + type.name());
  }

  /** {@code TYPE_deliverable}: whether the last-seen identifier of {@code type} is deliverable. */
  public static ProfileColumn deliverable(IdentifierType type) {
    requireNonNull(type, "type");
    return new ProfileColumn(type.name() + "_deliverable", row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? (Object) s.get().deliverability().isDeliverable() : null;
    }, (row, out) -> writeDeliverable(row.lastSeen(type).orElse(null), out), "deliverable:" + type.name());
  }

  /** {@code TYPE_consent}: the marketing consent ({@code opt_in|opt_out|unknown}) of the last-seen identifier of {@code type}. */
  public static ProfileColumn consent(IdentifierType type) {
    requireNonNull(type, "type");
    return new ProfileColumn(type.name() + "_consent", row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? s.get().consent().key() : null;
    }, (row, out) -> writeConsent(row.lastSeen(type).orElse(null), out), "consent:" + type.name());
  }

  /** The cell of {@link #lastSeen}: the value of {@code s}, or empty when null. */
  static void writeLastSeen(IdentifierState s, CsvRowWriter out) throws java.io.IOException {
    if (s != null) {
      out.text(s.identifier().value());
    } else {
      out.empty();
    }
  }

  /** The cell of {@link #deliverable}. */
  static void writeDeliverable(IdentifierState s, CsvRowWriter out) throws java.io.IOException {
    if (s != null) {
      out.bool(s.deliverability().isDeliverable());
    } else {
      out.empty();
    }
  }

  /** The cell of {@link #consent}. */
  static void writeConsent(IdentifierState s, CsvRowWriter out) throws java.io.IOException {
    if (s != null) {
      out.text(s.consent().key());
    } else {
      out.empty();
    }
  }

  /** {@code TYPE_all} (e.g. {@code email_all}): every value of {@code type}, multi-valued, sorted. */
  public static ProfileColumn all(IdentifierType type) {
    requireNonNull(type, "type");
    return typed("all:" + type.name(), type.name() + "_all", p -> {
      List<String> out = null;
      for (IdentifierState s : p.identifiers()) {
        if (s.type().equals(type)) {
          if (out == null) {
            out = new ArrayList<>(2);
          }
          out.add(s.identifier().value());
        }
      }
      return out == null ? List.of() : out;
    }, (p, out) -> writeAll(p, type, out));
  }

  static void writeAll(Profile p, IdentifierType type, CsvRowWriter out) throws java.io.IOException {
    out.beginMulti();
    int count = p.identifierCount();
    for (int i = 0; i < count; i++) {
      IdentifierState s = p.identifierAt(i);
      if (s.type().equals(type)) {
        out.multiValue(s.identifier().value());
      }
    }
    out.endMulti();
  }

  /** {@code identifiers}: every identifier as {@code type:value}, multi-valued, sorted by type then value. */
  public static ProfileColumn identifiers() {
    return typed("identifiers", p -> {
      List<String> out = new ArrayList<>(p.identifiers().size());
      for (IdentifierState s : p.identifiers()) {
        out.add(s.type().name() + ":" + s.identifier().value());
      }
      return out;
    }, ProfileColumn::writeIdentifiers);
  }

  /** The cell of {@link #identifiers()}: the text of joining the type:value strings, built in the writer's row buffer. */
  static void writeIdentifiers(Profile p, CsvRowWriter out) throws java.io.IOException {
    out.beginMulti();
    int count = p.identifierCount();
    for (int i = 0; i < count; i++) {
      IdentifierState s = p.identifierAt(i);
      out.multiValueVerbatim(s.type().name()); // a type name is [a-z][a-z0-9_]*: nothing to escape
      out.multiChar(':');
      out.multiPart(s.identifier().value());
    }
    out.endMulti();
  }

  /** {@code merged_from}: ids of the profiles merged into this one, multi-valued. */
  public static ProfileColumn mergedFrom() {
    return typed("merged_from", p -> {
      if (p.mergedFrom().isEmpty()) {
        return List.of();
      }
      List<String> out = new ArrayList<>(p.mergedFrom().size());
      for (ProfileId id : p.mergedFrom()) {
        out.add(id.value());
      }
      return out;
    }, ProfileColumn::writeMergedFrom);
  }

  static void writeMergedFrom(Profile p, CsvRowWriter out) throws java.io.IOException {
    out.beginMulti();
    if (!p.mergedFrom().isEmpty()) {
      for (ProfileId id : p.mergedFrom()) {
        out.multiValue(id.value());
      }
    }
    out.endMulti();
  }

  /** {@code tags}: the profile's tags, multi-valued. */
  public static ProfileColumn tags() {
    return typed("tags", Profile::tags, ProfileColumn::writeTags);
  }

  static void writeTags(Profile p, CsvRowWriter out) throws java.io.IOException {
    out.beginMulti();
    if (!p.tags().isEmpty()) {
      for (String t : p.tags()) {
        out.multiValue(t);
      }
    }
    out.endMulti();
  }

  /** {@code lists}: the lists the profile is subscribed to now, multi-valued. */
  public static ProfileColumn lists() {
    return typed("lists", p -> {
      if (p.lists().isEmpty()) {
        return List.of();
      }
      List<String> out = new ArrayList<>(p.lists().size());
      for (ListSubscription l : p.lists().values()) {
        if (l.subscribed()) {
          out.add(l.list());
        }
      }
      return out;
    }, ProfileColumn::writeLists);
  }

  static void writeLists(Profile p, CsvRowWriter out) throws java.io.IOException {
    out.beginMulti();
    if (!p.lists().isEmpty()) {
      for (ListSubscription l : p.lists().values()) {
        if (l.subscribed()) {
          out.multiValue(l.list());
        }
      }
    }
    out.endMulti();
  }

  /** Whether {@code name} can name an attribute: {@code [a-z][a-z0-9_]{0,63}}. */
  static boolean isAttributeName(String name) {
    if (name.isEmpty() || name.length() > 64 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** {@code ccpa_opted_out}: whether a CCPA opt-out is in force. */
  public static ProfileColumn ccpaOptedOut() {
    return typed("ccpa_opted_out", Profile::isCcpaOptedOut, (p, out) -> out.bool(p.isCcpaOptedOut()));
  }

  /**
   * {@code attributes.NAME}: the value of one attribute, standard or custom, as stored.
   *
   * @throws IllegalArgumentException if {@code name} is not an attribute name ({@code
   *     [a-z][a-z0-9_]{0,63}}, as {@link dev.clientele.core.Attribute} requires): no profile could
   *     have a value in the column
   */
  public static ProfileColumn attribute(String name) {
    requireNonNull(name, "name");
    checkArgument(!name.isEmpty(), "attribute name must not be empty");
    checkArgument(isAttributeName(name), "attribute name must match [a-z][a-z0-9_]{0,63}: %s", dev.clientele.core.Pii.mask(name));
    String column = ATTRIBUTE_PREFIX + name;
    return typed("attribute:" + name, column, p -> {
      var a = p.attribute(name);
      return a.isPresent() ? a.get().value() : null;
    }, (p, out) -> {
      var a = p.attribute(name);
      if (a.isPresent()) {
        out.value(a.get().value(), column);
      } else {
        out.empty();
      }
    });
  }

  /** A column named {@code name} holding the computed value {@code name} (see {@link ComputedValues}). */
  public static ProfileColumn computed(String name) {
    requireNonNull(name, "name");
    checkArgument(!name.isBlank(), "column name must not be blank: '%s'", name);
    // Built-in (it reads only the row's computed values): a key, so exports with computed
    // columns, as the facade's always are, move one row object from profile to profile too.
    return new ProfileColumn(name, row -> row.computed(name), null, "computed:" + name);
  }

  static void time(Optional<Instant> t, CsvRowWriter out) throws java.io.IOException {
    if (t.isPresent()) {
      out.time(t.get());
    } else {
      out.empty();
    }
  }

  /** Returns the column name. */
  @Override
  public String toString() {
    return "ProfileColumn{" + name + "}";
  }
}
