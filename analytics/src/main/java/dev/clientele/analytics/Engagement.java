package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The engagement of one profile as of a day.
 *
 * @param asOf the day (UTC) the figures end with
 * @param level the level by the thresholds used
 * @param lastActiveDay the UTC day of the last active event on or before {@code asOf}; empty if none
 * @param activeDays distinct days with an active event in the thresholds' window ending with {@code asOf}
 */
public record Engagement(LocalDate asOf, EngagementLevel level, Optional<LocalDate> lastActiveDay, int activeDays) {

  /** Validates the figures. */
  public Engagement {
    requireNonNull(asOf, "asOf");
    requireNonNull(level, "level");
    requireNonNull(lastActiveDay, "lastActiveDay");
    checkArgument(activeDays >= 0, "activeDays must be >= 0: %s", activeDays);
    checkArgument(lastActiveDay.isEmpty() || !lastActiveDay.get().isAfter(asOf),
        "lastActiveDay must not be after asOf: %s > %s", lastActiveDay.orElse(null), asOf);
    checkArgument(lastActiveDay.isPresent() || activeDays == 0, "activeDays without a last active day: %s", activeDays);
  }
}
