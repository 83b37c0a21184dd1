package dev.clientele.analytics;

import org.apache.commons.math3.special.Gamma;

/**
 * Predictions shared by BG/NBD ({@code shift = 0}) and MBG/NBD ({@code shift = 1}); see
 * {@link BetaGeometricLikelihood} for the notation ({@code n = x + shift}).
 */
final class BetaGeometric {
  /** From this {@code a} on, {@link #expectedIfAlive} tries the concentrated drop-out form first. */
  static final double CONCENTRATED_FROM = 1000;

  private BetaGeometric() {}

  /**
   * {@code ln(P(dropped out after the last purchase) / P(alive))}
   * {@code = ln(a/(b+n-1)) + (r+x) ln((alpha+T)/(alpha+t_x))}; {@code -inf} when {@code n = 0}.
   */
  static double logOddsDead(double r, double alpha, double a, double b, int shift, int x, double tx, double age) {
    int n = x + shift;
    if (n == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return Math.log(a / (b + n - 1)) + (r + x) * Math.log1p((age - tx) / (alpha + tx));
  }

  /**
   * P(alive | x, t_x, T) = 1 / (1 + e^d): FHL 2005 eq. 9 / Fader, Hardie &amp; Lee, "Computing
   * P(alive) using the BG/NBD model" (note 021); Batislam et al. 2007 for MBG/NBD.
   */
  static double probabilityAlive(double r, double alpha, double a, double b, int shift, int x, double tx, double age) {
    double d = logOddsDead(r, alpha, a, b, shift, x, tx, age);
    if (d > 0) {
      double e = Math.exp(-d);
      return e / (1 + e);
    }
    return 1 / (1 + Math.exp(d));
  }

  /**
   * E[Y(t) | x, t_x, T] (FHL 2005 eq. 10; for MBG/NBD Batislam et al. 2007), evaluated as
   * {@code (a+b+x-1+shift) * h * P(alive)} with
   * {@code h = [1 - (1-z)^(a-1) 2F1(a+b-1-r+shift, a-1; a+b+x-1+shift; z)] / (a-1)},
   * {@code z = t/(alpha+T+t)}: eq. 10 after Euler's transformation (see {@link Hypergeometric}).
   */
  static double conditionalExpected(double r, double alpha, double a, double b, int shift,
      double t, int x, double tx, double age) {
    if (t == 0) {
      return 0;
    }
    return expectedIfAlive(r, alpha, a, b, shift, t, x, age) * probabilityAlive(r, alpha, a, b, shift, x, tx, age);
  }

  /**
   * {@code E[Y(t) | x, t_x, T] / P(alive)} = {@code (a+b+x-1+shift) h}: the expected purchases of a
   * customer alive at {@code T}. It depends on {@code x} and {@code T} only, not on {@code t_x}.
   *
   * <p>The series behind {@code h} needs about {@code a z} terms, which a fit with huge {@code a}
   * and {@code b} (a drop-out probability concentrated at {@code a/(a+b)}: a = 3.9e9, b = 1.4e10 on
   * a 16-customer file) puts past any budget, and whose factor {@code (1-z)^(a-1)} underflows
   * (leaving NaN) once {@code (a-1) ln(1/(1-z)) > 709}. From {@code a > }{@value #CONCENTRATED_FROM},
   * or when that exponent passes 500, {@code h} is first taken from
   * {@link Hypergeometric#scaledComplementConcentrated}: the point-mass limit with its corrections
   * and an error bound, in bounded work. When that bound is not met (a of a few hundred: the
   * drop-out probability is not concentrated enough), {@code h} is taken from
   * {@link Hypergeometric#scaledComplementPositive}, eq. 10's own series of positive terms summed in
   * scaled logarithms, which neither underflows nor cancels inside the sum. Otherwise the series
   * above is summed, and if it gives no finite value or throws (no convergence within its bound, or
   * terms that cancel), {@link Hypergeometric#scaledComplementPositive} is tried too. If no route gives a value within its bounds, an {@link ArithmeticException} says
   * so rather than a NaN prediction; {@link ClvScorer} turns it into a row marked not scorable.
   *
   * @throws ArithmeticException if no evaluation route gives a value within its bounds
   */
  static double expectedIfAlive(double r, double alpha, double a, double b, int shift, double t, int x, double age) {
    if (t == 0) {
      return 0;
    }
    double u = t / (alpha + age);
    boolean positiveTried = false;
    if (a > CONCENTRATED_FROM || (a - 1) * Math.log1p(u) > 500) {
      double h = Hypergeometric.scaledComplementConcentrated(a - 1, b + x + shift, r + x, u);
      if (Double.isNaN(h)) {
        // a of a few hundred: not concentrated enough for that bound; all-positive series instead
        h = Hypergeometric.scaledComplementPositive(a - 1, b + x + shift, r + x, u);
        positiveTried = true;
      }
      if (!Double.isNaN(h)) {
        return (a + b + x - 1 + shift) * h;
      }
    }
    double z = t / (alpha + age + t);
    double h;
    ArithmeticException seriesFailure = null;
    try {
      h = Hypergeometric.scaledComplement(a - 1, a + b - 1 - r + shift, a + b + x - 1 + shift, z);
    } catch (ArithmeticException e) { // did not converge, or (guarded) its terms cancel
      h = Double.NaN;
      seriesFailure = e;
    }
    if (!Double.isFinite(h) && !positiveTried) {
      h = Hypergeometric.scaledComplementPositive(a - 1, b + x + shift, r + x, u);
    }
    if (!Double.isFinite(h)) {
      // no route gave a value within its bounds: fail as a non-converging series does
      ArithmeticException e = new ArithmeticException("BG/NBD expected purchases not computable in bounded work: a = "
          + a + ", z = " + z + " (every evaluation route of the hypergeometric term failed its bounds)");
      if (seriesFailure != null) {
        e.addSuppressed(seriesFailure);
      }
      throw e;
    }
    return (a + b + x - 1 + shift) * h;
  }

  /**
   * P(no purchase in (T, T+t] | x, t_x, T) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x):
   * a customer alive at {@code T} has a Gamma(r+x, alpha+T) posterior purchase rate, and in both
   * models drop-out happens only at a purchase, so an alive customer who does not buy stays
   * alive.
   */
  static double probabilityNoPurchase(double r, double alpha, double a, double b, int shift,
      double t, int x, double tx, double age) {
    double alive = probabilityAlive(r, alpha, a, b, shift, x, tx, age);
    double quiet = Math.exp(-(r + x) * Math.log1p(t / (alpha + age)));
    return 1 - alive + alive * quiet;
  }

  /**
   * The t with {@link #probabilityNoPurchase} = 1/2: with {@code A = P(alive)} the equation
   * {@code 1 - A + A ((alpha+T)/(alpha+T+t))^(r+x) = 1/2} gives
   * {@code t = (alpha+T) [(1 - 1/(2A))^(-1/(r+x)) - 1]} for {@code A > 1/2}, and no solution
   * ({@code +Infinity}) otherwise.
   */
  static double medianTimeToNextPurchase(double r, double alpha, double a, double b, int shift,
      int x, double tx, double age) {
    return medianFromAlive(r, alpha, x, age, probabilityAlive(r, alpha, a, b, shift, x, tx, age));
  }

  /**
   * {@link #medianTimeToNextPurchase} given {@code alive = P(alive)}. {@code 1 - 1/(2A)} lies in
   * (0, 1/2], so its plain logarithm is accurate; {@code e^y - 1} is taken directly above
   * {@code y = 0.01} (relative error ~1e-14) and by {@code expm1} below, where it would cancel.
   */
  static double medianFromAlive(double r, double alpha, int x, double age, double alive) {
    if (!(alive > 0.5)) {
      return Double.POSITIVE_INFINITY;
    }
    double y = -Math.log(1 - 0.5 / alive) / (r + x);
    return (alpha + age) * (y > 0.01 ? Math.exp(y) - 1 : Math.expm1(y));
  }

  /**
   * One customer's log-likelihood (the per-row term of {@link BetaGeometricLikelihood}). The
   * ratios {@code G(r+x)/G(r)} and {@code B(a, b+n)/B(a, b)} are products of {@code n} factors,
   * summed as logarithms up to {@link BetaGeometricLikelihood#RECURRENCE_LIMIT} factors, as the
   * fit does: differences of log-gamma values lose every digit when the parameters are large
   * (a fit on degenerate data can reach {@code a, b ~ 1e17}).
   */
  static double logLikelihood(double r, double alpha, double a, double b, int shift, int x, double tx, double age) {
    int n = x + shift;
    // r ln(alpha) - (r+x) ln(alpha+T) without the difference of large logarithms (r, alpha ~ 1e15)
    double a1 = logRising(r, x) - r * Math.log1p(age / alpha) - x * Math.log(alpha + age) + logBetaRatio(a, b, n);
    if (n == 0) {
      return a1;
    }
    double d = logOddsDead(r, alpha, a, b, shift, x, tx, age);
    return a1 + (d > 0 ? d + Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d)));
  }

  /** {@code ln[G(z+n)/G(z)] = sum_{i<n} ln(z+i)}. */
  static double logRising(double z, int n) {
    if (n > BetaGeometricLikelihood.RECURRENCE_LIMIT) {
      return Gamma.logGamma(z + n) - Gamma.logGamma(z);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.log(z + i);
    }
    return sum;
  }

  /** {@code ln[B(a, b+n)/B(a, b)] = sum_{i<n} ln((b+i)/(a+b+i)) = -sum ln(1 + a/(b+i))}. */
  static double logBetaRatio(double a, double b, int n) {
    if (n > BetaGeometricLikelihood.RECURRENCE_LIMIT) {
      return Gamma.logGamma(b + n) - Gamma.logGamma(b) - Gamma.logGamma(a + b + n) + Gamma.logGamma(a + b);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum -= Math.log1p(a / (b + i));
    }
    return sum;
  }
}
