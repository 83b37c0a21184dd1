package dev.clientele.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;

/**
 * A chart series with one row per day: a date and named numeric columns (e.g. {@code total},
 * {@code reachable}, {@code unreachable} for profiles over time; {@code mau} for trended MAU).
 * Any analytics series adapts to it with {@link #generated} (values computed day by day, as they
 * are written) or {@link #builder} (values already at hand). Immutable.
 *
 * <pre>{@code
 * DailySeries mau = DailySeries.generated(List.of("mau"), from, to,
 *     day -> List.of(clientele.mau(day).mau()));
 * SeriesExporter.writeCsv(mau, CsvOptions.defaults(), out);
 * }</pre>
 */
public final class DailySeries {
  private final ImmutableList<String> columns;
  private final LocalDate from;
  private final LocalDate to;
  private final Function<LocalDate, ? extends List<? extends Number>> values;

  private DailySeries(List<String> columns, LocalDate from, LocalDate to, Function<LocalDate, ? extends List<? extends Number>> values) {
    this.columns = ImmutableList.copyOf(columns);
    this.from = from;
    this.to = to;
    this.values = values;
  }

  /**
   * A series from {@code from} to {@code to} (both included) whose values {@code values} computes
   * for each day when the series is written, so nothing is held in memory.
   *
   * @throws IllegalArgumentException if a column name is blank, repeated or {@code date}, or
   *     {@code to} is before {@code from}
   */
  public static DailySeries generated(List<String> columns, LocalDate from, LocalDate to,
      Function<LocalDate, ? extends List<? extends Number>> values) {
    checkColumns(columns);
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    return new DailySeries(columns, from, to, requireNonNull(values, "values"));
  }

  /** A builder for a series of known values, added day after day. */
  public static Builder builder(List<String> columns) {
    checkColumns(columns);
    return new Builder(columns);
  }

  private static void checkColumns(List<String> columns) {
    requireNonNull(columns, "columns");
    checkArgument(!columns.isEmpty(), "a series needs at least one column");
    var seen = new HashSet<String>();
    for (String c : columns) {
      checkArgument(c != null && !c.isBlank(), "column names must not be null or blank");
      checkArgument(!c.equals("date"), "'date' is the name of the first column; choose another");
      checkArgument(seen.add(c), "column %s is named twice", c);
    }
  }

  /** The value columns (the CSV also starts with {@code date}). */
  public List<String> columns() {
    return columns;
  }

  /** The first day. */
  public LocalDate from() {
    return from;
  }

  /** The last day (included). */
  public LocalDate to() {
    return to;
  }

  /**
   * The values of {@code day}, in column order.
   *
   * @throws IllegalArgumentException if the day is outside the series
   * @throws IllegalStateException if the series gives a wrong number of values or a null
   */
  public List<? extends Number> values(LocalDate day) {
    requireNonNull(day, "day");
    checkArgument(!day.isBefore(from) && !day.isAfter(to), "day %s is outside %s..%s", day, from, to);
    List<? extends Number> v = values.apply(day);
    checkState(v != null && v.size() == columns.size(), "the series gave %s values for %s; it has %s columns",
        v == null ? "null" : v.size(), day, columns.size());
    for (Number n : v) {
      checkState(n != null, "the series gave a null value for %s", day);
    }
    return v;
  }

  /** Builds a {@link DailySeries} from values added one day at a time, without gaps. Not thread-safe. */
  public static final class Builder {
    private final List<String> columns;
    private final List<List<Number>> rows = new ArrayList<>();
    private LocalDate first;
    private LocalDate last;

    private Builder(List<String> columns) {
      this.columns = List.copyOf(columns);
    }

    /**
     * Adds the values of {@code day}, which must be the day after the last one added.
     *
     * @throws IllegalArgumentException if the day is not the next, or the values do not match the columns
     */
    public Builder day(LocalDate day, List<? extends Number> values) {
      requireNonNull(day, "day");
      requireNonNull(values, "values");
      checkArgument(last == null || day.equals(last.plusDays(1)),
          "one row per day, in order and without gaps: %s follows %s", day, last);
      checkArgument(values.size() == columns.size(), "%s values for %s columns on %s", values.size(), columns.size(), day);
      values.forEach(v -> requireNonNull(v, "value"));
      if (first == null) {
        first = day;
      }
      last = day;
      rows.add(List.copyOf(values));
      return this;
    }

    /**
     * Builds the series.
     *
     * @throws IllegalStateException if no day was added
     */
    public DailySeries build() {
      checkState(first != null, "a series needs at least one day");
      LocalDate start = first;
      List<List<Number>> copy = List.copyOf(rows);
      return new DailySeries(columns, start, last, d -> copy.get((int) (d.toEpochDay() - start.toEpochDay())));
    }
  }
}
