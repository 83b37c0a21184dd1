package dev.clientele.core;

import com.google.common.collect.ImmutableMap;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * The rates of {@link ExchangeRates#fixed}: a table into one currency, whatever the time. A class
 * of its own (not a lambda) so that {@link RevenueRules#withRates} can refuse a table into another
 * currency than the reporting one, which would never be asked for a rate it knows.
 *
 * @param into the upper-case code of the currency the rates are in
 * @param table rate by upper-case code of the currency converted from
 */
record FixedExchangeRates(String into, ImmutableMap<String, BigDecimal> table) implements ExchangeRates {
  @Override
  public Optional<BigDecimal> rate(String from, String to, Instant at) {
    return to.equals(into) ? Optional.ofNullable(table.get(from)) : Optional.empty();
  }
}
