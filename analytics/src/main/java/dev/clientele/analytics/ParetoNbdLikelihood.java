package dev.clientele.analytics;

import org.apache.commons.math3.special.Gamma;

/**
 * The Pareto/NBD log-likelihood (Schmittlein, Morrison &amp; Colombo 1987; in the form of Fader
 * &amp; Hardie, "A note on deriving the Pareto/NBD model and related expressions", 2005, note 008,
 * eqs. 19-22), evaluated in log space.
 *
 * <p>Per customer:
 * <pre>
 *   L = G(r+x) alpha^r beta^s / G(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ]
 * </pre>
 * where {@code s/(r+s+x) A0 = s * integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du}.
 * The published {@code A0} is a difference of two terms {@code 2F1(r+s+x, s+1; r+s+x+1; z_y) /
 * (alpha+y)^(r+s+x)} at {@code y = t_x} and {@code y = T} ({@code z_y = (alpha-beta)/(alpha+y)},
 * for {@code alpha >= beta}; the roles swap otherwise). Euler's transformation rewrites each term
 * as
 * <pre>
 *   alpha &gt;= beta:  2F1(1, r+x;   r+s+x+1; (alpha-beta)/(alpha+y)) / ((alpha+y)^(r+x) (beta+y)^s)
 *   alpha &lt;  beta:  2F1(1, s+1;   r+s+x+1; (beta-alpha)/(beta+y)) (alpha+y)^(1-r-x) / (beta+y)^(s+1)
 * </pre>
 * series of positive, decreasing terms whose logarithms are summed without overflow for any
 * {@code x} ({@link Hypergeometric#logHyp2f1One}; near {@code z = 1}, where that series needs
 * about {@code 37/(1-z)} terms, by the linear transformation to {@code 1-z}, A&amp;S 15.3.6). The
 * bracket is then combined with log-sum-exp. In a fit the series' work is bounded
 * ({@link #TERMS_PER_SERIES}, {@link #TERMS_PER_FIT}; see {@link ParetoNbdModel#fit}).
 */
final class ParetoNbdLikelihood implements MaximumLikelihood.Objective {
  /**
   * Terms one series may take in a fit. The series in {@code z} takes about {@code 37 / (1 - z)};
   * near {@code z = 1} the form in {@code 1 - z} takes over where it applies
   * ({@link Hypergeometric#nearOneApplies}: the upper parameter {@code r+x}, or {@code s+1} when
   * {@code beta > alpha}, times {@code 1-z} at most 1, and the exponent {@code s}, or
   * {@code r+x-1}, not within 1e-3 of a whole number). Elsewhere points with
   * {@code z > 1 - 4e-3} (e.g. {@code alpha > 270 beta} at {@code y = 0} for a heavy buyer)
   * cannot be evaluated, and the optimiser backs off from them.
   */
  static final int TERMS_PER_SERIES = 10_000;
  /** Terms all evaluations of one fit may take in total, besides {@link #TERMS_PER_PAIR} per distinct pair. */
  static final long TERMS_PER_FIT = 150_000_000L;
  /** Terms per distinct (x, time) pair added to {@link #TERMS_PER_FIT}. */
  static final long TERMS_PER_PAIR = 20_000L;

  private final RfmGroups data;
  private final Hypergeometric.Budget budget;

  // Distinct (x, time) pairs: the A0 term at t_x depends on (x, t_x) only and the one at T on
  // (x, T) only, so each is evaluated once per distinct pair, not once per row.
  private final int[] pairX; // index into data.distinctX
  private final int[] pairTime; // index into data.times
  private final int[] rowPairTx;
  private final int[] rowPairT;
  // Per-evaluation scratch: per pair ln F and d ln F / d(alpha, beta, p, q); per time the logs.
  private final double[] pairValue;
  private final double[][] pairGradient;
  private final double[] logAlphaT;
  private final double[] logBetaT;

