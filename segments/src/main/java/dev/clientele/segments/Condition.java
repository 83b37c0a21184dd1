package dev.clientele.segments;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.analytics.ActivityStatus;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.IdentifierType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A predicate over one profile: the building block of a {@link Segment}.
 *
 * <p>Leaves test one thing about a profile: an attribute, identifiers, consent, reachability, a
 * list, the event history, the order summary, a host-supplied figure (CLV, churn risk,
 * affinity) or the activity status. {@link Condition.And}, {@link Condition.Or} and {@link Condition.Not} combine them.
 * Every condition is an immutable value with structural equality; {@code toString()} gives the
 * readable form and {@link SegmentJson} the JSON form.
 *
 * <pre>{@code
 * // "bought twice, not in 60 days"
 * Condition c = Condition.eventCount("order", Comparison.GE, 2)
 *     .and(Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(60)).negate());
 * // "sleepers reachable by email"
 * Condition d = Condition.activity(ActivityStatus.SLEEPER).and(Condition.reachable(Channel.EMAIL));
 * }</pre>
 *
 * <p>Time windows are relative to the <em>as-of</em> instant of an evaluation: "in the last 60
 * days" means events with timestamps in {@code [asOf - 60 days, asOf]}; events after
 * {@code asOf} are ignored by every event-history leaf. A comparison with a value the profile
 * does not have (an unknown attribute, an absent figure, an average of no orders) is false, so
 * {@code not(...)} of it is true.
 */
