package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model fitted by maximum likelihood, with what the CLI reports about the fit.
 *
 * @param model the fitted model (its {@link ParametricModel#params() params} are the estimates)
 * @param logLikelihood the maximised log-likelihood over all customers used
 * @param customers the number of customers the fit used (for Gamma-Gamma: the repeat buyers)
 * @param standardErrors asymptotic standard errors by parameter name, from the inverse observed
 *     information (delta method through the log-parameters); empty when that matrix is singular
 *     (the point lies on the boundary of the parameter space, or the search stopped short of a
 *     maximum: see {@code convergence}), very large when it is nearly singular
 * @param convergence whether the optimiser reached a maximum, and if not, why it stopped; only
 *     {@link Convergence#CONVERGED} says that {@link #model()} maximises the likelihood
 * @param <M> the model type
 */
public record ModelFit<M extends ParametricModel>(
    M model, double logLikelihood, long customers, Map<String, Double> standardErrors, Convergence convergence) {
  /**
   * How the maximum-likelihood search ended. Every fit returns the best point the search found;
   * this says whether that point is a verified maximum. Only {@link #CONVERGED} is. After
   * {@link #BOUNDARY} the log-likelihood is near its supremum but some parameters are arbitrary
   * (often running towards 0 or infinity, on data with no interior maximum, e.g. too few
   * customers or no sign of drop-out); after the other two the point may be short of the maximum.
   * Predictions from such a model deserve less trust: a host should say so, or try another model.
   */
  public enum Convergence {
    /**
     * The search converged to an interior maximum: the gain a further Newton step predicts is at
     * the rounding level of the log-likelihood, and the log-likelihood curves down there in every
     * direction by more than the accuracy of its computed curvature. Standard errors are present.
     */
    CONVERGED,
    /**
     * The search ended on a ridge that runs to the boundary of the parameter space: a parameter
     * reached the edge of the search (above about 9e16 or below 1e-17), or the log-likelihood is
     * flat along some direction (its Hessian is not negative definite there, or only by a
     * curvature at the level of its computational error, or so weakly that a parameter's standard
     * error spans the whole searchable range). Standard errors are then empty, or present and
     * very large. The log-likelihood is close to its supremum, but parameters along the flat
     * direction are arbitrary, so compare fits by log-likelihood and do not read them.
     */
    BOUNDARY,
    /**
     * The search used up its iterations before its convergence test passed; the point is the
     * best one found, not a verified maximum.
     */
    STOPPED_AT_LIMIT,
    /**
     * The search could not go on because the log-likelihood could not be evaluated at the points
     * it needed next (a series that does not converge there, or needs more terms than the
     * Pareto/NBD fit's per-series bound allows; a value that is not finite), so it ended at the
     * best point it found before them, which is not a verified maximum. Standard errors may be
     * present or empty.
     */
    STOPPED_AT_UNEVALUABLE_POINTS;

    /** Whether this is {@link #CONVERGED}. */
    public boolean converged() {
      return this == CONVERGED;
    }
  }

  /** Validates the fit and copies {@code standardErrors}, keeping its order. */
  public ModelFit {
    requireNonNull(model, "model");
    requireNonNull(standardErrors, "standardErrors");
    requireNonNull(convergence, "convergence");
    checkArgument(Double.isFinite(logLikelihood), "logLikelihood must be finite: %s", logLikelihood);
    checkArgument(customers > 0, "customers must be > 0: %s", customers);
    standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
  }

  /**
   * A fit that reached its maximum, as this record described every fit before it reported
   * {@link #convergence()}: {@link Convergence#CONVERGED} when {@code standardErrors} is not
   * empty, {@link Convergence#BOUNDARY} (a maximum on the boundary) when it is.
   */
  public ModelFit(M model, double logLikelihood, long customers, Map<String, Double> standardErrors) {
    this(model, logLikelihood, customers, standardErrors,
        requireNonNull(standardErrors, "standardErrors").isEmpty() ? Convergence.BOUNDARY : Convergence.CONVERGED);
  }

  /**
   * Builds a fit from an optimiser result over log-parameters named {@code names}.
   *
   * @throws IllegalArgumentException if the optimiser could not evaluate the log-likelihood at any
   *     point it tried (its result then carries the failure value, which is finite but no fit)
   */
  static <M extends ParametricModel> ModelFit<M> of(M model, MaximumLikelihood.Result result, double customers,
      String... names) {
    checkArgument(result.logLikelihood() > MaximumLikelihood.FAILED,
        "summaries: the %s model could not be fitted (the log-likelihood could not be evaluated at any point tried)",
        model.name());
    Map<String, Double> se = new LinkedHashMap<>();
    double[][] cov = result.covariance();
    if (cov != null) {
      for (int i = 0; i < names.length; i++) {
        se.put(names[i], Math.exp(result.theta()[i]) * Math.sqrt(cov[i][i]));
      }
    }
    return new ModelFit<>(model, result.logLikelihood(), Math.round(customers), se, result.convergence());
  }
}
