package dev.clientele.analytics;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;

/**
 * A reference integral for tests, independent of the series the models use: composite
 * Gauss-Legendre (Commons Math's double-precision 20-point rule on 200 equal pieces), ample for
 * the smooth integrands here. (Commons Math's IterativeLegendreGaussIntegrator builds its rules
 * in BigDecimal and takes seconds on first use.)
 */
final class Quadrature {
  private static final GaussIntegratorFactory FACTORY = new GaussIntegratorFactory();

  private Quadrature() {}

  static double integrate(DoubleUnaryOperator f, double lo, double hi) {
    int pieces = 200;
    double width = (hi - lo) / pieces;
    double sum = 0;
    for (int i = 0; i < pieces; i++) {
      GaussIntegrator rule = FACTORY.legendre(20, lo + i * width, lo + (i + 1) * width);
      sum += rule.integrate(f::applyAsDouble);
    }
    return sum;
  }
}
