/**
 * Segments and triggers: composable audience definitions, membership over time and enter/leave
 * callbacks.
 *
 * <p>The API: {@link dev.clientele.segments.Condition} (the predicate tree: attributes with
 * provenance, identifiers, consent, reachability, lists, event history, orders, host figures,
 * activity status, combined with and/or/not), {@link dev.clientele.segments.Segment} (a named
 * condition), {@link dev.clientele.segments.SegmentJson} (the documented JSON form),
 * {@link dev.clientele.segments.SegmentConfig} (definitions, listeners, figure source,
 * membership store) and {@link dev.clientele.segments.Segments} (evaluation, stored membership,
 * incremental re-evaluation, refresh, triggers). The SPI: {@link dev.clientele.segments.MembershipStore}
 * with the embedded {@link dev.clientele.segments.InMemoryMembershipStore}, and
 * {@link dev.clientele.segments.FigureSource} for values computed outside the profile (CLV,
 * churn risk, affinity). Other classes are package-private implementation.
 *
 * <p>Decisions recorded here:
 * <ul>
 *   <li>Every evaluation is <em>as of</em> an instant; time windows end at it and events after
 *       it are ignored. Incremental re-evaluation uses the clock's instant; time alone changes
 *       membership only through {@link dev.clientele.segments.Segments#refresh}, which the host
 *       schedules (see {@link dev.clientele.segments.Segments}).
 *   <li>Comparisons with a value the profile lacks are false; {@code not} makes them true.
 *       "Known" means present and non-empty ({@link dev.clientele.core.Attribute#isKnown()}),
 *       optionally set by a given source.
 *   <li>Membership "added on" is the as-of instant of the evaluation that saw the entry, not
 *       the event's timestamp: a late event does not back-date a membership.
 *   <li>Profiles merged away leave their segments (listeners get the leave with no profile);
 *       erased profiles leave and their history is erased.
 *   <li>Listeners run on one daemon thread behind a bounded queue. By default a writer that
 *       finds it full waits (after its evaluation, holding no lock; the trigger thread itself
 *       never waits), so no transition is lost while the instance is open; dropping instead is
 *       an explicit choice ({@link dev.clientele.segments.QueueFullPolicy#DROP}), counted.
 *       Delivery is never more than once, exactly once while open, and at most once across a
 *       process end (see {@link dev.clientele.segments.SegmentListener}).
 * </ul>
 */
package dev.clientele.segments;
