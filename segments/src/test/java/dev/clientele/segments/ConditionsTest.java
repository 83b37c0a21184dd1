package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clientele.analytics.ActivityStatus;
import dev.clientele.core.Attribute;
import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Deliverability;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.IdentifierType;
import dev.clientele.core.ListSubscription;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** One example (a member and a non-member) per kind of condition. */
class ConditionsTest {
  private final World world = new World();

  private boolean matches(Condition c, Profile p) {
    return world.segments().matches(Segment.of("s", c), p, NOW);
  }

  private static Attribute attr(String name, Object value, String source) {
    return new Attribute(name, value, source, NOW.minusSeconds(3600));
  }

  private static IdentifierState email(String value, Optional<Instant> lastSeen) {
    return new IdentifierState(Identifier.of(IdentifierType.EMAIL, value), NOW.minusSeconds(86_400 * 10), lastSeen, "test",
        Deliverability.DELIVERABLE, Consent.UNKNOWN, Optional.empty());
  }

  @Test
  void attribute_knownUnknownAndProvenance() {
    Profile p = world.add(World.person("a").putAttribute(attr("country", "DE", "crm")).putAttribute(attr("nickname", " ", "web")));
    assertThat(matches(Condition.attributeKnown("country"), p)).isTrue();
    assertThat(matches(Condition.attributeKnown("nickname"), p)).as("blank is not known").isFalse();
    assertThat(matches(Condition.attributeUnknown("nickname"), p)).isTrue();
    assertThat(matches(Condition.attributeUnknown("city"), p)).isTrue();
    assertThat(matches(Condition.attributeKnown("country").from("crm"), p)).isTrue();
    assertThat(matches(Condition.attributeKnown("country").from("web"), p)).as("known, but not from web").isFalse();
    assertThat(matches(Condition.attributeUnknown("country").from("web"), p)).isTrue();
  }

  @Test
  void attribute_comparisons() {
    Profile p = world.add(World.person("a")
        .putAttribute(attr("country", "DE", "crm"))
        .putAttribute(attr("age", 42L, "crm"))
        .putAttribute(attr("score", new BigDecimal("7.50"), "crm"))
        .putAttribute(attr("vip", true, "crm"))
        .putAttribute(attr("birth_date", "1984-05-01", "crm"))
        .putAttribute(attr("interests", List.of("shoes", "hats"), "crm")));
    assertThat(matches(Condition.attribute("country", Condition.AttributeOp.EQ, "DE"), p)).isTrue();
    assertThat(matches(Condition.attribute("country", Condition.AttributeOp.EQ, "de"), p)).isFalse();
    assertThat(matches(Condition.attribute("country", Condition.AttributeOp.NE, "FR"), p)).isTrue();
    assertThat(matches(Condition.attribute("city", Condition.AttributeOp.NE, "Paris"), p)).as("unknown compares false").isFalse();
    assertThat(matches(Condition.attribute("age", Condition.AttributeOp.GE, 42), p)).isTrue();
    assertThat(matches(Condition.attribute("age", Condition.AttributeOp.GT, 42), p)).isFalse();
    assertThat(matches(Condition.attribute("score", Condition.AttributeOp.EQ, 7.5), p)).as("numeric, not textual").isTrue();
    assertThat(matches(Condition.attribute("score", Condition.AttributeOp.LT, 8), p)).isTrue();
    assertThat(matches(Condition.attribute("vip", Condition.AttributeOp.EQ, true), p)).isTrue();
    assertThat(matches(Condition.attribute("birth_date", Condition.AttributeOp.LT, "1990-01-01"), p)).isTrue();
    assertThat(matches(Condition.attribute("interests", Condition.AttributeOp.CONTAINS, "hats"), p)).isTrue();
    assertThat(matches(Condition.attribute("interests", Condition.AttributeOp.CONTAINS, "socks"), p)).isFalse();
    assertThat(matches(Condition.attribute("country", Condition.AttributeOp.GT, 5), p)).as("text vs number").isFalse();
  }

