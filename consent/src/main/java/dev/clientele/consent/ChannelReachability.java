package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.clientele.core.Channel;
import dev.clientele.core.Identifier;
import java.util.List;

/**
 * Whether a profile is reachable on one channel, through which identifiers, and why.
 *
 * @param channel the channel
 * @param reachable whether marketing may be sent on it
 * @param via the identifiers a message may go to (empty when unreachable); for email and sms at
 *     most the last-seen one, for push every eligible token
 * @param reasons why, in words, e.g. {@code "email: last-seen email address hard-bounced on 2026-10-03"};
 *     never empty. Reasons name identifier types and dates, never values.
 */
public record ChannelReachability(Channel channel, boolean reachable, List<Identifier> via, List<String> reasons) {
  /** Validates and copies. */
  public ChannelReachability {
    requireNonNull(channel, "channel");
    via = ImmutableList.copyOf(requireNonNull(via, "via"));
    reasons = ImmutableList.copyOf(requireNonNull(reasons, "reasons"));
    checkArgument(reachable == !via.isEmpty(), "reachable exactly when some identifier is eligible");
    checkArgument(!reasons.isEmpty(), "reasons must not be empty");
  }
}
