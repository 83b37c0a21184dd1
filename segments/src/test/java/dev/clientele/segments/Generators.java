package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Event;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of conditions and of profiles those conditions split. */
final class Generators {
  private Generators() {}

  /** Figures derived from the id and name, absent for a third of them. */
  static final FigureSource FIGURES = (id, name) -> {
    int h = Math.floorMod((id.value() + "/" + name).hashCode(), 300);
    return h < 100 ? OptionalDouble.empty() : OptionalDouble.of((h % 100) / 100.0);
  };

  /** Leaves over a small domain, so that generated profiles fall on both sides. */
  static Arbitrary<Condition> leaf() {
    return Arbitraries.oneOf(List.of(
        Arbitraries.of("country", "age", "vip").map(Condition::attributeKnown),
        Arbitraries.of("DE", "FR").map(v -> Condition.attribute("country", Condition.AttributeOp.EQ, v)),
        Combinators.combine(Arbitraries.of(Condition.AttributeOp.GT, Condition.AttributeOp.LE, Condition.AttributeOp.NE),
            Arbitraries.integers().between(20, 60)).as((op, v) -> Condition.attribute("age", op, v)),
        Arbitraries.of("crm", "web").map(s -> Condition.attributeKnown("country").from(s)),
        Arbitraries.of(true, false).map(d -> d ? Condition.hasDeliverable(IdentifierType.EMAIL) : Condition.hasIdentifier(IdentifierType.EMAIL)),
        Arbitraries.of(Consent.class).map(c -> Condition.consent(Channel.EMAIL, c)),
        Arbitraries.of(Channel.EMAIL, Channel.SMS).map(Condition::reachable),
        Arbitraries.just(Condition.inList("news")),
        Combinators.combine(Arbitraries.of("order", "login"), Arbitraries.of(Comparison.class), Arbitraries.integers().between(0, 3),
            Arbitraries.of(0, 30, 90)).as((t, op, n, days) -> {
              Condition.EventMeasure m = Condition.eventCount(t, op, n);
              return days == 0 ? m : m.within(Duration.ofDays(days));
            }),
        Arbitraries.of(Comparison.GE, Comparison.LT).map(op -> Condition.eventSum("order", "total", op, BigDecimal.valueOf(50))),
        Combinators.combine(Arbitraries.of(Condition.Which.class), Arbitraries.of(10, 60)).as((w, d) ->
            Condition.occurred("order", w, Duration.ofDays(d))),
        Combinators.combine(Arbitraries.of(Condition.OrderMeasure.class), Arbitraries.of(Comparison.GE, Comparison.LT),
            Arbitraries.of(1, 2, 40)).as((m, op, v) -> Condition.orders(m, op, BigDecimal.valueOf(v))),
        Arbitraries.of(Comparison.GE, Comparison.LT).map(op -> Condition.figure("churn_risk", op, 0.5)),
        Arbitraries.of(ActivityStatus.class).map(Condition::activity)));
  }

  /** Trees of and/or/not over {@link #leaf()}. */
  static Arbitrary<Condition> condition() {
    return Arbitraries.recursive(Generators::leaf, Generators::combine, 0, 3);
  }

  static Arbitrary<Condition> combine(Arbitrary<Condition> inner) {
    return Arbitraries.oneOf(List.of(
        inner.list().ofMinSize(1).ofMaxSize(3).map(Condition.And::new),
        inner.list().ofMinSize(1).ofMaxSize(3).map(Condition.Or::new),
        inner.map(Condition.Not::new)));
  }

  /** A description of one profile and its events, added to a {@link World} with {@link #add}. */
  record PersonSpec(
      Optional<String> country, String countrySource, Optional<Integer> age, int email, Consent consent, boolean news,
      List<Integer> orderDaysAgo, List<Integer> loginDaysAgo) {}

