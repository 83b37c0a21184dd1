package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Activity status of every profile as of a day, in one pass over the events and one over the
 * profiles. Thread-safe.
 *
 * <p>Only profiles that existed by the end of the day (created at or before it) are counted,
 * and only logins up to the end of the day; a login counts for the profile that owns its anchor
 * identifier now, so a merged person's logins count together, once, for the surviving profile
 * (an owner that was merged away is followed to its survivor, never counted itself).
 *
 * <pre>{@code
 * ActivityStatusCounts c = new ActivityStatuses(storage, ActivityThresholds.defaults()).count(LocalDate.parse("2026-10-31"));
 * c.count(ActivityStatus.SLEEPER);
 * }</pre>
 */
public final class ActivityStatuses {
  private final Storage storage;
  private final ActivityThresholds thresholds;

  /** Statuses over {@code storage} by {@code thresholds}. */
  public ActivityStatuses(Storage storage, ActivityThresholds thresholds) {
    this.storage = requireNonNull(storage, "storage");
    this.thresholds = requireNonNull(thresholds, "thresholds");
  }

  /** Counts profiles per status as of the end of {@code day} (UTC). */
  public ActivityStatusCounts count(LocalDate day) {
    requireNonNull(day, "day");
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant veryActiveFrom = day.minusDays(thresholds.veryActiveDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant activeFrom = day.minusDays(thresholds.activeDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant sleeperFrom = day.minusMonths(thresholds.sleeperMonths()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant earliest = sleeperFrom.isBefore(activeFrom) ? sleeperFrom : activeFrom;
    Owners owners = Owners.of(storage);
    int[][] logins = new int[3][owners.size()];
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        Instant t = e.event().timestamp();
        if (!e.event().type().equals(thresholds.loginType()) || !t.isBefore(end) || t.isBefore(earliest)) {
          return;
        }
        int owner = owners.ordinal(e.anchor());
        if (owner < 0) {
          return;
        }
        if (!t.isBefore(veryActiveFrom)) {
          logins[0][owner]++;
        }
        if (!t.isBefore(activeFrom)) {
          logins[1][owner]++;
        }
        if (!t.isBefore(sleeperFrom)) {
          logins[2][owner]++;
        }
      });
    }
    Map<ActivityStatus, Long> counts = new EnumMap<>(ActivityStatus.class);
    for (int p = 0; p < owners.size(); p++) {
      if (owners.createdAt(p).isBefore(end)) {
        counts.merge(thresholds.classify(logins[0][p], logins[1][p], logins[2][p]), 1L, Long::sum);
      }
    }
    return new ActivityStatusCounts(day, counts);
  }
}
