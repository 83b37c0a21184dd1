package dev.clientele.segments;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.analytics.ActivityThresholds;
import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Event;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns a {@link Condition} into a tree of {@link Node}s that evaluate without re-reading the
 * definition, and works out which inputs a condition reads (for incremental re-evaluation).
 *
 * <p>Within and/or, children over profile state run before children over the timeline, so that
 * short-circuiting spares the event-store read whenever the profile alone decides.
 */
final class Compiler {
  private Compiler() {}

  /** A compiled condition. */
  abstract static class Node {
    abstract boolean test(Evaluation e);

    /** Whether evaluating this node may read the timeline. */
    abstract boolean readsTimeline();
  }

  /**
   * What a condition reads.
   *
   * @param profileState whether it reads the profile's own state (attributes, identifiers,
   *     consent, lists, orders) or host figures: any event applied to the profile may change it
   * @param eventTypes the event types whose history it reads: only events of these types change it
   * @param clock whether its truth may change with the as-of instant alone (time windows)
   */
  record Inputs(boolean profileState, Set<String> eventTypes, boolean clock) {
    /** Whether an event of {@code type} applied to the profile may change the condition. */
    boolean affectedBy(String type) {
      return profileState || eventTypes.contains(type);
    }
  }

  static Inputs inputs(Condition c, ActivityThresholds thresholds) {
    boolean[] flags = new boolean[2];
    Set<String> types = new HashSet<>();
    collect(c, thresholds, flags, types);
    return new Inputs(flags[0], Set.copyOf(types), flags[1]);
  }

  private static void collect(Condition c, ActivityThresholds t, boolean[] flags, Set<String> types) {
    if (c instanceof Condition.And a) {
      a.conditions().forEach(x -> collect(x, t, flags, types));
    } else if (c instanceof Condition.Or o) {
      o.conditions().forEach(x -> collect(x, t, flags, types));
    } else if (c instanceof Condition.Not n) {
      collect(n.condition(), t, flags, types);
    } else if (c instanceof Condition.EventMeasure m) {
      types.add(m.type());
      flags[1] |= m.within().isPresent();
    } else if (c instanceof Condition.Occurrence o) {
      types.add(o.type());
      flags[1] = true;
    } else if (c instanceof Condition.Activity) {
      types.add(t.loginType());
      flags[1] = true;
    } else if (c instanceof Condition.OrderFigure f) {
      flags[0] = true;
      flags[1] |= f.measure() == Condition.OrderMeasure.DAYS_SINCE_LAST;
    } else {
      flags[0] = true;
    }
  }

  /** The key under which a {@link TimelineIndex} holds what {@code m} reads. */
  static TimelineIndex.Key key(Condition.EventMeasure m) {
    return new TimelineIndex.Key(m.type(), m.action().orElse(null), m.measure() == Condition.Measure.SUM ? m.field().get() : null);
  }

  /** The key under which a {@link TimelineIndex} holds what {@code o} reads. */
  static TimelineIndex.Key key(Condition.Occurrence o) {
    return new TimelineIndex.Key(o.type(), o.action().orElse(null), null);
  }

  /**
   * Adds to {@code out} the keys of the event-history leaves of {@code c}: what a
   * {@link TimelineIndex} must hold for {@code c} to be evaluated from it.
   */
  static void timelineKeys(Condition c, ActivityThresholds t, Set<TimelineIndex.Key> out) {
    if (c instanceof Condition.And a) {
      a.conditions().forEach(x -> timelineKeys(x, t, out));
    } else if (c instanceof Condition.Or o) {
      o.conditions().forEach(x -> timelineKeys(x, t, out));
    } else if (c instanceof Condition.Not n) {
      timelineKeys(n.condition(), t, out);
    } else if (c instanceof Condition.EventMeasure m) {
      out.add(key(m));
    } else if (c instanceof Condition.Occurrence o) {
      out.add(key(o));
    } else if (c instanceof Condition.Activity) {
      out.add(new TimelineIndex.Key(t.loginType(), null, null));
    }
  }

