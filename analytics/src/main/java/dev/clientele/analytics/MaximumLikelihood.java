package dev.clientele.analytics;

import java.util.Arrays;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Maximises a log-likelihood over unconstrained parameters (the models use log-parameters, so
 * every point is a valid positive parameter vector).
 *
 * <p>Two stages. Commons Math's Polak-Ribi&egrave;re conjugate gradient, driven by the model's
 * analytic gradient, brings the point close to the maximum. Newton steps with a Hessian from
 * central differences of that gradient then converge quadratically to machine precision, which
 * the published-figure tests need (3 significant figures on the parameters, the log-likelihood
 * to 0.01). The same Hessian gives the asymptotic covariance of the estimates: the inverse of the
 * observed information {@code -H}.
 */
final class MaximumLikelihood {
  /** A log-likelihood with its gradient. */
  interface Objective {
    /** The log-likelihood at {@code theta}; fills {@code gradient} (same length) when not null. */
    double value(double[] theta, double[] gradient);
  }

  /**
   * The maximum found.
   *
   * @param theta the maximising point
   * @param logLikelihood the value there
   * @param covariance the inverse observed information at {@code theta}, or {@code null} if the
   *     Hessian there is not negative definite (a maximum on the boundary)
   */
  record Result(double[] theta, double logLikelihood, double[][] covariance) {}

  /** Points this far out in log space (e^40 = 2e17) are treated as unusable. */
  private static final double MAX_ABS_THETA = 40;
  private static final double FAILED = -1e300;

  private MaximumLikelihood() {}

  static Result maximize(Objective f, double[] start) {
    Guarded g = new Guarded(f, start.length);
    double[] theta = start.clone();
    try {
      NonLinearConjugateGradientOptimizer cg = new NonLinearConjugateGradientOptimizer(
          NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
          new SimpleValueChecker(1e-7, 1e-12), 1e-8, 1e-8, 1e-8);
      PointValuePair p = cg.optimize(new MaxEval(5_000), new MaxIter(1_000), GoalType.MAXIMIZE,
          new InitialGuess(start), new ObjectiveFunction(g::value),
          new ObjectiveFunctionGradient(g::gradient));
      theta = p.getPoint();
    } catch (MathIllegalStateException e) {
      // Too many evaluations or iterations: Newton continues from the best point seen.
    }
    if (g.bestValue > g.value(theta)) {
      theta = g.best.clone();
    }
    return newton(g, theta);
  }

  private static Result newton(Guarded g, double[] start) {
    int n = start.length;
    double[] theta = start.clone();
    double[] grad = new double[n];
    double value = g.value(theta, grad);
    double[][] hessian = hessian(g.f, theta);
    for (int iter = 0; iter < 100; iter++) {
      DecompositionSolver solver = negativeDefiniteSolver(hessian);
      if (solver == null) {
        break;
      }
      double[] step = solver.solve(new Array2DRowRealMatrix(grad)).getColumn(0);
      double gain = 0;
      for (int i = 0; i < n; i++) {
        gain += grad[i] * step[i];
      }
      if (!(gain > 1e-13 * Math.max(1, Math.abs(value)))) {
        break; // converged: the predicted improvement is at rounding level
      }
      double scale = 1;
      double[] next = new double[n];
      double[] nextGrad = new double[n];
      double nextValue = Double.NEGATIVE_INFINITY;
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
        break;
      }
      theta = next.clone();
      grad = nextGrad.clone();
      value = nextValue;
      hessian = hessian(g.f, theta);
    }
    DecompositionSolver solver = negativeDefiniteSolver(hessian);
    double[][] covariance = null;
    if (solver != null) {
      covariance = solver.getInverse().getData(); // (-H)^-1
    }
    return new Result(theta, value, covariance);
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
   * The Hessian by central differences of the gradient, symmetrised. The step 1e-4 (in
   * log-parameters) balances truncation, O(step^2), against the gradient's own error divided by
   * the step: tiny for analytic gradients, ~1e-7 absolute for the central-difference gradient of
   * Pareto/NBD, which leaves the Hessian (entries 10 to 10^4 on real data) accurate to ~1e-3.
   */
  static double[][] hessian(Objective f, double[] theta) {
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
      double v = ok ? f.value(theta, gradientOut) : FAILED;
      ok &= Double.isFinite(v);
      if (ok && gradientOut != null) {
        for (double d : gradientOut) {
          ok &= Double.isFinite(d);
        }
      }
      if (!ok) {
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