  ParetoNbdLikelihood(RfmGroups data) {
    this.data = data;
    int n = data.size;
    rowPairTx = new int[n];
    rowPairT = new int[n];
    int capacity = Integer.highestOneBit(Math.max(2, 4 * n) - 1) * 2;
    int[] table = new int[capacity];
    long[] keys = new long[2 * n];
    int pairs = 0;
    for (int i = 0; i < 2 * n; i++) {
      int row = i >> 1;
      int time = (i & 1) == 0 ? data.recencyIndex[row] : data.ageIndex[row];
      long key = ((long) data.xIndex[row] << 32) | time;
      int slot = (int) RfmGroups.mix(key, 0, 0) & (capacity - 1);
      int found;
      while (true) {
        int e = table[slot] - 1;
        if (e < 0) {
          keys[pairs] = key;
          table[slot] = ++pairs;
          found = pairs - 1;
          break;
        }
        if (keys[e] == key) {
          found = e;
          break;
        }
        slot = (slot + 1) & (capacity - 1);
      }
      if ((i & 1) == 0) {
        rowPairTx[row] = found;
      } else {
        rowPairT[row] = found;
      }
    }
    pairX = new int[pairs];
    pairTime = new int[pairs];
    for (int j = 0; j < pairs; j++) {
      pairX[j] = (int) (keys[j] >>> 32);
      pairTime[j] = (int) keys[j];
    }
    pairValue = new double[pairs];
    pairGradient = new double[4][pairs];
    logAlphaT = new double[data.times.length];
    logBetaT = new double[data.times.length];
    budget = new Hypergeometric.Budget(TERMS_PER_SERIES, TERMS_PER_FIT + TERMS_PER_PAIR * pairs);
  }

  /**
   * The log-likelihood and, when asked for, its exact gradient: per row the bracket
   * {@code e^L0 + e^L1 - e^L2} of {@link #logBracket(double, double, double, double, int, double, double, double[])},
   * with the {@code A0} terms {@code L1}, {@code L2} taken from the per-pair tables.
   */
  @Override
  public double value(double[] theta, double[] gradient) {
    boolean grad = gradient != null;
    double r = Math.exp(theta[0]);
    double alpha = Math.exp(theta[1]);
    double s = Math.exp(theta[2]);
    double beta = Math.exp(theta[3]);
    double lgR = Gamma.logGamma(r);
    double psiR = grad ? Gamma.digamma(r) : 0;
    int kx = data.distinctX.length;
    double[] lg = new double[kx];
    double[] dlg = new double[kx];
    for (int k = 0; k < kx; k++) {
      int x = data.distinctX[k];
      lg[k] = x == 0 ? 0 : Gamma.logGamma(r + x) - lgR;
      dlg[k] = x == 0 || !grad ? 0 : Gamma.digamma(r + x) - psiR;
    }
    for (int j = 0; j < data.times.length; j++) {
      logAlphaT[j] = Math.log(alpha + data.times[j]);
      logBetaT[j] = Math.log(beta + data.times[j]);
    }
    double[] e = new double[4];
    for (int j = 0; j < pairValue.length; j++) {
      double p = r + data.distinctX[pairX[j]];
      double y = data.times[pairTime[j]];
      if (grad) {
        pairValue[j] = logPowerIntegralTerm(alpha, beta, p, s + 1, y, e, budget);
        for (int c = 0; c < 4; c++) {
          pairGradient[c][j] = e[c];
        }
      } else {
        pairValue[j] = logPowerIntegralTerm(alpha, beta, p, s + 1, y, budget);
      }
    }
    double constant = r * theta[1] + s * theta[3];
    double ll = 0;
    double gR = 0;
    double gAlpha = 0;
    double gS = 0;
    double gBeta = 0;
    for (int i = 0; i < data.size; i++) {
      double w = data.weight[i];
      int k = data.xIndex[i];
      int x = data.x[i];
      int iT = data.ageIndex[i];
      double p = r + x;
      double age = data.age[i];
      double alive = -p * logAlphaT[iT] - s * logBetaT[iT];
      double dAliveR = -logAlphaT[iT];
      double dAliveAlpha = -p / (alpha + age);
      double dAliveS = -logBetaT[iT];
      double dAliveBeta = -s / (beta + age);
      double bracket;
      double dR;
      double dAlpha;
      double dS;
      double dBeta;
      boolean onlyAlive = data.recency[i] == age;
      double w0 = 1;
      double w1 = 0;
      double w2 = 0;
      double kk = 0;
      int j1 = rowPairTx[i];
      int j2 = rowPairT[i];
      if (!onlyAlive) {
        kk = Math.log(s / (r + s + x));
        double atTx = kk + pairValue[j1];
        double atT = kk + pairValue[j2];
        double m = Math.max(alive, atTx);
        w0 = Math.exp(alive - m);
        w1 = Math.exp(atTx - m);
        w2 = Math.exp(atT - m);
        double sum = w0 + w1 - w2;
        if (sum > w0) {
          bracket = m + Math.log(sum);
          w0 /= sum;
          w1 /= sum;
          w2 /= sum;
        } else {
          // The A0 difference is at rounding level (t_x ~ T): the bracket is the alive term.
          bracket = alive;
          onlyAlive = true;
        }
      } else {
        bracket = alive;
      }
      ll += w * (lg[k] + constant + bracket);
      if (grad) {
        if (onlyAlive) {
          dR = dAliveR;
          dAlpha = dAliveAlpha;
          dS = dAliveS;
          dBeta = dAliveBeta;
        } else {
          double dkR = -1 / (r + s + x);
          double dkS = 1 / s + dkR;
          dR = w0 * dAliveR + (w1 - w2) * dkR + w1 * pairGradient[2][j1] - w2 * pairGradient[2][j2];
          dAlpha = w0 * dAliveAlpha + w1 * pairGradient[0][j1] - w2 * pairGradient[0][j2];
          dS = w0 * dAliveS + (w1 - w2) * dkS + w1 * pairGradient[3][j1] - w2 * pairGradient[3][j2];
          dBeta = w0 * dAliveBeta + w1 * pairGradient[1][j1] - w2 * pairGradient[1][j2];
        }
        gR += w * (dlg[k] + dR);
        gAlpha += w * dAlpha;
        gS += w * dS;
        gBeta += w * dBeta;
      }
    }
    if (grad) {
      double n = data.customers;
      gradient[0] = r * (gR + n * theta[1]);
      gradient[1] = alpha * (gAlpha + n * r / alpha);
      gradient[2] = s * (gS + n * theta[3]);
      gradient[3] = beta * (gBeta + n * s / beta);
    }
    return ll;
  }

