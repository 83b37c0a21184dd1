package dev.clientele.consent;

import static java.util.Objects.requireNonNull;

import dev.clientele.core.Channel;
import dev.clientele.core.Consent;
import dev.clientele.core.Identifier;
import dev.clientele.core.IdentifierState;
import dev.clientele.core.Profile;
import dev.clientele.core.UndeliverableReason;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a profile may receive marketing on each channel, and says why.
 *
 * <p>A profile is reachable on a channel when an <em>eligible</em> identifier is deliverable and
 * not opted out (unknown consent passes where the {@link ReachabilityPolicy} allows it), and no
 * CCPA opt-out blocks the channel. For email and sms only the last-seen identifier is eligible;
 * for push every token is. Thread-safe and stateless apart from its policy.
 *
 * <pre>{@code
 * ChannelReachability email = new ReachabilityEvaluator(ReachabilityPolicy.defaults())
 *     .evaluate(profile, Channel.EMAIL);
 * email.reasons();  // ["email: last-seen email address hard-bounced on 2026-10-03"]
 * }</pre>
 */
public final class ReachabilityEvaluator {
  private final ReachabilityPolicy policy;

  /** An evaluator applying {@code policy}. */
  public ReachabilityEvaluator(ReachabilityPolicy policy) {
    this.policy = requireNonNull(policy, "policy");
  }

  /** The policy in force. */
  public ReachabilityPolicy policy() {
    return policy;
  }

  /** Evaluates every channel. */
  public Reachability evaluate(Profile profile) {
    requireNonNull(profile, "profile");
    Map<Channel, ChannelReachability> map = new EnumMap<>(Channel.class);
    for (Channel c : Channel.values()) {
      map.put(c, evaluate(profile, c));
    }
    return new Reachability(profile.id(), map);
  }

  /** Evaluates one channel. */
  public ChannelReachability evaluate(Profile profile, Channel channel) {
    requireNonNull(profile, "profile");
    requireNonNull(channel, "channel");
    String noun = noun(channel);
    List<IdentifierState> candidates =
        channel == Channel.PUSH
            ? profile.identifiers(channel.identifierType())
            : profile.lastSeen(channel.identifierType()).map(List::of).orElse(List.of());
    if (candidates.isEmpty()) {
      return unreachable(channel, List.of(channel.key() + ": no " + noun + " on the profile"));
    }
    List<String> blockers = new ArrayList<>();
    if (profile.isCcpaOptedOut() && policy.ccpaBlocks(channel)) {
      blockers.add(channel.key() + ": CCPA opt-out since " + day(profile.ccpaOptOutAt().orElseThrow()) + " blocks marketing");
    }
    List<Identifier> via = new ArrayList<>();
    List<String> passes = new ArrayList<>();
    String which = channel == Channel.PUSH ? "a push token" : "last-seen " + noun;
    for (IdentifierState s : candidates) {
      Optional<String> problem = problem(s, channel, which);
      if (problem.isPresent()) {
        blockers.add(problem.get());
      } else {
        via.add(s.identifier());
        passes.add(channel.key() + ": " + which + " is deliverable and "
            + (s.consent() == Consent.OPT_IN ? "opted in" : "of unknown consent, which the policy accepts"));
      }
    }
    boolean ccpaBlocked = profile.isCcpaOptedOut() && policy.ccpaBlocks(channel);
    if (via.isEmpty() || ccpaBlocked) {
      return unreachable(channel, blockers);
    }
    return new ChannelReachability(channel, true, via, passes);
  }

  /**
   * Whether the profile is reachable on {@code channel}: the same decision as
   * {@link #evaluate(Profile, Channel)}, without building reasons (for counts and sync filters).
   */
  public boolean isReachable(Profile profile, Channel channel) {
    requireNonNull(profile, "profile");
    requireNonNull(channel, "channel");
    if (profile.isCcpaOptedOut() && policy.ccpaBlocks(channel)) {
      return false;
    }
    if (channel != Channel.PUSH) {
      return profile.lastSeen(channel.identifierType()).map(s -> eligible(s, channel)).orElse(false);
    }
    for (IdentifierState s : profile.identifiers()) {
      if (s.type().equals(channel.identifierType()) && eligible(s, channel)) {
        return true;
      }
    }
    return false;
  }

  /** The identifier-level rule: deliverable, not opted out, unknown consent only where the policy accepts it. */
  private boolean eligible(IdentifierState s, Channel channel) {
    return s.deliverability().isDeliverable()
        && s.consent() != Consent.OPT_OUT
        && (s.consent() != Consent.UNKNOWN || policy.unknownConsentReachable(channel));
  }

  private Optional<String> problem(IdentifierState s, Channel channel, String which) {
    if (eligible(s, channel)) {
      return Optional.empty();
    }
    String prefix = channel.key() + ": " + which + " ";
    if (!s.deliverability().isDeliverable()) {
      UndeliverableReason r = s.deliverability().reason().orElseThrow();
      String when = s.deliverability().since().map(t -> " on " + day(t)).orElse("");
      return Optional.of(prefix + verb(r) + when);
    }
    if (s.consent() == Consent.OPT_OUT) {
      return Optional.of(prefix + "opted out" + s.consentAt().map(t -> " on " + day(t)).orElse(""));
    }
    if (s.consent() == Consent.UNKNOWN && !policy.unknownConsentReachable(channel)) {
      return Optional.of(prefix + "has unknown consent and " + channel.key() + " needs express consent");
    }
    return Optional.empty();
  }

  private static ChannelReachability unreachable(Channel channel, List<String> reasons) {
    return new ChannelReachability(channel, false, List.of(), reasons);
  }

  private static String verb(UndeliverableReason r) {
    return switch (r) {
      case HARD_BOUNCE -> "hard-bounced";
      case COMPLAINT -> "complained (marked as spam)";
      case INVALID -> "was reported invalid";
      case MALFORMED -> "is malformed";
    };
  }

  private static String noun(Channel c) {
    return switch (c) {
      case EMAIL -> "email address";
      case SMS -> "phone number";
      case PUSH -> "push token";
    };
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