  @Test
  void identifier_presentAndDeliverable() {
    Profile bounced = world.add(World.person("a").putIdentifier(email("a@example.com", Optional.of(NOW))
        .withDeliverability(Deliverability.undeliverable(UndeliverableReason.HARD_BOUNCE, NOW))));
    Profile fine = world.add(World.person("b").putIdentifier(email("b@example.com", Optional.of(NOW))));
    Profile none = world.add(World.person("c"));
    assertThat(matches(Condition.hasIdentifier(IdentifierType.EMAIL), bounced)).isTrue();
    assertThat(matches(Condition.hasDeliverable(IdentifierType.EMAIL), bounced)).isFalse();
    assertThat(matches(Condition.hasDeliverable(IdentifierType.EMAIL), fine)).isTrue();
    assertThat(matches(Condition.hasIdentifier(IdentifierType.EMAIL), none)).isFalse();
  }

  @Test
  void consentAndReachability_followTheLastSeenEmail() {
    IdentifierState old = email("old@example.com", Optional.of(NOW.minusSeconds(86_400))).withConsent(Consent.OPT_IN, NOW);
    IdentifierState current = email("new@example.com", Optional.of(NOW)).withConsent(Consent.OPT_OUT, NOW);
    Profile p = world.add(World.person("a").putIdentifier(old).putIdentifier(current));
    Profile q = world.add(World.person("b").putIdentifier(email("q@example.com", Optional.of(NOW))));
    assertThat(matches(Condition.consent(Channel.EMAIL, Consent.OPT_OUT), p)).isTrue();
    assertThat(matches(Condition.consent(Channel.EMAIL, Consent.OPT_IN), p)).as("only the last-seen email counts").isFalse();
    assertThat(matches(Condition.reachable(Channel.EMAIL), p)).isFalse();
    assertThat(matches(Condition.reachable(Channel.EMAIL), q)).as("unknown consent is reachable on email by default").isTrue();
    assertThat(matches(Condition.reachableAnywhere(), q)).isTrue();
    assertThat(matches(Condition.reachable(Channel.SMS), q)).isFalse();
    assertThat(matches(Condition.consent(Channel.SMS, Consent.UNKNOWN), q)).as("no phone, no consent value").isFalse();
  }

  @Test
  void list_subscribedNow() {
    Profile in = world.add(World.person("a").putList(ListSubscription.apply(Optional.empty(), "news", true, NOW)));
    Profile left = world.add(World.person("b").putList(ListSubscription.apply(
        Optional.of(ListSubscription.apply(Optional.empty(), "news", true, NOW.minusSeconds(100))), "news", false, NOW)));
    assertThat(matches(Condition.inList("news"), in)).isTrue();
    assertThat(matches(Condition.inList("news"), left)).isFalse();
    assertThat(matches(Condition.inList("other"), in)).isFalse();
  }

  @Test
  void eventHistory_countsAndSumsWithinWindows() {
    Profile p = world.add(World.person("a"),
        world.event("order", 100).action("purchase").data("total", new BigDecimal("30")),
        world.event("order", 10).action("purchase").data("total", 20L),
        world.event("order", 5).action("refund").data("total", "5.5"),
        world.event("order", -3).action("purchase").data("total", 1000L));
    assertThat(matches(Condition.eventCount("order", Comparison.EQ, 3), p)).as("the future event is ignored").isTrue();
    assertThat(matches(Condition.eventCount("order", Comparison.EQ, 2).withAction("purchase"), p)).isTrue();
    assertThat(matches(Condition.eventCount("order", Comparison.EQ, 2).within(Duration.ofDays(60)), p)).isTrue();
    assertThat(matches(Condition.eventCount("login", Comparison.GE, 1), p)).isFalse();
    assertThat(matches(Condition.eventSum("order", "total", Comparison.EQ, new BigDecimal("55.5")), p)).isTrue();
    assertThat(matches(Condition.eventSum("order", "total", Comparison.EQ, new BigDecimal("50")).withAction("purchase"), p)).isTrue();
    assertThat(matches(Condition.eventSum("order", "total", Comparison.LT, new BigDecimal("26")).within(Duration.ofDays(30)), p)).isTrue();
  }

