package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Pii;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A calibration/holdout check of a purchase model: customers grouped by their calibration
 * frequency, with the mean number of purchases they actually made in the holdout period and the
 * mean the model expected ({@code E[Y(holdout) | x, t_x, T]}), per group and in total. This is
 * the validation table of Fader, Hardie &amp; Lee (2005, Marketing Science, figure 4) and of the
 * BTYD walkthrough.
 *
 * @param groups one row per calibration frequency {@code 0 .. lastGroup-1}, then one for
 *     {@code lastGroup} and more; groups without customers are omitted
 * @param customers all customers compared
 * @param actualTotal holdout purchases made
 * @param expectedTotal holdout purchases expected
 */
public record HoldoutReport(List<Group> groups, long customers, double actualTotal, double expectedTotal) {
  /** Copies the rows. */
  public HoldoutReport {
    groups = List.copyOf(requireNonNull(groups, "groups"));
  }

  /**
   * One group of customers.
   *
   * @param label the calibration frequency, or {@code "N+"} for the open last group
   * @param customers customers in the group
   * @param actualMean mean holdout purchases made
   * @param expectedMean mean holdout purchases expected
   */
  public record Group(String label, long customers, double actualMean, double expectedMean) {
    /** Checks the label. */
    public Group {
      requireNonNull(label, "label");
    }
  }

  /**
   * Builds the report.
   *
   * @param model the model fitted on the calibration period
   * @param calibration the calibration summaries
   * @param holdoutFrequencies purchases per customer in the holdout period (as from
   *     {@link RfmSummaries#holdoutFrequencies}); every calibration customer must have an entry
   * @param holdoutLength the holdout period's length in the model's time unit
   * @param lastGroup the frequency from which customers share one group (7 in the literature)
   * @throws IllegalArgumentException if a customer has no holdout entry, or on a bad length or
   *     group count
   */
  public static HoldoutReport of(PurchaseModel model, Collection<RfmSummary> calibration,
      Map<String, Integer> holdoutFrequencies, double holdoutLength, int lastGroup) {
    requireNonNull(model, "model");
    requireNonNull(calibration, "calibration");
    requireNonNull(holdoutFrequencies, "holdoutFrequencies");
    checkArgument(holdoutLength >= 0 && Double.isFinite(holdoutLength), "holdoutLength must be finite and >= 0: %s",
        holdoutLength);
    checkArgument(lastGroup >= 1, "lastGroup must be >= 1: %s", lastGroup);
    // Groups run up to the highest one a customer falls in, not to lastGroup: a large lastGroup
    // (Integer.MAX_VALUE: "no open group") must not size the arrays.
    int top = 0;
    for (RfmSummary s : calibration) {
      top = Math.max(top, Math.min(s.frequency(), lastGroup));
    }
    long[] count = new long[top + 1];
    double[] actual = new double[top + 1];
    double[] expected = new double[top + 1];
    for (RfmSummary s : calibration) {
      Integer made = holdoutFrequencies.get(s.customerId());
      if (made == null) {
        throw new IllegalArgumentException("holdoutFrequencies has no entry for customer " + Pii.mask(s.customerId()));
      }
      int g = Math.min(s.frequency(), lastGroup);
      count[g]++;
      actual[g] += made;
      expected[g] += model.conditionalExpectedPurchases(holdoutLength, s);
    }
    List<Group> groups = new ArrayList<>();
    long customers = 0;
    double actualTotal = 0;
    double expectedTotal = 0;
    for (int g = 0; g <= top; g++) {
      customers += count[g];
      actualTotal += actual[g];
      expectedTotal += expected[g];
      if (count[g] > 0) {
        groups.add(new Group(g == lastGroup ? g + "+" : Integer.toString(g), count[g], actual[g] / count[g],
            expected[g] / count[g]));
      }
    }
    return new HoldoutReport(groups, customers, actualTotal, expectedTotal);
  }
}
