package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevenueRulesTest {
  private static final Instant T = Instant.parse("2026-10-01T08:00:00Z");
  private static final RevenueRules USD =
      RevenueRules.in("usd").withRates(ExchangeRates.fixed("USD", Map.of("GBP", new BigDecimal("1.27"))));

  private static Event order(String id, Object total, Object currency) {
    Event.Builder b = Event.builder(id, "order", T).identifier(IdentifierType.EMAIL, "ann@example.com");
    if (total != null) {
      b.data("total", total);
    }
    if (currency != null) {
      b.data("currency", currency);
    }
    return b.build();
  }

  @Test
  void anyCurrency_addsTotalsAsGiven() {
    List<String> problems = new ArrayList<>();

    assertThat(RevenueRules.anyCurrency().revenueOf(order("o1", new BigDecimal("10.50"), "JPY"), problems))
        .contains(new BigDecimal("10.50"));
    assertThat(RevenueRules.anyCurrency().currency()).isEmpty();
    assertThat(problems).isEmpty();
  }

  @Test
  void revenueOf_reportingCurrencyOrNone_countsAsGiven() {
    List<String> problems = new ArrayList<>();

    assertThat(USD.revenueOf(order("o1", new BigDecimal("10.50"), " usd "), problems)).contains(new BigDecimal("10.50"));
    assertThat(USD.revenueOf(order("o2", 7L, null), problems)).contains(BigDecimal.valueOf(7));
    assertThat(USD.currency()).contains("USD");
    assertThat(problems).isEmpty();
  }

  @Test
  void revenueOf_otherCurrencyWithRate_convertedAndRoundedToCents() {
    List<String> problems = new ArrayList<>();

    // 10.01 GBP * 1.27 = 12.7127 USD -> 12.71
    assertThat(USD.revenueOf(order("o1", new BigDecimal("10.01"), "GBP"), problems)).contains(new BigDecimal("12.71"));
    assertThat(problems).isEmpty();
  }

  @Test
  void revenueOf_roundsToTheReportingCurrencysMinorUnit() {
    RevenueRules yen = RevenueRules.in("JPY").withRates(ExchangeRates.fixed("JPY", Map.of("USD", new BigDecimal("151.37"))));

    assertThat(yen.revenueOf(order("o1", new BigDecimal("1.99"), "USD"), new ArrayList<>())).contains(new BigDecimal("301"));
  }

  @Test
  void revenueOf_noRateOrBadCurrency_notCountedAndRecorded() {
    List<String> problems = new ArrayList<>();

    assertThat(USD.revenueOf(order("o1", new BigDecimal("10"), "EUR"), problems)).isEmpty();
    assertThat(USD.revenueOf(order("o2", new BigDecimal("10"), "euro"), problems)).isEmpty();
    assertThat(USD.revenueOf(order("o3", new BigDecimal("10"), 978L), problems)).isEmpty();

    assertThat(problems).containsExactly(
        "order not counted as revenue in event o1: EUR has no exchange rate to USD",
        "order not counted as revenue in event o2: its currency is not a three-letter code",
        "order not counted as revenue in event o3: its currency is not a three-letter code");
  }

  @Test
  void revenueOf_missingOrNonPositiveTotal_asBefore() {
    List<String> problems = new ArrayList<>();

    assertThat(USD.revenueOf(order("o1", null, "USD"), problems)).isEmpty();
    assertThat(USD.revenueOf(order("o2", new BigDecimal("-5"), "GBP"), problems)).isEmpty();
    assertThat(USD.revenueOf(order("o3", BigDecimal.ZERO, "EUR"), problems)).as("not above zero: no rate needed").isEmpty();
    assertThat(USD.revenueOf(Event.builder("p1", "pageview", T).identifier(IdentifierType.EMAIL, "a@b.co").build(), problems))
        .isEmpty();

    assertThat(problems).containsExactly("order total missing or not a number in event o1");
  }

  @Test
  void revenueOf_hostRateNotPositive_notCountedAndRecorded() {
    RevenueRules broken = RevenueRules.in("USD").withRates((from, to, at) -> Optional.of(BigDecimal.ZERO));
    List<String> problems = new ArrayList<>();

    assertThat(broken.revenueOf(order("o1", BigDecimal.TEN, "GBP"), problems)).isEmpty();
    assertThat(problems).containsExactly("order not counted as revenue in event o1: GBP has an exchange rate to USD that is not > 0: 0");
  }

  @Test
  void revenueOf_ratesAskedWithTheOrdersTimeAndUpperCaseCodes() {
    List<String> asked = new ArrayList<>();
    RevenueRules rules = RevenueRules.in("EUR").withRates((from, to, at) -> {
      asked.add(from + ">" + to + "@" + at);
      return Optional.of(new BigDecimal("0.5"));
    });

    assertThat(rules.revenueOf(order("o1", new BigDecimal("3.00"), "gbp"), new ArrayList<>())).contains(new BigDecimal("1.50"));
    assertThat(asked).containsExactly("GBP>EUR@" + T);
  }

  @Test
  void in_badCode_namesTheArgumentMasked() {
    assertThatThrownBy(() -> RevenueRules.in("dollars")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("currency must be a three-letter currency code (A-Z): ");
    assertThatThrownBy(() -> RevenueRules.in("ıNR")).as("dotless i is not I").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RevenueRules.in(null)).isInstanceOf(NullPointerException.class).hasMessage("currency");
  }

  @Test
  void in_underTurkishLocale_stillUpperCasesTheCode() {
    Locale before = Locale.getDefault();
    try {
      Locale.setDefault(new Locale("tr", "TR"));
      assertThat(RevenueRules.in("inr").currency()).contains("INR");
      assertThat(RevenueRules.in("inr").revenueOf(order("o1", BigDecimal.ONE, "inr"), new ArrayList<>())).contains(BigDecimal.ONE);
    } finally {
      Locale.setDefault(before);
    }
  }

  @Test
  void withRates_onAnyCurrency_refused() {
    assertThatThrownBy(() -> RevenueRules.anyCurrency().withRates(ExchangeRates.NONE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("reporting currency");
  }

  @Test
  void fixed_checksCodesAndRates() {
    assertThatThrownBy(() -> ExchangeRates.fixed("USD", Map.of("gbp", BigDecimal.ONE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ratesInto key must be a three-letter");
    assertThatThrownBy(() -> ExchangeRates.fixed("USD", Map.of("GBP", BigDecimal.ZERO)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rate of GBP must be > 0: 0");
    assertThat(ExchangeRates.fixed("USD", Map.of("GBP", BigDecimal.TEN)).rate("GBP", "EUR", T)).as("other target").isEmpty();
  }

  @Test
  void revenueOf_convertedAmountRoundingToZero_notCountedAndRecorded() {
    RevenueRules usd = RevenueRules.in("USD").withRates(ExchangeRates.fixed("USD", Map.of("JPY", new BigDecimal("0.004"))));
    List<String> problems = new ArrayList<>();

    assertThat(usd.revenueOf(order("o1", BigDecimal.ONE, "JPY"), problems)).isEmpty();
    assertThat(problems).containsExactly("order not counted as revenue in event o1: converted from JPY it rounds to 0 USD");
  }
}
