package dev.clientele;

import static dev.clientele.Fixtures.email;
import static dev.clientele.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.analytics.RfmSummaries;
import dev.clientele.analytics.Transaction;
import dev.clientele.core.Event;
import dev.clientele.core.ExchangeRates;
import dev.clientele.core.spi.MergeRecord;
import dev.clientele.core.Profile;
import dev.clientele.core.RevenueRules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Revenue in a reporting currency through the facade: every figure that adds order totals (a
 * profile's order summary, after merges and splits; the metric snapshot's summary; the orders the
 * value models read) agrees with a model that converts each order on its own, and amounts in two
 * currencies are never added as one.
 */
class RevenueRulesPropertiesTest {
  private static final BigDecimal GBP_IN_USD = new BigDecimal("1.27");
  private static final RevenueRules USD = RevenueRules.in("USD").withRates(ExchangeRates.fixed("USD", Map.of("GBP", GBP_IN_USD)));
  private static final List<String> CURRENCIES = java.util.Arrays.asList(null, "USD", "usd", "GBP", " gbp", "EUR", "x1");

  /** One order: which of three people, its total (may be zero or negative) and its currency (may be absent). */
  record Order(int person, BigDecimal total, String currency) {}

  @Provide
  Arbitrary<List<Order>> orders() {
    Arbitrary<BigDecimal> totals = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(1, 99_999).map(c -> BigDecimal.valueOf(c, 2))),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(BigDecimal.ZERO, new BigDecimal("-4.50"))));
    return Combinators.combine(Arbitraries.integers().between(0, 2), totals, Arbitraries.of(CURRENCIES))
        .as(Order::new).list().ofMaxSize(25);
  }

  /** The model: what one order adds to revenue in USD, or null when it does not count. */
  private static BigDecimal model(Order o) {
    if (o.total.signum() <= 0) {
      return null;
    }
    String c = o.currency == null ? "USD" : o.currency.strip().toUpperCase(java.util.Locale.ROOT);
    return switch (c) {
      case "USD" -> o.total;
      case "GBP" -> o.total.multiply(GBP_IN_USD).setScale(2, RoundingMode.HALF_EVEN);
      default -> null;
    };
  }

  private static Event orderEvent(int n, Order o) {
    Event.Builder b = event("o-" + n, "order", n).identifier(email("p" + o.person + "@example.com")).data("total", o.total);
    if (o.currency != null) {
      b.data("currency", o.currency);
    }
    return b.build();
  }

  @Property(tries = 60)
  void revenue_everyFigureIsTheSumOfTheOrdersConvertedOneByOne(@ForAll("orders") List<Order> orders) {
    Clientele c = Clientele.builder().revenueRules(USD).profileIds(Fixtures.sequentialIds()).build();
    BigDecimal[] expected = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
    long[] counted = new long[3];
    long notCounted = 0;
    long problems = 0;
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      BigDecimal v = model(o);
      if (v != null) {
        expected[o.person] = expected[o.person].add(v);
        counted[o.person]++;
      } else if (o.total.signum() > 0) {
        notCounted++;
      }
      problems += c.ingest(orderEvent(i, o)).problems().stream().filter(p -> p.startsWith("order not counted as revenue")).count();
    }
    assertThat(problems).as("each order not counted records why").isEqualTo(notCounted);

    Map<String, Double> fromValueModels = new HashMap<>();
    for (Transaction t : RfmSummaries.ordersOf(c.storage(), USD)) {
      fromValueModels.merge(t.customerId(), t.amount(), Double::sum);
    }
    LocalDate day = LocalDate.ofInstant(Fixtures.at(orders.size() + 1), ZoneOffset.UTC);
    for (int p = 0; p < 3; p++) {
      var profile = c.profile(email("p" + p + "@example.com"));
      if (profile.isEmpty()) {
        continue;
      }
      Profile got = profile.get();
      assertThat(got.orders().revenue()).as("person %s", p).isEqualByComparingTo(expected[p]);
      assertThat(got.orders().orderCount()).isEqualTo(counted[p]);
      assertThat(c.metricSnapshot(got.id(), day).orders()).isEqualTo(got.orders());
      assertThat(fromValueModels.getOrDefault(got.id().value(), 0.0)).isCloseTo(expected[p].doubleValue(),
          org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Property(tries = 40)
  void mergeThenSplit_revenueFollowsTheRules(@ForAll("orders") List<Order> orders) {
    Clientele c = Clientele.builder().revenueRules(USD).profileIds(Fixtures.sequentialIds()).build();
    BigDecimal[] expected = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
    for (int i = 0; i < orders.size(); i++) {
      Order o = orders.get(i);
      BigDecimal v = model(o);
      if (v != null) {
        expected[o.person] = expected[o.person].add(v);
      }
      c.ingest(orderEvent(i, o));
    }
    // Persons 0 and 1 are linked by one event carrying both emails, then split apart again.
    c.ingest(event("link", "identify", orders.size() + 1).identifier(email("p0@example.com"))
        .identifier(email("p1@example.com")).build());
    Profile merged = c.profile(email("p0@example.com")).orElseThrow();
    assertThat(merged.orders().revenue()).isEqualByComparingTo(expected[0].add(expected[1]));
    var merge = c.mergeLog(merged.id()).stream().filter(r -> r.kind() == MergeRecord.Kind.MERGE).findFirst();
    if (merge.isEmpty()) {
      return; // one of them had no events: nothing was merged
    }
    c.split(merge.get().id(), "two people");

    BigDecimal p0 = c.profile(email("p0@example.com")).orElseThrow().orders().revenue();
    BigDecimal p1 = c.profile(email("p1@example.com")).orElseThrow().orders().revenue();
    assertThat(p0).isEqualByComparingTo(expected[0]);
    assertThat(p1).isEqualByComparingTo(expected[1]);
  }

  @Test
  void withoutRates_twoCurrenciesAreNeverAdded() {
    Clientele c = Clientele.builder().revenueRules(RevenueRules.in("EUR")).build();
    c.ingest(event("o1", "order", 0).identifier(email("ann@example.com")).data("total", new BigDecimal("10.00"))
        .data("currency", "EUR").build());
    IngestResult usd = c.ingest(event("o2", "order", 1).identifier(email("ann@example.com"))
        .data("total", new BigDecimal("99.00")).data("currency", "USD").build());

    Profile ann = c.profile(email("ann@example.com")).orElseThrow();
    assertThat(ann.orders().revenue()).isEqualByComparingTo("10.00");
    assertThat(ann.orders().orderCount()).isEqualTo(1);
    assertThat(usd.problems()).containsExactly("order not counted as revenue in event o2: USD has no exchange rate to EUR");
    assertThat(c.timeline(ann.id(), dev.clientele.core.TimelineQuery.all())).extracting(Event::id).contains("o2"); // the event itself is kept
  }

  @Test
  void defaults_anyCurrency_asBefore() {
    Clientele c = Clientele.inMemory();
    c.ingest(event("o1", "order", 0).identifier(email("ann@example.com")).data("total", new BigDecimal("10.00"))
        .data("currency", "EUR").build());
    c.ingest(event("o2", "order", 1).identifier(email("ann@example.com")).data("total", new BigDecimal("5.00"))
        .data("currency", "USD").build());

    assertThat(c.revenueRules().currency()).isEmpty();
    assertThat(c.profile(email("ann@example.com")).orElseThrow().orders().revenue()).isEqualByComparingTo("15.00");
  }
}
