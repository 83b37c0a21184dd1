package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import dev.clientele.core.Channel;
import dev.clientele.core.ProfileId;
import java.util.Map;

/**
 * A profile's reachability on every channel.
 *
 * @param profile the profile
 * @param channels one evaluation per channel, in {@link Channel} order
 */
public record Reachability(ProfileId profile, Map<Channel, ChannelReachability> channels) {
  /** Validates and copies. */
  public Reachability {
    requireNonNull(profile, "profile");
    channels = ImmutableMap.copyOf(requireNonNull(channels, "channels"));
  }

  /** The evaluation for one channel. */
  public ChannelReachability on(Channel channel) {
    return channels.get(requireNonNull(channel, "channel"));
  }

  /** Whether the profile is reachable on at least one channel. */
  public boolean reachableOnAny() {
    return channels.values().stream().anyMatch(ChannelReachability::reachable);
  }
}
