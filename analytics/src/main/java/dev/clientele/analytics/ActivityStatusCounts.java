package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;

/**
 * How many profiles have each {@link ActivityStatus} as of a day.
 *
 * @param date the day
 * @param counts profiles per status (every status present)
 */
public record ActivityStatusCounts(LocalDate date, Map<ActivityStatus, Long> counts) {
  /** Validates and copies. */
  public ActivityStatusCounts {
    requireNonNull(date, "date");
    Map<ActivityStatus, Long> all = new EnumMap<>(ActivityStatus.class);
    for (ActivityStatus s : ActivityStatus.values()) {
      all.put(s, requireNonNull(counts, "counts").getOrDefault(s, 0L));
      checkArgument(all.get(s) >= 0, "counts must be >= 0: %s", all.get(s));
    }
    counts = ImmutableMap.copyOf(all);
  }

  /** The count of one status. */
  public long count(ActivityStatus status) {
    return counts.get(requireNonNull(status, "status"));
  }

  /** The number of profiles counted. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