  /** Series terms this objective may still sum before its fit ends ({@link Hypergeometric.Budget}). */
  long termsLeft() {
    return budget.left();
  }

  /** {@code ln[(alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0]}. */
  static double logBracket(double r, double alpha, double s, double beta, int x, double tx, double age) {
    double alive = logAliveTerm(r, alpha, s, beta, x, age);
    if (tx == age) {
      return alive;
    }
    double k = Math.log(s / (r + s + x));
    double atTx = k + logA0Term(r, alpha, s, beta, x, tx);
    double atT = k + logA0Term(r, alpha, s, beta, x, age);
    double m = Math.max(alive, atTx);
    double sum = Math.exp(alive - m) + Math.exp(atTx - m) - Math.exp(atT - m);
    return m + Math.log(Math.max(sum, Math.exp(alive - m)));
  }

  /**
   * {@link #logBracket(double, double, double, double, int, double, double)} with its partial
   * derivatives by {@code r, alpha, s, beta} in {@code d}. The bracket is
   * {@code e^L0 + e^L1 - e^L2} with {@code L0} the alive term and {@code L1, L2} the {@code A0}
   * terms at {@code t_x} and {@code T} (with the factor {@code s/(r+s+x)}), so its log's
   * gradient is the {@code e^Li}-weighted mix of the terms' gradients (the last with a minus).
   */
  static double logBracket(double r, double alpha, double s, double beta, int x, double tx, double age, double[] d) {
    double p = r + x;
    double alive = logAliveTerm(r, alpha, s, beta, x, age);
    double dAliveR = -Math.log(alpha + age);
    double dAliveAlpha = -p / (alpha + age);
    double dAliveS = -Math.log(beta + age);
    double dAliveBeta = -s / (beta + age);
    if (tx == age) {
      d[0] = dAliveR;
      d[1] = dAliveAlpha;
      d[2] = dAliveS;
      d[3] = dAliveBeta;
      return alive;
    }
    double k = Math.log(s / (r + s + x));
    double dkR = -1 / (r + s + x);
    double dkS = 1 / s + dkR;
    double[] e1 = new double[4];
    double[] e2 = new double[4];
    double atTx = k + logPowerIntegralTerm(alpha, beta, p, s + 1, tx, e1);
    double atT = k + logPowerIntegralTerm(alpha, beta, p, s + 1, age, e2);
    double m = Math.max(alive, atTx);
    double w0 = Math.exp(alive - m);
    double w1 = Math.exp(atTx - m);
    double w2 = Math.exp(atT - m);
    double sum = w0 + w1 - w2;
    if (!(sum > w0)) {
      // The A0 difference is at rounding level (t_x ~ T): the bracket is the alive term.
      d[0] = dAliveR;
      d[1] = dAliveAlpha;
      d[2] = dAliveS;
      d[3] = dAliveBeta;
      return m + Math.log(w0);
    }
    w0 /= sum;
    w1 /= sum;
    w2 /= sum;
    // e = d lnF / d(a, b, p, q) with a = alpha, b = beta, p = r + x, q = s + 1.
    d[0] = w0 * dAliveR + (w1 - w2) * dkR + w1 * e1[2] - w2 * e2[2];
    d[1] = w0 * dAliveAlpha + w1 * e1[0] - w2 * e2[0];
    d[2] = w0 * dAliveS + (w1 - w2) * dkS + w1 * e1[3] - w2 * e2[3];
    d[3] = w0 * dAliveBeta + w1 * e1[1] - w2 * e2[1];
    return m + Math.log(sum);
  }

