package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Exchange rates for {@link RevenueRules}: what one unit of a currency was worth in another at a
 * given time. The host supplies them (from its finance system, a daily rate table, a fixed
 * table); Clientele fetches nothing itself.
 *
 * <p>Implementations must be safe for concurrent use and fast: ingestion asks once per order in a
 * currency other than the reporting one, and metric snapshots, value models and split rebuilds ask
 * again, so a rate for a currency and a time must not change once given (see {@link RevenueRules}).
 * An exception thrown here (or a {@code null} returned) is a fault of the host's rates, not bad
 * event data: it propagates to the caller, so {@code ingest} throws for that event having applied
 * nothing, {@code ingestAll} stops there (the events before it are applied and reported), and a
 * metric snapshot, {@code clvValues} or a split that needs the rate fails.
 *
 * <pre>{@code
 * ExchangeRates rates = ExchangeRates.fixed("USD", Map.of("GBP", new BigDecimal("1.27"), "EUR", new BigDecimal("1.08")));
 * rates.rate("GBP", "USD", Instant.now()); // Optional[1.27]
 * }</pre>
 */
@FunctionalInterface
public interface ExchangeRates {
  /** No rates at all: only orders in the reporting currency (or without one) count. */
  ExchangeRates NONE = (from, to, at) -> Optional.empty();

  /**
   * What one unit of {@code from} was worth in units of {@code to} at {@code at}.
   *
   * @param from an upper-case three-letter currency code, never equal to {@code to}
   * @param to the reporting currency's upper-case three-letter code
   * @param at the time of the order
   * @return the rate (must be &gt; 0), or empty if it is not known; an order without a rate is
   *     not counted as revenue, and its event records why
   */
  Optional<BigDecimal> rate(String from, String to, Instant at);

  /**
   * Fixed rates into one currency, whatever the time: {@code ratesInto.get(c)} is what one unit
   * of currency {@code c} is worth in {@code into}. Fine for tests, demos and hosts that fix
   * their rates for a reporting period; asked for any other pair, it knows no rate. {@link
   * RevenueRules#withRates} accepts them only for rules whose reporting currency is {@code into}.
   *
   * @param into the three-letter code of the currency the rates are in
   * @param ratesInto rate by three-letter currency code, each &gt; 0
   * @throws IllegalArgumentException naming the code if a code is not three letters A–Z
   *     (upper case), a rate is not &gt; 0, or {@code into} itself has a rate other than 1 (it would
   *     never be used: an order in the reporting currency counts as given)
   */
  static ExchangeRates fixed(String into, Map<String, BigDecimal> ratesInto) {
    String target = RevenueRules.checkCode("into", into);
    requireNonNull(ratesInto, "ratesInto");
    ImmutableMap.Builder<String, BigDecimal> b = ImmutableMap.builderWithExpectedSize(ratesInto.size());
    ratesInto.forEach((code, rate) -> {
      RevenueRules.checkCode("ratesInto key", code);
      requireNonNull(rate, "ratesInto value");
      checkArgument(rate.signum() > 0, "rate of %s must be > 0: %s", code, rate);
      // Never asked (an order in the reporting currency counts as given): a rate other than 1 is a mistake.
      checkArgument(!code.equals(target) || rate.compareTo(BigDecimal.ONE) == 0,
          "rate of %s into itself must be 1 (or left out): %s", code, rate);
      b.put(code, rate);
    });
    return new FixedExchangeRates(target, b.buildOrThrow());
  }
}
