package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
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

  private ProfileColumn(String name, Function<ProfileRow, ?> extractor) {
    this.name = name;
    this.extractor = extractor;
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

  private static ProfileColumn profile(String name, Function<Profile, ?> extractor) {
    return new ProfileColumn(name, row -> extractor.apply(row.profile()));
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
    return of(value, extractor);
  }

  /** {@code id}: the profile id. */
  public static ProfileColumn id() {
    return profile("id", p -> p.id().value());
  }

  /** {@code anonymous}: whether the profile holds only anonymous identifiers. */
  public static ProfileColumn anonymous() {
    return profile("anonymous", p -> {
      for (IdentifierState s : p.identifiers()) {
        if (!s.type().isAnonymous()) {
          return false;
        }
      }
      return true;
    });
  }

  /** {@code created_at}: when the profile began. */
  public static ProfileColumn createdAt() {
    return profile("created_at", Profile::createdAt);
  }

  /** {@code first_active}: the time of the first active event. */
  public static ProfileColumn firstActive() {
    return profile("first_active", Profile::firstActive);
  }

  /** {@code last_active}: the time of the last active event. */
  public static ProfileColumn lastActive() {
    return profile("last_active", Profile::lastActive);
  }

  /** {@code event_count}: events applied to the profile. */
  public static ProfileColumn eventCount() {
    return profile("event_count", Profile::eventCount);
  }

  /** {@code revenue}: the sum of order totals (historic CLV). */
  public static ProfileColumn revenue() {
    return profile("revenue", p -> p.orders().revenue());
  }

  /** {@code order_count}: orders with a positive total. */
  public static ProfileColumn orderCount() {
    return profile("order_count", p -> p.orders().orderCount());
  }

  /** {@code average_order_value}: revenue per order, empty without orders. */
  public static ProfileColumn averageOrderValue() {
    return profile("average_order_value", p -> p.orders().averageOrderValue());
  }

  /** {@code first_order}: the time of the first order. */
  public static ProfileColumn firstOrder() {
    return profile("first_order", p -> p.orders().firstOrder());
  }

  /** {@code last_order}: the time of the last order. */
  public static ProfileColumn lastOrder() {
    return profile("last_order", p -> p.orders().lastOrder());
  }

  /**
   * {@code TYPE} (e.g. {@code email}): the last-seen identifier of {@code type}, the one shown
   * and, for email and phone, the only one that may be messaged.
   */
  public static ProfileColumn lastSeen(IdentifierType type) {
    requireNonNull(type, "type");
    return of(type.name(), row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? s.get().identifier().value() : null;
    });
  }

  /** {@code TYPE_deliverable}: whether the last-seen identifier of {@code type} is deliverable. */
  public static ProfileColumn deliverable(IdentifierType type) {
    requireNonNull(type, "type");
    return of(type.name() + "_deliverable", row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? (Object) s.get().deliverability().isDeliverable() : null;
    });
  }

  /** {@code TYPE_consent}: the marketing consent ({@code opt_in|opt_out|unknown}) of the last-seen identifier of {@code type}. */
  public static ProfileColumn consent(IdentifierType type) {
    requireNonNull(type, "type");
    return of(type.name() + "_consent", row -> {
      Optional<IdentifierState> s = row.lastSeen(type);
      return s.isPresent() ? s.get().consent().key() : null;
    });
  }

  /** {@code TYPE_all} (e.g. {@code email_all}): every value of {@code type}, multi-valued, sorted. */
  public static ProfileColumn all(IdentifierType type) {
    requireNonNull(type, "type");
    return profile(type.name() + "_all", p -> {
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
    });
  }

  /** {@code identifiers}: every identifier as {@code type:value}, multi-valued, sorted by type then value. */
  public static ProfileColumn identifiers() {
    return profile("identifiers", p -> {
      List<String> out = new ArrayList<>(p.identifiers().size());
      for (IdentifierState s : p.identifiers()) {
        out.add(s.type().name() + ":" + s.identifier().value());
      }
      return out;
    });
  }

  /** {@code merged_from}: ids of the profiles merged into this one, multi-valued. */
  public static ProfileColumn mergedFrom() {
    return profile("merged_from", p -> {
      if (p.mergedFrom().isEmpty()) {
        return List.of();
      }
      List<String> out = new ArrayList<>(p.mergedFrom().size());
      for (ProfileId id : p.mergedFrom()) {
        out.add(id.value());
      }
      return out;
    });
  }

  /** {@code tags}: the profile's tags, multi-valued. */
  public static ProfileColumn tags() {
    return profile("tags", Profile::tags);
  }

  /** {@code lists}: the lists the profile is subscribed to now, multi-valued. */
  public static ProfileColumn lists() {
    return profile("lists", p -> {
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
    });
  }

  /** {@code ccpa_opted_out}: whether a CCPA opt-out is in force. */
  public static ProfileColumn ccpaOptedOut() {
    return profile("ccpa_opted_out", Profile::isCcpaOptedOut);
  }

  /** {@code attributes.NAME}: the value of one attribute, standard or custom, as stored. */
  public static ProfileColumn attribute(String name) {
    requireNonNull(name, "name");
    checkArgument(!name.isEmpty(), "attribute name must not be empty");
    return profile(ATTRIBUTE_PREFIX + name, p -> {
      var a = p.attributes().get(name);
      return a == null ? null : a.value();
    });
  }

  /** A column named {@code name} holding the computed value {@code name} (see {@link ComputedValues}). */
  public static ProfileColumn computed(String name) {
    requireNonNull(name, "name");
    return of(name, row -> row.computed(name));
  }

  /** Returns the column name. */
  @Override
  public String toString() {
    return "ProfileColumn{" + name + "}";
  }
}
