package dev.clientele.identity;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How identifiers of one type take part in identity resolution.
 *
 * <pre>{@code
 * IdentifierPolicy.linking(10).withLimit(5, Duration.ofDays(7))   // five per profile a week
 * IdentifierPolicy.attachOnly(20)                                 // low confidence: never links
 * }</pre>
 *
 * @param priority higher links first; when a limit would be exceeded, the lowest-priority
 *     identifier is dropped from the link
 * @param limit the most values of this type a profile may hold; empty for no limit
 * @param window when present, no more than {@code limit} values may be <em>linked</em> to a
 *     profile within any span of this length (a sliding window; e.g. five anonymous ids a week).
 *     A value counts at its {@link dev.clientele.core.IdentifierState#linkedAt() link time}: the
 *     time of the event that attached it, kept through merges and splits and never moved by
 *     older events that arrive later (its first-seen time may move back; its link time does
 *     not). So the limit holds in whatever order events arrive; only a forced merge may exceed it
 * @param links whether an identifier of this type may join two profiles; when false it only
 *     attaches to the profile the event resolves to through other identifiers
 * @param unique whether two different values on one profile are forbidden: two profiles each
 *     holding a different value are never merged automatically (implies a limit of 1, and no
 *     window: a unique type's limit holds for all time)
 */
public record IdentifierPolicy(int priority, OptionalInt limit, Optional<Duration> window, boolean links, boolean unique) {
  /** Validates the policy. */
  public IdentifierPolicy {
    requireNonNull(limit, "limit");
    requireNonNull(window, "window");
    checkArgument(limit.isEmpty() || limit.getAsInt() >= 1, "limit must be >= 1: %s", limit);
    checkArgument(window.isEmpty() || limit.isPresent(), "a window needs a limit");
    checkArgument(window.isEmpty() || (!window.get().isNegative() && !window.get().isZero()), "window must be positive: %s", window);
    checkArgument(!unique || limit.isEmpty() || limit.getAsInt() == 1, "a unique type has a limit of 1: %s", limit);
    // A window would let a second value in once the first is a window old: no longer unique.
    checkArgument(!unique || window.isEmpty(), "a unique type holds one value ever, so it has no window: %s", window);
    if (unique) {
      limit = OptionalInt.of(1);
    }
  }

  /** A type that links profiles, with no limit. */
  public static IdentifierPolicy linking(int priority) {
    return new IdentifierPolicy(priority, OptionalInt.empty(), Optional.empty(), true, false);
  }

  /** A type that only attaches, with no limit. */
  public static IdentifierPolicy attachOnly(int priority) {
    return new IdentifierPolicy(priority, OptionalInt.empty(), Optional.empty(), false, false);
  }

  /** A unique type that links: one value per profile, conflicts refused. */
  public static IdentifierPolicy unique(int priority) {
    return new IdentifierPolicy(priority, OptionalInt.of(1), Optional.empty(), true, true);
  }

  /** A copy with a limit per profile. */
  public IdentifierPolicy withLimit(int max) {
    return new IdentifierPolicy(priority, OptionalInt.of(max), Optional.empty(), links, unique);
  }

  /**
   * A copy with a limit per profile within a sliding window.
   *
   * @throws IllegalArgumentException if this policy is unique (its one value is for all time)
   */
  public IdentifierPolicy withLimit(int max, Duration per) {
    return new IdentifierPolicy(priority, OptionalInt.of(max), Optional.of(requireNonNull(per, "per")), links, unique);
  }
}
