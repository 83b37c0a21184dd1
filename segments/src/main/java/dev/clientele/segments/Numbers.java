package dev.clientele.segments;

import java.math.BigDecimal;
import java.time.Duration;

/** Number and duration helpers shared by conditions and their JSON form. */
final class Numbers {
  private Numbers() {}

  /** One representation per numeric value, so that {@code 2}, {@code 2.0} and {@code 2L} are equal conditions. */
  static BigDecimal canonical(BigDecimal d) {
    return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
  }

  /** "60 days", "2 hours", or the ISO form for anything else. */
  static String describe(Duration d) {
    if (d.toSeconds() % 86_400 == 0 && d.getNano() == 0) {
      long days = d.toDays();
      return days == 1 ? "1 day" : days + " days";
    }
    if (d.toSeconds() % 3_600 == 0 && d.getNano() == 0) {
      long hours = d.toHours();
      return hours == 1 ? "1 hour" : hours + " hours";
    }
    return d.toString();
  }

  /** The JSON form of a window: {@code P60D} for whole days, otherwise {@link Duration#toString()}. */
  static String iso(Duration d) {
    return d.toSeconds() % 86_400 == 0 && d.getNano() == 0 ? "P" + d.toDays() + "D" : d.toString();
  }
}
