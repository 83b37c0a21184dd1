package dev.clientele.analytics;

import org.apache.commons.math3.special.Gamma;

/**
 * The log-likelihood of the BG/NBD model (Fader, Hardie &amp; Lee 2005, Marketing Science 24(2),
 * eq. 6) and of its MBG/NBD variant (Batislam, Denizel &amp; Filiztekin 2007, IJRM 24(3)), with
 * its exact gradient, over grouped rows, in log-parameters {@code theta = ln(r, alpha, a, b)}.
 *
 * <p>Per customer, with {@code n = x + shift} ({@code shift} 0 for BG/NBD; 1 for MBG/NBD, where
 * a customer may also drop out right after the first purchase):
 * <pre>
 *   A1 = lnG(r+x) - lnG(r) + r ln(alpha) - (r+x) ln(alpha+T) + ln B(a, b+n) - ln B(a, b)
 *   d  = ln a - ln(b+n-1) + (r+x) [ln(alpha+T) - ln(alpha+t_x)]      (only when n &gt;= 1)
 *   LL = A1 + ln(1 + e^d)
 * </pre>
 * {@code A1} is the "still alive at T" branch and {@code A1 + d} the "dropped out right after the
 * last purchase" branch; {@code B(a+1, b+n-1) / B(a, b+n) = a / (b+n-1)} gives {@code d}. With
 * {@code pi = 1/(1+e^-d)} the share of the drop-out branch, the gradient is
 * <pre>
 *   dLL/dr     = psi(r+x) - psi(r) + ln(alpha) - (1-pi) ln(alpha+T) - pi ln(alpha+t_x)
 *   dLL/dalpha = r/alpha - (r+x) [(1-pi)/(alpha+T) + pi/(alpha+t_x)]
 *   dLL/da     = psi(a+b) - psi(a+b+n) + pi / a
 *   dLL/db     = psi(b+n) - psi(b) + psi(a+b) - psi(a+b+n) - pi / (b+n-1)
 * </pre>
 * and {@code dLL/dtheta_i = p_i dLL/dp_i}.
 */
final class BetaGeometricLikelihood implements MaximumLikelihood.Objective {
  private final RfmGroups data;
  private final int shift;
  // Scratch tables, one entry per distinct frequency / distinct time.
  private final double[] lg;
  private final double[] dlgR;
  private final double[] lb;
  private final double[] dlbA;
  private final double[] dlbB;
  private final double[] ld;
  private final double[] invBn1;
  private final double[] logTime;
  private final double[] invTime;
  // ln(1 + t/alpha) and 1/alpha - 1/(alpha+t) = t/(alpha(alpha+t)) per distinct time: the
  // differences r ln(alpha) - r ln(alpha+t) and r/alpha - r/(alpha+t) without cancellation, which
  // loses every digit once r and alpha are large (a fit on degenerate data walks towards
  // r, alpha ~ 1e15, where the differenced form was off by ~20 and the optimiser followed the noise).
  private final double[] log1pTime;
  private final double[] timeRatio;
  // Running sums over k = 0..max frequency (+ shift) for the recurrences.
  private final double[] cumLg;
  private final double[] cumDgR;
  private final double[] cumLb;
  private final double[] cumPsiB;
  private final double[] cumPsiAb;

  /** Up to this frequency the recurrences are cheaper than gamma-function calls. */
  static final int RECURRENCE_LIMIT = 20_000;
  private final boolean recurrence;

  BetaGeometricLikelihood(RfmGroups data, int shift) {
    this(data, shift, RECURRENCE_LIMIT);
  }

  /** With the recurrences used up to {@code recurrenceLimit} (tests compare both paths). */
  BetaGeometricLikelihood(RfmGroups data, int shift, int recurrenceLimit) {
    this.data = data;
    this.shift = shift;
    this.recurrence = data.maxX + shift <= recurrenceLimit;
    int k = data.distinctX.length;
    lg = new double[k];
    dlgR = new double[k];
    lb = new double[k];
    dlbA = new double[k];
    dlbB = new double[k];
    ld = new double[k];
    invBn1 = new double[k];
    logTime = new double[data.times.length];
    invTime = new double[data.times.length];
    log1pTime = new double[data.times.length];
    timeRatio = new double[data.times.length];
    int top = recurrence ? data.maxX + shift + 1 : 0;
    cumLg = new double[top];
    cumDgR = new double[top];
    cumLb = new double[top];
    cumPsiB = new double[top];
    cumPsiAb = new double[top];
  }