  @Test
  void boughtTwiceNotIn60Days() {
    Condition c = Condition.eventCount("order", Comparison.GE, 2)
        .and(Condition.not(Condition.eventCount("order", Comparison.GE, 1).within(Duration.ofDays(60))));
    Profile lapsed = world.add(World.person("a"), world.event("order", 200), world.event("order", 90));
    Profile recent = world.add(World.person("b"), world.event("order", 200), world.event("order", 30));
    Profile once = world.add(World.person("c"), world.event("order", 200));
    assertThat(matches(c, lapsed)).isTrue();
    assertThat(matches(c, recent)).isFalse();
    assertThat(matches(c, once)).isFalse();
  }

  @Test
  void occurrence_firstAndLast() {
    Profile p = world.add(World.person("a"),
        world.event("feedback", 40).action("negative"),
        world.event("feedback", 0.5).action("negative"),
        world.event("feedback", 0.2).action("positive"));
    assertThat(matches(Condition.occurred("feedback", Condition.Which.LAST, Duration.ofDays(1)).withAction("negative"), p)).isTrue();
    assertThat(matches(Condition.occurred("feedback", Condition.Which.LAST, Duration.ofHours(6)).withAction("negative"), p)).isFalse();
    assertThat(matches(Condition.occurred("feedback", Condition.Which.FIRST, Duration.ofDays(30)), p)).isFalse();
    assertThat(matches(Condition.occurred("feedback", Condition.Which.FIRST, Duration.ofDays(41)), p)).isTrue();
    assertThat(matches(Condition.occurred("order", Condition.Which.LAST, Duration.ofDays(1000)), p)).isFalse();
  }

