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
 * identifier now, so a merged person's logins count together.
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
    Map<ProfileId, int[]> logins = logins(day);
    Map<ActivityStatus, Long> counts = new EnumMap<>(ActivityStatus.class);
    int[] none = new int[3];
    storage.forEachProfile(p -> {
      if (p.createdAt().isBefore(end)) {
        int[] c = logins.getOrDefault(p.id(), none);
        counts.merge(thresholds.classify(c[0], c[1], c[2]), 1L, Long::sum);
      }
    });
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
    Map<ProfileId, int[]> logins = logins(day);
    int[] none = new int[3];
    return id -> {
      int[] c = logins.getOrDefault(requireNonNull(id, "id"), none);
      return thresholds.classify(c[0], c[1], c[2]);
    };
  }

  /** Login counts per owning profile in the very-active, active and sleeper windows ending with {@code day}. */
  private Map<ProfileId, int[]> logins(LocalDate day) {
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant veryActiveFrom = day.minusDays(thresholds.veryActiveDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant activeFrom = day.minusDays(thresholds.activeDays() - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant sleeperFrom = day.minusMonths(thresholds.sleeperMonths()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant earliest = sleeperFrom.isBefore(activeFrom) ? sleeperFrom : activeFrom;
    Map<ProfileId, int[]> logins = new HashMap<>();
    try (Stream<StoredEvent> events = storage.allEvents()) {
      events.forEach(e -> {
        Instant t = e.event().timestamp();
        if (!e.event().type().equals(thresholds.loginType()) || !t.isBefore(end) || t.isBefore(earliest)) {
          return;
        }
        storage.owner(e.anchor()).ifPresent(owner -> {
          int[] c = logins.computeIfAbsent(owner, k -> new int[3]);
          if (!t.isBefore(sleeperFrom)) {
            c[2]++;
          }
          if (!t.isBefore(activeFrom)) {
            c[1]++;
          }
          if (!t.isBefore(veryActiveFrom)) {
            c[0]++;
          }
        });
      });
    }
    return logins;
  }
}
