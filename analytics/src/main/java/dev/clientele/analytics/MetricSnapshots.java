package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Event;
import dev.clientele.core.EventData;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import dev.clientele.core.RevenueRules;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Per-profile metrics from the profile's timeline (the events anchored at its identifiers, so a
 * merged person's history is one): the {@link MetricSnapshot} and a {@link MetricPoint} series by
 * day, week or month.
 *
 * <p>An event's <em>value</em> is the number in its data under the value key ({@code total} by
 * default, the order total of the event format); an event without a numeric value counts with
 * value zero. Values are added as given: the metrics know no currency, so the value of a metric whose
 * events come in several currencies mixes them. The order summary of a {@link MetricSnapshot} counts
 * the {@code order} events its {@link RevenueRules} count as revenue, as the ingest pipeline does
 * (converted into the reporting currency where one is set). "The last 30 days" as of D are D−29 through D, whole UTC days.
 * Thread-safe.
 *
 * <pre>{@code
 * MetricSnapshots metrics = new MetricSnapshots(storage);
 * MetricSnapshot s = metrics.snapshot(profileId, LocalDate.parse("2026-10-31"));
 * List<MetricPoint> weekly = metrics.series(profileId, new MetricKey("order", "purchase"),
 *     LocalDate.parse("2026-09-01"), LocalDate.parse("2026-10-31"), Granularity.WEEK);
 * }</pre>
 */
public final class MetricSnapshots {
  /** The default data key of an event's value. */
  public static final String DEFAULT_VALUE_KEY = "total";
  private static final int WINDOW_DAYS = 30;
  private static final int MAX_POINTS = 10_000;

  private final Storage storage;
  private final String valueKey;
  private final RevenueRules revenue;

  /** Metrics over {@code storage}, valued by {@link #DEFAULT_VALUE_KEY}, orders in any currency. */
  public MetricSnapshots(Storage storage) {
    this(storage, DEFAULT_VALUE_KEY);
  }

  /** Metrics over {@code storage}, valued by the number under {@code valueKey} in event data, orders in any currency. */
  public MetricSnapshots(Storage storage, String valueKey) {
    this(storage, valueKey, RevenueRules.anyCurrency());
  }

  /**
   * Metrics over {@code storage}, valued by the number under {@code valueKey} in event data; the
   * snapshots' order summaries count orders by {@code revenue} (pass the rules the profiles were
   * built with, {@code Clientele.revenueRules()}).
   */
  public MetricSnapshots(Storage storage, String valueKey, RevenueRules revenue) {
    this.storage = requireNonNull(storage, "storage");
    this.valueKey = requireNonNull(valueKey, "valueKey");
    checkArgument(!valueKey.isBlank(), "valueKey must not be blank");
    this.revenue = requireNonNull(revenue, "revenue");
  }

  /**
   * The snapshot of {@code profile} as of the end of {@code asOf} (UTC).
   *
   * @throws NoSuchElementException if there is no such profile
   */
  public MetricSnapshot snapshot(ProfileId profile, LocalDate asOf) {
    requireNonNull(asOf, "asOf");
    Instant end = asOf.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant windowStart = asOf.minusDays(WINDOW_DAYS - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<MetricKey, long[]> counts = new TreeMap<>();
    Map<MetricKey, BigDecimal[]> values = new TreeMap<>();
    OrderSummary orders = OrderSummary.NONE;
    List<String> ignored = new ArrayList<>();
    for (StoredEvent se : timeline(profile)) {
      Event e = se.event();
      if (!e.timestamp().isBefore(end)) {
        break;
      }
      MetricKey key = new MetricKey(e.type(), e.action());
      long[] c = counts.computeIfAbsent(key, k -> new long[2]);
      BigDecimal[] v = values.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
      BigDecimal value = value(e);
      c[1]++;
      v[1] = v[1].add(value);
      if (!e.timestamp().isBefore(windowStart)) {
        c[0]++;
        v[0] = v[0].add(value);
      }
      if (e.type().equals("order")) {
        Optional<BigDecimal> counted = revenue.revenueOf(e, ignored);
        ignored.clear(); // the reasons were recorded when the event was ingested
        if (counted.isPresent()) {
          orders = orders.plus(counted.get(), e.timestamp());
        }
      }
    }
    List<MetricSummary> metrics = new ArrayList<>();
    counts.forEach((k, c) -> metrics.add(new MetricSummary(k, c[0], values.get(k)[0], c[1], values.get(k)[1])));
    return new MetricSnapshot(profile, asOf, metrics, orders);
  }

  /**
   * The series of one metric of {@code profile}: one point per period from the period holding
   * {@code from} through the one holding {@code to}; periods without events have zeros. Only
   * events from the start of {@code from} through the end of {@code to} count, so a partial first
   * or last period holds only its days inside the frame.
   *
   * @throws NoSuchElementException if there is no such profile
   * @throws IllegalArgumentException if {@code to} is before {@code from}, or the frame has more
   *     than 10,000 points
   */
  public List<MetricPoint> series(ProfileId profile, MetricKey metric, LocalDate from, LocalDate to, Granularity granularity) {
    requireNonNull(metric, "metric");
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(granularity, "granularity");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    LocalDate firstStart = granularity.start(from);
    long points = switch (granularity) {
      case DAY -> ChronoUnit.DAYS.between(firstStart, to) + 1;
      case WEEK -> ChronoUnit.WEEKS.between(firstStart, to) + 1;
      case MONTH -> ChronoUnit.MONTHS.between(firstStart, to.withDayOfMonth(1)) + 1;
    };
    checkArgument(points <= MAX_POINTS, "series must have at most %s points: %s", MAX_POINTS, points);
    TreeMap<LocalDate, long[]> counts = new TreeMap<>();
    TreeMap<LocalDate, BigDecimal> values = new TreeMap<>();
    for (LocalDate p = firstStart; !p.isAfter(to); p = granularity.next(p)) {
      counts.put(p, new long[1]);
      values.put(p, BigDecimal.ZERO);
    }
    Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    for (StoredEvent se : timeline(profile)) {
      Event e = se.event();
      if (e.timestamp().isBefore(start) || !e.timestamp().isBefore(end) || !e.type().equals(metric.type())
          || !e.action().equals(metric.action())) {
        continue;
      }
      LocalDate period = granularity.start(LocalDate.ofInstant(e.timestamp(), ZoneOffset.UTC));
      counts.get(period)[0]++;
      values.merge(period, value(e), BigDecimal::add);
    }
    ImmutableList.Builder<MetricPoint> out = ImmutableList.builder();
    counts.forEach((p, c) -> out.add(new MetricPoint(p, c[0], values.get(p))));
    return out.build();
  }

  private List<StoredEvent> timeline(ProfileId id) {
    requireNonNull(id, "profile");
    Profile p = storage.profile(id).orElseThrow(() -> new NoSuchElementException("no profile with id " + id));
    return storage.events(p.identifiers().stream().map(IdentifierState::identifier).toList());
  }

  private BigDecimal value(Event e) {
    return EventData.number(e.data(), valueKey).orElse(BigDecimal.ZERO);
  }
}
