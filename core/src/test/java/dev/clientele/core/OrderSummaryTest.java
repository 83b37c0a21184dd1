package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrderSummaryTest {
  private static final Instant T = Instant.parse("2026-01-10T12:00:00Z");

  @Test
  void none_hasNoOrdersAndNoAverages() {
    assertThat(OrderSummary.NONE.orderCount()).isZero();
    assertThat(OrderSummary.NONE.revenue()).isEqualByComparingTo("0");
    assertThat(OrderSummary.NONE.firstOrder()).isEmpty();
    assertThat(OrderSummary.NONE.averageOrderValue()).isEmpty();
    assertThat(OrderSummary.NONE.averageDaysBetweenOrders()).isEmpty();
  }

  @Test
  void plus_oneOrder_setsFirstAndLast() {
    OrderSummary s = OrderSummary.NONE.plus(new BigDecimal("42.50"), T);

    assertThat(s).isEqualTo(new OrderSummary(1, new BigDecimal("42.50"), Optional.of(T), Optional.of(T)));
    assertThat(s.averageOrderValue()).contains(new BigDecimal("42.50"));
    assertThat(s.averageDaysBetweenOrders()).as("needs two orders").isEmpty();
  }

  @Test
  void plus_ordersOutOfOrder_widenFirstAndLast() {
    OrderSummary s = OrderSummary.NONE
        .plus(new BigDecimal("10"), T.plus(Duration.ofDays(10)))
        .plus(new BigDecimal("20"), T)
        .plus(new BigDecimal("30"), T.plus(Duration.ofDays(30)));

    assertThat(s.orderCount()).isEqualTo(3);
    assertThat(s.revenue()).isEqualByComparingTo("60");
    assertThat(s.firstOrder()).contains(T);
    assertThat(s.lastOrder()).contains(T.plus(Duration.ofDays(30)));
    assertThat(s.averageDaysBetweenOrders()).contains(15.0);
  }

  @Test
  void averageOrderValue_roundsHalfEvenToCents() {
    assertThat(summary("10", "10", "10.01").averageOrderValue()).contains(new BigDecimal("10.00"));
    assertThat(summary("1", "2").averageOrderValue()).contains(new BigDecimal("1.50"));
    assertThat(summary("0.125").averageOrderValue()).contains(new BigDecimal("0.12"));
    assertThat(summary("0.135").averageOrderValue()).contains(new BigDecimal("0.14"));
    assertThat(summary("1.50").averageOrderValue().orElseThrow().toString()).as("locale-free text").isEqualTo("1.50");
  }

  @Test
  void averageDaysBetweenOrders_usesFractionsOfDays() {
    OrderSummary s = OrderSummary.NONE.plus(BigDecimal.ONE, T).plus(BigDecimal.ONE, T.plus(Duration.ofHours(36)));

    assertThat(s.averageDaysBetweenOrders()).contains(1.5);
  }

  @Test
  void plus_nonPositiveTotal_throws() {
    for (String bad : List.of("0", "0.00", "-1")) {
      assertThatIllegalArgumentException().isThrownBy(() -> OrderSummary.NONE.plus(new BigDecimal(bad), T))
          .withMessageStartingWith("order total must be > 0");
    }
  }

  @Test
  void plus_nullArguments_throwNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> OrderSummary.NONE.plus(null, T)).withMessage("total");
    assertThatNullPointerException().isThrownBy(() -> OrderSummary.NONE.plus(BigDecimal.ONE, null)).withMessage("at");
    OrderSummary one = OrderSummary.NONE.plus(BigDecimal.ONE, T);
    assertThatNullPointerException().isThrownBy(() -> one.plus(BigDecimal.ONE, null)).withMessage("at");
    assertThatNullPointerException().isThrownBy(() -> one.plus((OrderSummary) null)).withMessage("other");
  }

  @Test
  void new_inconsistentValues_throw() {
    Optional<Instant> t = Optional.of(T);
    Optional<Instant> none = Optional.empty();
    assertThatIllegalArgumentException().isThrownBy(() -> new OrderSummary(-1, BigDecimal.ZERO, none, none))
        .withMessageStartingWith("orderCount must be >= 0");
    assertThatIllegalArgumentException().isThrownBy(() -> new OrderSummary(0, BigDecimal.ZERO, t, t))
        .withMessageContaining("firstOrder");
    assertThatIllegalArgumentException().isThrownBy(() -> new OrderSummary(1, BigDecimal.ONE, none, t))
        .withMessageContaining("firstOrder");
    assertThatIllegalArgumentException().isThrownBy(() -> new OrderSummary(1, BigDecimal.ONE, t, none))
        .withMessageContaining("lastOrder");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new OrderSummary(2, BigDecimal.TEN, Optional.of(T.plusSeconds(1)), t))
        .withMessageContaining("lastOrder");
    assertThatNullPointerException().isThrownBy(() -> new OrderSummary(0, null, none, none)).withMessage("revenue");
  }

  @Test
  void plus_anyOrderOfOrders_givesTheSameSummary() {
    Trials.forAll("plus is order-free", random -> {
      List<Order> orders = randomOrders(random);

      OrderSummary inOrder = sum(orders);
      OrderSummary shuffled = sum(Trials.shuffled(orders, random));

      assertThat(shuffled).as("%s", orders).isEqualTo(inOrder);
      assertThat(inOrder.orderCount()).isEqualTo(orders.size());
      assertThat(inOrder.revenue())
          .isEqualByComparingTo(orders.stream().map(Order::total).reduce(BigDecimal.ZERO, BigDecimal::add));
    });
  }

  @Test
  void plusSummary_anySplit_equalsAllOrdersSummedOnce() {
    Trials.forAll("merging summaries", random -> {
      List<Order> orders = randomOrders(random);
      int split = random.nextInt(orders.size() + 1);

      OrderSummary left = sum(orders.subList(0, split));
      OrderSummary right = sum(orders.subList(split, orders.size()));

      assertThat(left.plus(right)).isEqualTo(sum(orders)).isEqualTo(right.plus(left));
    });
  }

  private static List<Order> randomOrders(java.util.Random random) {
    List<Order> orders = new ArrayList<>();
    int n = random.nextInt(7);
    for (int i = 0; i < n; i++) {
      // Mixed scales ("5", "5.0", "5.00") must still sum to the same value.
      BigDecimal total = BigDecimal.valueOf(1 + random.nextInt(10_000), random.nextInt(3));
      orders.add(new Order(total, T.plus(Duration.ofHours(random.nextInt(5) * 12L))));
    }
    return orders;
  }

  private static OrderSummary sum(List<Order> orders) {
    OrderSummary s = OrderSummary.NONE;
    for (Order o : orders) {
      s = s.plus(o.total(), o.at());
    }
    return s;
  }

  private static OrderSummary summary(String... totals) {
    OrderSummary s = OrderSummary.NONE;
    for (int i = 0; i < totals.length; i++) {
      s = s.plus(new BigDecimal(totals[i]), T.plus(Duration.ofDays(i)));
    }
    return s;
  }

  private record Order(BigDecimal total, Instant at) {}
}