  /**
   * {@link #logPowerIntegralTerm(double, double, double, double, double)} with its partial
   * derivatives by {@code a, b, p, q} in {@code e}, from those of {@code ln 2F1} and
   * {@code z = (a-b)/(a+y)} ({@code dz/da = (b+y)/(a+y)^2}, {@code dz/db = -1/(a+y)}), or, when
   * {@code a < b}, {@code z = (b-a)/(b+y)} ({@code dz/da = -1/(b+y)},
   * {@code dz/db = (a+y)/(b+y)^2}); {@code c = p + q}.
   */
  static double logPowerIntegralTerm(double a, double b, double p, double q, double y, double[] e) {
    return logPowerIntegralTerm(a, b, p, q, y, e, null);
  }

  /** {@link #logPowerIntegralTerm(double, double, double, double, double, double[])} within {@code budget}. */
  static double logPowerIntegralTerm(double a, double b, double p, double q, double y, double[] e,
      Hypergeometric.Budget budget) {
    double c = p + q;
    double[] h = new double[3]; // d ln2F1 / d(upper, c, z)
    double ay = a + y;
    double by = b + y;
    if (a >= b) {
      double z = (a - b) / ay;
      double v = Hypergeometric.logHyp2f1OneWithDerivatives(p, c, z, h, budget);
      e[0] = h[2] * by / (ay * ay) - p / ay;
      e[1] = -h[2] / ay - (q - 1) / by;
      e[2] = h[0] + h[1] - Math.log(ay);
      e[3] = h[1] - Math.log(by);
      return v - p * Math.log(ay) - (q - 1) * Math.log(by);
    }
    double z = (b - a) / by;
    double v = Hypergeometric.logHyp2f1OneWithDerivatives(q, c, z, h, budget);
    e[0] = -h[2] / by + (1 - p) / ay;
    e[1] = h[2] * ay / (by * by) - q / by;
    e[2] = h[1] - Math.log(ay);
    e[3] = h[0] + h[1] - Math.log(by);
    return v + (1 - p) * Math.log(ay) - q * Math.log(by);
  }

  /** {@code ln[(alpha+T)^-(r+x) (beta+T)^-s]}: the customer is alive at {@code T}. */
  static double logAliveTerm(double r, double alpha, double s, double beta, int x, double age) {
    return -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
  }

  /** The log of one term of {@code A0} at time {@code y}, after Euler's transformation. */
  static double logA0Term(double r, double alpha, double s, double beta, int x, double y) {
    return logPowerIntegralTerm(alpha, beta, r + x, s + 1, y);
  }

  /**
   * The log of {@code F(y)} with {@code integral_y0^y1 (A+u)^-p (B+u)^-q du = (F(y0) - F(y1)) / (p+q-1)},
   * for {@code p, q > 0}, {@code p + q > 1}:
   * <pre>
   *   A &gt;= B:  F(y) = 2F1(1, p; p+q; (A-B)/(A+y)) / ((A+y)^p (B+y)^(q-1))
   *   A &lt;  B:  F(y) = 2F1(1, q; p+q; (B-A)/(B+y)) (A+y)^(1-p) / (B+y)^q
   * </pre>
   * (note 008's {@code A0} terms after Euler's transformation; {@code p = r+x}, {@code q = s+1}).
   */
  static double logPowerIntegralTerm(double a, double b, double p, double q, double y) {
    return logPowerIntegralTerm(a, b, p, q, y, (Hypergeometric.Budget) null);
  }

  /** {@link #logPowerIntegralTerm(double, double, double, double, double)} within {@code budget}. */
  static double logPowerIntegralTerm(double a, double b, double p, double q, double y, Hypergeometric.Budget budget) {
    double c = p + q;
    if (a >= b) {
      double z = (a - b) / (a + y);
      return Hypergeometric.logHyp2f1One(p, c, z, budget) - p * Math.log(a + y) - (q - 1) * Math.log(b + y);
    }
    double z = (b - a) / (b + y);
    return Hypergeometric.logHyp2f1One(q, c, z, budget) + (1 - p) * Math.log(a + y) - q * Math.log(b + y);
  }
}
