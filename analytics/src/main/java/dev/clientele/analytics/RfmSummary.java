package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.clientele.core.Pii;
import java.util.OptionalDouble;

/**
 * One customer's purchase history in the recency/frequency/monetary form that the
 * buy-till-you-die models take (Fader, Hardie &amp; Lee 2005, "RFM and CLV", JMR 42(4)).
 *
 * <p>Times are in one {@link PeriodUnit} chosen for the whole data set and are measured from
 * the customer's first purchase ("birth"), which is not itself counted as a repeat purchase.
 *
 * @param customerId the customer's id
 * @param frequency {@code x}: the number of repeat purchase periods (periods with a purchase,
 *     other than the first one)
 * @param recency {@code t_x}: the customer's age at the last purchase, i.e. time from the first
 *     to the last purchase; 0 when {@code frequency} is 0
 * @param age {@code T}: time from the first purchase to the end of the calibration period;
 *     at least {@code recency}
 * @param monetaryValue {@code zbar}: the mean value of the repeat purchases (the first purchase
 *     excluded); 0 when {@code frequency} is 0 or the value is unknown
 * @param historicValue the total value of the customer's counted orders up to the end of the
 *     calibration period, first purchase included (historic CLV); empty when unknown, as for a
 *     summary read from a file that has no such column
 */
public record RfmSummary(String customerId, int frequency, double recency, double age, double monetaryValue,
    OptionalDouble historicValue) {
  /** Validates the summary. */
  public RfmSummary {
    requireNonNull(customerId, "customerId");
    checkArgument(frequency >= 0, "frequency must be >= 0: %s (customer %s)", frequency,
        Pii.mask(customerId));
    checkArgument(Double.isFinite(age) && age >= 0, "age (T) must be finite and >= 0: %s (customer %s)",
        age, Pii.mask(customerId));
    checkArgument(Double.isFinite(recency) && recency >= 0 && recency <= age,
        "recency must be in [0, age %s]: %s (customer %s)", age, recency, Pii.mask(customerId));
    checkArgument(frequency > 0 || recency == 0,
        "recency must be 0 when frequency is 0: %s (customer %s)", recency, Pii.mask(customerId));
    checkArgument(Double.isFinite(monetaryValue) && monetaryValue >= 0,
        "monetaryValue must be finite and >= 0: %s (customer %s)", monetaryValue, Pii.mask(customerId));
    requireNonNull(historicValue, "historicValue");
    checkArgument(historicValue.isEmpty() || Double.isFinite(historicValue.getAsDouble())
        && historicValue.getAsDouble() >= 0, "historicValue must be finite and >= 0: %s (customer %s)",
        historicValue, Pii.mask(customerId));
  }

  /** A summary whose historic value is unknown. */
  public RfmSummary(String customerId, int frequency, double recency, double age, double monetaryValue) {
    this(customerId, frequency, recency, age, monetaryValue, OptionalDouble.empty());
  }

  /** A summary without a monetary value. */
  public static RfmSummary of(String customerId, int frequency, double recency, double age) {
    return new RfmSummary(customerId, frequency, recency, age, 0);
  }

  /** Returns the summary with the customer id masked ({@link Pii#mask}): it may be printed or logged. */
  @Override
  public String toString() {
    return "RfmSummary[customerId=" + Pii.mask(customerId) + ", frequency=" + frequency + ", recency=" + recency + ", age=" + age
        + ", monetaryValue=" + monetaryValue + ", historicValue=" + historicValue + "]";
  }
}
