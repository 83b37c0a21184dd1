package dev.clientele.analytics;

/**
 * The Gauss hypergeometric series in the forms the value models need, summed so that they
 * neither overflow nor cancel.
 *
 * <p>The closed forms of Fader, Hardie &amp; Lee (2005, "Counting your customers the easy way",
 * Marketing Science 24(2), eqs. 7 and 10) multiply a small power by a large
 * {@code 2F1(r+x, b+x; a+b+x-1; z)}, whose terms grow with {@code x}. Euler's transformation
 * {@code 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z)} (Abramowitz &amp; Stegun 15.3.3)
 * turns the product into {@code (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)}, a series whose
 * parameters no longer grow with {@code x} and whose denominator does, so it converges faster
 * for heavy buyers. Writing the second upper parameter as {@code eps = a - 1} and splitting off
 * the first term also removes the removable singularity of the published formulas at
 * {@code a = 1}.
 */
final class Hypergeometric {
  private static final int MAX_TERMS = 5_000_000;
  private static final double TOLERANCE = 1e-16;

  private Hypergeometric() {}

  /**
   * {@code [1 - (1-z)^eps * 2F1(p, eps; c; z)] / eps} for {@code 0 <= z < 1}, {@code c > 0},
   * extended continuously to {@code eps = 0}.
   *
   * <p>With {@code 2F1(p, eps; c; z) = 1 + eps * G}, {@code G = sum_{j>=1} (p)_j (1+eps)_{j-1}
   * z^j / ((c)_j j!)}, the value is {@code -expm1(eps L)/eps - exp(eps L) G} with
   * {@code L = ln(1-z)}; at {@code eps = 0} the first part is its limit {@code -L}.
   */
  static double scaledComplement(double eps, double p, double c, double z) {
    if (z == 0) {
      return 0;
    }
    double logOneMinusZ = Math.log1p(-z);
    double first = eps == 0 ? -logOneMinusZ : -Math.expm1(eps * logOneMinusZ) / eps;
    return first - Math.exp(eps * logOneMinusZ) * seriesTail(p, eps, c, z);
  }

  /** {@code sum_{j>=1} (p)_j (1+eps)_{j-1} z^j / ((c)_j j!)}. */
  private static double seriesTail(double p, double eps, double c, double z) {
    double term = p * z / c;
    double sum = term;
    // Past this index every factor of the term ratio is positive, so the ratio tends to z monotonically.
    double settled = Math.max(Math.max(-p, -eps), 1);
    for (int j = 1; j < MAX_TERMS; j++) {
      double ratio = (p + j) * (eps + j) * z / ((c + j) * (j + 1));
      term *= ratio;
      sum += term;
      if (j > settled) {
        // The tail is at most term * bound / (1 - bound) only while the terms shrink: with
        // z near 1 the ratio can exceed 1 for many terms (a+b-1-r + a-1 > a+b+x), and then the
        // series must go on, not stop on a negative "bound".
        double bound = Math.max(Math.abs(ratio), z);
        if (term == 0 || bound < 1 && Math.abs(term) / (1 - bound) <= TOLERANCE * Math.abs(sum)) {
          return sum;
        }
      } else if (p + j + 1 < 0) {
        // A very negative p (a huge fitted r) would put "settled" past MAX_TERMS. Every later ratio
        // is at most |p+j+1| * max(1, (eps+j+1)/(c+j+1)) * z / (j+2) while p+k < 0 (|p+k| falls, the
        // middle factor falls or stays below 1, z/(k+1) falls), and below z * that middle factor
        // after: when that bound is under 1, the tail is a geometric series at most
        // |term| * bound / (1 - bound).
        double middle = Math.max(1, (eps + j + 1) / (c + j + 1));
        double bound = Math.max(-(p + j + 1) * middle * z / (j + 2), z * middle);
        if (term == 0 || (bound < 1 && Math.abs(term) * bound / (1 - bound) <= TOLERANCE * Math.abs(sum))) {
          return sum;
        }
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z
        + " (prediction horizon too long for the fitted time scale, or fitted parameters out of range)");
  }

  /**
   * {@code ln 2F1(1, b; c; z)} for {@code 0 < b < c}, {@code 0 <= z < 1}: a series of positive,
   * decreasing terms (ratio {@code (b+j) z / (c+j) < z}), so the sum lies in
   * {@code [1, 1/(1-z))} and cannot overflow. Used by the Pareto/NBD likelihood.
   */
  static double logHyp2f1One(double b, double c, double z) {
    if (z == 0) {
      return 0;
    }
    double term = 1;
    double sum = 1;
    for (int j = 0; j < MAX_TERMS; j++) {
      double ratio = (b + j) * z / (c + j);
      term *= ratio;
      sum += term;
      if (term / (1 - Math.max(ratio, z)) <= TOLERANCE * sum) {
        return Math.log(sum);
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z);
  }

  /**
   * {@link #logHyp2f1One} with its partial derivatives: fills {@code d} with
   * {@code d/db, d/dc, d/dz} of {@code ln 2F1(1, b; c; z)}. With terms
   * {@code t_j = (b)_j z^j / (c)_j}, {@code dt_j/db = t_j sum_{i<j} 1/(b+i)},
   * {@code dt_j/dc = -t_j sum_{i<j} 1/(c+i)} and {@code dt_j/dz = j t_j / z}; the three sums ride
   * along the series and stop with it once the tail, weighted by the largest of those factors,
   * is below rounding.
   */
  static double logHyp2f1OneWithDerivatives(double b, double c, double z, double[] d) {
    if (z == 0) {
      d[0] = 0;
      d[1] = 0;
      d[2] = b / c;
      return 0;
    }
    double term = 1;
    double sum = 1;
    double sumB = 0;
    double sumC = 0;
    double sumZ = 0;
    double accB = 0;
    double accC = 0;
    for (int j = 0; j < MAX_TERMS; j++) {
      double ratio = (b + j) * z / (c + j);
      accB += 1 / (b + j);
      accC += 1 / (c + j);
      term *= ratio;
      sum += term;
      sumB += term * accB;
      sumC += term * accC;
      sumZ += (j + 1) * term;
      double tail = 1 - Math.max(ratio, z);
      if (term * (j + 2 + accB + accC) / (tail * tail) <= TOLERANCE * sum) {
        d[0] = sumB / sum;
        d[1] = -sumC / sum;
        d[2] = sumZ / (z * sum);
        return Math.log(sum);
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z);
  }

  /** The plain series {@code 2F1(a, b; c; z)} for {@code |z| < 1}; a reference for tests. */
  static double hyp2f1(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int j = 0; j < MAX_TERMS; j++) {
      term *= (a + j) * (b + j) * z / ((c + j) * (j + 1));
      sum += term;
      if (j > Math.max(-a, -b) && Math.abs(term) <= 1e-17 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z);
  }
}
