package dev.clientele.consent;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import dev.clientele.core.Channel;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Account settings that decide the grey cases of reachability. Immutable; made by
 * {@link #builder()}. Changing the policy changes the next evaluation, never the stored facts.
 *
 * <p>Defaults (the design's): unknown consent counts as reachable on email and push (implicit
 * consent) but not on sms, which needs express consent; a CCPA opt-out blocks every channel.
 *
 * <pre>{@code
 * ReachabilityPolicy strict = ReachabilityPolicy.builder()
 *     .unknownConsentReachable(Channel.EMAIL, false)   // email needs an explicit opt-in too
 *     .build();
 * }</pre>
 */
public final class ReachabilityPolicy {
  private static final ReachabilityPolicy DEFAULTS = builder().build();

  private final ImmutableSet<Channel> unknownReachable;
  private final ImmutableSet<Channel> ccpaBlocked;

  private ReachabilityPolicy(Builder b) {
    Set<Channel> unknown = EnumSet.noneOf(Channel.class);
    Set<Channel> ccpa = EnumSet.noneOf(Channel.class);
    for (Channel c : Channel.values()) {
      if (b.unknownReachable.getOrDefault(c, c != Channel.SMS)) {
        unknown.add(c);
      }
      if (b.ccpaBlocks.getOrDefault(c, true)) {
        ccpa.add(c);
      }
    }
    this.unknownReachable = ImmutableSet.copyOf(unknown);
    this.ccpaBlocked = ImmutableSet.copyOf(ccpa);
  }

  /** The design's defaults; see the class comment. */
  public static ReachabilityPolicy defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether unknown consent counts as reachable on {@code channel}. */
  public boolean unknownConsentReachable(Channel channel) {
    return unknownReachable.contains(requireNonNull(channel, "channel"));
  }

  /** Whether a CCPA opt-out blocks marketing on {@code channel}. */
  public boolean ccpaBlocks(Channel channel) {
    return ccpaBlocked.contains(requireNonNull(channel, "channel"));
  }

  /**
   * Whether this policy reaches at least everyone {@code other} reaches: it accepts unknown
   * consent wherever {@code other} does, and lets CCPA block no channel that {@code other} lets through.
   */
  public boolean isAtLeastAsLooseAs(ReachabilityPolicy other) {
    return unknownReachable.containsAll(requireNonNull(other, "other").unknownReachable) && other.ccpaBlocked.containsAll(ccpaBlocked);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReachabilityPolicy p && unknownReachable.equals(p.unknownReachable) && ccpaBlocked.equals(p.ccpaBlocked);
  }

  @Override
  public int hashCode() {
    return unknownReachable.hashCode() * 31 + ccpaBlocked.hashCode();
  }

  @Override
  public String toString() {
    return "ReachabilityPolicy{unknownConsentReachable=" + unknownReachable + ", ccpaBlocks=" + ccpaBlocked + "}";
  }

  /** Builds a {@link ReachabilityPolicy}; each channel's setting may be set once. Not thread-safe. */
  public static final class Builder {
    private final Map<Channel, Boolean> unknownReachable = new EnumMap<>(Channel.class);
    private final Map<Channel, Boolean> ccpaBlocks = new EnumMap<>(Channel.class);

    private Builder() {}

    /**
     * Sets whether unknown consent counts as reachable on {@code channel}.
     *
     * @throws IllegalStateException if already set for this channel
     */
    public Builder unknownConsentReachable(Channel channel, boolean reachable) {
      requireNonNull(channel, "channel");
      checkState(!unknownReachable.containsKey(channel),
          "unknown-consent setting for %s was already set to %s", channel.key(), unknownReachable.get(channel));
      unknownReachable.put(channel, reachable);
      return this;
    }

    /**
     * Sets whether a CCPA opt-out blocks marketing on {@code channel}.
     *
     * @throws IllegalStateException if already set for this channel
     */
    public Builder ccpaBlocks(Channel channel, boolean blocks) {
      requireNonNull(channel, "channel");
      checkState(!ccpaBlocks.containsKey(channel),
          "ccpa setting for %s was already set to %s", channel.key(), ccpaBlocks.get(channel));
      ccpaBlocks.put(channel, blocks);
      return this;
    }

    /** Builds the policy. */
    public ReachabilityPolicy build() {
      return new ReachabilityPolicy(this);
    }
  }
}
