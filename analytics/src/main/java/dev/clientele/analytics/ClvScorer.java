package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Scores customers with a fitted purchase model and, optionally, a spend model: the per-customer
 * rows of the {@code clv} command ({@code p_alive, expected_purchases_365d, predicted_clv,
 * churn_risk}). Immutable and thread-safe; one instance can score any number of customers in
 * parallel.
 *
 * <p>Predicted CLV is {@code E[M | x, zbar]} times the expected purchases in the horizon
 * (purchases and spend are independent in these models). With a discount rate {@code d} per
 * year, the horizon is cut into 12 equal steps and the purchases expected in step {@code k} are
 * discounted by {@code (1 + d)^-(k * step / 365 days)} (end of step), as in Fader, Hardie &amp; Lee
 * (2005, JMR) and lifetimes; without discounting this is exactly {@code E[Y(horizon)] E[M]}.
 * Historic CLV is the customer's {@link RfmSummary#historicValue()}; total CLV adds the
 * predicted CLV to it.
 *
 * <p><b>Win-back.</b> A customer is flagged as overdue when they are a repeat customer (at least
 * two orders, {@code x >= 1}, so that they have a purchase rhythm of their own) and either
 * <ul>
 *   <li>the time since their last order, {@code T - t_x}, exceeds {@code winBackGapMultiple}
 *       times their own mean time between orders, {@code t_x / x}; or
 *   <li>their P(alive) is below {@code winBackAliveBelow}.
 * </ul>
 * The first is the relative form of the "hiatus" heuristic that Wübben &amp; von Wangenheim
 * (2008, "Instant customer base analysis: managerial heuristics often 'get it right'", Journal
 * of Marketing 72(3):82-93) found to classify active and inactive customers as well as the
 * Pareto/NBD and BG/NBD do; scaling the hiatus by the customer's own inter-purchase time lets one
 * rule serve weekly and yearly buyers. The second is the model-based classification those
 * authors compare it with, a cut-off on P(alive) (0.5 in Reinartz &amp; Kumar 2000, "On the
 * profitability of long-life customers in a noncontractual setting", Journal of Marketing
 * 64(4):17-35). Defaults: 2 and 0.5. Set {@code winBackGapMultiple} to infinity or
 * {@code winBackAliveBelow} to 0 to use only the other rule. One-time buyers ({@code x = 0}) are
 * never flagged: they have no rhythm to be late on, and in BG/NBD their P(alive) is 1.
 *
 * <p><b>Infinite expected spend.</b> A Gamma-Gamma fit may give {@code q <= 1}; then customers
 * with {@code p x + q <= 1} (every one-time buyer) have an infinite expected spend
 * ({@link GammaGammaModel#isFiniteFor}). Their rows carry {@code NaN} as expected spend and
 * predicted CLV and an empty total CLV; scoring never throws for it. {@link
 * Eligibility#withSpendModel} names the condition.
 *
 * <p><b>Customers that cannot be scored.</b> A figure of the purchase model may have no value that
 * its evaluation can vouch for (an {@link ArithmeticException} from the model: a hypergeometric
 * series that does not converge within its bound, say, for extreme fitted parameters and a long
 * horizon). Then that customer's row is <em>not scorable</em> ({@link CustomerValue#scorable()}
 * is false): {@code expectedPurchases} and {@code predictedClv} are {@code NaN} and
 * {@code totalClv} is empty; any other purchase figure that also fails is {@code NaN} (a
 * {@code NaN} churn risk has band {@link ChurnRisk#HIGH}, so that an unknown risk is not reported
 * as low) or, for {@code daysToNextOrder}, empty. {@link #score}, {@link #scoreAll} and
 * {@link #scoreEach} never throw an {@link ArithmeticException} for one customer: the rest of the
 * batch is scored as usual.
 */
public final class ClvScorer {
  private final PurchaseModel purchases;
  private final Optional<GammaGammaModel> spend;
  private final Options options;

  /**
   * Horizon, discounting, order window and churn bands.
   *
   * @param timeUnit the unit of the summaries the models were fitted on
   * @param horizonDays the CLV horizon in days (DESIGN.md: 365)
   * @param annualDiscountRate the discount rate per year, {@code >= 0} (0: undiscounted)
   * @param orderWindowDays the window of {@link CustomerValue#probabilityOfOrder()} (30)
   * @param mediumChurnRisk churn risk from which the band is {@link ChurnRisk#MEDIUM}
   * @param highChurnRisk churn risk from which the band is {@link ChurnRisk#HIGH}
   * @param winBackGapMultiple a repeat customer is overdue when the time since the last order
   *     exceeds this multiple of their mean time between orders ({@code > 0}; infinity: never)
   * @param winBackAliveBelow a repeat customer is overdue when P(alive) is below this (in
   *     {@code [0, 1]}; 0: never)
   */
  public record Options(PeriodUnit timeUnit, double horizonDays, double annualDiscountRate,
      double orderWindowDays, double mediumChurnRisk, double highChurnRisk, double winBackGapMultiple,
      double winBackAliveBelow) {
    /** Validates the options. */
    public Options {
      requireNonNull(timeUnit, "timeUnit");
      checkArgument(horizonDays >= 0 && Double.isFinite(horizonDays), "horizonDays must be finite and >= 0: %s", horizonDays);
      checkArgument(annualDiscountRate >= 0 && Double.isFinite(annualDiscountRate),
          "annualDiscountRate must be finite and >= 0: %s", annualDiscountRate);
      checkArgument(orderWindowDays >= 0 && Double.isFinite(orderWindowDays),
          "orderWindowDays must be finite and >= 0: %s", orderWindowDays);
      checkArgument(mediumChurnRisk >= 0 && mediumChurnRisk <= highChurnRisk && highChurnRisk <= 1,
          "churn thresholds must satisfy 0 <= medium <= high <= 1: %s, %s", mediumChurnRisk, highChurnRisk);
      checkArgument(winBackGapMultiple > 0, "winBackGapMultiple must be > 0: %s", winBackGapMultiple);
      checkArgument(winBackAliveBelow >= 0 && winBackAliveBelow <= 1, "winBackAliveBelow must be in [0, 1]: %s",
          winBackAliveBelow);
    }

    /** Options with the default win-back rule (gap multiple 2, P(alive) below 0.5). */
    public Options(PeriodUnit timeUnit, double horizonDays, double annualDiscountRate, double orderWindowDays,
        double mediumChurnRisk, double highChurnRisk) {
      this(timeUnit, horizonDays, annualDiscountRate, orderWindowDays, mediumChurnRisk, highChurnRisk, 2, 0.5);
    }

    /**
     * The defaults: 365-day horizon, no discounting, 30-day order window, churn risk bands
     * low &lt; 0.5 &lt;= medium &lt; 0.8 &lt;= high; win-back at a gap of twice the customer's mean time
     * between orders or P(alive) below 0.5.
     */
    public static Options defaults(PeriodUnit timeUnit) {
      return new Options(timeUnit, 365, 0, 30, 0.5, 0.8);
    }

    /**
     * A copy with a CLV horizon of {@code days} days, e.g.
     * {@code Options.defaults(PeriodUnit.WEEK).withHorizonDays(730).withAnnualDiscountRate(0.1)}.
     */
    public Options withHorizonDays(double days) {
      return new Options(timeUnit, days, annualDiscountRate, orderWindowDays, mediumChurnRisk, highChurnRisk,
          winBackGapMultiple, winBackAliveBelow);
    }

    /** A copy discounting future spend at {@code rate} per year ({@code >= 0}). */
    public Options withAnnualDiscountRate(double rate) {
      return new Options(timeUnit, horizonDays, rate, orderWindowDays, mediumChurnRisk, highChurnRisk,
          winBackGapMultiple, winBackAliveBelow);
    }

    /** A copy whose probability of ordering looks {@code days} days ahead. */
    public Options withOrderWindowDays(double days) {
      return new Options(timeUnit, horizonDays, annualDiscountRate, days, mediumChurnRisk, highChurnRisk,
          winBackGapMultiple, winBackAliveBelow);
    }

    /** A copy whose churn bands start at {@code medium} and {@code high} churn risk. */
    public Options withChurnBands(double medium, double high) {
      return new Options(timeUnit, horizonDays, annualDiscountRate, orderWindowDays, medium, high,
          winBackGapMultiple, winBackAliveBelow);
    }

    /**
     * A copy whose win-back rule flags a repeat customer whose time since the last order exceeds
     * {@code gapMultiple} times their mean time between orders, or whose P(alive) is below
     * {@code aliveBelow}.
     */
    public Options withWinBack(double gapMultiple, double aliveBelow) {
      return new Options(timeUnit, horizonDays, annualDiscountRate, orderWindowDays, mediumChurnRisk, highChurnRisk,
          gapMultiple, aliveBelow);
    }
  }

  /**
   * A scorer.
   *
   * @param purchases the fitted purchase model
   * @param spend the fitted spend model, if monetary values were available
   * @param options horizon, discounting and bands; {@code options.timeUnit()} must be the unit
   *     the models were fitted in
   */
  public ClvScorer(PurchaseModel purchases, Optional<GammaGammaModel> spend, Options options) {
    this.purchases = requireNonNull(purchases, "purchases");
    this.spend = requireNonNull(spend, "spend");
    this.options = requireNonNull(options, "options");
  }

  /** The horizon, discounting, order window and bands this scorer uses, with the unit its models were fitted in. */
  public Options options() {
    return options;
  }

  /**
   * Scores one customer; a customer the purchase model cannot evaluate gets a row that is not
   * {@linkplain CustomerValue#scorable() scorable} (see the class comment) rather than an exception.
   */
  public CustomerValue score(RfmSummary customer) {
    requireNonNull(customer, "customer");
    PeriodUnit unit = options.timeUnit();
    int x = customer.frequency();
    double tx = customer.recency();
    double age = customer.age();
    double horizon = unit.fromDays(options.horizonDays());
    double window = unit.fromDays(options.orderWindowDays());
    try {
      double alive = purchases.probabilityAlive(x, tx, age);
      double expected = purchases.conditionalExpectedPurchases(horizon, x, tx, age);
      double order = 1 - purchases.probabilityNoPurchase(window, x, tx, age);
      double median = purchases.medianTimeToNextPurchase(x, tx, age);
      return value(customer, alive, expected, order, median, horizon);
    } catch (ArithmeticException e) {
      // not scorable: keep what can be computed, NaN for the rest (no money figure without purchases)
      double alive = orNaN(() -> purchases.probabilityAlive(x, tx, age));
      double order = 1 - orNaN(() -> purchases.probabilityNoPurchase(window, x, tx, age));
      double median = orNaN(() -> purchases.medianTimeToNextPurchase(x, tx, age));
      return value(customer, alive, Double.NaN, order, Double.isNaN(median) ? Double.POSITIVE_INFINITY : median,
          horizon);
    }
  }

  /** {@code figure}'s value, or {@code NaN} when the model cannot evaluate it. */
  private static double orNaN(java.util.function.DoubleSupplier figure) {
    try {
      return figure.getAsDouble();
    } catch (ArithmeticException e) {
      return Double.NaN;
    }
  }

  /**
   * Scores every customer of {@code customers}, in order: the same values as {@link #score} for
   * each, computed faster for BG/NBD and MBG/NBD. Their expected purchases are
   * {@code P(alive)} times a hypergeometric term that depends only on {@code (x, T)}, as does the
   * chance that an alive customer stays quiet through the order window; both are computed once
   * per distinct {@code (x, T)} of the batch (data summarised from dated transactions has few),
   * leaving two logarithms and an exponential per customer. Without discounting only; otherwise,
   * and for Pareto/NBD, this is {@link #score} per customer. A customer that cannot be scored gets
   * a row that is not {@linkplain CustomerValue#scorable() scorable} (see the class comment); the
   * others are scored as usual.
   *
   * @throws NullPointerException if {@code customers} or an element is null
   */
  public List<CustomerValue> scoreAll(Collection<RfmSummary> customers) {
    requireNonNull(customers, "customers");
    List<CustomerValue> out = new ArrayList<>(customers.size());
    scoreEach(customers, out::add);
    return Collections.unmodifiableList(out);
  }

  /**
   * {@link #scoreAll} without holding the results: hands each customer's value to {@code sink}
   * in the order of {@code customers}, so that a million customers can be scored and written
   * out without a million results in memory.
   *
   * @throws NullPointerException if an argument or an element of {@code customers} is null
   */
  public void scoreEach(Collection<RfmSummary> customers, Consumer<? super CustomerValue> sink) {
    requireNonNull(customers, "customers");
    requireNonNull(sink, "sink");
    int shift;
    double r;
    double alpha;
    double a;
    double b;
    if (purchases instanceof BgNbdModel m && options.annualDiscountRate() == 0) {
      shift = 0;
      r = m.r();
      alpha = m.alpha();
      a = m.a();
      b = m.b();
    } else if (purchases instanceof MbgNbdModel m && options.annualDiscountRate() == 0) {
      shift = 1;
      r = m.r();
      alpha = m.alpha();
      a = m.a();
      b = m.b();
    } else {
      for (RfmSummary c : customers) {
        sink.accept(score(c));
      }
      return;
    }
    PeriodUnit unit = options.timeUnit();
    double horizon = unit.fromDays(options.horizonDays());
    double window = unit.fromDays(options.orderWindowDays());
    PairCache cache = new PairCache();
    for (RfmSummary c : customers) {
      requireNonNull(c, "customers must not contain null");
      int x = c.frequency();
      double tx = c.recency();
      double age = c.age();
      int slot = cache.slot(x, age);
      double ifAlive;
      double quiet;
      double oddsBase; // ln(a/(b+n-1)): the log-odds of being dead, less (r+x) ln((alpha+T)/(alpha+t_x))
      if (slot >= 0 && cache.filled(slot)) {
        ifAlive = cache.expected[slot];
        quiet = cache.quiet[slot];
        oddsBase = cache.oddsBase[slot];
      } else {
        try {
          ifAlive = BetaGeometric.expectedIfAlive(r, alpha, a, b, shift, horizon, x, age);
        } catch (ArithmeticException e) {
          ifAlive = Double.NaN; // not scorable; cached too, so the pair is not tried again
        }
        quiet = Math.exp(-(r + x) * Math.log1p(window / (alpha + age)));
        oddsBase = x + shift == 0 ? Double.NEGATIVE_INFINITY : Math.log(a / (b + x + shift - 1));
        if (slot >= 0) {
          cache.put(slot, x, age, ifAlive, quiet, oddsBase);
        }
      }
      double d = oddsBase + (r + x) * Math.log1p((age - tx) / (alpha + tx)); // as BetaGeometric.logOddsDead
      double alive;
      if (d > 0) {
        double e = Math.exp(-d);
        alive = e / (1 + e);
      } else {
        alive = 1 / (1 + Math.exp(d));
      }
      double expected = ifAlive * alive;
      double order = alive * (1 - quiet); // 1 - P(no purchase) = 1 - (1 - A + A quiet)
      double median = BetaGeometric.medianFromAlive(r, alpha, x, age, alive);
      sink.accept(value(c, alive, expected, order, median, horizon));
    }
  }

  /** The row for {@code customer} from its purchase-model figures (no discounting). */
  private CustomerValue value(RfmSummary customer, double alive, double expected, double order, double median,
      double horizon) {
    int x = customer.frequency();
    double tx = customer.recency();
    double age = customer.age();
    double perPurchase = 0;
    double clv = 0;
    boolean money = spend.isPresent();
    if (money && Double.isNaN(expected)) {
      // not scorable: the purchases are unknown, so is their value (the spend figure is not)
      perPurchase = spend.get().isFiniteFor(x) ? spend.get().conditionalExpectedSpend(x, customer.monetaryValue())
          : Double.NaN;
      clv = Double.NaN;
      money = false;
    } else if (money && !spend.get().isFiniteFor(x)) {
      // The spend model's expectation is infinite for this customer (q <= 1 and x = 0, say):
      // no money figure, rather than an exception in the middle of a batch.
      perPurchase = Double.NaN;
      clv = Double.NaN;
      money = false;
    } else if (money) {
      perPurchase = spend.get().conditionalExpectedSpend(x, customer.monetaryValue());
      clv = perPurchase * discountedPurchases(x, tx, age, horizon, expected);
    }
    double risk = 1 - alive;
    ChurnRisk band = Double.isNaN(risk) || risk >= options.highChurnRisk() ? ChurnRisk.HIGH
        : risk >= options.mediumChurnRisk() ? ChurnRisk.MEDIUM : ChurnRisk.LOW;
    OptionalDouble days = median == Double.POSITIVE_INFINITY ? OptionalDouble.empty()
        : OptionalDouble.of(median * options.timeUnit().days());
    OptionalDouble historic = customer.historicValue();
    OptionalDouble total = historic.isPresent() && money
        ? OptionalDouble.of(historic.getAsDouble() + clv) : OptionalDouble.empty();
    boolean winBack = x >= 1
        && ((age - tx) > options.winBackGapMultiple() * (tx / x) || alive < options.winBackAliveBelow());
    return new CustomerValue(customer.customerId(), alive, expected, order, perPurchase, clv, risk, band,
        days, historic, total, winBack);
  }

  /**
   * Per-{@code (x, T)} terms of one {@link #scoreAll} batch: an open-addressing table of fixed
   * size that stops taking entries when half full (the rest are computed per customer).
   */
  private static final class PairCache {
    private static final int CAPACITY = 1 << 16;
    final int[] x = new int[CAPACITY];
    final double[] age = new double[CAPACITY];
    final double[] expected = new double[CAPACITY];
    final double[] quiet = new double[CAPACITY];
    final double[] oddsBase = new double[CAPACITY];
    final boolean[] used = new boolean[CAPACITY];
    int size;

    /** The slot holding {@code (x, age)} or the empty slot for it; -1 when full and absent. */
    int slot(int f, double t) {
      int i = (int) RfmGroups.mix(f, Double.doubleToLongBits(t + 0.0), 0) & (CAPACITY - 1);
      while (used[i]) {
        if (x[i] == f && age[i] == t) {
          return i;
        }
        i = (i + 1) & (CAPACITY - 1);
      }
      return size < CAPACITY / 2 ? i : -1;
    }

    boolean filled(int i) {
      return used[i];
    }

    void put(int i, int f, double t, double e, double q, double o) {
      oddsBase[i] = o;
      used[i] = true;
      x[i] = f;
      age[i] = t;
      expected[i] = e;
      quiet[i] = q;
      size++;
    }
  }

  private double discountedPurchases(int x, double tx, double age, double horizon, double expected) {
    if (options.annualDiscountRate() == 0 || horizon == 0) {
      return expected;
    }
    int steps = 12;
    double logDiscountPerDay = Math.log1p(options.annualDiscountRate()) / 365;
    double total = 0;
    double before = 0;
    for (int k = 1; k <= steps; k++) {
      double cumulative = k == steps ? expected
          : purchases.conditionalExpectedPurchases(horizon * k / steps, x, tx, age);
      double days = options.horizonDays() * k / steps;
      total += (cumulative - before) * Math.exp(-logDiscountPerDay * days);
      before = cumulative;
    }
    return total;
  }
}
