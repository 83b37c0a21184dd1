package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * Monthly active users as of one day, estimated from HyperLogLog sketches (see
 * {@link MauSketches}). {@code mau} comes from a sketch of every active profile; identified and
 * anonymous profiles are also sketched apart, for the split. When each profile is one or the other
 * (as in {@link MauSketches#of}) the parts add up to {@code mau} within the estimation error; a
 * profile recorded both ways in the month (anonymous, later identified) is in both parts and
 * counts once in {@code mau}.
 *
 * @param date the day
 * @param month the day's month
 * @param mau estimated distinct active profiles, each counted once
 * @param identified estimated identified ones
 * @param anonymous estimated anonymous ones
 * @param lowerBound lower bound of {@code mau} at about 95 % confidence (two standard deviations)
 * @param upperBound upper bound of {@code mau} at the same confidence
 * @param relativeStandardError the sketches' stated relative standard error (one standard
 *     deviation), {@code 1.04 / sqrt(2^lgK)} for a union of HLL sketches
 */
public record MauEstimate(
    LocalDate date,
    YearMonth month,
    double mau,
    double identified,
    double anonymous,
    double lowerBound,
    double upperBound,
    double relativeStandardError) {
  /** Validates the estimate. */
  public MauEstimate {
    requireNonNull(date, "date");
    requireNonNull(month, "month");
    checkArgument(YearMonth.from(date).equals(month), "month %s does not hold %s", month, date);
    checkArgument(identified >= 0 && anonymous >= 0 && identified < Double.POSITIVE_INFINITY
        && anonymous < Double.POSITIVE_INFINITY, "identified and anonymous must be finite and >= 0: %s, %s", identified,
        anonymous);
    checkArgument(lowerBound <= mau && mau <= upperBound && Double.isFinite(lowerBound) && Double.isFinite(upperBound),
        "lowerBound <= mau <= upperBound must hold, all finite: %s <= %s <= %s", lowerBound, mau, upperBound);
    checkArgument(relativeStandardError > 0 && relativeStandardError < 1, "relativeStandardError must be in (0, 1): %s", relativeStandardError);
  }

  /** The estimate rounded to a whole number of profiles. */
  public long rounded() {
    return Math.round(mau);
  }
}
