package dev.clientele.analytics;

import static java.util.Objects.requireNonNull;

import dev.clientele.consent.AudienceCounts;
import dev.clientele.core.Channel;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Profiles on one day: how many existed and how many were reachable on each channel and on any
 * channel, under a reachability policy.
 *
 * @param date the day (UTC)
 * @param counts total, per-channel and reachable-on-any counts
 */
public record DailyProfileCounts(LocalDate date, AudienceCounts counts) {
  /** Validates the pair. */
  public DailyProfileCounts {
    requireNonNull(date, "date");
    requireNonNull(counts, "counts");
  }

  /** Profiles that existed by the end of the day. */
  public long total() {
    return counts.total();
  }

  /**
   * The day's point for one channel, or for "any channel" when {@code channel} is empty: total,
   * reachable and unreachable.
   */
  public ProfileCountPoint point(Optional<Channel> channel) {
    requireNonNull(channel, "channel");
    long reachable = channel.map(c -> counts.channels().get(c).reachable()).orElse(counts.reachableAny());
    return new ProfileCountPoint(date, counts.total(), reachable, counts.total() - reachable);
  }
}
