package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.EventData;
import dev.clientele.core.Pii;
import dev.clientele.core.ProfileId;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds and reads {@link RfmSummary recency/frequency/monetary summaries}.
 *
 * <p>From transactions, the conventions of the buy-till-you-die literature apply (they reproduce
 * the CDNOW summaries of Fader, Hardie &amp; Lee 2005 and BTYD's {@code cbs} exactly):
 * <ul>
 *   <li>only orders with an amount &gt; 0 dated on or before the calibration end count;
 *   <li>orders in the same purchase period (a UTC calendar day by default) are merged into one
 *       purchase whose value is their sum;
 *   <li>the first purchase period is the customer's birth: {@code frequency} counts the
 *       <em>other</em> periods with a purchase, {@code recency} is the time from the first to the
 *       last purchase period, {@code age} ({@code T}) the time from the first purchase period to
 *       the calibration end, and {@code monetaryValue} the mean value of the repeat purchases;
 *   <li>times are period-index differences converted to the time unit (a week is 7 days, so a
 *       day-merged summary in weeks has times {@code days / 7}, as CDNOW);
 *   <li>customers whose first counted order falls after the calibration end are left out.
 * </ul>
 * Rows come out in the order in which customers first appear in the input.
 *
 * <p>All methods are static, stateless and thread-safe.
 */
public final class RfmSummaries {
  private static final int MONDAY_EPOCH_DAY = 4; // 1970-01-05

  private RfmSummaries() {}

  /**
   * Summaries with purchases merged per UTC day and times in {@code timeUnit}.
   *
   * @param transactions the orders, in any order
   * @param calibrationEnd the last day (inclusive) of the calibration period
   * @param timeUnit the unit of recency and age
   * @return one summary per customer with a counted order on or before {@code calibrationEnd}
   */
  public static List<RfmSummary> fromTransactions(
      Collection<Transaction> transactions, LocalDate calibrationEnd, PeriodUnit timeUnit) {
    return fromTransactions(transactions, calibrationEnd, timeUnit, PeriodUnit.DAY);
  }

  /**
   * Summaries with the calibration period ending on the day of the last counted order.
   *
   * @throws IllegalArgumentException if no transaction has an amount &gt; 0
   */
  public static List<RfmSummary> fromTransactions(Collection<Transaction> transactions, PeriodUnit timeUnit) {
    requireNonNull(transactions, "transactions");
    LocalDate end = lastCountedDate(transactions).orElseThrow(
        () -> new IllegalArgumentException("transactions must hold an order with amount > 0"));
    return fromTransactions(transactions, end, timeUnit, PeriodUnit.DAY);
  }

  /**
   * Summaries with purchases merged per {@code purchasePeriod} (a UTC day, or an ISO week from
   * Monday) and times in {@code timeUnit}.
   */
  public static List<RfmSummary> fromTransactions(Collection<Transaction> transactions,
      LocalDate calibrationEnd, PeriodUnit timeUnit, PeriodUnit purchasePeriod) {
    requireNonNull(transactions, "transactions");
    requireNonNull(calibrationEnd, "calibrationEnd");
    requireNonNull(timeUnit, "timeUnit");
    requireNonNull(purchasePeriod, "purchasePeriod");
    long endPeriod = periodIndex(calibrationEnd, purchasePeriod);
    Map<String, Purchases> byCustomer = new LinkedHashMap<>();
    for (Transaction t : transactions) {
      requireNonNull(t, "transactions must not contain null");
      if (t.amount() > 0 && !t.date().isAfter(calibrationEnd)) {
        byCustomer.computeIfAbsent(t.customerId(), k -> new Purchases())
            .add(periodIndex(t.date(), purchasePeriod), t.amount());
      }
    }
    List<RfmSummary> out = new ArrayList<>(byCustomer.size());
    for (Map.Entry<String, Purchases> e : byCustomer.entrySet()) {
      out.add(e.getValue().summary(e.getKey(), endPeriod, purchasePeriod.days(), timeUnit.days()));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Holdout purchase counts: for every customer born on or before {@code calibrationEnd}, the
   * number of distinct purchase periods with a counted order in ({@code calibrationEnd},
   * {@code holdoutEnd}] (0 if none). This is {@code x*} of the calibration/holdout validation.
   *
   * @throws IllegalArgumentException if {@code holdoutEnd} is not after {@code calibrationEnd}
   */
  public static Map<String, Integer> holdoutFrequencies(Collection<Transaction> transactions,
      LocalDate calibrationEnd, LocalDate holdoutEnd, PeriodUnit purchasePeriod) {
    requireNonNull(transactions, "transactions");
    requireNonNull(calibrationEnd, "calibrationEnd");
    requireNonNull(holdoutEnd, "holdoutEnd");
    requireNonNull(purchasePeriod, "purchasePeriod");
    checkArgument(holdoutEnd.isAfter(calibrationEnd), "holdoutEnd %s must be after calibrationEnd %s",
        holdoutEnd, calibrationEnd);
    Map<String, Set<Long>> periods = new LinkedHashMap<>();
    for (Transaction t : transactions) {
      if (t.amount() > 0 && !t.date().isAfter(calibrationEnd)) {
        periods.computeIfAbsent(t.customerId(), k -> new HashSet<>());
      }
    }
    for (Transaction t : transactions) {
      if (t.amount() > 0 && t.date().isAfter(calibrationEnd) && !t.date().isAfter(holdoutEnd)) {
        Set<Long> s = periods.get(t.customerId());
        if (s != null) {
          s.add(periodIndex(t.date(), purchasePeriod));
        }
      }
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    periods.forEach((id, s) -> out.put(id, s.size()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * {@link #ordersOf(Storage, RevenueRules)} with {@link RevenueRules#anyCurrency()}: every
   * total &gt; 0 as given, whatever its currency.
   */
  public static List<Transaction> ordersOf(Storage storage) {
    return ordersOf(storage, RevenueRules.anyCurrency());
  }

  /**
   * The orders stored in {@code storage}, as transactions of the profiles that own them now:
   * every event that {@code rules} count as revenue (type {@code order}, {@code data.total} a
   * number &gt; 0, in or converted to the reporting currency: the rule the core applies to a
   * profile's revenue), with that amount, dated on its UTC day, with the profile id as customer
   * id. Events whose anchor identifier no longer has an owner (erased profiles) are skipped, and
   * so are orders the rules do not count. Reads the event store once, then the owner of each
   * counted order's anchor (after closing the event stream); feed the result to
   * {@link #fromTransactions}.
   *
   * @param storage where the events are
   * @param rules the revenue rules the profiles were built with (see {@code Clientele.revenueRules()})
   */
  public static List<Transaction> ordersOf(Storage storage, RevenueRules rules) {
    requireNonNull(storage, "storage");
    requireNonNull(rules, "rules");
    List<StoredEvent> orders = new ArrayList<>();
    List<BigDecimal> values = new ArrayList<>();
    List<String> ignored = new ArrayList<>(); // the reasons were recorded when the events were ingested
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        if (!e.event().type().equals("order")) {
          return;
        }
        Optional<BigDecimal> value = rules.revenueOf(e.event(), ignored);
        ignored.clear();
        if (value.isPresent()) {
          orders.add(e);
          values.add(value.get());
        }
      });
    }
    // The owners are read after the stream is closed: a backend's stream may hold its only
    // connection (or a cursor) until then.
    List<Transaction> out = new ArrayList<>(orders.size());
    Map<ProfileId, String> ids = new HashMap<>();
    for (int i = 0; i < orders.size(); i++) {
      StoredEvent e = orders.get(i);
      BigDecimal value = values.get(i);
      storage.owner(e.anchor()).ifPresent(owner -> out.add(Transaction.of(
          ids.computeIfAbsent(owner, ProfileId::value), e.event().timestamp(), value.doubleValue())));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Reads a summary CSV with a header row. Both header conventions of the literature are
   * accepted, case-insensitively: {@code customer_id}/{@code ID}, {@code frequency}/{@code x},
   * {@code recency}/{@code t_x}, {@code T}, and optionally {@code monetary_value}/{@code zbar}
   * (BTYD's {@code cust}, {@code t.x}, {@code T.cal} and {@code m.x} too). Other columns are
   * ignored. Without a monetary column every monetary value is 0. Numbers are read
   * locale-independently; times are in whatever unit the file was written in.
   *
   * @param in the CSV text; not closed
   * @throws IllegalArgumentException naming the line and column of the first malformed row, a
   *     missing column, or a repeated customer id
   * @throws IOException if reading fails
   */
  public static List<RfmSummary> readSummaries(Reader in) throws IOException {
    requireNonNull(in, "in");
    SimpleCsv csv = new SimpleCsv(in);
    int id = csv.requiredColumn("customer_id", "id", "cust");
    int x = csv.requiredColumn("frequency", "x");
    int tx = csv.requiredColumn("recency", "t_x", "t.x");
    int age = csv.requiredColumn("T", "T.cal");
    Optional<Integer> m = csv.column("monetary_value", "zbar", "m.x");
    List<RfmSummary> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (List<String> row = csv.next(); row != null; row = csv.next()) {
      String customer = csv.field(row, id);
      double f = csv.number(row, x);
      if (f < 0 || f != Math.rint(f) || f > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("line " + csv.lineNumber()
            + ": frequency must be a whole number >= 0: " + csv.field(row, x));
      }
      if (!seen.add(customer)) {
        throw new IllegalArgumentException("line " + csv.lineNumber() + ": repeated customer id "
            + Pii.mask(customer));
      }
      double money = m.isPresent() ? csv.number(row, m.get()) : 0;
      double recency = csv.number(row, tx);
      double t = csv.number(row, age);
      try {
        out.add(new RfmSummary(customer, (int) f, recency, t, money));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + csv.lineNumber() + ": " + e.getMessage(), e);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Reads a transaction CSV {@code customer_id,date,amount} with a header row ({@code id} and
   * {@code cust} are accepted for the id; {@code total}, {@code sales} and {@code value} for the
   * amount). Dates are {@code yyyy-MM-dd}, {@code yyyyMMdd}, {@code yyyy-MM-dd HH:mm[:ss]} (read
   * as UTC) or an ISO-8601 instant/offset date-time (converted to its UTC day).
   *
   * @param in the CSV text; not closed
   * @throws IllegalArgumentException naming the line of the first malformed row or a missing
   *     column
   * @throws IOException if reading fails
   */
  public static List<Transaction> readTransactions(Reader in) throws IOException {
    requireNonNull(in, "in");
    SimpleCsv csv = new SimpleCsv(in);
    int id = csv.requiredColumn("customer_id", "id", "cust");
    int date = csv.requiredColumn("date");
    int amount = csv.requiredColumn("amount", "total", "sales", "value");
    List<Transaction> out = new ArrayList<>();
    for (List<String> row = csv.next(); row != null; row = csv.next()) {
      String customer = csv.field(row, id);
      if (customer.isEmpty()) {
        throw new IllegalArgumentException("line " + csv.lineNumber() + ": customer_id is empty");
      }
      out.add(new Transaction(customer, parseDate(csv.field(row, date), csv.lineNumber()),
          csv.number(row, amount)));
    }
    return Collections.unmodifiableList(out);
  }

  static LocalDate parseDate(String s, int line) {
    try {
      if (s.length() == 8 && s.chars().allMatch(Character::isDigit)) {
        return LocalDate.parse(s, DateTimeFormatter.BASIC_ISO_DATE);
      }
      if (s.length() == 10) {
        return LocalDate.parse(s);
      }
      if (s.length() > 10 && s.charAt(10) == ' ') {
        return LocalDate.parse(s.substring(0, 10));
      }
      if (s.endsWith("Z") || s.endsWith("z")) {
        return LocalDate.ofInstant(Instant.parse(s), ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(s).atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("line " + line + ": date is not yyyy-MM-dd, yyyyMMdd or an "
          + "ISO-8601 date-time: '" + Pii.mask(s) + "'", e);
    }
  }

  static long periodIndex(LocalDate date, PeriodUnit period) {
    long day = date.toEpochDay();
    return period == PeriodUnit.DAY ? day : Math.floorDiv(day - MONDAY_EPOCH_DAY, 7);
  }

  private static Optional<LocalDate> lastCountedDate(Collection<Transaction> transactions) {
    LocalDate last = null;
    for (Transaction t : transactions) {
      if (t.amount() > 0 && (last == null || t.date().isAfter(last))) {
        last = t.date();
      }
    }
    return Optional.ofNullable(last);
  }

  /** One customer's counted orders: period indexes and amounts, merged when summarised. */
  private static final class Purchases {
    private long[] periods = new long[4];
    private double[] amounts = new double[4];
    private int n;

    void add(long period, double amount) {
      if (n == periods.length) {
        periods = Arrays.copyOf(periods, 2 * n);
        amounts = Arrays.copyOf(amounts, 2 * n);
      }
      periods[n] = period;
      amounts[n] = amount;
      n++;
    }

    /** Times are period differences times {@code periodDays / unitDays}, divided last (days / 7 exactly). */
    RfmSummary summary(String id, long endPeriod, int periodDays, int unitDays) {
      sortByPeriod();
      long first = periods[0];
      long last = first;
      int repeats = 0;
      double repeatValue = 0;
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += amounts[i];
        if (periods[i] != first) {
          repeatValue += amounts[i];
          if (periods[i] != last) {
            repeats++;
            last = periods[i];
          }
        }
      }
      double recency = (double) ((last - first) * periodDays) / unitDays;
      double age = (double) ((endPeriod - first) * periodDays) / unitDays;
      return new RfmSummary(id, repeats, recency, age, repeats == 0 ? 0 : repeatValue / repeats,
          OptionalDouble.of(total));
    }

    private void sortByPeriod() {
      if (n > 32) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Long.compare(periods[i], periods[j]));
        long[] p = new long[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          p[i] = periods[order[i]];
          a[i] = amounts[order[i]];
        }
        periods = p;
        amounts = a;
        return;
      }
      // Insertion sort: most customers have few orders, and it keeps amounts paired unboxed.
      for (int i = 1; i < n; i++) {
        long p = periods[i];
        double a = amounts[i];
        int j = i - 1;
        while (j >= 0 && periods[j] > p) {
          periods[j + 1] = periods[j];
          amounts[j + 1] = amounts[j];
          j--;
        }
        periods[j + 1] = p;
        amounts[j + 1] = a;
      }
    }
  }
}