  @Override
  public double value(double[] theta, double[] gradient) {
    double r = Math.exp(theta[0]);
    double alpha = Math.exp(theta[1]);
    double a = Math.exp(theta[2]);
    double b = Math.exp(theta[3]);
    boolean grad = gradient != null;
    double logA = Math.log(a);
    if (recurrence) {
      frequencyTermsByRecurrence(r, a, b, grad);
    } else {
      frequencyTermsByGammaFunctions(r, a, b, grad);
    }
    for (int k = 0; k < data.distinctX.length; k++) {
      int n = data.distinctX[k] + shift;
      if (n >= 1) {
        ld[k] = logA - Math.log(b + n - 1);
        invBn1[k] = 1 / (b + n - 1);
      }
    }
    for (int j = 0; j < data.times.length; j++) {
      logTime[j] = Math.log(alpha + data.times[j]);
      invTime[j] = 1 / (alpha + data.times[j]);
      log1pTime[j] = Math.log1p(data.times[j] / alpha);
      timeRatio[j] = data.times[j] / (alpha * (alpha + data.times[j]));
    }
    double ll = 0;
    double gR = 0;
    double gAlpha = 0;
    double gA = 0;
    double gB = 0;
    for (int i = 0; i < data.size; i++) {
      int k = data.xIndex[i];
      int x = data.x[i];
      double w = data.weight[i];
      double rx = r + x;
      int iT = data.ageIndex[i];
      double logT = logTime[iT];
      // r ln(alpha) - (r+x) ln(alpha+T), written without the difference of large logs
      double a1 = lg[k] - r * log1pTime[iT] - x * logT + lb[k];
      if (x + shift == 0) {
        ll += w * a1;
        if (grad) {
          gR += w * (dlgR[k] - log1pTime[iT]);
          gAlpha += w * (r * timeRatio[iT] - x * invTime[iT]);
          gA += w * dlbA[k];
          gB += w * dlbB[k];
        }
        continue;
      }
      int iTx = data.recencyIndex[i];
      double d = ld[k] + rx * (log1pTime[iT] - log1pTime[iTx]);
      double e = Math.exp(-Math.abs(d));
      // ln(1 + e): the series below 1e-5 (error < e^3/3), Math.log above (log1p is not intrinsic).
      double log1pE = e < 1e-5 ? e * (1 - 0.5 * e) : Math.log(1 + e);
      double softplus = d > 0 ? d + log1pE : log1pE;
      double pi = d > 0 ? 1 / (1 + e) : e / (1 + e);
      ll += w * (a1 + softplus);
      if (grad) {
        double q = 1 - pi;
        gR += w * (dlgR[k] - q * log1pTime[iT] - pi * log1pTime[iTx]);
        gAlpha += w * (r * (q * timeRatio[iT] + pi * timeRatio[iTx]) - x * (q * invTime[iT] + pi * invTime[iTx]));
        gA += w * (dlbA[k] + pi / a);
        gB += w * (dlbB[k] - pi * invBn1[k]);
      }
    }
    if (grad) {
      gradient[0] = gR * r;
      gradient[1] = gAlpha * alpha;
      gradient[2] = gA * a;
      gradient[3] = gB * b;
    }
    return ll;
  }

  /**
   * The per-frequency terms by the recurrences {@code lnG(z+1) = lnG(z) + ln z} and
   * {@code psi(z+1) = psi(z) + 1/z}: a running sum over {@code k < n}, one log and one division
   * per step, instead of gamma-function calls per distinct frequency.
   */
  private void frequencyTermsByRecurrence(double r, double a, double b, boolean grad) {
    int top = data.maxX + shift;
    double lgAcc = 0; // lnG(r+k) - lnG(r)
    double dgAcc = 0; // psi(r+k) - psi(r)
    double lbAcc = 0; // lnG(b+k) - lnG(b) - lnG(a+b+k) + lnG(a+b)
    double psiBAcc = 0; // psi(b+k) - psi(b)
    double psiAbAcc = 0; // psi(a+b+k) - psi(a+b)
    double ab = a + b;
    for (int k = 0; k <= top; k++) {
      cumLg[k] = lgAcc;
      cumDgR[k] = dgAcc;
      cumLb[k] = lbAcc;
      cumPsiB[k] = psiBAcc;
      cumPsiAb[k] = psiAbAcc;
      lgAcc += Math.log(r + k);
      lbAcc += Math.log((b + k) / (ab + k));
      if (grad) {
        dgAcc += 1 / (r + k);
        psiBAcc += 1 / (b + k);
        psiAbAcc += 1 / (ab + k);
      }
    }
    for (int k = 0; k < data.distinctX.length; k++) {
      int x = data.distinctX[k];
      int n = x + shift;
      lg[k] = cumLg[x];
      lb[k] = cumLb[n];
      if (grad) {
        dlgR[k] = cumDgR[x];
        dlbA[k] = -cumPsiAb[n];
        dlbB[k] = cumPsiB[n] - cumPsiAb[n];
      }
    }
  }

  /** The per-frequency terms from Commons Math's log-gamma and digamma (very large frequencies). */
  private void frequencyTermsByGammaFunctions(double r, double a, double b, boolean grad) {
    double lgR = Gamma.logGamma(r);
    double lgB = Gamma.logGamma(b);
    double lgAb = Gamma.logGamma(a + b);
    double psiR = grad ? Gamma.digamma(r) : 0;
    double psiB = grad ? Gamma.digamma(b) : 0;
    double psiAb = grad ? Gamma.digamma(a + b) : 0;
    for (int k = 0; k < data.distinctX.length; k++) {
      int x = data.distinctX[k];
      int n = x + shift;
      lg[k] = x == 0 ? 0 : Gamma.logGamma(r + x) - lgR;
      lb[k] = n == 0 ? 0 : Gamma.logGamma(b + n) - lgB - Gamma.logGamma(a + b + n) + lgAb;
      if (grad) {
        dlgR[k] = x == 0 ? 0 : Gamma.digamma(r + x) - psiR;
        double psiAbn = n == 0 ? psiAb : Gamma.digamma(a + b + n);
        dlbA[k] = psiAb - psiAbn;
        dlbB[k] = n == 0 ? 0 : Gamma.digamma(b + n) - psiB + psiAb - psiAbn;
      }
    }
  }
}
