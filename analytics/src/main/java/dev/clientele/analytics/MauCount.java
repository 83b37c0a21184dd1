package dev.clientele.analytics;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * Monthly active users as of one day: distinct profiles with an active event from the first of
 * the day's month through the end of the day, in UTC.
 *
 * @param date the day
 * @param month the day's month
 * @param mau distinct active profiles, {@code identified + anonymous}
 * @param identified those holding at least one non-anonymous identifier now
 * @param anonymous those holding only anonymous identifiers now
 */
public record MauCount(LocalDate date, YearMonth month, long mau, long identified, long anonymous) {
  /** Validates the count. */
  public MauCount {
    requireNonNull(date, "date");
    requireNonNull(month, "month");
    checkArgument(YearMonth.from(date).equals(month), "month %s does not hold %s", month, date);
    checkArgument(identified >= 0 && anonymous >= 0 && mau == identified + anonymous,
        "mau must be identified + anonymous: %s != %s + %s", mau, identified, anonymous);
  }
}