public sealed interface Condition
    permits Condition.And,
        Condition.Or,
        Condition.Not,
        Condition.AttributeIs,
        Condition.HasIdentifier,
        Condition.ConsentIs,
        Condition.Reachable,
        Condition.InList,
        Condition.EventMeasure,
        Condition.Occurrence,
        Condition.OrderFigure,
        Condition.Figure,
        Condition.Activity {

  /**
   * Names of events, attributes and figures in conditions: 1 to 128 of {@code [A-Za-z0-9_.:-]}.
   * Events' types and actions have at most 64 characters and attribute names match
   * {@code [a-z][a-z0-9_]{0,63}}, so a condition on a longer name never matches.
   */
  Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /** This condition and {@code other}. */
  default Condition and(Condition other) {
    return new And(List.of(this, requireNonNull(other, "other")));
  }

  /** This condition or {@code other}. */
  default Condition or(Condition other) {
    return new Or(List.of(this, requireNonNull(other, "other")));
  }

  /** The negation of this condition. */
  default Condition negate() {
    return new Not(this);
  }

  /** All of {@code conditions} (at least one). */
  static Condition all(Condition... conditions) {
    return new And(List.of(requireNonNull(conditions, "conditions")));
  }

  /** Any of {@code conditions} (at least one). */
  static Condition any(Condition... conditions) {
    return new Or(List.of(requireNonNull(conditions, "conditions")));
  }

  /** The negation of {@code condition}. */
  static Condition not(Condition condition) {
    return new Not(condition);
  }

  /** The attribute {@code name} has a non-empty value. */
  static AttributeIs attributeKnown(String name) {
    return new AttributeIs(name, AttributeOp.KNOWN, Optional.empty(), Optional.empty());
  }

  /** The attribute {@code name} is absent or empty. */
  static AttributeIs attributeUnknown(String name) {
    return new AttributeIs(name, AttributeOp.UNKNOWN, Optional.empty(), Optional.empty());
  }

  /**
   * The attribute {@code name} compares to {@code value} as {@code op} says.
   *
   * @param value a {@link String}, {@link Boolean} or {@link Number}
   */
  static AttributeIs attribute(String name, AttributeOp op, Object value) {
    return new AttributeIs(name, op, Optional.of(requireNonNull(value, "value")), Optional.empty());
  }

  /** The profile holds an identifier of {@code type}. */
  static HasIdentifier hasIdentifier(IdentifierType type) {
    return new HasIdentifier(type, false);
  }

  /** The profile holds a deliverable identifier of {@code type} ("has a deliverable email"). */
  static HasIdentifier hasDeliverable(IdentifierType type) {
    return new HasIdentifier(type, true);
  }

  /** The marketing consent on {@code channel} is {@code consent}. */
  static ConsentIs consent(Channel channel, Consent consent) {
    return new ConsentIs(channel, consent);
  }

  /** The profile is reachable on {@code channel} under the reachability policy. */
  static Reachable reachable(Channel channel) {
    return new Reachable(Optional.of(requireNonNull(channel, "channel")));
  }

  /** The profile is reachable on at least one channel. */
  static Reachable reachableAnywhere() {
    return new Reachable(Optional.empty());
  }

  /** The profile is subscribed to the list {@code list} now. */
  static InList inList(String list) {
    return new InList(list);
  }

  /** The number of events of {@code type} (all time; narrow with {@code withAction}/{@code within}) compares to {@code n}. */
  static EventMeasure eventCount(String type, Comparison op, long n) {
    return new EventMeasure(type, Optional.empty(), Measure.COUNT, Optional.empty(), op, BigDecimal.valueOf(n), Optional.empty());
  }

  /**
   * The sum of the numeric data field {@code field} over events of {@code type} compares to
   * {@code value}. A number, or a string holding one, counts; a value that is neither, or a
   * number beyond {@link dev.clientele.core.EventData#MAX_NUMBER_DIGITS} digits before or after
   * the point (such as {@code "1e-999999999"}), is not added.
   */
  static EventMeasure eventSum(String type, String field, Comparison op, BigDecimal value) {
    return new EventMeasure(type, Optional.empty(), Measure.SUM, Optional.of(requireNonNull(field, "field")), op, value,
        Optional.empty());
  }

  /** The first or last event of {@code type} happened within {@code window} before the as-of instant. */
  static Occurrence occurred(String type, Which which, Duration window) {
    return new Occurrence(type, Optional.empty(), which, window);
  }

  /** A figure of the order summary compares to {@code value}. */
  static OrderFigure orders(OrderMeasure measure, Comparison op, BigDecimal value) {
    return new OrderFigure(measure, op, value);
  }

  /** A figure from the {@link FigureSource} (e.g. {@code churn_risk}) compares to {@code value}. */
  static Figure figure(String name, Comparison op, double value) {
    return new Figure(name, op, value);
  }

  /** The affinity score for {@code category} compares to {@code value}: the figure {@code affinity.<category>}. */
  static Figure affinity(String category, Comparison op, double value) {
    return new Figure(Figure.AFFINITY_PREFIX + requireNonNull(category, "category"), op, value);
  }

  /** The activity status as of the as-of day is {@code status}. */
  static Activity activity(ActivityStatus status) {
    return new Activity(status);
  }

  /**
   * All of {@code conditions}.
   *
   * @param conditions at least one
   */
  record And(List<Condition> conditions) implements Condition {
    /** Validates and copies. */
    public And {
      conditions = ImmutableList.copyOf(requireNonNull(conditions, "conditions"));
      checkArgument(!conditions.isEmpty(), "and needs at least one condition");
    }

    @Override
    public String toString() {
      return conditions.size() == 1
          ? conditions.get(0).toString()
          : conditions.stream().map(Object::toString).collect(Collectors.joining(" and ", "(", ")"));
    }
  }

  /**
   * Any of {@code conditions}.
   *
   * @param conditions at least one
   */
  record Or(List<Condition> conditions) implements Condition {
    /** Validates and copies. */
    public Or {
      conditions = ImmutableList.copyOf(requireNonNull(conditions, "conditions"));
      checkArgument(!conditions.isEmpty(), "or needs at least one condition");
    }

    @Override
    public String toString() {
      return conditions.size() == 1
          ? conditions.get(0).toString()
          : conditions.stream().map(Object::toString).collect(Collectors.joining(" or ", "(", ")"));
    }
  }

  /**
   * The negation of {@code condition}.
   *
   * @param condition the negated condition
   */
  record Not(Condition condition) implements Condition {
    /** Validates. */
    public Not {
      requireNonNull(condition, "condition");
    }

    @Override
    public String toString() {
      return "not " + (condition instanceof And || condition instanceof Or ? condition : "(" + condition + ")");
    }
  }

  /** What an {@link AttributeIs} tests. */
  enum AttributeOp {
    /** The attribute has a non-empty value. */
    KNOWN,
    /** The attribute is absent or empty. */
    UNKNOWN,
    /** Equal: numbers numerically, text exactly, booleans. */
    EQ,
    /** Known and not equal. */
    NE,
    /** Greater: numbers numerically, text in code-point order (so ISO dates compare as dates). */
    GT,
    /** Greater or equal. */
    GE,
    /** Less. */
    LT,
    /** Less or equal. */
    LE,
    /** A list value contains the value, or a text value contains it as a substring. */
    CONTAINS;

    /** The lower-case JSON key. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A test of one attribute, standard or custom. With {@code source}, only a value set by that
   * source counts (provenance): "country is known from crm" is false when the web form set it.
   *
   * @param name the attribute name
   * @param op what to test
   * @param value the value compared with; empty exactly for {@link AttributeOp#KNOWN} and
   *     {@link AttributeOp#UNKNOWN}. Numbers are held as {@link BigDecimal}.
   * @param source when present, the source that must have set the value
   */
  record AttributeIs(String name, AttributeOp op, Optional<Object> value, Optional<String> source) implements Condition {
    /** Validates; normalises numbers to {@link BigDecimal}. */
    public AttributeIs {
      requireNonNull(name, "name");
      checkArgument(NAME.matcher(name).matches(), "attribute name must be 1 to 128 of [A-Za-z0-9_.:-]: %s", Shown.name(name));
      requireNonNull(op, "op");
      requireNonNull(value, "value");
      requireNonNull(source, "source");
      boolean needsValue = op != AttributeOp.KNOWN && op != AttributeOp.UNKNOWN;
      checkArgument(needsValue == value.isPresent(), "attribute %s %s: a value is given exactly for comparisons", name, op.key());
      value = value.map(AttributeIs::normalise);
      source.ifPresent(s -> checkArgument(!s.isBlank(), "source must not be blank"));
    }

    private static Object normalise(Object v) {
      if (v instanceof String || v instanceof Boolean) {
        return v;
      }
      if (v instanceof BigDecimal d) {
        return Numbers.canonical(d);
      }
      if (v instanceof Number n) {
        return Numbers.canonical(new BigDecimal(n.toString()));
      }
      throw new IllegalArgumentException("attribute condition value must be text, a number or a boolean: " + v.getClass().getSimpleName());
    }

    /** A copy that only counts values set by {@code sourceName}. */
    public AttributeIs from(String sourceName) {
      return new AttributeIs(name, op, value, Optional.of(requireNonNull(sourceName, "source")));
    }

    @Override
    public String toString() {
      String from = source.map(s -> " (set by " + s + ")").orElse("");
      return switch (op) {
        case KNOWN -> "attribute " + name + " is known" + from;
        case UNKNOWN -> "attribute " + name + " is unknown" + from;
        case CONTAINS -> "attribute " + name + " contains " + literal(value.get()) + from;
        default -> "attribute " + name + " " + Comparison.valueOf(op.name()).symbol() + " " + literal(value.get()) + from;
      };
    }

    private static String literal(Object v) {
      return v instanceof String s ? "\"" + s + "\"" : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v);
    }
  }

  /**
   * The profile holds an identifier of {@code type}, or a deliverable one.
   *
   * @param type the identifier type
   * @param deliverable whether the identifier must be deliverable
   */
  record HasIdentifier(IdentifierType type, boolean deliverable) implements Condition {
    /** Validates. */
    public HasIdentifier {
      requireNonNull(type, "type");
    }

    @Override
    public String toString() {
      return "has " + (deliverable ? "deliverable " : "") + type.name();
    }
  }

  /**
   * The marketing consent on a channel: that of the last-seen email or phone, or of any push
   * token. A profile without an identifier for the channel matches no consent value.
   *
   * @param channel the channel
   * @param consent the consent value
   */
  record ConsentIs(Channel channel, Consent consent) implements Condition {
    /** Validates. */
    public ConsentIs {
      requireNonNull(channel, "channel");
      requireNonNull(consent, "consent");
    }

    @Override
    public String toString() {
      return channel.key() + " consent is " + consent.key();
    }
  }

  /**
   * Reachable for marketing under the reachability policy in force, on one channel or on any.
   *
   * @param channel the channel; empty for "any channel"
   */
  record Reachable(Optional<Channel> channel) implements Condition {
    /** Validates. */
    public Reachable {
      requireNonNull(channel, "channel");
    }

    @Override
    public String toString() {
      return channel.map(c -> "reachable by " + c.key()).orElse("reachable on any channel");
    }
  }

  /**
   * Subscribed to a list now.
   *
   * @param list the list name
   */
  record InList(String list) implements Condition {
    /** Validates. */
    public InList {
      requireNonNull(list, "list");
      checkArgument(!list.isBlank() && list.length() <= 128, "list name must be 1 to 128 characters: %s", Shown.name(list));
    }

    @Override
    public String toString() {
      return "subscribed to list \"" + list + "\"";
    }
  }

  /** What an {@link EventMeasure} measures. */
  enum Measure {
    /** The number of matching events. */
    COUNT,
    /** The sum of a numeric data field over matching events (non-numeric values count as 0). */
    SUM;

    /** The lower-case JSON key. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A count or sum over the profile's events of a type (and action) within a window.
   *
   * @param type the event type
   * @param action when present, the action the events must have
   * @param measure count or sum
   * @param field for {@link Measure#SUM}, the data field summed (e.g. {@code total}); empty for counts
   * @param op the comparison
   * @param value the threshold
   * @param within when present, only events within this long before the as-of instant count
   */
  record EventMeasure(
      String type, Optional<String> action, Measure measure, Optional<String> field, Comparison op, BigDecimal value,
      Optional<Duration> within) implements Condition {
    /** Validates. */
    public EventMeasure {
      checkName("event type", type);
      requireNonNull(action, "action");
      action.ifPresent(a -> checkName("event action", a));
      requireNonNull(measure, "measure");
      requireNonNull(field, "field");
      checkArgument((measure == Measure.SUM) == field.isPresent(), "a data field is given exactly for sums");
      field.ifPresent(f -> checkName("data field", f));
      requireNonNull(op, "op");
      value = Numbers.canonical(requireNonNull(value, "value"));
      within = checkWindow(within);
    }

    /** A copy counting only events with this action. */
    public EventMeasure withAction(String a) {
      return new EventMeasure(type, Optional.of(requireNonNull(a, "action")), measure, field, op, value, within);
    }

    /** A copy counting only events within {@code window} before the as-of instant. */
    public EventMeasure within(Duration window) {
      return new EventMeasure(type, action, measure, field, op, value, Optional.of(requireNonNull(window, "window")));
    }

    @Override
    public String toString() {
      String what = measure == Measure.COUNT ? "count of " : "sum of " + field.get() + " over ";
      return what + type + action.map(a -> "/" + a).orElse("") + " " + within.map(d -> "in the last " + Numbers.describe(d)).orElse("ever")
          + " " + op.symbol() + " " + value.toPlainString();
    }
  }

  /** Which occurrence an {@link Occurrence} looks at. */
  enum Which {
    /** The earliest matching event. */
    FIRST,
    /** The latest matching event. */
    LAST;

    /** The lower-case JSON key. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The first or last event of a type (and action) happened within a window before the as-of
   * instant. "Just left negative feedback": last {@code feedback/negative} within 1 day; "new
   * customer": first {@code order} within 30 days. False when there is no such event.
   *
   * @param type the event type
   * @param action when present, the action the event must have
   * @param which first or last occurrence
   * @param within the window before the as-of instant
   */
  record Occurrence(String type, Optional<String> action, Which which, Duration within) implements Condition {
    /** Validates. */
    public Occurrence {
      checkName("event type", type);
      requireNonNull(action, "action");
      action.ifPresent(a -> checkName("event action", a));
      requireNonNull(which, "which");
      within = checkWindow(Optional.of(requireNonNull(within, "within"))).orElseThrow();
    }

    /** A copy looking only at events with this action. */
    public Occurrence withAction(String a) {
      return new Occurrence(type, Optional.of(requireNonNull(a, "action")), which, within);
    }

    @Override
    public String toString() {
      return which.key() + " " + type + action.map(a -> "/" + a).orElse("") + " within the last " + Numbers.describe(within);
    }
  }

  /** A figure of the profile's {@link dev.clientele.core.OrderSummary}. */
  enum OrderMeasure {
    /** Orders with a positive total. */
    COUNT,
    /** Their total (historic CLV). */
    REVENUE,
    /** Revenue divided by count; absent without orders. */
    AVERAGE_ORDER_VALUE,
    /** Average days between orders; absent below two orders. */
    AVERAGE_DAYS_BETWEEN,
    /** Whole and fractional days from the last order to the as-of instant; absent without orders. */
    DAYS_SINCE_LAST;

    /** The lower-case JSON key. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A figure of the order summary compared with a value.
   *
   * @param measure which figure
   * @param op the comparison
   * @param value the threshold
   */
  record OrderFigure(OrderMeasure measure, Comparison op, BigDecimal value) implements Condition {
    /** Validates. */
    public OrderFigure {
      requireNonNull(measure, "measure");
      requireNonNull(op, "op");
      value = Numbers.canonical(requireNonNull(value, "value"));
    }

    @Override
    public String toString() {
      return "orders " + measure.key() + " " + op.symbol() + " " + value.toPlainString();
    }
  }

  /**
   * A figure supplied by the host's {@link FigureSource} (CLV, churn risk, affinity…) compared
   * with a value; false while the source has no value for the profile.
   *
   * @param name the figure's name, e.g. {@code churn_risk} or {@code affinity.shoes}
   * @param op the comparison
   * @param value the threshold
   */
  record Figure(String name, Comparison op, double value) implements Condition {
    /** The prefix of affinity figures: {@code affinity.<category>}. */
    public static final String AFFINITY_PREFIX = "affinity.";

    /** Validates. */
    public Figure {
      checkName("figure name", name);
      requireNonNull(op, "op");
      checkArgument(Double.isFinite(value), "figure threshold must be finite: %s", value);
    }

    @Override
    public String toString() {
      return "figure " + name + " " + op.symbol() + " " + value;
    }
  }

  /**
   * The activity status (very active, active, occasional, sleeper) as of the UTC day of the
   * as-of instant, by the activity thresholds in force.
   *
   * @param status the status
   */
  record Activity(ActivityStatus status) implements Condition {
    /** Validates. */
    public Activity {
      requireNonNull(status, "status");
    }

    @Override
    public String toString() {
      return "activity status is " + status.key();
    }
  }

  private static void checkName(String what, String value) {
    requireNonNull(value, what);
    checkArgument(NAME.matcher(value).matches(), "%s must be 1 to 128 of [A-Za-z0-9_.:-]: %s", what, Shown.name(value));
  }

  private static Optional<Duration> checkWindow(Optional<Duration> within) {
    requireNonNull(within, "within");
    within.ifPresent(d -> checkArgument(!d.isNegative() && !d.isZero(), "window must be positive: %s", d));
    return within;
  }
}