  static Node compile(Condition c) {
    if (c instanceof Condition.And a) {
      Node[] kids = ordered(a.conditions());
      return new AndNode(kids);
    }
    if (c instanceof Condition.Or o) {
      Node[] kids = ordered(o.conditions());
      return new OrNode(kids);
    }
    if (c instanceof Condition.Not n) {
      Node inner = compile(n.condition());
      return new Node() {
        @Override
        boolean test(Evaluation e) {
          return !inner.test(e);
        }

        @Override
        boolean readsTimeline() {
          return inner.readsTimeline();
        }
      };
    }
    if (c instanceof Condition.AttributeIs a) {
      return new AttributeNode(a);
    }
    if (c instanceof Condition.HasIdentifier h) {
      return new IdentifierNode(h);
    }
    if (c instanceof Condition.ConsentIs ci) {
      return new ConsentNode(ci);
    }
    if (c instanceof Condition.Reachable r) {
      return new Node() {
        @Override
        boolean test(Evaluation e) {
          if (r.channel().isPresent()) {
            return e.reachability.isReachable(e.profile, r.channel().get());
          }
          for (Channel ch : Channel.values()) {
            if (e.reachability.isReachable(e.profile, ch)) {
              return true;
            }
          }
          return false;
        }

        @Override
        boolean readsTimeline() {
          return false;
        }
      };
    }
    if (c instanceof Condition.InList l) {
      return new ListNode(l.list());
    }
    if (c instanceof Condition.EventMeasure m) {
      return new EventMeasureNode(m);
    }
    if (c instanceof Condition.Occurrence o) {
      return new OccurrenceNode(o);
    }
    if (c instanceof Condition.OrderFigure f) {
      return new Node() {
        @Override
        boolean test(Evaluation e) {
          return orderFigure(f.measure(), e.profile.orders(), e.asOf)
              .map(v -> f.op().holds(v.compareTo(f.value())))
              .orElse(false);
        }

        @Override
        boolean readsTimeline() {
          return false;
        }
      };
    }
    if (c instanceof Condition.Figure f) {
      return new Node() {
        @Override
        boolean test(Evaluation e) {
          OptionalDouble v = e.figures.figure(e.profile.id(), f.name());
          return v.isPresent() && f.op().test(v.getAsDouble(), f.value());
        }

        @Override
        boolean readsTimeline() {
          return false;
        }
      };
    }
    if (c instanceof Condition.Activity a) {
      return new ActivityNode(a.status());
    }
    throw new IllegalArgumentException("unknown condition kind: " + c.getClass().getName());
  }

  private static Node[] ordered(List<Condition> conditions) {
    List<Node> kids = new ArrayList<>();
    for (Condition c : conditions) {
      kids.add(compile(c));
    }
    kids.sort(Comparator.comparing(Node::readsTimeline));
    return kids.toArray(new Node[0]);
  }

  /** A node over the profile's own state: one class per kind, so each call site stays monomorphic. */
  private abstract static class ProfileNode extends Node {
    @Override
    final boolean readsTimeline() {
      return false;
    }
  }

  private static final class AttributeNode extends ProfileNode {
    private final String name;
    private final Condition.AttributeOp op;
    private final Comparison comparison;
    private final Object want;
    private final String source;

    AttributeNode(Condition.AttributeIs a) {
      this.name = a.name();
      this.op = a.op();
      this.comparison = switch (a.op()) {
        case EQ, NE, GT, GE, LT, LE -> Comparison.valueOf(a.op().name());
        default -> null;
      };
      this.want = a.value().orElse(null);
      this.source = a.source().orElse(null);
    }

    @Override
    boolean test(Evaluation e) {
      return attribute(e.profile.attributes().get(name), op, comparison, want, source);
    }
  }

  private static final class IdentifierNode extends ProfileNode {
    private final dev.clientele.core.IdentifierType type;
    private final boolean deliverable;

    IdentifierNode(Condition.HasIdentifier h) {
      this.type = h.type();
      this.deliverable = h.deliverable();
    }

