package dev.clientele.core;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How an {@code order} event's {@code data.total} becomes revenue: the order summaries of
 * profiles ({@link OrderSummary}, historic CLV, average order value, sorting by revenue) and the
 * orders the value models read.
 *
 * <p>Only totals above zero count (DESIGN: "{@code data.total} &gt; 0 counts as revenue"). Every
 * {@code order} event counts, whatever its action, once per event id: ingestion is idempotent by
 * event id, not by {@code data.order_id}. So an order sent again under a new event id counts
 * twice (give a re-sent order its first event id), and a refund or cancellation sent as an
 * {@code order} event with a positive total adds to revenue: send those under another type
 * ({@code refund}, say), which is stored as activity and never lowers revenue. What the rules
 * decide is the currency, read from {@code data.currency} (a three-letter code, any
 * case, surrounding blanks ignored):
 * <ul>
 *   <li>{@link #anyCurrency()} (the default): totals are added as given, whatever their
 *       currency. Right only when all orders are in one currency.
 *   <li>{@link #in in(code)}: revenue is in that reporting currency. An order in it, or without a
 *       currency, counts as given. An order in another currency counts converted at the rate
 *       {@link ExchangeRates} gives for the order's time, rounded half-even to the reporting
 *       currency's minor unit (where {@link Currency} knows it); without a rate, or with a
 *       currency that is not a three-letter code, it does not count, and the event records why
 *       (an ingest problem, counted). Amounts in two currencies are never added.
 * </ul>
 * The rules apply when an event is applied to a profile (ingestion, and the rebuilds of split and
 * erasure); summaries stored before a change of rules keep the figures of the old rules. Metric
 * snapshots and the orders the value models read apply the rules again when asked, so the rates
 * must give the same answer for a currency and a time whenever asked: a rate published after an
 * order was ingested (an order first not counted, then counted) makes those figures differ from
 * the profile's stored summary until the profile is rebuilt (a split rebuilds it).
 *
 * <pre>{@code
 * RevenueRules usd = RevenueRules.in("USD")
 *     .withRates(ExchangeRates.fixed("USD", Map.of("GBP", new BigDecimal("1.27"))));
 * Clientele clientele = Clientele.builder().revenueRules(usd).build();
 * }</pre>
 *
 * <p>Immutable and safe for concurrent use (if its {@link ExchangeRates} are).
 */
public final class RevenueRules {
  /** The event-data key holding an order's currency code. */
  public static final String CURRENCY_KEY = "currency";
  /** The event-data key holding an order's total. */
  public static final String TOTAL_KEY = "total";

  private static final RevenueRules ANY = new RevenueRules(null, ExchangeRates.NONE);

  private final String currency; // null: any currency
  private final ExchangeRates rates;
  private final int minorDigits; // < 0: no rounding of converted amounts

  private RevenueRules(String currency, ExchangeRates rates) {
    this.currency = currency;
    this.rates = rates;
    this.minorDigits = currency == null ? -1 : minorDigitsOf(currency);
  }

  /** Totals added as given, whatever {@code data.currency} says: the default, and the behaviour before these rules. */
  public static RevenueRules anyCurrency() {
    return ANY;
  }

  /**
   * Revenue in {@code currency}; orders in other currencies count only when {@link #withRates}
   * converts them.
   *
   * @param currency a three-letter code, A–Z in any case ({@code "usd"} is {@code "USD"})
   * @throws IllegalArgumentException naming {@code currency} if it is not three letters A–Z
   */
  public static RevenueRules in(String currency) {
    requireNonNull(currency, "currency");
    checkArgument(isCodeAnyCase(currency), "currency must be a three-letter currency code (A-Z): %s", Pii.mask(currency));
    return new RevenueRules(upper(currency), ExchangeRates.NONE);
  }

  /**
   * A copy that converts orders in other currencies with {@code rates}.
   *
   * @throws IllegalStateException if these rules take any currency (there is nothing to convert into)
   * @throws IllegalArgumentException if {@code rates} are {@linkplain ExchangeRates#fixed fixed
   *     rates} into another currency than the reporting one: they would never know a rate asked
   *     for, and no order in another currency would count
   */
  public RevenueRules withRates(ExchangeRates rates) {
    requireNonNull(rates, "rates");
    if (currency == null) {
      throw new IllegalStateException("rates need a reporting currency: use RevenueRules.in(code).withRates(rates)");
    }
    if (rates instanceof FixedExchangeRates fixed && !fixed.into().equals(currency)) {
      throw new IllegalArgumentException("rates are fixed into " + fixed.into() + ", not into the reporting currency "
          + currency + ": no order in another currency would count");
    }
    return new RevenueRules(currency, rates);
  }

  /** The reporting currency, or empty for {@link #anyCurrency()}. */
  public Optional<String> currency() {
    return Optional.ofNullable(currency);
  }

  /** The rates in use ({@link ExchangeRates#NONE} unless {@link #withRates} was called). */
  public ExchangeRates rates() {
    return rates;
  }

  /**
   * What {@code order} adds to revenue: empty if it is not an {@code order} event, its total is
   * missing, not a number or not above zero, or it is in a currency these rules cannot count.
   * Each reason other than "not an order" or "not above zero" is added to {@code problems} (no
   * personal data: the event id, the currency codes, never the raw value).
   *
   * @param order any event
   * @param problems receives the reason an order does not count
   * @throws RuntimeException whatever the host's {@link ExchangeRates} throws
   */
  public Optional<BigDecimal> revenueOf(Event order, List<String> problems) {
    requireNonNull(order, "order");
    requireNonNull(problems, "problems");
    if (!order.type().equals("order")) {
      return Optional.empty();
    }
    Optional<BigDecimal> total = EventData.number(order.data(), TOTAL_KEY);
    if (total.isEmpty()) {
      problems.add("order total missing or not a number in event " + order.id());
      return Optional.empty();
    }
    if (total.get().signum() <= 0) {
      return Optional.empty();
    }
    if (currency == null) {
      return total;
    }
    Object raw = order.data().get(CURRENCY_KEY);
    if (raw == null) {
      return total; // no currency given: the reporting one
    }
    String code = raw instanceof String s ? s.strip() : null;
    if (code == null || !isCodeAnyCase(code)) {
      problems.add("order not counted as revenue in event " + order.id() + ": its currency is not a three-letter code");
      return Optional.empty();
    }
    code = upper(code);
    if (code.equals(currency)) {
      return total;
    }
    Optional<BigDecimal> rate = rates.rate(code, currency, order.timestamp());
    requireNonNull(rate, "exchange rate lookup returned null");
    if (rate.isEmpty() || rate.get().signum() <= 0) {
      problems.add("order not counted as revenue in event " + order.id() + ": " + code
          + (rate.isEmpty() ? " has no exchange rate to " : " has an exchange rate to " + currency + " that is not > 0: ")
          + (rate.isEmpty() ? currency : rate.get().toPlainString()));
      return Optional.empty();
    }
    BigDecimal converted = total.get().multiply(rate.get());
    if (minorDigits >= 0 && converted.scale() > minorDigits) {
      converted = converted.setScale(minorDigits, RoundingMode.HALF_EVEN);
    }
    if (converted.signum() <= 0) {
      problems.add("order not counted as revenue in event " + order.id() + ": converted from " + code + " it rounds to 0 "
          + currency);
      return Optional.empty();
    }
    return Optional.of(converted);
  }

  @Override
  public String toString() {
    return currency == null ? "RevenueRules[any currency]" : "RevenueRules[in " + currency + "]";
  }

  static String checkCode(String name, String code) {
    requireNonNull(code, name);
    checkArgument(isCode(code), "%s must be a three-letter currency code (A-Z): %s", name, Pii.mask(code));
    return code;
  }

  private static boolean isCode(String code) {
    return isCodeAnyCase(code) && code.equals(upper(code));
  }

  /** Three ASCII letters in any case (checked before upper-casing: {@code "ı"} must not become {@code "I"}). */
  private static boolean isCodeAnyCase(String code) {
    if (code.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    return true;
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  private static int minorDigitsOf(String code) {
    try {
      return Currency.getInstance(code).getDefaultFractionDigits();
    } catch (IllegalArgumentException notIso) {
      return -1; // a host's own unit ("PTS"): converted amounts keep their digits
    }
  }
}
