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

  /**
   * The value of {@link #scaledComplement} for a large {@code eps}, by a route whose work does not
   * grow with the parameters: {@code [1 - 2F1(q, eps; eps+rest; -u)] / eps}, where
   * {@code q = c - p}, {@code rest = c - eps} and {@code u = z/(1-z)}, or {@code NaN} when its error
   * bound (below) is not under {@code 1e-15} of the value, so that the caller sums the series instead.
   * The three numbers are taken separately because {@code c - p} and {@code c - eps} lose every digit
   * when {@code c} is huge.
   *
   * <p>Why: Pfaff's transformation {@code 2F1(a, b; c; z) = (1-z)^(-b) 2F1(b, c-a; c; z/(z-1))}
   * (Abramowitz &amp; Stegun 15.3.4) turns {@code (1-z)^eps 2F1(p, eps; c; z)} into
   * {@code 2F1(q, eps; c; -u)}, and Euler's integral (A&amp;S 15.3.1, {@code c > eps > 0}) writes that
   * as {@code E[f(S)]}, {@code f(s) = (1+s u)^(-q)}, {@code S ~ Beta(eps, rest)}. In BG/NBD terms
   * (FHL 2005 eq. 10) S is the drop-out probability under its posterior, less one success; for
   * huge {@code a} and {@code b} the series needs about {@code a z} terms, but S is concentrated at
   * its mean {@code m = eps/(eps+rest)}: the limit is {@code [1 - f(m)] / eps}.
   *
   * <p>How: Taylor's theorem about {@code m} gives
   * {@code E f(S) = sum_{k<K} f^(k)(m) M_k / k! + E[f^(K)(xi) (S-m)^K] / K!} with the central
   * moments {@code M_k} of the Beta distribution, which follow from its Pearson equation
   * {@code s(1-s) f' = [(eps-1) - (eps+rest-2) s] f} by parts:
   * {@code M_(k+1) = k [(1-2m) M_k + m(1-m) M_(k-1)] / (eps+rest+k)} (both terms have the same sign,
   * so nothing cancels). {@code |f^(k)(s)| = (q)_k u^k (1+s u)^(-q-k)} falls with {@code s}; for even
   * {@code K} and {@code xi} between {@code m} and {@code S} the remainder is at most
   * {@code [(q)_K u^K (1+m u/2)^(-q-K) M_K + (q)_K u^K M_(2K) (2/m)^K] / K!} (the first for
   * {@code S >= m/2}, the second for {@code S < m/2}, where {@code |S-m|^K <= |S-m|^(2K) (2/m)^K}).
   * On {@code S < m/2} the remainder is also at most {@code 2 P(S < m/2)}: {@code 0 < f <= 1}, and
   * with {@code |S-m| <= m} the Taylor terms sum to at most
   * {@code sum_k (q)_k/k! (m u/(1+m u))^k (1+m u)^(-q) = 1} (negative binomial probabilities), while
   * {@code P(S < m/2) <= M_2j (2/m)^2j} for every {@code j}; the smaller of the two is used.
   * {@code K} grows in steps of 2 up to 120 until that bound is small enough; everything is in
   * logarithms, so nothing overflows. The leading {@code 1 - f(m)} is {@code -expm1(-q log1p(m u))}.
   */
  static double scaledComplementConcentrated(double eps, double rest, double q, double u) {
    if (u == 0) {
      return 0;
    }
    if (!(eps > 0 && rest > 0 && q > 0 && u > 0) || Double.isInfinite(u)) {
      return Double.NaN;
    }
    int maxOrder = 120;
    double total = eps + rest;
    double m = eps / total;
    double skew = (rest - eps) / total; // 1 - 2m
    double logSkew = Math.log(Math.abs(skew));
    double logVar = Math.log(eps) + Math.log(rest) - 2 * Math.log(total); // ln m(1-m)
    // ln|M_k| and the sign of M_k, k <= 2 maxOrder; M_0 = 1, M_1 = 0
    double[] logMoment = new double[2 * maxOrder + 1];
    logMoment[1] = Double.NEGATIVE_INFINITY;
    for (int k = 1; k < 2 * maxOrder; k++) {
      double x = logSkew + logMoment[k];
      double y = logVar + logMoment[k - 1];
      double hi = Math.max(x, y);
      double sum = hi == Double.NEGATIVE_INFINITY ? hi : hi + Math.log1p(Math.exp(Math.min(x, y) - hi));
      logMoment[k + 1] = Math.log(k) - Math.log(total + k) + sum;
    }
    // ln of a bound on P(S < m/2) <= M_2j (2/m)^2j (Chebyshev with an even moment): the best j
    double logTail = 0;
    for (int j = 1; j <= maxOrder; j++) {
      logTail = Math.min(logTail, logMoment[2 * j] + 2 * j * Math.log(2 / m));
    }
    double logU = Math.log(u);
    double logShift = Math.log1p(m * u); // ln(1 + m u)
    double logHalfShift = Math.log1p(m * u / 2);
    double leading = -Math.expm1(-q * logShift); // 1 - f(m)
    double corrections = 0; // sum_{2<=k<K} f^(k)(m) M_k / k!
    double logRising = Math.log(q); // ln (q)_k
    double logFactorial = 0; // ln k!
    for (int k = 2; k <= maxOrder; k++) {
      logRising += Math.log(q + k - 1);
      logFactorial += Math.log(k);
      if (k % 2 == 0) {
        // remainder bound for K = k: the terms below k are in
        double logDerivative = logRising + k * logU;
        double bound = Math.exp(logDerivative - (q + k) * logHalfShift + logMoment[k] - logFactorial)
            + Math.min(Math.exp(logDerivative + logMoment[2 * k] + k * Math.log(2 / m) - logFactorial),
                2 * Math.exp(logTail));
        double value = leading - corrections;
        if (value > 0 && bound <= 1e-15 * value) {
          return value / eps;
        }
      }
      // f^(k)(m) M_k / k!: sign (-1)^k times the sign of M_k (that of 1 - 2m for odd k)
      double term = Math.exp(logRising + k * logU - (q + k) * logShift + logMoment[k] - logFactorial);
      corrections += k % 2 == 0 ? term : -Math.signum(skew) * term;
    }
    return Double.NaN;
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