    @Override
    boolean test(Evaluation e) {
      for (IdentifierState s : e.profile.identifiers()) {
        if (s.type().equals(type) && (!deliverable || s.deliverability().isDeliverable())) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class ConsentNode extends ProfileNode {
    private final Channel channel;
    private final dev.clientele.core.IdentifierType type;
    private final dev.clientele.core.Consent consent;

    ConsentNode(Condition.ConsentIs c) {
      this.channel = c.channel();
      this.type = c.channel().identifierType();
      this.consent = c.consent();
    }

    @Override
    boolean test(Evaluation e) {
      if (channel == Channel.PUSH) {
        for (IdentifierState s : e.profile.identifiers()) {
          if (s.type().equals(type) && s.consent() == consent) {
            return true;
          }
        }
        return false;
      }
      Optional<IdentifierState> last = e.profile.lastSeen(type);
      return last.isPresent() && last.get().consent() == consent;
    }
  }

  private static final class ListNode extends ProfileNode {
    private final String list;

    ListNode(String list) {
      this.list = list;
    }

    @Override
    boolean test(Evaluation e) {
      ListSubscription s = e.profile.lists().get(list);
      return s != null && s.subscribed();
    }
  }

  /**
   * A node over child nodes: reads the timeline when any child does. And and or stay one final
   * class each (like {@link ProfileNode}'s kinds), so each {@code test} call site stays monomorphic.
   */
  private abstract static class JunctionNode extends Node {
    final Node[] kids;
    private final boolean timeline;

    JunctionNode(Node[] kids) {
      this.kids = kids;
      boolean t = false;
      for (Node k : kids) {
        t |= k.readsTimeline();
      }
      this.timeline = t;
    }

    @Override
    final boolean readsTimeline() {
      return timeline;
    }
  }

  private static final class AndNode extends JunctionNode {
    AndNode(Node[] kids) {
      super(kids);
    }

    @Override
    boolean test(Evaluation e) {
      for (Node k : kids) {
        if (!k.test(e)) {
          return false;
        }
      }
      return true;
    }
  }

  private static final class OrNode extends JunctionNode {
    OrNode(Node[] kids) {
      super(kids);
    }

    @Override
    boolean test(Evaluation e) {
      for (Node k : kids) {
        if (k.test(e)) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean matches(Event ev, String type, Optional<String> action) {
    return ev.type().equals(type) && (action.isEmpty() || ev.action().equals(action.get()));
  }

  private static final class EventMeasureNode extends Node {
    private final Condition.EventMeasure m;
    private final TimelineIndex.Key key;

    EventMeasureNode(Condition.EventMeasure m) {
      this.m = m;
      this.key = key(m);
    }

    @Override
    boolean test(Evaluation e) {
      Instant from = m.within().map(e.asOf::minus).orElse(Instant.MIN);
      TimelineIndex.Series s = e.series(key);
      BigDecimal measured;
      if (s != null) {
        measured = m.measure() == Condition.Measure.COUNT ? BigDecimal.valueOf(s.count(from, e.asOf)) : s.sum(from, e.asOf);
      } else {
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (Event ev : e.timeline()) {
          if (!matches(ev, m.type(), m.action()) || ev.timestamp().isBefore(from)) {
            continue;
          }
          count++;
          if (m.measure() == Condition.Measure.SUM) {
            BigDecimal v = amount(ev.data().get(m.field().get()));
            if (v != null) {
              sum = sum.add(v);
            }
          }
        }
        measured = m.measure() == Condition.Measure.COUNT ? BigDecimal.valueOf(count) : sum;
      }
      return m.op().holds(measured.compareTo(m.value()));
    }

    @Override
    boolean readsTimeline() {
      return true;
    }
  }

  private static final class OccurrenceNode extends Node {
    private final Condition.Occurrence o;
    private final TimelineIndex.Key key;

    OccurrenceNode(Condition.Occurrence o) {
      this.o = o;
      this.key = key(o);
    }

    @Override
    boolean test(Evaluation e) {
      TimelineIndex.Series s = e.series(key);
      if (s != null) {
        // The first matching event up to asOf is the earliest of all, if that one is up to asOf;
        // the last is the latest up to asOf. Only its time matters.
        int at = o.which() == Condition.Which.FIRST ? 0 : s.upperBound(e.asOf) - 1;
        if (at < 0 || at >= s.size() || s.time(at).isAfter(e.asOf)) {
          return false;
        }
        return !s.time(at).isBefore(e.asOf.minus(o.within()));
      }
      List<Event> t = e.timeline();
      Event found = null;
      for (int i = 0; i < t.size(); i++) {
        Event ev = t.get(o.which() == Condition.Which.FIRST ? i : t.size() - 1 - i);
        if (matches(ev, o.type(), o.action())) {
          found = ev;
          break;
        }
      }
      return found != null && !found.timestamp().isBefore(e.asOf.minus(o.within()));
    }

    @Override
    boolean readsTimeline() {
      return true;
    }
  }

  /** Activity status from the profile's logins, with the windows of {@code ActivityStatuses}. */
  private static final class ActivityNode extends Node {
    private final ActivityStatus status;

    ActivityNode(ActivityStatus status) {
      this.status = status;
    }

    @Override
    boolean test(Evaluation e) {
      return status(e) == status;
    }

    static ActivityStatus status(Evaluation e) {
      ActivityThresholds th = e.thresholds;
      LocalDate day = LocalDate.ofInstant(e.asOf, ZoneOffset.UTC);
      Instant veryActiveFrom = day.minusDays(th.veryActiveDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant activeFrom = day.minusDays(th.activeDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant sleeperFrom = day.minusMonths(th.sleeperMonths()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      TimelineIndex.Series s = e.series(new TimelineIndex.Key(th.loginType(), null, null));
      if (s != null) {
        return th.classify(
            (int) s.count(veryActiveFrom, e.asOf), (int) s.count(activeFrom, e.asOf), (int) s.count(sleeperFrom, e.asOf));
      }
      int veryActive = 0;
      int active = 0;
      int recent = 0;
      for (Event ev : e.timeline()) {
        if (!ev.type().equals(th.loginType())) {
          continue;
        }
        Instant t = ev.timestamp();
        if (!t.isBefore(sleeperFrom)) {
          recent++;
        }
        if (!t.isBefore(activeFrom)) {
          active++;
        }
        if (!t.isBefore(veryActiveFrom)) {
          veryActive++;
        }
      }
      return th.classify(veryActive, active, recent);
    }

    @Override
    boolean readsTimeline() {
      return true;
    }
  }

  static Optional<BigDecimal> orderFigure(Condition.OrderMeasure measure, OrderSummary o, Instant asOf) {
    return switch (measure) {
      case COUNT -> Optional.of(BigDecimal.valueOf(o.orderCount()));
      case REVENUE -> Optional.of(o.revenue());
      case AVERAGE_ORDER_VALUE -> o.averageOrderValue();
      case AVERAGE_DAYS_BETWEEN -> o.averageDaysBetweenOrders().map(BigDecimal::valueOf);
      case DAYS_SINCE_LAST -> o.lastOrder().map(last -> BigDecimal.valueOf(Duration.between(last, asOf).toSeconds() / 86_400.0));
    };
  }

  /**
   * A number to add into a sum: {@link #number} within the bounds of
   * {@link dev.clientele.core.EventData#number} (at most
   * {@value dev.clientele.core.EventData#MAX_NUMBER_DIGITS} digits before the point and after it),
   * the bounds revenue reads amounts with; null, so not added, beyond them. A value such as
   * {@code "1e-999999999"} is no amount: adding it to a plain one overflows or needs a billion
   * digits, which made every evaluation of the sum fail.
   */
  static BigDecimal amount(Object v) {
    BigDecimal d = number(v);
    BigDecimal bounded = d == null ? null : dev.clientele.core.EventData.number(java.util.Map.of("v", d), "v").orElse(null);
    // 1.000…0 written with thousands of zeros is within the bounds: keep it as the plain number,
    // not with a scale every later sum would carry.
    return bounded != null && bounded.scale() > dev.clientele.core.EventData.MAX_NUMBER_DIGITS ? bounded.stripTrailingZeros() : bounded;
  }

  /** A number from an attribute or data value: numbers as they are, numeric text parsed; otherwise null. */
  static BigDecimal number(Object v) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Long l) {
      return BigDecimal.valueOf(l);
    }
    if (v instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    if (v instanceof String s && !s.isEmpty() && s.length() <= 64) {
      char c = s.charAt(0);
      if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
        try {
          return new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The attribute test; {@code comparison} is null for known/unknown/contains, {@code source} null for any source. */
  private static boolean attribute(Attribute a, Condition.AttributeOp op, Comparison comparison, Object want, String source) {
    boolean known = a != null && a.isKnown() && (source == null || source.equals(a.source()));
    switch (op) {
      case KNOWN:
        return known;
      case UNKNOWN:
        return !known;
      default:
        break;
    }
    if (!known) {
      return false;
    }
    Object have = a.value();
    if (op == Condition.AttributeOp.CONTAINS) {
      if (have instanceof List<?> list) {
        for (Object x : list) {
          if (compare(x, want) == 0) {
            return true;
          }
        }
        return false;
      }
      return have instanceof String s && want instanceof String w && s.contains(w);
    }
    int cmp = compare(have, want);
    if (op == Condition.AttributeOp.NE) {
      return cmp != 0;
    }
    return cmp != INCOMPARABLE && comparison.holds(cmp);
  }

  /** What {@link #compare} returns for values of different kinds. */
  private static final int INCOMPARABLE = Integer.MIN_VALUE;

  /**
   * Compares a stored value with a condition value of the same kind: the sign of the
   * comparison (-1, 0 or 1), or {@link #INCOMPARABLE} when they are of different kinds.
   */
  private static int compare(Object have, Object want) {
    if (want instanceof String w) {
      return have instanceof String h ? Integer.signum(h.compareTo(w)) : INCOMPARABLE;
    }
    if (want instanceof BigDecimal w) {
      BigDecimal h = number(have);
      return h == null ? INCOMPARABLE : h.compareTo(w);
    }
    if (want instanceof Boolean w) {
      return have instanceof Boolean h ? Boolean.compare(h, w) : INCOMPARABLE;
    }
    return INCOMPARABLE;
  }
}
