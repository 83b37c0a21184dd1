package dev.clientele.analytics;

import org.apache.commons.math3.special.Gamma;

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
   *
   * <p>For {@code p < 0} the terms of {@code G} alternate in sign while {@code p + j < 0} and grow
   * to about {@code e^(|p| z)} (for BG/NBD, {@code |p| z} is about the expected purchases of a fit
   * with huge {@code r} and {@code alpha}), so that sum cancels. There, when {@code z < 1/2},
   * {@link #scaledComplementPfaff} is used instead, a sum of positive terms. Wherever the value is
   * still summed from terms of both signs, it is accepted only if those terms, weighted as in the
   * value, are at most {@value #MAX_CANCELLATION} times the value (so at most about 8 digits are
   * lost); otherwise an {@link ArithmeticException} is thrown rather than a value of cancellation
   * noise.
   *
   * @throws ArithmeticException if the series does not converge within its term limit, or its
   *     terms cancel by more than {@value #MAX_CANCELLATION}
   */
  static double scaledComplement(double eps, double p, double c, double z) {
    if (z == 0) {
      return 0;
    }
    double logOneMinusZ = Math.log1p(-z);
    double first = eps == 0 ? -logOneMinusZ : -Math.expm1(eps * logOneMinusZ) / eps;
    if (p < 0 && z < 0.5 && eps >= -1 && c > 0 && c - eps > 0) {
      return scaledComplementPfaff(eps, p, c, z, first, logOneMinusZ);
    }
    double[] magnitude = new double[1];
    double weight = Math.exp(eps * logOneMinusZ);
    double value = first - weight * seriesTail(p, eps, c, z, magnitude);
    checkCancellation(first + weight * magnitude[0], value, z);
    return value;
  }

  /**
   * Summed terms at most this many times the value: beyond it, the value is refused as noise
   * (about {@code 1e8} rounding units).
   */
  static final double MAX_CANCELLATION = 1e8;

  private static void checkCancellation(double magnitude, double value, double z) {
    if (!(magnitude <= MAX_CANCELLATION * Math.abs(value))) {
      throw new ArithmeticException("hypergeometric series cancels: terms up to " + magnitude
          + " for a value of " + value + ", z = " + z
          + " (prediction horizon too long for the fitted time scale, or fitted parameters out of range)");
    }
  }

  /**
   * {@link #scaledComplement} for {@code p = -N < 0}, {@code 0 < z < 1/2}, {@code eps >= -1},
   * {@code c > 0}, {@code c > eps}, as a sum of positive terms ({@code first} is
   * {@code -expm1(eps L)/eps}, {@code L = ln(1-z)}).
   *
   * <p>Pfaff's transformation (Abramowitz &amp; Stegun 15.3.4) in the first parameter gives
   * {@code 2F1(p, eps; c; z) = (1-z)^(-p) 2F1(p, c-eps; c; w)}, {@code w = z/(z-1) = -u},
   * {@code u = z/(1-z) < 1}. Its terms are {@code t_j rho_j} with {@code t_j = (p)_j w^j / j!}
   * {@code = (N)(N-1)...(N-j+1) u^j / j!}, positive while {@code j < N}, and
   * {@code rho_j = (c-eps)_j/(c)_j}; since {@code sum_j t_j = (1-w)^(-p) = (1-z)^p}, this is
   * {@code 2F1(p, eps; c; z) = sum_j t_j rho_j / sum_j t_j}, an average of {@code rho_j} under
   * binomial-like weights. Then
   * {@code 1 - (1-z)^eps 2F1 = [1 - (1-z)^eps] + (1-z)^eps sum_j t_j (1 - rho_j) / sum_j t_j}, and
   * <pre>
   *   value = first + (1-z)^eps * sum_j t_j g_j / sum_j t_j,   g_j = (1 - rho_j)/eps,
   *   g_0 = 0,  g_(j+1) = g_j + rho_j/(c+j),  rho_(j+1) = rho_j (c-eps+j)/(c+j),
   * </pre>
   * which holds at {@code eps = 0} too ({@code rho_j = 1}) and has only positive increments, so
   * nothing cancels. The weights are rescaled as they grow; their normalising sum replaces the
   * factor {@code (1-z)^p}, which would underflow. The increments {@code rho_j/(c+j)} do not grow
   * (as {@code eps >= -1}), so {@code g_(k+1)/g_k <= (k+1)/k}, and every later ratio of
   * {@code |t_k g_k|} is at most {@code B = max((N-j) u / j, u)}: once {@code B < 1} the tail is
   * at most {@code |t_j g_j| B/(1-B)} (and that of {@code sum t_j} at most {@code |t_j| B/(1-B)}).
   * The sum needs about {@code N z} terms, the peak of the weights; beyond {@link #MAX_TERMS} it
   * fails. For a non-integer {@code N} the weights past {@code N} alternate in sign, with
   * {@code |ratio| < u}; that part is checked for cancellation like the plain series.
   */
  private static double scaledComplementPfaff(double eps, double p, double c, double z, double first,
      double logOneMinusZ) {
    double n = -p;
    double u = z / (1 - z);
    if (n * z > MAX_TERMS) {
      throw new ArithmeticException("hypergeometric series did not converge: z = " + z
          + " (prediction horizon too long for the fitted time scale, or fitted parameters out of range)");
    }
    double t = 1; // t_j, rescaled
    double sumT = 1;
    double sumTg = 0;
    double sumAbsTg = 0;
    double g = 0;
    double rho = 1;
    for (int j = 0; j < MAX_TERMS; j++) {
      // from index j to j + 1
      g += rho / (c + j);
      rho *= (c - eps + j) / (c + j);
      t *= (n - j) * u / (j + 1);
      if (Math.abs(t) > 1e250) {
        t *= 1e-250;
        sumT *= 1e-250;
        sumTg *= 1e-250;
        sumAbsTg *= 1e-250;
      }
      double tg = t * g;
      sumT += t;
      sumTg += tg;
      sumAbsTg += Math.abs(tg);
      int k = j + 1;
      double bound = Math.max((n - k) * u / k, u);
      if (tg == 0 && t == 0
          || bound < 1 && Math.abs(tg) * bound / (1 - bound) <= TOLERANCE * Math.abs(sumTg)
              && Math.abs(t) * bound / (1 - bound) <= TOLERANCE * Math.abs(sumT)) {
        double weight = Math.exp(eps * logOneMinusZ);
        double value = first + weight * sumTg / sumT;
        checkCancellation(first + weight * sumAbsTg / Math.abs(sumT), value, z);
        return value;
      }
    }
    throw new ArithmeticException("hypergeometric series did not converge: z = " + z
        + " (prediction horizon too long for the fitted time scale, or fitted parameters out of range)");
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

  /**
   * {@code sum_{j>=1} (p)_j (1+eps)_{j-1} z^j / ((c)_j j!)}; {@code magnitude[0]} receives the sum
   * of the absolute values of the terms summed.
   */
  private static double seriesTail(double p, double eps, double c, double z, double[] magnitude) {
    double term = p * z / c;
    double sum = term;
    double absSum = Math.abs(term);
    // Past this index every factor of the term ratio is positive, so the ratio tends to z monotonically.
    double settled = Math.max(Math.max(-p, -eps), 1);
    for (int j = 1; j < MAX_TERMS; j++) {
      double ratio = (p + j) * (eps + j) * z / ((c + j) * (j + 1));
      term *= ratio;
      sum += term;
      absSum += Math.abs(term);
      magnitude[0] = absSum;
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

  /** The most terms {@link #scaledComplementPositive} sums before it gives up (returns NaN). */
  static final int POSITIVE_MAX_TERMS = 1_000_000;

  /**
   * The value of {@link #scaledComplement} for a moderate {@code eps} and a long horizon, by a
   * series of positive terms: {@code [1 - (1+u)^(-q) 2F1(q, rest; eps+rest; z)] / eps} with
   * {@code z = u/(1+u)}, or {@code NaN} when that series needs more than
   * {@value #POSITIVE_MAX_TERMS} terms or its rounding estimate (below) is above {@code 1e-10} of
   * the value. The parameters are those of {@link #scaledComplementConcentrated}: in the notation of
   * {@link #scaledComplement}, {@code q = c - p}, {@code rest = c - eps}, {@code c = eps + rest}.
   *
   * <p>Why: Euler's transformation (A&amp;S 15.3.3) gives
   * {@code 2F1(p, eps; c; z) = (1-z)^(c-p-eps) 2F1(c-p, c-eps; c; z) = (1-z)^(q-eps) 2F1(q, rest; c; z)},
   * so {@code (1-z)^eps 2F1(p, eps; c; z) = (1-z)^q 2F1(q, rest; c; z) = (1+u)^(-q) 2F1(q, rest; c; z)}
   * (the undoing of the transformation in the class comment; in BG/NBD terms FHL 2005 eq. 10 as
   * published). For {@code q, rest > 0} every term is positive, so nothing cancels inside the sum,
   * and it is summed with its logarithmic scale kept apart, so neither {@code (1+u)^(-q)} nor the sum
   * underflows or overflows. The form of {@link #scaledComplement} instead multiplies a factor
   * {@code (1-z)^eps} that underflows once {@code eps ln(1+u) > 709} by a series that overflows;
   * {@link #scaledComplementConcentrated} needs a drop-out probability concentrated enough for its
   * bound, which {@code eps} of a few hundred does not give.
   *
   * <p>Truncation: with {@code t_(j+1) = t_j z (q+j)(rest+j) / ((c+j)(j+1))}, every later ratio is at
   * most {@code B (rest+i)/(c+i)} with {@code B = z max(1, (q+j)/(j+1))} ({@code (q+i)/(i+1)} moves
   * monotonically towards 1), and {@code prod_(i=j)^(j+n-1) (1 - eps/(c+i)) <= (1 + n/(c+j))^(-eps)}.
   * So while {@code B < 1} the tail after {@code t_j} is at most
   * {@code t_j min(B/(1-B), (c+j)/(eps-1))} (the second for {@code eps > 1}, from
   * {@code sum_(n>=1) (1+n/C)^(-eps) <= C/(eps-1)}); the sum stops when that is under {@code 1e-17}
   * of the sum. The second bound is what keeps the work near {@code c} terms for {@code z} near 1.
   *
   * <p>Rounding: each term carries at most about {@code 5j} rounding errors; the estimate
   * {@code 2^-52 (6n + q ln(1+u) + |ln F| + 4)} of the relative error of {@code (1+u)^(-q) F}
   * ({@code n} terms) times that product is the absolute error allowed for; the subtraction from 1
   * is the one place where digits can cancel, and it is covered by requiring that estimate to be at
   * most {@code 1e-10} of the result.
   */
  static double scaledComplementPositive(double eps, double rest, double q, double u) {
    if (u == 0) {
      return 0;
    }
    if (!(eps > 0 && rest > 0 && q > 0 && u > 0) || Double.isInfinite(u) || Double.isInfinite(eps + rest)) {
      return Double.NaN;
    }
    double c = eps + rest;
    double z = u / (1 + u);
    double sum = 1; // sum_(i<=j) t_i / e^scale
    double term = 1; // t_j / e^scale
    double logScale = 0;
    int j = 0;
    while (true) {
      double growth = Math.max(1, (q + j) / (j + 1));
      double bound = z * growth;
      if (bound < 1) {
        double tail = bound / (1 - bound);
        if (eps > 1) {
          tail = Math.min(tail, (c + j) / (eps - 1));
        }
        if (term * tail <= 1e-17 * sum) {
          break;
        }
      }
      if (j >= POSITIVE_MAX_TERMS) {
        return Double.NaN;
      }
      term *= z * (q + j) * (rest + j) / ((c + j) * (j + 1));
      sum += term;
      j++;
      if (sum > 1e200) {
        sum *= 1e-200;
        term *= 1e-200;
        logScale += 200 * Math.log(10);
      }
    }
    double logPower = q * Math.log1p(u);
    double logF = logScale + Math.log(sum);
    double product = Math.exp(logF - logPower); // (1+u)^(-q) F = E[(1+S u)^(-q)], in (0, 1]
    double value = 1 - product;
    double rounding = 0x1p-52 * (6.0 * j + logPower + Math.abs(logF) + 4) * product;
    if (!(value > 0) || rounding > 1e-10 * value) {
      return Double.NaN;
    }
    return value / eps;
  }

  /**
   * {@code ln 2F1(1, b; c; z)} for {@code 0 < b < c}, {@code 0 <= z < 1}: a series of positive,
   * decreasing terms (ratio {@code (b+j) z / (c+j) < z}), so the sum lies in
   * {@code [1, 1/(1-z))} and cannot overflow. Used by the Pareto/NBD likelihood.
   *
   * <p>That series needs about {@code 37 / (1-z)} terms. For {@code z >= 0.95} it is replaced,
   * where {@link #nearOneApplies} allows, by the transformation to {@code 1-z}
   * ({@link #logHyp2f1OneNearOne}), which needs a few dozen.
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
    if (nearOneApplies(b, c, z)) {
      return logHyp2f1OneNearOne(b, c, z, null, budget);
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
    if (nearOneApplies(b, c, z)) {
      return logHyp2f1OneNearOne(b, c, z, d, budget);
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

  /**
   * The {@code 1 - z} form is used for {@code z} at or above this (the plain series then needs
   * over ~700 terms).
   */
  static final double NEAR_ONE = 0.95;
  /**
   * The {@code 1 - z} form is used only when {@code b (1 - z)} is at most this (no cancellation in
   * {@code S}).
   */
  private static final double NEAR_ONE_MAX_B_EPS = 1;
  /**
   * ... and when {@code e = c - b - 1} is at least this far from every integer {@code >= 0} (the
   * poles of its parts): the value then keeps all but ~1e3 rounding units, its derivatives all
   * but ~1e6 (about 2e-10 relative).
   */
  private static final double NEAR_ONE_MIN_POLE_DISTANCE = 1e-3;
  /**
   * ... and when {@code e <= 30}: for larger {@code e} the series in {@code z} converges fast anyway
   * (its terms fall like {@code j^-(e+1)}), and the one in {@code 1-z} would need {@code e} terms
   * before its terms settle.
   */
  private static final double NEAR_ONE_MAX_E = 30;
  private static final int NEAR_ONE_MAX_TERMS = 1_000;

  /**
   * Whether {@link #logHyp2f1OneNearOne} applies to {@code ln 2F1(1, b; c; z)}: {@code z} near 1,
   * {@code b > 0}, {@code c > 1}, {@code b (1-z) <= 1}, and {@code e = c-b-1 <= 30} not within
   * 1e-3 of an integer {@code >= 0}.
   */
  static boolean nearOneApplies(double b, double c, double z) {
    double e = c - b - 1;
    return z >= NEAR_ONE && z < 1 && b > 0 && c > 1 && b * (1 - z) <= NEAR_ONE_MAX_B_EPS
        && e > -1 && e <= NEAR_ONE_MAX_E && (e < -NEAR_ONE_MIN_POLE_DISTANCE || Math.abs(e - Math.rint(e)) >= NEAR_ONE_MIN_POLE_DISTANCE);
  }

  /**
   * {@code ln 2F1(1, b; c; z)} for {@code z} near 1 by the linear transformation to {@code 1-z}
   * (Abramowitz &amp; Stegun 15.3.6). With {@code a = 1}, {@code e = c-b-1 > -1} and
   * {@code eps = 1-z} its second series is {@code 2F1(c-1, e+1; e+1; eps) = z^(1-c)}
   * (A&amp;S 15.1.8), and {@code Gamma(-e) = -Gamma(1-e)/e}, so
   * <pre>
   *   2F1(1, b; c; z) = (c-1)/e * [S - Q],
   *   S = 2F1(1, b; 1-e; eps) = sum_j (b)_j eps^j / (1-e)_j,
   *   Q = eps^e z^(1-c) Gamma(1-e) Gamma(b+e) / Gamma(b),
   * </pre>
   * with {@code Gamma(1-e) = pi / (Gamma(e) sin(pi e))} (A&amp;S 6.1.17) for {@code e >= 1}. The
   * series {@code S} has ratio {@code (b+j-1) eps / (j-e) -> eps}, so it needs a few dozen terms
   * where the series in {@code z} needs about {@code 37 / eps}. Both parts have poles at
   * {@code e = 0, 1, 2, ...} that cancel in the difference: at a distance {@code delta} from one
   * the cancellation costs about {@code 1/delta} rounding units in the value and
   * {@code 1/delta^2} in the derivatives, as long as {@code b eps <= 1} (then {@code |S|} stays of
   * the order of the result). The caller keeps {@code delta >= 1e-3} ({@link #nearOneApplies});
   * closer to a pole the series in {@code z} is used. When {@code d} is not null it receives
   * {@code d/db, d/dc, d/dz} of the logarithm.
   */
  static double logHyp2f1OneNearOne(double b, double c, double z, double[] d, Budget budget) {
    double e = c - b - 1;
    double eps = 1 - z;
    double logEps = Math.log(eps);
    double logZ = Math.log1p(-eps);
    double cm1 = c - 1; // = b + e > 0
    double lgRatio = logGammaRatio(b, e);
    double logQ;
    double signQ;
    double dLogQdE; // d ln|Q| / de at fixed b, eps, without the -(ln z) of the z^(1-c) factor
    if (e < 1) {
      logQ = Gamma.logGamma(1 - e);
      signQ = 1;
      dLogQdE = d == null ? 0 : -digamma(1 - e);
    } else {
      double sin = Math.sin(Math.PI * e);
      logQ = Math.log(Math.PI / Math.abs(sin)) - Gamma.logGamma(e);
      signQ = Math.signum(sin);
      // psi(1-e) = psi(e) + pi cot(pi e) (A&S 6.3.7)
      dLogQdE = d == null ? 0 : -(digamma(e) + Math.PI * Math.cos(Math.PI * e) / sin);
    }
    logQ += e * logEps - cm1 * logZ + lgRatio;
    double q = signQ * Math.exp(logQ);
    double term = 1;
    double sum = 1;
    double sumB = 0;
    double sumE = 0;
    double sumEps = 0;
    double accB = 0;
    double accE = 0;
    boolean grad = d != null;
    int j = 1;
    for (; j <= NEAR_ONE_MAX_TERMS; j++) {
      double ratio = (b + j - 1) * eps / (j - e);
      term *= ratio;
      sum += term;
      if (grad) {
        accB += 1 / (b + j - 1);
        accE += 1 / (j - e);
        sumB += term * accB;
        sumE += term * accE;
        sumEps += j * term;
      }
      if (j > e + 1) {
        double bound = Math.max(ratio, eps);
        double weight = grad ? (j + 1 + accB + Math.abs(accE)) / ((1 - bound) * (1 - bound)) : 1 / (1 - bound);
        if (bound < 1 && Math.abs(term) * weight <= TOLERANCE * Math.abs(sum - q)) {
          break;
        }
      }
    }
    charge(budget, j);
    if (j > NEAR_ONE_MAX_TERMS) {
      throw new ArithmeticException("hypergeometric series in 1-z did not converge: z = " + z);
    }
    double diff = sum - q;
    double value = Math.log(cm1) + Math.log(diff / e);
    if (grad) {
      double psiC = digamma(cm1);
      double qdB = q * (-logZ + psiC - digamma(b));
      double qdE = q * (logEps - logZ + dLogQdE + psiC);
      double qdEps = q * (e / eps + cm1 / z);
      double byB = 1 / cm1 + (sumB - qdB) / diff;
      double byE = 1 / cm1 - 1 / e + (sumE - qdE) / diff;
      double byEps = (sumEps / eps - qdEps) / diff;
      d[0] = byB - byE; // e = c - b - 1
      d[1] = byE;
      d[2] = -byEps;
    }
    return value;
  }

  /**
   * {@code ln Gamma(b+e) - ln Gamma(b)} for {@code b > 0}, {@code b+e > 0}, {@code |e| <= 30}
   * without the cancellation of two large log-gamma values: for {@code b >= 11} by the
   * difference of Stirling's series (A&amp;S 6.1.41) term by term,
   * {@code (b-1/2) log1p(e/b) + e (ln(b+e) - 1) + sum_k B_2k/(2k(2k-1)) [(b+e)^(1-2k) - b^(1-2k)]},
   * to the {@code x^-13} term (the next is below 1e-16 for {@code x >= 10}).
   */
  static double logGammaRatio(double b, double e) {
    if (b < 11) {
      return Gamma.logGamma(b + e) - Gamma.logGamma(b);
    }
    double x1 = b + e;
    double lead = (b - 0.5) * Math.log1p(e / b) + e * (Math.log(x1) - 1);
    return lead + stirlingTail(x1) - stirlingTail(b);
  }

  /** {@code sum_k B_2k / (2k (2k-1) x^(2k-1))}, k = 1..7. */
  private static double stirlingTail(double x) {
    double inv = 1 / x;
    double inv2 = inv * inv;
    return inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680
        - inv2 * (1.0 / 1188 - inv2 * (691.0 / 360360 - inv2 / 156))))));
  }

  /**
   * The digamma function for {@code x > 0}, to a few rounding units: the recurrence
   * {@code psi(x) = psi(x+1) - 1/x} up to {@code x >= 10}, then the asymptotic series
   * (A&amp;S 6.3.18) to the {@code x^-14} term (the next is below 1e-16 there). Commons Math's
   * {@code Gamma.digamma} is off by about 3e-9 near 1, which the derivatives of the
   * {@code 1-z} form would carry.
   */
  static double digamma(double x) {
    double shift = 0;
    while (x < 10) {
      shift += 1 / x;
      x += 1;
    }
    double inv2 = 1 / (x * x);
    double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240
        - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))));
    return Math.log(x) - 0.5 / x - series - shift;
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
