package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** The embedded default {@link ProfileCountStore}: on the heap, nothing persisted. Thread-safe. */
public final class InMemoryProfileCountStore implements ProfileCountStore {
  private final ConcurrentSkipListMap<LocalDate, DailyProfileCounts> byDate = new ConcurrentSkipListMap<>();

  /** An empty store. */
  public InMemoryProfileCountStore() {}

  @Override
  public void put(DailyProfileCounts counts) {
    requireNonNull(counts, "counts");
    byDate.put(counts.date(), counts);
  }

  @Override
  public Optional<DailyProfileCounts> get(LocalDate date) {
    return Optional.ofNullable(byDate.get(requireNonNull(date, "date")));
  }

  @Override
  public List<DailyProfileCounts> range(LocalDate from, LocalDate to) {
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    checkArgument(!to.isBefore(from), "to must not be before from: %s < %s", to, from);
    return ImmutableList.copyOf(byDate.subMap(from, true, to, true).values());
  }
}
