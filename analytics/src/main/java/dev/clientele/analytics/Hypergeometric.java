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
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z
        + " is too close to 1 (prediction horizon too long for the fitted time scale)");
  }

  /**
   * {@code ln 2F1(1, b; c; z)} for {@code 0 < b < c}, {@code 0 <= z < 1}: a series of positive,
   * decreasing terms (ratio {@code (b+j) z / (c+j) < z}), so the sum lies in
   * {@code [1, 1/(1-z))} and cannot overflow. Used by the Pareto/NBD likelihood.
   */
  static double logHyp2f1One(double b, double c, double z) {
    return logHyp2f1One(b, c, z, null);
  }

  /**
   * {@link #logHyp2f1One(double, double, double)} within {@code budget} (null: at most
   * {@link #MAX_TERMS} terms).
   *
   * @throws ArithmeticException if the series needs more than the budget's terms per series
   * @throws WorkBoundExceeded if the budget's total is spent
   */
  static double logHyp2f1One(double b, double c, double z, Budget budget) {
    if (z == 0) {
      return 0;
    }
    int limit = budget == null ? MAX_TERMS : budget.perSeries;
    double term = 1;
    double sum = 1;
    for (int j = 0; j < limit; j++) {
      double ratio = (b + j) * z / (c + j);
      term *= ratio;
      sum += term;
      if (term / (1 - Math.max(ratio, z)) <= TOLERANCE * sum) {
        charge(budget, j + 1);
        return Math.log(sum);
      }
    }
    charge(budget, limit);
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
    return logHyp2f1OneWithDerivatives(b, c, z, d, null);
  }

  /**
   * {@link #logHyp2f1OneWithDerivatives(double, double, double, double[])} within
   * {@code budget} (null: at most {@link #MAX_TERMS} terms).
   *
   * @throws ArithmeticException if the series needs more than the budget's terms per series
   * @throws WorkBoundExceeded if the budget's total is spent
   */
  static double logHyp2f1OneWithDerivatives(double b, double c, double z, double[] d, Budget budget) {
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
    int limit = budget == null ? MAX_TERMS : budget.perSeries;
    for (int j = 0; j < limit; j++) {
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
        charge(budget, j + 1);
        return Math.log(sum);
      }
    }
    charge(budget, limit);
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z);
  }

  private static void charge(Budget budget, long terms) {
    if (budget != null) {
      budget.charge(terms);
    }
  }

  /**
   * A bound on the work of many series evaluations (one model fit): at most {@code perSeries}
   * terms per series (a series that needs more fails with an {@link ArithmeticException}, which
   * the optimiser treats as a point it cannot evaluate and backs off from), and at most
   * {@code total} terms in all (then {@link WorkBoundExceeded}, which ends the fit).
   */
  static final class Budget {
    final int perSeries;
    private long left;

    /** A budget of {@code perSeries} terms per series and {@code total} in all. */
    Budget(int perSeries, long total) {
      this.perSeries = perSeries;
      this.left = total;
    }

    /** Terms not yet used. */
    long left() {
      return left;
    }

    /** Records {@code terms} summed; throws once the total is spent. */
    void charge(long terms) {
      left -= terms;
      if (left < 0) {
        throw new WorkBoundExceeded();
      }
    }
  }

  /** The total of a {@link Budget} is spent. Not an {@link ArithmeticException}: it ends the fit. */
  static final class WorkBoundExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WorkBoundExceeded() {
      super("the work bound of the fit is spent", null, false, false);
    }
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
