package dev.clientele.analytics;

import java.util.Map;

/**
 * A value model with named parameters: a {@link PurchaseModel} or the
 * {@link GammaGammaModel spend model}. Implementations are immutable and thread-safe.
 */
public sealed interface ParametricModel permits PurchaseModel, GammaGammaModel {
  /** The model's short name, as the CLI prints it ({@code bgnbd}, {@code gammagamma}, ...). */
  String name();

  /**
   * The parameters by their published names, in the published order (BG/NBD and MBG/NBD
   * {@code r, alpha, a, b}; Pareto/NBD {@code r, alpha, s, beta}; Gamma-Gamma {@code p, q, v}).
   */
  Map<String, Double> params();
}
