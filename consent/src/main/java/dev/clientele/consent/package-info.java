/**
 * Consent, deliverability and reachability: the consent ledger ({@link ConsentLedger}), the
 * reachability policy and its evaluation with reasons ({@link ReachabilityPolicy},
 * {@link ReachabilityEvaluator}), audience counts and mailing-list sync ({@link Audience}), and
 * erasure with salted tombstones ({@link Erasure}, {@link ErasurePolicy}, {@link ErasureReport}).
 *
 * <p>The ingest pipeline applies the {@code consent}, {@code reachability}, {@code list} and
 * {@code compliance} events of the design's vocabulary through
 * {@code dev.clientele.consent.internal}, which is not API. The portability bundle is in the
 * export module.
 */
package dev.clientele.consent;
