package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Regression for the bug hunt: an MBG/NBD fit on a small file gave r = 4.6e11, and scoring it
 * ({@code clientele clv --model mbgnbd --force}) failed with "hypergeometric series did not
 * converge" (exit 1): with p = a+b-1-r that negative, the convergence test waited for j > -p,
 * past the term limit, though the terms had long been negligible.
 */
class HypergeometricHuntTest {
  /** The series summed term by term until the terms vanish: the oracle. */
  private static double naive(double eps, double p, double c, double z) {
    double term = p * z / c;
    double g = term;
    for (int j = 1; j < 100_000 && term != 0; j++) {
      term *= (p + j) * (eps + j) * z / ((c + j) * (j + 1));
      g += term;
      if (j > 10 && Math.abs(term) < 1e-300) {
        break;
      }
    }
    double l = Math.log1p(-z);
    double first = eps == 0 ? -l : -Math.expm1(eps * l) / eps;
    return first - Math.exp(eps * l) * g;
  }

  @Test
  void scaledComplement_withAHugeNegativeP_convergesToTheSeriesSum() {
    double[][] cases = {
      {-0.992, -4.559e11, 2.5, 5.1e-12},
      {-0.5, -1e9, 3.0, 1e-9},
      {0.3, -2e7, 40.0, 3e-7},
      {-0.992, -4.559e11, 0.04, 2.9e-14},
    };
    for (double[] c : cases) {
      double expected = naive(c[0], c[1], c[2], c[3]);
      double actual = Hypergeometric.scaledComplement(c[0], c[1], c[2], c[3]);
      assertThat(actual).as("eps %s p %s c %s z %s", c[0], c[1], c[2], c[3])
          .isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
    }
  }
}
