package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A profile's interest in one category: the sum over its interactions with the category of the
 * action's weight times {@code 2^(-age / halfLife)}.
 *
 * @param category the category, as named in event data
 * @param score the decayed, weighted score (> 0)
 * @param interactions the number of interactions behind it
 */
public record CategoryScore(String category, double score, long interactions) {
  /** Validates the score. */
  public CategoryScore {
    requireNonNull(category, "category");
    checkArgument(Double.isFinite(score) && score >= 0, "score must be finite and >= 0: %s", score);
    checkArgument(interactions >= 1, "interactions must be >= 1: %s", interactions);
  }
}
