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
 * {@code x} ({@link Hypergeometric#logHyp2f1One}). The bracket is then combined with
 * log-sum-exp.
 */
final class ParetoNbdLikelihood implements MaximumLikelihood.Objective {
  private final RfmGroups data;

  ParetoNbdLikelihood(RfmGroups data) {
    this.data = data;
  }

  /** The log-likelihood; the gradient, when asked for, by central differences. */
  @Override
  public double value(double[] theta, double[] gradient) {
    double v = logLikelihood(theta);
    if (gradient != null) {
      double[] t = theta.clone();
      for (int i = 0; i < theta.length; i++) {
        // Truncation (~h^2 |LL|) and rounding (~1e-16 |LL| / h) balance near h = 1e-5.
        double h = 1e-5 * Math.max(1, Math.abs(theta[i]));
        t[i] = theta[i] + h;
        double up = logLikelihood(t);
        t[i] = theta[i] - h;
        double down = logLikelihood(t);
        t[i] = theta[i];
        gradient[i] = (up - down) / (2 * h);
      }
    }
    return v;
  }

  private double logLikelihood(double[] theta) {
    double r = Math.exp(theta[0]);
    double alpha = Math.exp(theta[1]);
    double s = Math.exp(theta[2]);
    double beta = Math.exp(theta[3]);
    double lgR = Gamma.logGamma(r);
    double[] lg = new double[data.distinctX.length];
    for (int k = 0; k < lg.length; k++) {
      int x = data.distinctX[k];
      lg[k] = x == 0 ? 0 : Gamma.logGamma(r + x) - lgR;
    }
    double constant = r * theta[1] + s * theta[3];
    double ll = 0;
    for (int i = 0; i < data.size; i++) {
      ll += data.weight[i] * (lg[data.xIndex[i]] + constant
          + logBracket(r, alpha, s, beta, data.x[i], data.recency[i], data.age[i]));
    }
    return ll;
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
    double c = p + q;
    if (a >= b) {
      double z = (a - b) / (a + y);
      return Hypergeometric.logHyp2f1One(p, c, z) - p * Math.log(a + y) - (q - 1) * Math.log(b + y);
    }
    double z = (b - a) / (b + y);
    return Hypergeometric.logHyp2f1One(q, c, z) + (1 - p) * Math.log(a + y) - q * Math.log(b + y);
  }
}
