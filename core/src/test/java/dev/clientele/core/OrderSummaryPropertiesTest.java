package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link OrderSummary#plus(BigDecimal, Instant)} keeps the {@code Optional}s of the times that do
 * not move: it must give what widening first and last order by min and max gives, for orders in
 * any order and at equal times.
 */
class OrderSummaryPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 300)
  void plus_equalsWideningByMinAndMax(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int orders) {
    Random random = new Random(seed);
    OrderSummary summary = OrderSummary.NONE;
    long count = 0;
    BigDecimal revenue = BigDecimal.ZERO;
    Instant first = null;
    Instant last = null;
    for (int i = 0; i < orders; i++) {
      Instant at = T0.plusSeconds(random.nextInt(20));
      BigDecimal total = BigDecimal.valueOf(1 + random.nextInt(500), 2);
      summary = summary.plus(total, at);
      count++;
      revenue = revenue.add(total);
      first = first == null || at.isBefore(first) ? at : first;
      last = last == null || at.isAfter(last) ? at : last;
      assertThat(summary).isEqualTo(new OrderSummary(count, revenue, Optional.of(first), Optional.of(last)));
    }
  }
}
