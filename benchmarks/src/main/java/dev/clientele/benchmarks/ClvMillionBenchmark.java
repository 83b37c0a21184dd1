package dev.clientele.benchmarks;

import dev.clientele.analytics.BgNbdModel;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.CustomerValue;
import dev.clientele.analytics.GammaGammaModel;
import dev.clientele.analytics.MbgNbdModel;
import dev.clientele.analytics.ModelFit;
import dev.clientele.analytics.ParetoNbdModel;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.analytics.RfmSummary;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Fits and scoring over 1,000,000 customers simulated from the BG/NBD process with the CDNOW
 * parameters and Gamma-Gamma spend ({@link ClvPopulation#bgNbd}), warm, one operation = one
 * full fit (or one scoring pass over every customer) on the whole population, from the
 * {@code List<RfmSummary>} (grouping included).
 *
 * <p>{@code times=daily} is what a transaction log gives (purchases on calendar days, merged per
 * day); {@code times=continuous} makes every customer a distinct row, the worst case.
 *
 * <pre>
 * java -Xmx6g -jar benchmarks/target/benchmarks.jar ClvMillionBenchmark -f 1 -wi 2 -i 5 -jvmArgs -Xmx6g
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClvMillionBenchmark {
  /** Customers simulated. */
  public static final int CUSTOMERS = 1_000_000;

  /** How purchase times are recorded: {@code daily} or {@code continuous}. */
  @Param({"daily", "continuous"})
  public String times;

  private List<RfmSummary> population;
  private ClvScorer scorer;

  /** Simulates the population (seeded) and fits the scorer's models once. */
  @Setup(Level.Trial)
  public void simulate() {
    population = ClvPopulation.bgNbd(CUSTOMERS, times.equals("daily"), 20261123);
    scorer = new ClvScorer(BgNbdModel.fit(population).model(),
        Optional.of(GammaGammaModel.fit(population).model()), ClvScorer.Options.defaults(PeriodUnit.WEEK));
  }

  /** BG/NBD and Gamma-Gamma, the pair behind predicted CLV. */
  @Benchmark
  public void bgnbdAndGammaGamma(Blackhole bh) {
    bh.consume(BgNbdModel.fit(population));
    bh.consume(GammaGammaModel.fit(population));
  }

  /** BG/NBD alone. */
  @Benchmark
  public ModelFit<BgNbdModel> bgnbd() {
    return BgNbdModel.fit(population);
  }

  /** Gamma-Gamma alone. */
  @Benchmark
  public ModelFit<GammaGammaModel> gammaGamma() {
    return GammaGammaModel.fit(population);
  }

  /** MBG/NBD. */
  @Benchmark
  public ModelFit<MbgNbdModel> mbgnbd() {
    return MbgNbdModel.fit(population);
  }

  /** Pareto/NBD. */
  @Benchmark
  public ModelFit<ParetoNbdModel> pareto() {
    return ParetoNbdModel.fit(population);
  }

  /** The streaming scoring pass, {@link ClvScorer#scoreEach}: nothing retained. */
  @Benchmark
  public void scoreEach(Blackhole bh) {
    scorer.scoreEach(population, bh::consume);
  }

  /** The batch scoring pass, {@link ClvScorer#scoreAll}: a list of 1M results retained. */
  @Benchmark
  public List<CustomerValue> scoreAll() {
    return scorer.scoreAll(population);
  }

  /** One {@link ClvScorer#score} per customer. */
  @Benchmark
  public void score(Blackhole bh) {
    for (RfmSummary c : population) {
      CustomerValue v = scorer.score(c);
      bh.consume(v);
    }
  }
}
