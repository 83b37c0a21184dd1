package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import dev.clientele.core.Channel;
import java.util.Map;

/**
 * How many profiles are reachable, per channel and on any channel.
 *
 * @param total profiles counted
 * @param channels per channel: reachable and unreachable, which add up to {@code total}
 * @param reachableAny profiles reachable on at least one channel
 */
public record AudienceCounts(long total, Map<Channel, ChannelCount> channels, long reachableAny) {
  /**
   * One channel's counts.
   *
   * @param reachable profiles reachable on the channel
   * @param unreachable the others
   */
  public record ChannelCount(long reachable, long unreachable) {
    /** Validates the counts. */
    public ChannelCount {
      checkArgument(reachable >= 0 && unreachable >= 0, "reachable and unreachable must be >= 0: %s, %s", reachable, unreachable);
    }
  }

  /** Validates and copies. */
  public AudienceCounts {
    channels = ImmutableMap.copyOf(requireNonNull(channels, "channels"));
    checkArgument(channels.size() == Channel.values().length, "every channel must be counted");
    for (ChannelCount c : channels.values()) {
      checkArgument(c.reachable() + c.unreachable() == total, "reachable + unreachable must equal total: %s", c);
    }
    checkArgument(reachableAny >= 0 && reachableAny <= total, "reachableAny must be in [0, total]: %s", reachableAny);
  }
}
