/**
 * Identity resolution: identifier normalisation, blocked values and merge survivorship.
 *
 * <p>Entry points: {@link dev.clientele.identity.IdentityRules} (configuration) and
 * {@link dev.clientele.identity.IdentityResolver} (normalises an event's identifiers);
 * {@link dev.clientele.identity.Survivorship} combines profiles that are one person. The ingest
 * pipeline of the {@code Clientele} facade uses them; host code rarely needs to.
 *
 * <p>Decisions recorded here: emails are lower-cased whole (local part too) with
 * {@link java.util.Locale#ROOT}; a malformed identifier is attached to the profile its event
 * resolves to, marked undeliverable, and never causes a merge; a blocked identifier is kept in
 * the stored event (history is not rewritten) but attached to no profile.
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
