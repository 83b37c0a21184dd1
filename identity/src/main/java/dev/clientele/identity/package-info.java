/**
 * Identity resolution: identifier normalisation, blocked values and merge survivorship.
 *
 * <p>Entry points: {@link dev.clientele.identity.IdentityRules} (configuration: per-type
 * {@link dev.clientele.identity.IdentifierPolicy}, caps, blocked values,
 * {@link dev.clientele.identity.SurvivorshipRules}) and
 * {@link dev.clientele.identity.IdentityResolver} (normalises an event's identifiers). What
 * ingestion reports comes back as {@link dev.clientele.identity.LinkPlan.Refusal} and
 * {@link dev.clientele.identity.Explanation}. The engine that applies the rules (link planning and
 * survivorship) is in {@code dev.clientele.identity.internal}, which is not API.
 *
 * <p>Decisions recorded here: emails are lower-cased whole (local part too) with
 * {@link java.util.Locale#ROOT}; a malformed identifier is attached to the profile its event
 * resolves to, marked undeliverable, and never causes a merge; a blocked identifier is kept in
 * the stored event (history is not rewritten) but attached to no profile.
 *
 * <p>Malformed values and arrival order. A malformed value is owned by one profile in the
 * identity index, like any identifier, so that an event carrying nothing else (a bounce or
 * consent for it, or {@code gdpr_delete} by it) finds the profile that holds it, and so that
 * erasure removes every copy. When the events of two people carry the same malformed value,
 * the first to arrive keeps it: the other's link to it is refused
 * ({@link dev.clientele.identity.LinkPlan.Rule#MALFORMED_ELSEWHERE}, recorded and counted), the
 * value is left out of that person's stored event, and a consent or bounce about it reaches its
 * holder. Which profile holds such a value is therefore the one part of the partition that
 * depends on arrival order; the partition of the linkable identifiers does not, because a
 * malformed value never joins two profiles. The alternative, a copy on each profile and no owner,
 * would need an index with several holders per value in every storage backend and would leave an
 * event carrying only that value without a profile; it was not chosen.
 *
 * <p>Windowed limits ({@link dev.clientele.identity.IdentifierPolicy#window()}) count each
 * identifier at the time it was linked to its profile
 * ({@link dev.clientele.core.IdentifierState#linkedAt()}), not at its first-seen time: first-seen
 * times move back when an older event arrives late, link times never move, and merges and splits
 * carry them over. After every automatic link, whatever the arrival order, a profile holds at
 * most {@code limit} values of a windowed type linked within any one window; forced merges
 * override limits, as they override every rule.
 */
package dev.clientele.identity;
