/**
 * Analytics over profiles and events: monthly active users, activity status, profiles over time,
 * per-profile metrics and affinities, and the customer-value models.
 *
 * <h2>Activity and engagement (issue 5)</h2>
 *
 * <ul>
 *   <li>MAU: {@link dev.clientele.analytics.ActiveUsers} (exact; a fresh index per call) over an
 *       {@link dev.clientele.analytics.ActivityIndex}: each active event as (epoch day, dense
 *       profile ordinal) in two {@code int[]} sorted by day, so month-to-date is a bitset loop
 *       over one contiguous range and a trended series one pass. Sketch mode:
 *       {@link dev.clientele.analytics.MauSketches}, per-day HLL sketches (Apache DataSketches)
 *       whose union is month-to-date, relative standard error {@code 1.04/sqrt(2^lgK)}.
 *   <li>Ownership is resolved when the index is built: an event counts for the profile owning
 *       its anchor then; an owner that was merged away is followed to its survivor through the
 *       survivors' {@code mergedFrom}, so no merged-away id is ever counted. The index is a
 *       snapshot: after ingestion, merges, splits or erasures, build a new one (one pass over
 *       events and profiles); nothing is patched in place.
 *   <li>Activity status: {@link dev.clientele.analytics.ActivityStatuses} with
 *       {@link dev.clientele.analytics.ActivityThresholds}.
 *   <li>Profiles over time: {@link dev.clientele.analytics.ProfilesOverTime}, replayed per day
 *       from each profile's own events under the consent module's policy, or recorded daily into
 *       a {@link dev.clientele.analytics.ProfileCountStore} (in-memory default
 *       {@link dev.clientele.analytics.InMemoryProfileCountStore}).
 *   <li>Per profile: {@link dev.clientele.analytics.MetricSnapshots} (30-day and all-time count and
 *       value per type/action, the order summary; series by
 *       {@link dev.clientele.analytics.Granularity day, week or month}) and
 *       {@link dev.clientele.analytics.Affinities} (weighted, half-life-decayed category scores,
 *       {@link dev.clientele.analytics.AffinityRules}).
 *   <li>Every window is in whole UTC days ending with the day asked about.
 * </ul>
 *
 * <h2>Value models (issue 6)</h2>
 *
 * <p>Input is one {@link dev.clientele.analytics.RfmSummary} per customer, built from orders by
 * {@link dev.clientele.analytics.RfmSummaries#fromTransactions} or read from a summary CSV
 * ({@link dev.clientele.analytics.RfmSummaries#readSummaries}). The purchase models are
 * {@link dev.clientele.analytics.BgNbdModel BG/NBD}, {@link dev.clientele.analytics.MbgNbdModel
 * MBG/NBD} and {@link dev.clientele.analytics.ParetoNbdModel Pareto/NBD}, all
 * {@link dev.clientele.analytics.PurchaseModel}s; spend per purchase is the
 * {@link dev.clientele.analytics.GammaGammaModel Gamma-Gamma} model. Each model is an immutable
 * record of its parameters (published names and order, see
 * {@link dev.clientele.analytics.ParametricModel#params()}) with its predictions; its static
 * {@code fit} returns a {@link dev.clientele.analytics.ModelFit} (model, log-likelihood,
 * customers, standard errors). All times are in the unit of the summaries
 * ({@link dev.clientele.analytics.PeriodUnit}); a 365-day horizon is
 * {@code unit.fromDays(365)}.
 *
 * <p>Decisions recorded here:
 * <ul>
 *   <li>Only orders with a value &gt; 0 count (DESIGN.md). On CDNOW this drops 8 customers whose
 *       only purchase was worth 0.00, which BTYD keeps; every other summary equals BTYD's.
 *   <li>Purchases are merged per UTC day by default and times are day differences divided by
 *       the unit's length (weeks = days / 7), as in the literature's CDNOW summaries. Merging per
 *       ISO week is available.
 *   <li>Fitting is maximum likelihood in log-parameters (always valid): Commons Math's
 *       conjugate gradient with the models' analytic gradients (BG/NBD, MBG/NBD, Gamma-Gamma;
 *       Pareto/NBD uses central differences), then Newton steps on a finite-difference Hessian
 *       for full precision and the standard errors. Identical {@code (x, t_x, T)} rows are
 *       grouped; frequency- and time-only terms are computed once per distinct value.
 *   <li>Hypergeometric functions are summed after Euler's transformation so that neither
 *       overflow nor the removable singularity at {@code a = 1} arises (see the package-private
 *       {@code Hypergeometric}).
 *   <li>The two small CSV readers (summary and transaction tables) live here, in a
 *       package-private split-based reader, rather than in the export module or behind Jackson:
 *       they read two fixed numeric formats that are the models' input contract (both header
 *       conventions of the literature), so the module stays free of format libraries and the
 *       CLI and tests share one definition. General CSV/JSON writing stays in the export module.
 * </ul>
 *
 * <p>Classes other than the public types above are implementation details.
 */
package dev.clientele.analytics;
