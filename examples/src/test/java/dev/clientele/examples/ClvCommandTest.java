package dev.clientele.examples;

import static dev.clientele.examples.Fixtures.cli;
import static dev.clientele.examples.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clientele.examples.Fixtures.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClvCommandTest {
  @TempDir Path dir;

  /** ../shared/data/clv from the module or repository directory, if present. */
  static Path cdnowSummary() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolveSibling("shared").resolve("data/clv/cdnow_customers_summary_with_transactions.csv");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    return null;
  }

  /** 40 customers over a year: too few for predictions by the default rules. */
  private Path smallTransactions() {
    Random r = new Random(7);
    List<String> lines = new ArrayList<>(List.of("customer_id,date,amount"));
    for (int c = 0; c < 40; c++) {
      int orders = 1 + r.nextInt(4);
      for (int k = 0; k < orders; k++) {
        lines.add(String.format(Locale.ROOT, "c-%02d,2026-%02d-%02d,%d.50", c, 1 + r.nextInt(10), 1 + r.nextInt(28), 5 + r.nextInt(50)));
      }
    }
    return write(dir, "tx.csv", lines);
  }

  @Test
  void clv_cdnowSummary_printsTheDocumentedKeysAndWritesPredictions() throws IOException {
    Path summary = cdnowSummary();
    assumeThat(summary).as("needs ../shared/data/clv/cdnow_customers_summary_with_transactions.csv").isNotNull();

    Run run = cli(dir, "clv", "--summary", summary.toString(), "--out", "pred.csv");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode j = run.json();
    assertThat(j.get("model").asText()).isEqualTo("bgnbd");
    assertThat(j.get("params").get("r").asDouble()).isCloseTo(0.243, org.assertj.core.data.Offset.offset(0.0005));
    assertThat(j.get("params").get("alpha").asDouble()).isCloseTo(4.414, org.assertj.core.data.Offset.offset(0.005));
    assertThat(j.get("spend").get("p").asDouble()).isCloseTo(6.25, org.assertj.core.data.Offset.offset(0.005));
    assertThat(j.get("customers").asLong()).isEqualTo(2357);
    assertThat(j.get("logLikelihood").asDouble()).isCloseTo(-9582.43, org.assertj.core.data.Offset.offset(0.01));
    assertThat(j.has("eligible")).isTrue();
    assertThat(j.get("reasons").isArray()).isTrue();
    assertThat(j.get("convergence").asText()).isEqualTo("converged");
    assertThat(j.get("spendConvergence").asText()).isEqualTo("converged");
    List<String> rows = Files.readAllLines(dir.resolve("pred.csv"), StandardCharsets.UTF_8);
    assertThat(rows.get(0)).isEqualTo("customer_id,frequency,recency,T,p_alive,expected_purchases_365d,predicted_clv,churn_risk,"
        + "churn_band,probability_of_order_30d,days_to_next_order,historic_clv,total_clv,win_back,scored");
    assertThat(j.get("notScored").asInt()).isZero();
    assertThat(rows).hasSize(2358);
    // Customer 1 (x 2, t_x 30.43, T 38.86): a summary carries no historic value.
    String[] c1 = rows.get(1).split(",", -1);
    assertThat(c1[0]).isEqualTo("1");
    assertThat(Double.parseDouble(c1[9])).isBetween(0.0, 1.0);
    assertThat(Double.parseDouble(c1[10])).isPositive();
    assertThat(c1[11]).isEmpty();
    assertThat(c1[12]).isEmpty();
    assertThat(c1[13]).isIn("true", "false");
  }

  @Test
  void clv_ineligibleTransactions_printsParamsAndReasonsButWritesNoPredictions_unlessForced() {
    Path tx = smallTransactions();

    Run plain = cli(dir, "clv", "--transactions", tx.toString(), "--out", "pred.csv");
    Run forced = cli(dir, "clv", "--transactions", tx.toString(), "--out", "forced.csv", "--force");

    assertThat(plain.code()).as(plain.err()).isZero();
    JsonNode j = plain.json();
    assertThat(j.get("eligible").asBoolean()).isFalse();
    assertThat(j.get("reasons").size()).isPositive();
    assertThat(j.get("params").has("r")).isTrue();
    assertThat(j.get("timeUnit").asText()).isEqualTo("day");
    assertThat(Files.exists(dir.resolve("pred.csv"))).isFalse();
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(Files.exists(dir.resolve("forced.csv"))).isTrue();
    // From transactions the historic value is known: total = historic + predicted.
    List<String> rows = readLines(dir.resolve("forced.csv"));
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",", -1);
      double historic = Double.parseDouble(c[11]);
      assertThat(historic).isPositive();
      assertThat(Double.parseDouble(c[12])).isCloseTo(historic + Double.parseDouble(c[6]),
          org.assertj.core.data.Offset.offset(1e-9 * (1 + historic)));
    }
  }

  /**
   * Regression: the predictions CSV promised plain decimal notation but wrote
   * {@code Double.toString}, e.g. {@code 3.2E-7} for a small probability or money figure.
   */
  @Test
  void number_writesPlainDecimalNotation() {
    assertThat(ClvCommand.number(3.2e-7)).isEqualTo("0.00000032");
    assertThat(ClvCommand.number(1.0E-12)).isEqualTo("0.0000000000010");
    assertThat(ClvCommand.number(1.5e10)).isEqualTo("15000000000");
    assertThat(ClvCommand.number(268.95)).isEqualTo("268.95");
    assertThat(ClvCommand.number(1.0)).isEqualTo("1.0");
    assertThat(ClvCommand.number(0.0)).isEqualTo("0.0");
    assertThat(ClvCommand.number(-2.5e-9)).isEqualTo("-0.0000000025");
    assertThat(Double.parseDouble(ClvCommand.number(0.1 + 0.2))).isEqualTo(0.1 + 0.2);
    assertThat(ClvCommand.number(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
  }

  /**
   * A customer the model could not score (review2 finding 2) is written, not fatal: {@code scored}
   * is false and the figures without a value are empty cells, never {@code NaN}.
   */
  @Test
  void cells_ofAnUnscorableCustomer_areEmptyAndScoredIsFalse() {
    dev.clientele.analytics.RfmSummary s = new dev.clientele.analytics.RfmSummary("c-1", 1, 5, 10.63, 20);
    dev.clientele.analytics.CustomerValue v = new dev.clientele.analytics.CustomerValue("c-1", 0.9, Double.NaN, 0.4,
        21.5, Double.NaN, 0.1, dev.clientele.analytics.ChurnRisk.LOW, java.util.OptionalDouble.of(12),
        java.util.OptionalDouble.of(40), java.util.OptionalDouble.empty(), false);
    List<String> c = ClvCommand.cells(s, v, true);
    assertThat(c).hasSize(ClvCommand.COLUMNS.size());
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("expected_purchases_365d"))).isEmpty();
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("predicted_clv"))).isEmpty();
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("total_clv"))).isEmpty();
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("p_alive"))).isEqualTo("0.9");
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("churn_band"))).isEqualTo("low");
    assertThat(c.get(ClvCommand.COLUMNS.indexOf("scored"))).isEqualTo("false");
    assertThat(String.join(",", c)).doesNotContain("NaN");

    dev.clientele.analytics.CustomerValue unknownRisk = new dev.clientele.analytics.CustomerValue("c-1", Double.NaN,
        Double.NaN, Double.NaN, 21.5, Double.NaN, Double.NaN, dev.clientele.analytics.ChurnRisk.HIGH,
        java.util.OptionalDouble.empty(), java.util.OptionalDouble.of(40), java.util.OptionalDouble.empty(), false);
    List<String> d = ClvCommand.cells(s, unknownRisk, true);
    assertThat(d.get(ClvCommand.COLUMNS.indexOf("churn_risk"))).isEmpty();
    assertThat(d.get(ClvCommand.COLUMNS.indexOf("churn_band"))).isEmpty();
    assertThat(String.join(",", d)).doesNotContain("NaN");
  }

  /** Every number cell of a written predictions file is in plain decimal notation. */
  @Test
  void clv_predictionsCsv_hasNoExponents() {
    Path tx = smallTransactions();

    Run forced = cli(dir, "clv", "--transactions", tx.toString(), "--out", "forced.csv", "--force");

    assertThat(forced.code()).as(forced.err()).isZero();
    List<String> rows = readLines(dir.resolve("forced.csv"));
    assertThat(rows).hasSizeGreaterThan(1);
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",", -1);
      for (int i = 1; i < c.length; i++) {
        assertThat(c[i]).as(row).doesNotContain("E", "e-");
      }
    }
  }

  /**
   * Regression: {@code clv --model pareto} on four customers (data without an interior maximum)
   * ran for 20-45 s while the fit's Gauss series summed millions of terms; the fit's work is
   * bounded now.
   */
  @Test
  void clv_paretoOnFourCustomers_finishesQuickly() {
    Path summary = write(dir, "four.csv", List.of("customer_id,frequency,recency,T",
        "c,1,3.0," + 55 / 7.0, "d,1,2.0," + 97 / 7.0, "b,1," + 52 / 7.0 + ",17.0", "e,0,0," + 97 / 7.0));

    Run run = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> cli(dir, "clv", "--summary", summary.toString(), "--model", "pareto", "--out", "p.csv", "--force"));

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.json().get("model").asText()).isEqualTo("pareto");
    assertThat(run.json().get("eligible").asBoolean()).isFalse();
    assertThat(readLines(dir.resolve("p.csv"))).hasSize(5);
    // The fit ends where the work bound refuses the points it needs next, and says so.
    assertThat(run.json().get("convergence").asText()).isEqualTo("stopped_at_unevaluable_points");
    assertThat(run.json().has("spendConvergence")).as("no monetary values, no spend fit").isFalse();
  }

  /**
   * {@code convergence} without the shared data: 300 customers who buy at one Poisson rate and
   * never drop out leave BG/NBD no interior maximum (a boundary), and a fit on customers drawn
   * from BG/NBD itself converges.
   */
  @Test
  void clv_convergence_saysWhetherTheFitReachedAMaximum() {
    Random rnd = new Random(3);
    List<String> flat = new ArrayList<>(List.of("customer_id,frequency,recency,T"));
    for (int i = 0; i < 300; i++) {
      double age = 30 + rnd.nextInt(20);
      int x = 0;
      double tx = 0;
      for (double t = -Math.log(1 - rnd.nextDouble()) / 0.5; t <= age; t += -Math.log(1 - rnd.nextDouble()) / 0.5) {
        x++;
        tx = t;
      }
      flat.add(String.format(Locale.ROOT, "p%d,%d,%.6f,%.6f", i, x, tx, age));
    }
    Run boundary = cli(dir, "clv", "--summary", write(dir, "flat.csv", flat).toString());
    assertThat(boundary.code()).as(boundary.err()).isZero();
    assertThat(boundary.json().get("convergence").asText()).isEqualTo("boundary");

    List<String> drawn = new ArrayList<>(List.of("customer_id,frequency,recency,T,monetary_value"));
    for (int i = 0; i < 2000; i++) {
      // BG/NBD with r = 0.5, alpha = 5, a = 1, b = 3; spend per purchase around 20.
      double lambda = gamma(rnd, 0.5) / 5;
      double u = gamma(rnd, 1);
      double p = u / (u + gamma(rnd, 3));
      double age = 27 + 12 * rnd.nextDouble();
      int x = 0;
      double tx = 0;
      for (double t = -Math.log(1 - rnd.nextDouble()) / lambda; t <= age; t += -Math.log(1 - rnd.nextDouble()) / lambda) {
        x++;
        tx = t;
        if (rnd.nextDouble() < p) {
          break;
        }
      }
      double spend = x == 0 ? 0 : 20 * gamma(rnd, 3) / 3;
      drawn.add(String.format(Locale.ROOT, "c%d,%d,%.6f,%.6f,%.2f", i, x, tx, age, spend));
    }
    Run converged = cli(dir, "clv", "--summary", write(dir, "drawn.csv", drawn).toString());
    assertThat(converged.code()).as(converged.err()).isZero();
    assertThat(converged.json().get("convergence").asText()).isEqualTo("converged");
    assertThat(converged.json().get("spendConvergence").asText()).isEqualTo("converged");
  }

  /** A Gamma(shape, 1) draw (Marsaglia and Tsang; shape below 1 by the boost u^(1/shape)). */
  private static double gamma(Random rnd, double shape) {
    if (shape < 1) {
      return gamma(rnd, shape + 1) * Math.pow(rnd.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = rnd.nextGaussian();
      double v = Math.pow(1 + c * z, 3);
      if (v > 0 && Math.log(rnd.nextDouble()) < z * z / 2 + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void clv_badArguments_exit2() {
    Path tx = smallTransactions();
    write(dir, "broken.csv", List.of("customer_id,date,amount", "c-1,not-a-date,3"));

    List<Run> runs = List.of(
        cli(dir, "clv"),
        cli(dir, "clv", "--transactions", tx.toString(), "--summary", tx.toString()),
        cli(dir, "clv", "--transactions", tx.toString(), "--model", "magic"),
        cli(dir, "clv", "--transactions", tx.toString(), "--time-unit", "month"),
        cli(dir, "clv", "--transactions", "missing.csv"),
        cli(dir, "clv", "--transactions", "broken.csv"));

    for (Run r : runs) {
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
    }
  }
}
