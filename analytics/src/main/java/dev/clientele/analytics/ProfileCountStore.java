package dev.clientele.analytics;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Where recorded daily profile counts are kept (SPI). {@link InMemoryProfileCountStore} is the
 * embedded default; a host that records counts nightly (see
 * {@link ProfilesOverTime#record(LocalDate, ProfileCountStore)}) usually puts them in its own
 * database, one row per day.
 *
 * <p>Contract: one entry per date; {@link #put} replaces the entry of its date atomically;
 * {@link #range} returns entries in ascending date order. Implementations must be safe for
 * concurrent use.
 */
public interface ProfileCountStore {
  /** Stores {@code counts}, replacing any entry of the same date. */
  void put(DailyProfileCounts counts);

  /** The entry of {@code date}, if one was recorded. */
  Optional<DailyProfileCounts> get(LocalDate date);

  /**
   * The recorded entries from {@code from} through {@code to} (inclusive), ascending; days
   * without an entry are absent.
   *
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  List<DailyProfileCounts> range(LocalDate from, LocalDate to);
}
