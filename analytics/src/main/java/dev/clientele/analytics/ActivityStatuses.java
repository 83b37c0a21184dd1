package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.ProfileId;
import dev.clientele.core.spi.Storage;
import dev.clientele.core.spi.StoredEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
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
    Logins l = logins(day);
    Map<ActivityStatus, Long> counts = new EnumMap<>(ActivityStatus.class);
    for (int p = 0; p < l.owners().size(); p++) {
      if (l.owners().createdAt(p).isBefore(end)) {
        counts.merge(thresholds.classify(l.counts()[0][p], l.counts()[1][p], l.counts()[2][p]), 1L, Long::sum);
      }
    }
    return new ActivityStatusCounts(day, counts);
  }

  /**
   * The status of each profile as of the end of {@code day} (UTC), for per-profile output such
   * as exports: one pass over the events now, then a map lookup per profile. Holds login counts
   * of the profiles that logged in during the sleeper window (not of every profile). A profile
   * created after the day is a sleeper by this function (it had no login by then).
   */
  public Function<ProfileId, ActivityStatus> statusesAsOf(LocalDate day) {
    requireNonNull(day, "day");
    Logins l = logins(day);
    Map<ProfileId, Integer> ordinals = new HashMap<>();
    for (int p = 0; p < l.owners().size(); p++) {
      if (l.counts()[2][p] > 0 || l.counts()[1][p] > 0) {
        ordinals.put(l.owners().id(p), p);
      }
    }
    return id -> {
      Integer p = ordinals.get(requireNonNull(id, "id"));
      return p == null ? thresholds.classify(0, 0, 0)
          : thresholds.classify(l.counts()[0][p], l.counts()[1][p], l.counts()[2][p]);
    };
  }

  /** Login counts per owner ordinal: [very active, active, sleeper window][ordinal]. */
  private record Logins(Owners owners, int[][] counts) {}

  /** Login counts per owning profile in the very-active, active and sleeper windows ending with {@code day}. */
  private Logins logins(LocalDate day) {
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
    return new Logins(owners, logins);
  }
}
