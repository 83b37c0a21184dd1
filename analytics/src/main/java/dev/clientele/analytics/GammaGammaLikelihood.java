package dev.clientele.analytics;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma log-likelihood and its gradient in {@code theta = ln(p, q, v)} (Fader &amp;
 * Hardie, "The Gamma-Gamma model of monetary value", note 025, eq. 4; FHL 2005 JMR 42(4)). For
 * a customer with {@code x} repeat purchases of mean value {@code m}:
 * <pre>
 *   LL = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + x m)
 * </pre>
 * Summed over the customers sharing an {@code x} (count {@code n}, {@code S = sum ln m}), only
 * {@code sum ln(v + x m)} and {@code sum 1/(v + x m)} need a pass over the rows; the gamma and
 * digamma terms are computed once per distinct {@code x}.
 *
 * <p>The exact Hessian (for Newton's method) needs one more sum, {@code sum 1/(v + x m)^2}; with
 * {@code psi'} the trigamma function, per distinct {@code x}:
 * <pre>
 *   d2/dp2 = x^2 n [psi'(px+q) - psi'(px)]     d2/dp dq = x n psi'(px+q)    d2/dp dv = -x sum 1/(v+xm)
 *   d2/dq2 = n [psi'(px+q) - psi'(q)]           d2/dq dv = n/v - sum 1/(v+xm)
 *   d2/dv2 = -n q / v^2 + (px+q) sum 1/(v+xm)^2
 * </pre>
 * and in log-parameters {@code d2/dtheta_i dtheta_j = p_i p_j H_ij + [i = j] p_i dLL/dp_i}.
 *
 * <p>Not thread-safe: it remembers the last gradient, which Newton's Hessian call reuses. Each
 * fit makes its own instance.
 */
final class GammaGammaLikelihood implements MaximumLikelihood.Curved {
  private final int[] xs; // distinct frequencies
  private final double[] count; // customers per distinct x
  private final double[] sumLogM; // sum of ln m per distinct x
  private final int[] offset; // rows of distinct x k are xm[offset[k] .. offset[k+1])
  private final double[] xm; // x * m per row
  final double customers;
  final double meanM;
  // The last point whose gradient was computed (an instance serves one fit, on one thread).
  private final double[] lastTheta = {Double.NaN, Double.NaN, Double.NaN};
  private final double[] lastGradient = new double[3];

  GammaGammaLikelihood(List<RfmSummary> repeaters) {
    int n = repeaters.size();
    int[] f = new int[n];
    double[] m = new double[n];
    long[] order = new long[n]; // (x << 32) | row: a primitive sort by frequency
    int i0 = 0;
    for (RfmSummary s : repeaters) {
      f[i0] = s.frequency();
      m[i0] = s.monetaryValue();
      order[i0] = ((long) f[i0] << 32) | i0;
      i0++;
    }
    Arrays.sort(order);
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || (order[i] >>> 32) != (order[i - 1] >>> 32)) {
        distinct++;
      }
    }
    xs = new int[distinct];
    count = new double[distinct];
    sumLogM = new double[distinct];
    offset = new int[distinct + 1];
    xm = new double[n];
    int k = -1;
    double sumM = 0;
    for (int i = 0; i < n; i++) {
      int row = (int) order[i];
      if (i == 0 || (order[i] >>> 32) != (order[i - 1] >>> 32)) {
        k++;
        xs[k] = f[row];
        offset[k] = i;
      }
      count[k]++;
      sumLogM[k] += Math.log(m[row]);
      xm[i] = f[row] * m[row];
      sumM += m[row];
    }
    offset[distinct] = n;
    customers = n;
    meanM = sumM / n;
  }

  @Override
  public double[][] hessian(double[] theta) {
    double p = Math.exp(theta[0]);
    double q = Math.exp(theta[1]);
    double v = Math.exp(theta[2]);
    double[] g = new double[3]; // gradient in log-parameters: g_i = p_i dLL/dp_i
    if (Arrays.equals(theta, lastTheta)) {
      System.arraycopy(lastGradient, 0, g, 0, 3); // Newton asks at the point it just evaluated
    } else {
      value(theta, g);
    }
    double triQ = Gamma.trigamma(q);
    double hpp = 0;
    double hpq = 0;
    double hpv = 0;
    double hqq = 0;
    double hqv = 0;
    double hvv = 0;
    for (int k = 0; k < xs.length; k++) {
      int x = xs[k];
      double px = p * x;
      double n = count[k];
      double s1 = 0;
      double s2 = 0;
      for (int i = offset[k]; i < offset[k + 1]; i++) {
        double inv = 1 / (v + xm[i]);
        s1 += inv;
        s2 += inv * inv;
      }
      double triPxQ = Gamma.trigamma(px + q);
      hpp += (double) x * x * n * (triPxQ - Gamma.trigamma(px));
      hpq += x * n * triPxQ;
      hpv -= x * s1;
      hqq += n * (triPxQ - triQ);
      hqv += n / v - s1;
      hvv += -n * q / (v * v) + (px + q) * s2;
    }
    double[] pv = {p, q, v};
    double[][] h = {{hpp, hpq, hpv}, {hpq, hqq, hqv}, {hpv, hqv, hvv}};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        h[i][j] *= pv[i] * pv[j];
      }
      h[i][i] += g[i];
    }
    return h;
  }

  @Override
  public double value(double[] theta, double[] gradient) {
    double p = Math.exp(theta[0]);
    double q = Math.exp(theta[1]);
    double v = Math.exp(theta[2]);
    double logV = theta[2];
    boolean grad = gradient != null;
    double lgQ = Gamma.logGamma(q);
    double psiQ = grad ? Gamma.digamma(q) : 0;
    double ll = 0;
    double gP = 0;
    double gQ = 0;
    double gV = 0;
    for (int k = 0; k < xs.length; k++) {
      int x = xs[k];
      double px = p * x;
      double n = count[k];
      double logX = Math.log(x);
      double sumLog = 0;
      double sumInv = 0;
      for (int i = offset[k]; i < offset[k + 1]; i++) {
        double d = v + xm[i];
        sumLog += Math.log(d);
        if (grad) {
          sumInv += 1 / d;
        }
      }
      ll += n * (Gamma.logGamma(px + q) - Gamma.logGamma(px) - lgQ + q * logV + px * logX)
          + (px - 1) * sumLogM[k] - (px + q) * sumLog;
      if (grad) {
        double psiPxQ = Gamma.digamma(px + q);
        gP += x * (n * (psiPxQ - Gamma.digamma(px) + logX) + sumLogM[k] - sumLog);
        gQ += n * (psiPxQ - psiQ + logV) - sumLog;
        gV += n * q / v - (px + q) * sumInv;
      }
    }
    if (grad) {
      gradient[0] = gP * p;
      gradient[1] = gQ * q;
      gradient[2] = gV * v;
      System.arraycopy(theta, 0, lastTheta, 0, 3);
      System.arraycopy(gradient, 0, lastGradient, 0, 3);
    }
    return ll;
  }
}