  @Test
  void orders_summaryFigures() {
    OrderSummary two = OrderSummary.NONE.plus(new BigDecimal("100"), NOW.minusSeconds(86_400 * 30))
        .plus(new BigDecimal("50"), NOW.minusSeconds(86_400 * 10));
    Profile p = world.add(World.person("a").orders(two));
    Profile none = world.add(World.person("b"));
    assertThat(matches(Condition.orders(Condition.OrderMeasure.COUNT, Comparison.EQ, BigDecimal.valueOf(2)), p)).isTrue();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.REVENUE, Comparison.GE, new BigDecimal("150")), p)).isTrue();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.AVERAGE_ORDER_VALUE, Comparison.EQ, new BigDecimal("75")), p)).isTrue();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.AVERAGE_DAYS_BETWEEN, Comparison.EQ, new BigDecimal("20")), p)).isTrue();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.DAYS_SINCE_LAST, Comparison.EQ, new BigDecimal("10")), p)).isTrue();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.AVERAGE_ORDER_VALUE, Comparison.GE, BigDecimal.ZERO), none))
        .as("no orders: no average").isFalse();
    assertThat(matches(Condition.orders(Condition.OrderMeasure.COUNT, Comparison.EQ, BigDecimal.ZERO), none)).isTrue();
  }

  @Test
  void figures_comeFromTheHostSourceAndAreFalseWhenAbsent() {
    Profile p = world.add(World.person("a"));
    Profile q = world.add(World.person("b"));
    FigureSource source = (id, name) -> id.equals(p.id()) && name.equals("churn_risk") ? OptionalDouble.of(0.8)
        : id.equals(p.id()) && name.equals("affinity.shoes") ? OptionalDouble.of(0.3) : OptionalDouble.empty();
    Segments s = world.segments(SegmentConfig.builder().figures(source).build());
    assertThat(s.matches(Segment.of("x", Condition.figure("churn_risk", Comparison.GT, 0.5)), p, NOW)).isTrue();
    assertThat(s.matches(Segment.of("x", Condition.figure("churn_risk", Comparison.GT, 0.5)), q, NOW)).isFalse();
    assertThat(s.matches(Segment.of("x", Condition.not(Condition.figure("churn_risk", Comparison.GT, 0.5))), q, NOW)).isTrue();
    assertThat(s.matches(Segment.of("x", Condition.affinity("shoes", Comparison.LT, 0.5)), p, NOW)).isTrue();
    assertThat(s.matches(Segment.of("x", Condition.affinity("hats", Comparison.LT, 0.5)), p, NOW)).isFalse();
  }

  @Test
  void activity_statusFromLogins() {
    Profile veryActive = world.add(World.person("a"), world.event("login", 1), world.event("login", 2));
    Profile active = world.add(World.person("b"), world.event("login", 10), world.event("login", 20));
    Profile occasional = world.add(World.person("c"), world.event("login", 40));
    Profile sleeper = world.add(World.person("d"), world.event("login", 100), world.event("order", 1));
    assertThat(matches(Condition.activity(ActivityStatus.VERY_ACTIVE), veryActive)).isTrue();
    assertThat(matches(Condition.activity(ActivityStatus.ACTIVE), active)).isTrue();
    assertThat(matches(Condition.activity(ActivityStatus.OCCASIONAL), occasional)).isTrue();
    assertThat(matches(Condition.activity(ActivityStatus.SLEEPER), sleeper)).isTrue();
    assertThat(matches(Condition.activity(ActivityStatus.SLEEPER), active)).isFalse();
  }

  @Test
  void evaluation_readsTheTimelineOnlyWhenNeeded() {
    Profile p = world.add(World.person("a"), world.event("order", 1));
    Evaluation e = new Evaluation(p, NOW, world.storage, FigureSource.NONE,
        new dev.clientele.consent.ReachabilityEvaluator(dev.clientele.consent.ReachabilityPolicy.defaults()),
        dev.clientele.analytics.ActivityThresholds.defaults());
    Condition c = Condition.any(Condition.eventCount("order", Comparison.GE, 1), Condition.attributeUnknown("country"));
    assertThat(Compiler.compile(c).test(e)).isTrue();
    assertThat(e.timelineRead()).as("the profile leaf decided the or").isFalse();
  }

  @Test
  void readableForm() {
    Segment s = Segment.of("lapsed", Condition.eventCount("order", Comparison.GE, 2)
        .and(Condition.not(Condition.eventCount("order", Comparison.GE, 1).withAction("purchase").within(Duration.ofDays(60))))
        .and(Condition.reachable(Channel.EMAIL)));
    assertThat(s.toString()).isEqualTo(
        "lapsed: ((count of order ever >= 2 and not (count of order/purchase in the last 60 days >= 1)) and reachable by email)");
    assertThat(Condition.attribute("country", Condition.AttributeOp.EQ, "DE").from("crm").toString())
        .isEqualTo("attribute country = \"DE\" (set by crm)");
    assertThat(Condition.activity(ActivityStatus.SLEEPER).toString()).isEqualTo("activity status is sleeper");
  }

  @Test
  void badDefinitions_areRefusedNamingTheProblem() {
    assertThatThrownBy(() -> Segment.of("has space", Condition.inList("x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment name");
    assertThatThrownBy(() -> Condition.eventCount("order", Comparison.GE, 1).within(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window must be positive");
    assertThatThrownBy(() -> new Condition.AttributeIs("x", Condition.AttributeOp.EQ, Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a value is given exactly for comparisons");
    assertThatThrownBy(() -> Condition.attribute("x", Condition.AttributeOp.EQ, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text, a number or a boolean");
    assertThatThrownBy(() -> new Condition.And(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
  }

  @Test
  void factories_nullArguments_nameTheArgument() {
    assertThatThrownBy(() -> Condition.reachable(null)).isInstanceOf(NullPointerException.class).hasMessage("channel");
    assertThatThrownBy(() -> Condition.attribute("plan", Condition.AttributeOp.EQ, null))
        .isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> Condition.eventSum("order", null, Comparison.GE, BigDecimal.ONE))
        .isInstanceOf(NullPointerException.class).hasMessage("field");
  }
}
