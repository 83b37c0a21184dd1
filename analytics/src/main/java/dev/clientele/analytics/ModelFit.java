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
 *     information (delta method through the log-parameters); empty when the maximum lies on the
 *     boundary of the parameter space and the information matrix is singular
 * @param <M> the model type
 */
public record ModelFit<M extends ParametricModel>(
    M model, double logLikelihood, long customers, Map<String, Double> standardErrors) {
  /** Validates the fit and copies {@code standardErrors}, keeping its order. */
  public ModelFit {
    requireNonNull(model, "model");
    requireNonNull(standardErrors, "standardErrors");
    checkArgument(Double.isFinite(logLikelihood), "logLikelihood must be finite: %s", logLikelihood);
    checkArgument(customers > 0, "customers must be > 0: %s", customers);
    standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
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
    return new ModelFit<>(model, result.logLikelihood(), Math.round(customers), se);
  }
}