  static Arbitrary<PersonSpec> person() {
    return Combinators.combine(
            Arbitraries.of("DE", "FR").optional(),
            Arbitraries.of("crm", "web"),
            Arbitraries.integers().between(18, 70).optional(),
            Arbitraries.integers().between(0, 2),
            Arbitraries.of(Consent.class),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 200).list().ofMaxSize(4),
            Arbitraries.integers().between(0, 120).list().ofMaxSize(4))
        .as(PersonSpec::new);
  }

  static Profile add(World world, String id, PersonSpec s) {
    Profile.Builder b = World.person(id);
    s.country().ifPresent(c -> b.putAttribute(new Attribute("country", c, s.countrySource(), NOW)));
    s.age().ifPresent(a -> b.putAttribute(new Attribute("age", (long) a, "crm", NOW)));
    if (s.email() > 0) {
      Deliverability d = s.email() == 1 ? Deliverability.DELIVERABLE : Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, NOW);
      b.putIdentifier(new IdentifierState(Identifier.of(IdentifierType.EMAIL, id + "@example.com"), NOW.minusSeconds(1000),
          Optional.of(NOW.minusSeconds(500)), "test", d, s.consent(), Optional.of(NOW.minusSeconds(500))));
    }
    if (s.news()) {
      b.putList(ListSubscription.apply(Optional.empty(), "news", true, NOW.minusSeconds(100)));
    }
    List<Event.Builder> events = new ArrayList<>();
    OrderSummary orders = OrderSummary.NONE;
    for (int days : s.orderDaysAgo()) {
      BigDecimal total = BigDecimal.valueOf(10 + days % 40);
      events.add(world.event("order", days).data("total", total));
      orders = orders.plus(total, NOW.minusSeconds(days * 86_400L));
    }
    b.orders(orders);
    for (int days : s.loginDaysAgo()) {
      events.add(world.event("login", days));
    }
    return world.add(b, events.toArray(new Event.Builder[0]));
  }

  /** Leaves of every kind with wide parameters, for the JSON round trip. */
  static Arbitrary<Condition> anyLeaf() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcxyz_.:-09").ofMinLength(1).ofMaxLength(12);
    Arbitrary<BigDecimal> decimal = Arbitraries.bigDecimals().between(BigDecimal.valueOf(-1_000_000), BigDecimal.valueOf(1_000_000)).ofScale(3);
    Arbitrary<Duration> window = Arbitraries.oneOf(List.of(
        Arbitraries.longs().between(1, 3650).map(Duration::ofDays),
        Arbitraries.longs().between(1, 100_000).map(Duration::ofSeconds)));
    Arbitrary<Object> scalar = Arbitraries.oneOf(List.of(
        Arbitraries.strings().ofMaxLength(10).map(x -> (Object) x), decimal.map(x -> (Object) x), Arbitraries.of(true, false).map(x -> (Object) x)));
    return Arbitraries.oneOf(List.of(
        Combinators.combine(name, Arbitraries.of(Condition.AttributeOp.class), scalar, name.optional())
            .as((n, op, v, src) -> new Condition.AttributeIs(n, op,
                op == Condition.AttributeOp.KNOWN || op == Condition.AttributeOp.UNKNOWN ? Optional.empty() : Optional.of(v), src)),
        Combinators.combine(Arbitraries.of("email", "phone", "push_token", "customer_id", "loyalty_card"), Arbitraries.of(true, false))
            .as((t, d) -> new Condition.HasIdentifier(IdentifierType.of(t), d)),
        Combinators.combine(Arbitraries.of(Channel.class), Arbitraries.of(Consent.class)).as(Condition.ConsentIs::new),
        Arbitraries.of(Channel.class).optional().map(Condition.Reachable::new),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(20).filter(x -> !x.isBlank()).map(Condition.InList::new),
        Combinators.combine(name, name.optional(), Arbitraries.of(Condition.Measure.class), name, Arbitraries.of(Comparison.class),
            decimal, window.optional()).as((t, a, m, f, op, v, w) ->
                new Condition.EventMeasure(t, a, m, m == Condition.Measure.SUM ? Optional.of(f) : Optional.empty(), op, v, w)),
        Combinators.combine(name, name.optional(), Arbitraries.of(Condition.Which.class), window).as(Condition.Occurrence::new),
        Combinators.combine(Arbitraries.of(Condition.OrderMeasure.class), Arbitraries.of(Comparison.class), decimal)
            .as(Condition.OrderFigure::new),
        Combinators.combine(Arbitraries.oneOf(List.of(name, name.map(n -> "affinity." + n))), Arbitraries.of(Comparison.class),
            Arbitraries.doubles().between(-1e6, 1e6)).as(Condition.Figure::new),
        Arbitraries.of(ActivityStatus.class).map(Condition.Activity::new)));
  }

  static Arbitrary<Segment> anySegment() {
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019_.:-").ofMinLength(1).ofMaxLength(64);
    return Combinators.combine(name, Arbitraries.recursive(Generators::anyLeaf, Generators::combine, 0, 3)).as(Segment::new);
  }

}
