package dev.clientele.segments;

import dev.clientele.core.ProfileId;
import java.util.OptionalDouble;

/**
 * Per-profile numbers that Clientele does not keep on the profile but a segment may test:
 * predicted CLV, churn risk, probability of being alive, affinity scores. The host plugs in
 * whatever computes them (a fitted {@code ClvScorer}, an affinity model, a table it loaded).
 *
 * <p>Names by convention (any name matching {@link Condition#NAME} works):
 * <ul>
 *   <li>{@code clv.predicted}, {@code clv.total} — predicted and total customer value;
 *   <li>{@code churn_risk}, {@code p_alive} — 1 − P(alive) and P(alive);
 *   <li>{@code affinity.<category>} — the interest score for a category
 *       ({@link Condition#affinity}).
 * </ul>
 *
 * <p>Implementations must be safe for concurrent use and fast: the ingest path calls them for
 * the affected profile after every event when a segment uses a figure. A figure that changes
 * without an event (a model refit) reaches memberships at the next {@link Segments#refresh}.
 */
@FunctionalInterface
public interface FigureSource {
  /** A source with no figures: every figure condition is false. */
  FigureSource NONE = (profile, name) -> OptionalDouble.empty();

  /** The figure {@code name} of {@code profile}, or empty when it is not computed for it. */
  OptionalDouble figure(ProfileId profile, String name);
}
