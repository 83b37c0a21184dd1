package dev.clientele.examples;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.clientele.analytics.ClvScorer;
import dev.clientele.analytics.CustomerValue;
import dev.clientele.analytics.Eligibility;
import dev.clientele.analytics.GammaGammaModel;
import dev.clientele.analytics.ModelFit;
import dev.clientele.analytics.PeriodUnit;
import dev.clientele.analytics.PurchaseModel;
import dev.clientele.analytics.RfmSummaries;
import dev.clientele.analytics.RfmSummary;
import dev.clientele.analytics.Transaction;
import dev.clientele.export.FormulaGuard;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code clientele clv}: fit a purchase model (and Gamma-Gamma spend when monetary values are
 * present) to transactions or an RFM summary, say whether the data can support predictions, and
 * write per-customer predictions.
 *
 * <p>Time unit: {@code --time-unit} is the unit of the model (and, for {@code --summary}, of the
 * file's recency and T columns). It defaults to {@code day} for transactions and to {@code week}
 * for summaries, the literature's convention (e.g. the CDNOW summary). Predictions are written
 * only when the data is eligible, or with {@code --force}; the fitted parameters are printed
 * whenever the fit succeeds, with {@code convergence}: whether the purchase model's fit reached a
 * maximum ({@code converged}) or why not ({@code boundary}, {@code stopped_at_limit},
 * {@code stopped_at_unevaluable_points}; see {@link ModelFit.Convergence}), and
 * {@code spendConvergence}, the same for the Gamma-Gamma fit, when monetary values are present.
 * Rows: {@code customer_id,frequency,recency,T,p_alive,
 * expected_purchases_365d,predicted_clv,churn_risk}, then {@code churn_band},
 * {@code probability_of_order_30d}, {@code days_to_next_order} (the median wait, empty when the
 * customer is more likely never to order again), {@code historic_clv} (sum of the counted orders;
 * empty for {@code --summary}, which does not carry it), {@code total_clv} (historic + predicted)
 * and {@code win_back} ({@code true}/{@code false}; see {@code ClvScorer}), and last {@code scored}
 * ({@code false} for a customer the model could not score). {@code predicted_clv}
 * and {@code total_clv} are empty without monetary values. Customer ids a spreadsheet would run as formulas are
 * neutralised as in profile CSVs.
 *
 * <p>A customer the purchase model cannot evaluate (see {@code ClvScorer}, "customers that cannot be
 * scored") does not fail the command: its row is written with {@code scored=false} and empty cells
 * for the figures that have no value ({@code expected_purchases_365d}, {@code predicted_clv},
 * {@code total_clv}, and any other that failed; {@code churn_band} is empty when {@code churn_risk}
 * is), and the JSON result counts such rows in {@code notScored} (present whenever predictions are
 * written).
 */
final class ClvCommand {
  static final List<String> COLUMNS = List.of("customer_id", "frequency", "recency", "T", "p_alive",
      "expected_purchases_365d", "predicted_clv", "churn_risk", "churn_band", "probability_of_order_30d",
      "days_to_next_order", "historic_clv", "total_clv", "win_back", "scored");

  private ClvCommand() {}

  static ObjectNode run(Options o) throws CliException {
    Optional<Path> transactions = o.path("transactions");
    Optional<Path> summary = o.path("summary");
    if (transactions.isPresent() == summary.isPresent()) {
      throw new CliException("clv needs exactly one of --transactions T.csv or --summary S.csv");
    }
    if (summary.isPresent() && o.get("calibration-end").isPresent()) {
      throw new CliException("--calibration-end applies to --transactions only");
    }
    if (o.get("force").isPresent() && !o.get("force").get().equals("true")) {
      throw new CliException("--force takes no value");
    }
    PeriodUnit unit;
    try {
      unit = PeriodUnit.parse(o.get("time-unit").orElse(summary.isPresent() ? "week" : "day"));
    } catch (IllegalArgumentException e) {
      throw new CliException("--time-unit must be day or week: " + o.get("time-unit").orElse(""), e);
    }
    List<RfmSummary> summaries = summaries(transactions, summary, o.optionalDate("calibration-end"), unit);
    if (summaries.isEmpty()) {
      throw new CliException("no customer with an order of value > 0 in the input");
    }
    String modelName = o.get("model").orElse("bgnbd");
    ModelFit<? extends PurchaseModel> fit;
    try {
      fit = PurchaseModel.fit(modelName, summaries);
    } catch (IllegalArgumentException e) {
      throw new CliException("--model: " + e.getMessage(), e);
    }
    boolean monetary = summaries.stream().anyMatch(s -> s.frequency() > 0 && s.monetaryValue() > 0);
    Optional<ModelFit<GammaGammaModel>> spendFit = monetary ? Optional.of(GammaGammaModel.fit(summaries)) : Optional.empty();
    Optional<GammaGammaModel> spend = spendFit.map(ModelFit::model);
    Eligibility eligibility = spend.isPresent()
        ? Eligibility.check(summaries, unit).withSpendModel(spend.get())
        : Eligibility.check(summaries, unit);

    ObjectNode json = Json.object();
    json.put("model", fit.model().name());
    ObjectNode params = json.putObject("params");
    fit.model().params().forEach(params::put);
    spend.ifPresent(g -> {
      ObjectNode s = json.putObject("spend");
      g.params().forEach(s::put);
    });
    json.put("logLikelihood", fit.logLikelihood());
    json.put("customers", fit.customers());
    json.put("eligible", eligibility.eligible());
    ArrayNode reasons = json.putArray("reasons");
    eligibility.reasons().forEach(reasons::add);
    json.put("timeUnit", unit.name().toLowerCase(Locale.ROOT));
    json.put("convergence", convergence(fit));
    spendFit.ifPresent(g -> json.put("spendConvergence", convergence(g)));
    Optional<Path> out = o.path("out");
    boolean write = out.isPresent() && (eligibility.eligible() || o.get("force").isPresent());
    if (out.isPresent() && !write) {
      json.put("predictionsWritten", false);
      json.put("note", "predictions not written: the data is not eligible (see reasons; --force writes them anyway)");
    } else if (write) {
      ClvScorer scorer = new ClvScorer(fit.model(), spend, ClvScorer.Options.defaults(unit));
      int notScored = writeRows(out.get(), summaries, scorer, spend.isPresent());
      json.put("predictionsWritten", true);
      json.put("notScored", notScored);
      json.put("out", out.get().toString());
    }
    return json;
  }

  private static List<RfmSummary> summaries(Optional<Path> transactions, Optional<Path> summary,
      Optional<LocalDate> calibrationEnd, PeriodUnit unit) throws CliException {
    Path file = transactions.orElseGet(summary::get);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      if (summary.isPresent()) {
        return RfmSummaries.readSummaries(in);
      }
      List<Transaction> tx = RfmSummaries.readTransactions(in);
      return calibrationEnd.isPresent()
          ? RfmSummaries.fromTransactions(tx, calibrationEnd.get(), unit)
          : RfmSummaries.fromTransactions(tx, unit);
    } catch (NoSuchFileException e) {
      throw new CliException("file not found: " + file, e);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CliException(file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** Writes the rows; returns how many customers could not be scored. */
  private static int writeRows(Path file, List<RfmSummary> summaries, ClvScorer scorer, boolean monetary) throws CliException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    COLUMNS.forEach(schema::addColumn);
    try (Writer w = Cli.openForWrite(file);
        SequenceWriter rows = new CsvMapper().writer(schema.build()).writeValues(w)) {
      List<CustomerValue> values = scorer.scoreAll(summaries);
      int notScored = 0;
      for (int i = 0; i < summaries.size(); i++) {
        CustomerValue v = values.get(i);
        rows.write(cells(summaries.get(i), v, monetary));
        notScored += v.scorable() ? 0 : 1;
      }
      return notScored;
    } catch (IOException e) {
      throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** One row's cells, in the order of {@link #COLUMNS}. */
  static List<String> cells(RfmSummary s, CustomerValue v, boolean monetary) {
    return Arrays.asList(
        FormulaGuard.PREFIX.apply(s.customerId()),
        Integer.toString(s.frequency()),
        number(s.recency()),
        number(s.age()),
        figure(v.probabilityAlive()),
        figure(v.expectedPurchases()),
        money(monetary, v.predictedClv()),
        figure(v.churnRisk()),
        Double.isNaN(v.churnRisk()) ? "" : v.churnBand().name().toLowerCase(Locale.ROOT),
        figure(v.probabilityOfOrder()),
        optional(v.daysToNextOrder()),
        optional(v.historicClv()),
        monetary ? optional(v.totalClv()) : "",
        Boolean.toString(v.winBack()),
        Boolean.toString(v.scorable()));
  }

  /** A model figure; an empty cell when the model could not evaluate it (NaN). */
  private static String figure(double d) {
    return Double.isNaN(d) ? "" : number(d);
  }

  /**
   * A number in plain decimal notation (never an exponent such as {@code 3.2E-7}), independent of
   * the default locale: the shortest decimal that reads back as {@code d} ({@link
   * Double#toString(double)}'s digits), written out by {@link BigDecimal#toPlainString()}.
   * Non-finite values keep {@link Double#toString(double)}'s text.
   */
  static String number(double d) {
    return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : Double.toString(d);
  }

  /** A money figure; an empty cell without a spend model or when infinite for this customer (NaN). */
  private static String money(boolean monetary, double d) {
    return monetary && !Double.isNaN(d) ? number(d) : "";
  }

  /** A number, or an empty cell when absent. */
  private static String optional(OptionalDouble d) {
    return d.isPresent() ? number(d.getAsDouble()) : "";
  }

  /**
   * {@code fit}'s {@link ModelFit.Convergence} in lower case: {@code converged}, {@code boundary},
   * {@code stopped_at_limit} or {@code stopped_at_unevaluable_points}.
   */
  static String convergence(ModelFit<?> fit) {
    return fit.convergence().name().toLowerCase(Locale.ROOT);
  }

  /** The parameter map, for tests. */
  static Map<String, Double> params(ModelFit<? extends PurchaseModel> fit) {
    return fit.model().params();
  }
}
