package dev.clientele.analytics;

import java.util.Arrays;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Maximises a log-likelihood over unconstrained parameters (the models use log-parameters, so
 * every point is a valid positive parameter vector).
 *
 * <p>Two stages. A quasi-Newton BFGS search driven by the model's analytic gradient (Nocedal
 * &amp; Wright, <i>Numerical Optimization</i>, 2nd ed., 2006: Algorithm 6.1 with the inverse
 * Hessian update 6.17, the initial scaling 6.20, and a backtracking line search under the
 * sufficient-increase condition, Algorithm 3.1 with quadratic interpolation, skipping updates
 * that would break positive definiteness) brings the point close to the maximum in a few dozen
 * evaluations. Newton steps with a Hessian from central differences of that gradient then
 * converge quadratically to machine precision, which the published-figure tests need (3
 * significant figures on the parameters, the log-likelihood to 0.01). The same Hessian gives the
 * asymptotic covariance of the estimates: the inverse of the observed information {@code -H}.
 *
 * <p>The result says how the search ended ({@link ModelFit.Convergence}). Each stage notes why it
 * stopped: its convergence test, its iteration limit ({@link #BFGS_ITERATIONS},
 * {@link #NEWTON_ITERATIONS}), or a last line search that found only points where the objective
 * could not be evaluated. The result is converged when Newton's test passed at a point that is
 * neither at the edge of the search box nor flat (see {@code flat}); otherwise the reason of the
 * stage that stopped at the returned point decides, and a point with no such reason is on the
 * boundary when it is flat.
 */
final class MaximumLikelihood {
  /** A log-likelihood with its gradient. */
  interface Objective {
    /** The log-likelihood at {@code theta}; fills {@code gradient} (same length) when not null. */
    double value(double[] theta, double[] gradient);
  }

  /** An objective that also gives its exact Hessian, so Newton's method can start at once. */
  interface Curved extends Objective {
    /** The Hessian of the log-likelihood at {@code theta} (n x n, symmetric). */
    double[][] hessian(double[] theta);
  }

  /**
   * The maximum found.
   *
   * @param theta the maximising point
   * @param logLikelihood the value there
   * @param covariance the inverse observed information at {@code theta}, or {@code null} if the
   *     Hessian there is not negative definite (a maximum on the boundary)
   * @param convergence how the search ended: whether {@code theta} is a verified maximum (see
   *     {@link ModelFit.Convergence} for each value and how it is decided here)
   */
  record Result(double[] theta, double logLikelihood, double[][] covariance, ModelFit.Convergence convergence) {}

  /**
   * Why one stage (BFGS or Newton) stopped. {@code steps} counts the accepted steps, so a stage
   * that moved nowhere can pass on the reason of the stage before it.
   */
  private static final class Ending {
    /** The stage's own convergence test passed. */
    boolean converged;
    /** The stage used up its iterations. */
    boolean limit;
    /**
     * The stage stopped because the points it needed next could not be evaluated: its last line
     * search met only failures, some of them points inside the search box where the objective
     * threw or was not finite, or the Hessian at its last point could not be computed.
     */
    boolean unevaluable;
    /** Accepted steps. */
    int steps;
  }

  /** Points this far out in log space (e^40 = 2e17) are treated as unusable. */
  private static final double MAX_ABS_THETA = 40;
  /** The value of a point where the objective cannot be evaluated; a result with it is no fit. */
  static final double FAILED = -1e300;

  private MaximumLikelihood() {}

  static Result maximize(Objective f, double[] start) {
    return maximize(f, start, null);
  }

  /**
   * {@link #maximize(Objective, double[])} with BFGS's inverse-curvature matrix starting at
   * {@code inverseCurvature} (an estimate of {@code (-H)^-1} near {@code start}, e.g. from a fit
   * on a subsample) instead of a scaled identity; null for the identity.
   */
  static Result maximize(Objective f, double[] start, double[][] inverseCurvature) {
    return maximize(f, start, inverseCurvature, BFGS_ITERATIONS, NEWTON_ITERATIONS);
  }

  /** The most BFGS iterations; a search that needs more ends {@code STOPPED_AT_LIMIT}. */
  static final int BFGS_ITERATIONS = 500;
  /** The most Newton iterations per Newton stage. */
  static final int NEWTON_ITERATIONS = 100;

  /**
   * {@link #maximize(Objective, double[], double[][])} with other iteration limits than
   * {@link #BFGS_ITERATIONS} and {@link #NEWTON_ITERATIONS} (for tests of the limits).
   */
  static Result maximize(Objective f, double[] start, double[][] inverseCurvature, int bfgsIterations,
      int newtonIterations) {
    Guarded g = new Guarded(f, start.length);
    if (f instanceof Curved) {
      // Exact Hessian: Newton from the start, a few evaluations. If it stalls (the Hessian is
      // not negative definite far from the maximum), BFGS takes over from the best point.
      Result r = newton(g, start, new Ending(), newtonIterations);
      if (r.covariance() != null && converged(g, r)) {
        return withConvergence(r, atEdge(r) || flat(r)
            ? ModelFit.Convergence.BOUNDARY : ModelFit.Convergence.CONVERGED);
      }
      start = g.best.clone();
    }
    Ending bfgsEnd = new Ending();
    double[] theta = bfgs(g, start, inverseCurvature, bfgsEnd, bfgsIterations);
    if (g.bestValue > g.value(theta)) {
      theta = g.best.clone();
      bfgsEnd = new Ending(); // not where BFGS stopped: its reasons do not apply to this point
    }
    Ending newtonEnd = new Ending();
    Result r = newton(g, theta, newtonEnd, newtonIterations);
    return withConvergence(r, convergence(newtonEnd, bfgsEnd, r));
  }

  /**
   * How the search ended (the rules are those of {@link ModelFit.Convergence}'s values): at the
   * edge of the search box, by Newton's convergence test, or else by the last stage's reason for
   * stopping, BFGS's when Newton took no step from the point where BFGS stopped (then BFGS's
   * reason is why the search ended there).
   */
  private static ModelFit.Convergence convergence(Ending newton, Ending bfgs, Result r) {
    if (atEdge(r)) {
      return ModelFit.Convergence.BOUNDARY; // whatever stopped the search, it ran to the edge
    }
    if (newton.converged) {
      return flat(r) ? ModelFit.Convergence.BOUNDARY : ModelFit.Convergence.CONVERGED;
    }
    if (newton.limit || (newton.steps == 0 && bfgs.limit)) {
      return ModelFit.Convergence.STOPPED_AT_LIMIT;
    }
    if (newton.unevaluable || (newton.steps == 0 && bfgs.unevaluable)) {
      return ModelFit.Convergence.STOPPED_AT_UNEVALUABLE_POINTS;
    }
    if (flat(r)) {
      return ModelFit.Convergence.BOUNDARY;
    }
    // Negative definite Hessian, yet no Newton step (down to 2^-40 of it) raised the value,
    // and no point it tried was unevaluable: the predicted gain is below what the value's
    // rounding lets the search see, so the point is the maximum to the precision available.
    return ModelFit.Convergence.CONVERGED;
  }

  /**
   * Above this ratio of the largest to the smallest eigenvalue of the covariance, the
   * log-likelihood counts as flat along the smallest curvature. The central-difference Hessian
   * is accurate to about 1e-7 relative (see {@link #hessian}), so a curvature 1e-8 times the
   * largest one cannot be told from zero. Converged fits on real and simulated data have ratios
   * of 1e2 to 1e5 (CDNOW: 165 to 613); fits whose parameters ran towards 0 or infinity until the
   * gain fell below rounding, 1e9 to 1e14.
   */
  private static final double FLAT_CONDITION = 1e8;

  /**
   * Whether a log-parameter of {@code r} is within 1 of the edge of the search box (a parameter
   * above e^39 = 9e16 or below e^-39): the search went as far towards 0 or infinity as it may.
   */
  private static boolean atEdge(Result r) {
    for (double t : r.theta()) {
      if (Math.abs(t) > MAX_ABS_THETA - 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the log-likelihood at {@code r} is flat in some direction, so that {@code r} is no
   * strict maximum but a point on a ridge that runs to the boundary of the parameter space: the
   * Hessian there is not negative definite; or it is only by a curvature below its own accuracy
   * ({@link #FLAT_CONDITION}); or the standard error of a log-parameter exceeds the width of the
   * search box, 2 {@link #MAX_ABS_THETA} (the data then place that parameter nowhere between
   * e^-40 and e^40: on one parameter, where no ratio of curvatures exists, the likelihood
   * flattening towards infinity looks like this).
   */
  private static boolean flat(Result r) {
    double[][] cov = r.covariance();
    if (cov == null) {
      return true;
    }
    for (int i = 0; i < cov.length; i++) {
      if (!(cov[i][i] <= 4 * MAX_ABS_THETA * MAX_ABS_THETA)) {
        return true;
      }
    }
    double[] eigen;
    try {
      eigen = new EigenDecomposition(new Array2DRowRealMatrix(cov)).getRealEigenvalues();
    } catch (MathIllegalStateException | MathArithmeticException e) {
      return true; // no usable spectrum: no evidence of a strict maximum
    }
    double largest = 0;
    double smallest = Double.POSITIVE_INFINITY;
    for (double e : eigen) {
      largest = Math.max(largest, e);
      smallest = Math.min(smallest, e);
    }
    return !(smallest > 0 && largest <= FLAT_CONDITION * smallest);
  }

  private static Result withConvergence(Result r, ModelFit.Convergence c) {
    return new Result(r.theta(), r.logLikelihood(), r.covariance(), c);
  }

  /** BFGS stops when the predicted gain {@code g' H g / 2} falls below this (log-likelihood units). */
  private static final double BFGS_GAIN = 1e-10;
  /** The largest first trial step of a line search, in log-parameters (a factor e^2). */
  private static final double MAX_STEP = 2;

  /**
   * Quasi-Newton ascent (see the class comment). {@code h} approximates the inverse of the
   * negative Hessian; the search direction is {@code h g}.
   */
  private static double[] bfgs(Guarded g, double[] start, double[][] inverseCurvature, Ending end, int iterations) {
    int n = start.length;
    double[] x = start.clone();
    double[] grad = new double[n];
    double fx = g.value(x, grad);
    if (fx == FAILED) {
      end.unevaluable = true;
      return x;
    }
    double[][] h = new double[n][n];
    for (int i = 0; i < n; i++) {
      h[i][i] = 1;
    }
    boolean scaled = false;
    if (inverseCurvature != null) {
      for (int i = 0; i < n; i++) {
        h[i] = inverseCurvature[i].clone();
      }
      scaled = true;
    }
    double[] d = new double[n];
    double[] xn = new double[n];
    double[] gn = new double[n];
    double[] s = new double[n];
    double[] y = new double[n];
    double[] hy = new double[n];
    for (int iter = 0; iter < iterations; iter++) {
      double slope = 0;
      double maxD = 0;
      for (int i = 0; i < n; i++) {
        double di = 0;
        for (int j = 0; j < n; j++) {
          di += h[i][j] * grad[j];
        }
        d[i] = di;
        slope += grad[i] * di;
        maxD = Math.max(maxD, Math.abs(di));
      }
      if (!(slope > 0)) { // lost positive definiteness: restart from steepest ascent
        for (int i = 0; i < n; i++) {
          Arrays.fill(h[i], 0);
          h[i][i] = 1;
          d[i] = grad[i];
          slope += grad[i] * grad[i];
          maxD = Math.max(maxD, Math.abs(grad[i]));
        }
        scaled = false;
        if (!(slope > 0)) {
          end.converged = true; // a zero gradient
          return x;
        }
      }
      // Converged: the predicted gain is below the target or at the rounding level of the sum.
      if (scaled && slope < 2 * Math.max(BFGS_GAIN, 1e-13 * Math.abs(fx))) {
        end.converged = true;
        return x;
      }
      double step = Math.min(1, MAX_STEP / maxD);
      double fn;
      int refusedBefore = g.unevaluable;
      while (true) {
        for (int i = 0; i < n; i++) {
          xn[i] = x[i] + step * d[i];
        }
        fn = g.value(xn, gn);
        if (fn >= fx + 1e-4 * step * slope) {
          if (fn == fx) {
            end.converged = true;
            return x; // no change at all: the remaining gain is below rounding
          }
          break;
        }
        if (step < 1e-14) {
          end.unevaluable = g.unevaluable > refusedBefore;
          return x;
        }
        // Minimiser of the quadratic through f(0), f'(0) and f(step), kept in [0.1, 0.5] step.
        double q = fn == FAILED ? 0.1 : step * slope / (2 * (step * slope - (fn - fx)));
        step *= Math.max(0.1, Math.min(0.5, q));
      }
      // s = x_{k+1} - x_k; y = -(g_{k+1} - g_k): gradients of -LL, which BFGS minimises.
      double sy = 0;
      double yy = 0;
      for (int i = 0; i < n; i++) {
        s[i] = xn[i] - x[i];
        y[i] = grad[i] - gn[i];
        sy += s[i] * y[i];
        yy += y[i] * y[i];
      }
      if (sy > 1e-12 * Math.sqrt(yy) * norm(s)) {
        if (!scaled) {
          double gamma = sy / yy; // N&W eq. 6.20
          for (int i = 0; i < n; i++) {
            Arrays.fill(h[i], 0);
            h[i][i] = gamma;
          }
          scaled = true;
        }
        // H+ = H - (H y s' + s y' H) / sy + (1 + y' H y / sy) s s' / sy (eq. 6.17 expanded).
        double yhy = 0;
        for (int i = 0; i < n; i++) {
          double v = 0;
          for (int j = 0; j < n; j++) {
            v += h[i][j] * y[j];
          }
          hy[i] = v;
          yhy += y[i] * v;
        }
        double c = (1 + yhy / sy) / sy;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            h[i][j] += -(hy[i] * s[j] + s[i] * hy[j]) / sy + c * s[i] * s[j];
          }
        }
      }
      System.arraycopy(xn, 0, x, 0, n);
      System.arraycopy(gn, 0, grad, 0, n);
      fx = fn;
      end.steps++;
    }
    end.limit = true;
    return x;
  }

  /** Whether the predicted Newton gain at {@code r} is at rounding level. */
  private static boolean converged(Guarded g, Result r) {
    int n = r.theta().length;
    double[] grad = new double[n];
    g.value(r.theta(), grad);
    double gain = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        gain += grad[i] * r.covariance()[i][j] * grad[j];
      }
    }
    return gain < 1e-8;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }

  private static Result newton(Guarded g, double[] start, Ending end, int iterations) {
    int n = start.length;
    double[] theta = start.clone();
    double[] grad = new double[n];
    double value = g.value(theta, grad);
    double[][] hessian = hessian(g.f, theta);
    end.limit = true; // unless a break below says otherwise
    for (int iter = 0; iter < iterations; iter++) {
      DecompositionSolver solver = negativeDefiniteSolver(hessian);
      if (solver == null) {
        end.limit = false;
        end.unevaluable = value == FAILED || !finite(hessian);
        break;
      }
      double[] step = solver.solve(new Array2DRowRealMatrix(grad)).getColumn(0);
      double gain = 0;
      for (int i = 0; i < n; i++) {
        gain += grad[i] * step[i];
      }
      if (!(gain > 1e-13 * Math.max(1, Math.abs(value)))) {
        end.limit = false;
        end.converged = true;
        break; // converged: the predicted improvement is at rounding level
      }
      double scale = 1;
      double[] next = new double[n];
      double[] nextGrad = new double[n];
      double nextValue = Double.NEGATIVE_INFINITY;
      int refusedBefore = g.unevaluable;
      for (int halving = 0; halving < 40; halving++) {
        for (int i = 0; i < n; i++) {
          next[i] = theta[i] + scale * step[i];
        }
        nextValue = g.value(next, nextGrad);
        if (nextValue >= value) {
          break;
        }
        scale /= 2;
      }
      if (!(nextValue >= value)) {
        end.limit = false;
        end.unevaluable = g.unevaluable > refusedBefore;
        break;
      }
      theta = next.clone();
      grad = nextGrad.clone();
      value = nextValue;
      end.steps++;
      if (gain < Math.max(1e-9, 1e-13 * Math.abs(value)) && scale == 1) {
        // A full step predicted to gain this little lands within rounding of the maximum
        // (Newton converges quadratically); the Hessian has not changed to any precision that
        // the covariance needs.
        end.limit = false;
        end.converged = true;
        break;
      }
      hessian = hessian(g.f, theta);
    }
    DecompositionSolver solver = negativeDefiniteSolver(hessian);
    double[][] covariance = null;
    if (solver != null) {
      covariance = solver.getInverse().getData(); // (-H)^-1
    }
    // Provisional when not converged: maximize() decides from this stage's and BFGS's endings.
    return new Result(theta, value, covariance, end.converged
        ? ModelFit.Convergence.CONVERGED : ModelFit.Convergence.STOPPED_AT_LIMIT);
  }

  private static boolean finite(double[][] m) {
    for (double[] row : m) {
      for (double v : row) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** A solver for {@code -H x = y}, or null if {@code H} is not negative definite. */
  private static DecompositionSolver negativeDefiniteSolver(double[][] hessian) {
    int n = hessian.length;
    RealMatrix neg = new Array2DRowRealMatrix(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = -hessian[i][j];
        if (!Double.isFinite(v)) {
          return null;
        }
        neg.setEntry(i, j, v);
      }
    }
    try {
      return new CholeskyDecomposition(neg, 1e-12, 1e-14).getSolver();
    } catch (IllegalArgumentException | MathIllegalStateException e) {
      return null; // not positive definite (NonPositiveDefiniteMatrixException) or degenerate
    }
  }

  /**
   * The Hessian: exact for a {@link Curved} objective, otherwise by central differences of the
   * gradient, symmetrised. The step 1e-4 (in log-parameters) balances truncation, O(step^2),
   * against the gradient's rounding error divided by the step; with analytic gradients the
   * result is accurate to ~1e-7 relative, far more than a Newton step or a standard error needs.
   */
  static double[][] hessian(Objective f, double[] theta) {
    try {
      return hessianOrThrow(f, theta);
    } catch (ArithmeticException e) {
      // A series that does not converge near theta (see Guarded.value): no usable curvature
      // here. Non-finite entries make every caller treat it as not negative definite.
      double[][] unusable = new double[theta.length][theta.length];
      for (double[] row : unusable) {
        Arrays.fill(row, Double.NaN);
      }
      return unusable;
    }
  }

  private static double[][] hessianOrThrow(Objective f, double[] theta) {
    if (f instanceof Curved) {
      return ((Curved) f).hessian(theta);
    }
    int n = theta.length;
    double[][] h = new double[n][n];
    double[] plus = new double[n];
    double[] minus = new double[n];
    for (int i = 0; i < n; i++) {
      double step = 1e-4 * Math.max(1, Math.abs(theta[i]));
      double[] t = theta.clone();
      t[i] = theta[i] + step;
      f.value(t, plus);
      t[i] = theta[i] - step;
      f.value(t, minus);
      for (int j = 0; j < n; j++) {
        h[j][i] = (plus[j] - minus[j]) / (2 * step);
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double m = (h[i][j] + h[j][i]) / 2;
        h[i][j] = m;
        h[j][i] = m;
      }
    }
    return h;
  }

  /**
   * Wraps the objective for the optimiser: maps non-finite values and far-out points to a very
   * low finite value (so that line searches back off) and remembers the best point seen.
   */
  private static final class Guarded {
    final Objective f;
    double[] best;
    double bestValue = Double.NEGATIVE_INFINITY;
    /**
     * Points within the search box where the objective threw or gave a non-finite value or
     * gradient (points beyond the box, {@code |theta_i| > MAX_ABS_THETA}, are not counted: they
     * are the edge of the parameter space, not a failure of the objective).
     */
    int unevaluable;

    Guarded(Objective f, int n) {
      this.f = f;
      this.best = new double[n];
    }

    double value(double[] theta) {
      return value(theta, null);
    }

    double[] gradient(double[] theta) {
      double[] grad = new double[theta.length];
      value(theta, grad);
      return grad;
    }

    /** The guarded value; fills {@code gradientOut} (zeros where unusable) when not null. */
    double value(double[] theta, double[] gradientOut) {
      boolean ok = true;
      for (double t : theta) {
        ok &= Math.abs(t) <= MAX_ABS_THETA;
      }
      boolean inBox = ok;
      double v = FAILED;
      if (ok) {
        try {
          v = f.value(theta, gradientOut);
        } catch (ArithmeticException e) {
          // A series that does not converge at this point (Hypergeometric, ratios of scale
          // parameters beyond ~1e6): a point the search backs off from, not the end of the fit.
          ok = false;
        }
      }
      ok &= Double.isFinite(v);
      if (ok && gradientOut != null) {
        for (double d : gradientOut) {
          ok &= Double.isFinite(d);
        }
      }
      if (!ok) {
        if (inBox) {
          unevaluable++;
        }
        if (gradientOut != null) {
          Arrays.fill(gradientOut, 0);
        }
        return FAILED;
      }
      if (v > bestValue) {
        bestValue = v;
        best = theta.clone();
      }
      return v;
    }
  }
}
