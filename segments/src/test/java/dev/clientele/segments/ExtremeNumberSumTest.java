package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A summed data field holding a numeric string of extreme exponent ({@code "1e-999999999"}) was
 * parsed into a {@link BigDecimal} of extreme scale; adding it to an ordinary amount threw
 * {@code ArithmeticException} (or built a number of millions of digits), so every evaluation of
 * the sum failed and the profile's sum segments were stuck. Any client could send one. Sums now
 * add only amounts within {@code EventData.number}'s bounds, as revenue does: such a value is no
 * amount and is not added.
 */
class ExtremeNumberSumTest {
  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSumWithAnExtremeExponentStringIsEvaluated() {
    World world = new World();
    Profile p = world.add(World.person("p1"),
        world.event("order", 1).data("amount", new BigDecimal("60")),
        world.event("order", 2).data("amount", "1e-999999999"));
    Segment s = Segment.of("spent", Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("50")).within(Duration.ofDays(7)));
    assertThat(world.segments().matches(s, p, NOW)).isTrue();
  }

  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aHugeNumberIsNoAmount_andAnAmountAtTheBoundStillCounts() {
    World world = new World();
    Profile p = world.add(World.person("p1"),
        world.event("order", 1).data("amount", new BigDecimal("60")),
        world.event("order", 2).data("amount", "1e999999"),
        world.event("order", 3).data("amount", "0.5"));
    Segment over70 = Segment.of("over70", Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("70")));
    Segment exactly = Segment.of("exactly", Condition.eventSum("order", "amount", Comparison.EQ, new BigDecimal("60.5")));
    assertThat(world.segments().matches(over70, p, NOW)).as("1e999999 was not added").isFalse();
    assertThat(world.segments().matches(exactly, p, NOW)).isTrue();
  }
}
