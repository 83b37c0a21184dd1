package dev.clientele.benchmarks;

import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.GammaGammaModel;
import dev.clientele.analytics.MbgNbdModel;
import dev.clientele.analytics.ModelFit;
import dev.clientele.analytics.ParetoNbdModel;
import dev.clientele.analytics.RfmSummary;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Model fits on the CDNOW calibration summary (2,357 customers, weeks; 946 repeat buyers for
 * Gamma-Gamma), warm, one fit per operation. {@code naiveBgnbd} is the in-run baseline: the
 * textbook implementation that lifetimes' design resembles, a per-customer log-likelihood
 * (log-gamma per customer, no grouping, {@link BgNbdModel#logLikelihood}) maximised by
 * Nelder-Mead over log-parameters from the same start. It reaches the same maximum (checked in
 * setup), so the ratio to it is the speed-up of grouping, analytic gradients and Newton steps.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ClvFitBenchmark -f 1 -wi 3 -i 5
 * </pre>
 * Run from the repository root (the data is read from {@code ../shared/data/clv}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClvFitBenchmark {
  private List<RfmSummary> cdnow;

  /** Reads CDNOW and checks that the baseline finds the published maximum. */
  @Setup(Level.Trial)
  public void read() {
    cdnow = ClvPopulation.cdnow();
    double ll = BgNbdModel.fit(cdnow).logLikelihood();
    double naive = naiveBgnbd().getValue();
    if (Math.abs(ll - naive) > 0.01 || Math.abs(ll + 9582.43) > 0.01) {
      throw new IllegalStateException("fits disagree: " + ll + " vs naive " + naive);
    }
  }

  /** BG/NBD. */
  @Benchmark
  public ModelFit<BgNbdModel> bgnbd() {
    return BgNbdModel.fit(cdnow);
  }

  /** MBG/NBD. */
  @Benchmark
  public ModelFit<MbgNbdModel> mbgnbd() {
    return MbgNbdModel.fit(cdnow);
  }

  /** Pareto/NBD. */
  @Benchmark
  public ModelFit<ParetoNbdModel> pareto() {
    return ParetoNbdModel.fit(cdnow);
  }

  /** Gamma-Gamma on the 946 repeat buyers. */
  @Benchmark
  public ModelFit<GammaGammaModel> gammaGamma() {
    return GammaGammaModel.fit(cdnow);
  }

  /** Baseline: ungrouped per-customer BG/NBD likelihood, Nelder-Mead. */
  @Benchmark
  public PointValuePair naiveBgnbd() {
    double alpha = 0;
    double x = 0;
    for (RfmSummary s : cdnow) {
      alpha += s.age();
      x += s.frequency();
    }
    double[] start = {0, Math.log(alpha / x), 0, 0};
    SimplexOptimizer nm = new SimplexOptimizer(1e-10, 1e-10);
    return nm.optimize(new MaxEval(20_000), GoalType.MAXIMIZE, new InitialGuess(start),
        new NelderMeadSimplex(4, 0.5),
        new ObjectiveFunction(theta -> {
          BgNbdModel m;
          try {
            m = new BgNbdModel(Math.exp(theta[0]), Math.exp(theta[1]), Math.exp(theta[2]), Math.exp(theta[3]));
          } catch (IllegalArgumentException e) {
            return -1e300;
          }
          double ll = 0;
          for (RfmSummary s : cdnow) {
            ll += m.logLikelihood(s.frequency(), s.recency(), s.age());
          }
          return Double.isFinite(ll) ? ll : -1e300;
        }));
  }
}
