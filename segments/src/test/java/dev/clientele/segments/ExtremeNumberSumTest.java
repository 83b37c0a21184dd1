package dev.clientele.segments;

import static dev.clientele.segments.World.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.Profile;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Open bug (pre-existing, found while building the timeline cache): a summed data field holding
 * a numeric string of extreme exponent is parsed by {@code Compiler.number} (any string of up to
 * 64 characters) into a {@link BigDecimal} of extreme scale. Adding it to an ordinary amount then
 * throws {@code ArithmeticException: BigInteger would overflow supported range} (for
 * {@code "1e-999999999"}, as here) or builds a number of many millions of digits (smaller
 * extreme exponents: slow, large). Every evaluation of the sum fails that way, with or without
 * the timeline cache: the profile's sum segments are stuck (each event counts an evaluation
 * failure; {@code refresh} and {@code matches} throw). Any client can send such a value. A fix
 * would treat numbers whose scale or precision exceeds a cap as not numbers, which changes sums
 * for such values, so it wants a decision.
 */
class ExtremeNumberSumTest {
  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @Disabled("open bug: a summed field of \"1e-999999999\" makes every evaluation of the sum throw ArithmeticException")
  void aSumWithAnExtremeExponentStringIsEvaluated() {
    World world = new World();
    Profile p = world.add(World.person("p1"),
        world.event("order", 1).data("amount", new BigDecimal("60")),
        world.event("order", 2).data("amount", "1e-999999999"));
    Segment s = Segment.of("spent", Condition.eventSum("order", "amount", Comparison.GE, new BigDecimal("50")).within(Duration.ofDays(7)));
    assertThat(world.segments().matches(s, p, NOW)).isTrue();
  }
}
