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
 */
final class GammaGammaLikelihood implements MaximumLikelihood.Objective {
  private final int[] xs; // distinct frequencies
  private final double[] count; // customers per distinct x
  private final double[] sumLogM; // sum of ln m per distinct x
  private final int[] offset; // rows of distinct x k are xm[offset[k] .. offset[k+1])
  private final double[] xm; // x * m per row
  final double customers;
  final double meanM;

  GammaGammaLikelihood(List<RfmSummary> repeaters) {
    RfmSummary[] rows = repeaters.toArray(new RfmSummary[0]);
    Arrays.sort(rows, (u, w) -> Integer.compare(u.frequency(), w.frequency()));
    int distinct = 0;
    for (int i = 0; i < rows.length; i++) {
      if (i == 0 || rows[i].frequency() != rows[i - 1].frequency()) {
        distinct++;
      }
    }
    xs = new int[distinct];
    count = new double[distinct];
    sumLogM = new double[distinct];
    offset = new int[distinct + 1];
    xm = new double[rows.length];
    int k = -1;
    double sumM = 0;
    for (int i = 0; i < rows.length; i++) {
      if (i == 0 || rows[i].frequency() != rows[i - 1].frequency()) {
        k++;
        xs[k] = rows[i].frequency();
        offset[k] = i;
      }
      count[k]++;
      sumLogM[k] += Math.log(rows[i].monetaryValue());
      xm[i] = rows[i].frequency() * rows[i].monetaryValue();
      sumM += rows[i].monetaryValue();
    }
    offset[distinct] = rows.length;
    customers = rows.length;
    meanM = sumM / rows.length;
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
    }
    return ll;
  }
}
