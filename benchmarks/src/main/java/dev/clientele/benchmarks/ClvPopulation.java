package dev.clientele.benchmarks;

import dev.clientele.analytics.RfmSummaries;
import dev.clientele.analytics.RfmSummary;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Inputs of the CLV benchmarks: the CDNOW summary (read in place from
 * {@code ../shared/data/clv}, never copied) and populations simulated from the BG/NBD and
 * Gamma-Gamma generative processes.
 */
final class ClvPopulation {
  /** CDNOW BG/NBD parameters (Fader, Hardie &amp; Lee 2005): r, alpha (per week), a, b. */
  static final double R = 0.243;
  static final double ALPHA = 4.414;
  static final double A = 0.793;
  static final double B = 2.426;
  /** CDNOW Gamma-Gamma parameters: p, q, v (USD). */
  static final double P = 6.25;
  static final double Q = 3.74;
  static final double V = 15.44;

  private ClvPopulation() {}

  /**
   * Prints what the benchmarks fit: size, repeat buyers, distinct {@code (x, t_x, T)} rows and
   * the fitted parameters, for both ways of recording times.
   *
   * <pre>
   * java -Xmx6g -cp benchmarks/target/benchmarks.jar dev.clientele.benchmarks.ClvPopulation
   * </pre>
   */
  public static void main(String[] args) {
    for (boolean daily : new boolean[] {true, false}) {
      List<RfmSummary> p = bgNbd(ClvMillionBenchmark.CUSTOMERS, daily, 20261123);
      java.util.Set<java.util.List<Double>> rows = new java.util.HashSet<>();
      long repeaters = 0;
      long purchases = 0;
      for (RfmSummary s : p) {
        rows.add(java.util.List.of((double) s.frequency(), s.recency(), s.age()));
        repeaters += s.frequency() > 0 ? 1 : 0;
        purchases += s.frequency();
      }
      System.out.printf(java.util.Locale.ROOT, "%s: %d customers, %d repeat buyers, %d repeat purchases, %d distinct rows%n",
          daily ? "daily" : "continuous", p.size(), repeaters, purchases, rows.size());
      System.out.println("  BG/NBD " + dev.clientele.analytics.BgNbdModel.fit(p).model().params());
      System.out.println("  Gamma-Gamma " + dev.clientele.analytics.GammaGammaModel.fit(p).model().params());
    }
  }

  /** The 2,357 CDNOW customers with x, t_x, T (weeks) and the mean repeat spend. */
  static List<RfmSummary> cdnow() {
    Path file = Path.of(System.getProperty("clientele.clvData", "../shared/data/clv"))
        .resolve("cdnow_customers_summary_with_transactions.csv");
    if (!Files.isReadable(file)) {
      throw new IllegalStateException("needs " + file.toAbsolutePath()
          + " (CDNOW reference data; run from the repository root or set -Dclientele.clvData=DIR)");
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return RfmSummaries.readSummaries(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /**
   * {@code customers} customers from the BG/NBD process with the CDNOW parameters: purchase
   * rate {@code lambda ~ Gamma(r, alpha)} per week, drop-out probability {@code p ~ Beta(a, b)}
   * after each repeat purchase; first purchases spread uniformly over 27-39 weeks before the
   * calibration end. Each repeat purchase has value {@code ~ Gamma(p, nu)}, {@code nu ~ Gamma(q, v)}.
   *
   * <p>{@code daily}: purchase times are turned into calendar days as a transaction log would
   * record them (first purchase on day 0, T a whole number of days 189-273, purchases on the
   * same day merged into one, as {@link RfmSummaries#fromTransactions} does), and times are
   * expressed in weeks of 7 days as in CDNOW. Otherwise times stay continuous, so every
   * customer is a distinct {@code (x, t_x, T)} row: the worst case for grouping.
   */
  static List<RfmSummary> bgNbd(int customers, boolean daily, long seed) {
    RandomGenerator rng = new Well19937c(seed);
    GammaDistribution rate = new GammaDistribution(rng, R, 1 / ALPHA);
    BetaDistribution dropout = new BetaDistribution(rng, A, B);
    GammaDistribution nuOf = new GammaDistribution(rng, Q, 1 / V);
    GammaDistribution unitSpend = new GammaDistribution(rng, P, 1); // Gamma(p, nu) = Gamma(p, 1) / nu
    List<RfmSummary> out = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      double lambda = rate.sample();
      double p = dropout.sample();
      double nu = nuOf.sample();
      double age = daily ? (189 + rng.nextInt(85)) / 7.0 : 27 + 12 * rng.nextDouble();
      int x = 0;
      double tx = 0;
      double lastDay = 0;
      double spend = 0;
      double t = 0;
      while (true) {
        t += -Math.log(1 - rng.nextDouble()) / lambda;
        double when = daily ? Math.floor(t * 7) / 7.0 : t;
        if (when > age) {
          break;
        }
        double value = unitSpend.sample() / nu;
        if (!daily || when > lastDay) {
          x++;
          tx = when;
          lastDay = when;
          spend += value;
        } else if (x > 0) {
          spend += value; // same day as the last repeat purchase: merged, values summed
        }
        if (rng.nextDouble() < p) {
          break;
        }
      }
      out.add(new RfmSummary("c" + i, x, tx, age, x == 0 ? 0 : spend / x));
    }
    return out;
  }
}
