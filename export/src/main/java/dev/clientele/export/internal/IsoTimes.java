package dev.clientele.export.internal;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Formats an {@link Instant} exactly as {@link Instant#toString()} does (ISO-8601 UTC, seconds
 * always present, a fraction in groups of three digits when not zero), without the formatter
 * machinery: exports write several times per row. Years outside 0000–9999 fall back to
 * {@code toString()}. Not API.
 */
public final class IsoTimes {
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private IsoTimes() {}

  /** The text of {@code t}, equal to {@code t.toString()}. */
  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return t.toString();
    }
    long day = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate date = LocalDate.ofEpochDay(day);
    int nano = t.getNano();
    char[] b = new char[nano == 0 ? 20 : 30];
    int year = date.getYear();
    digits(b, 0, year / 100);
    digits(b, 2, year % 100);
    b[4] = '-';
    digits(b, 5, date.getMonthValue());
    b[7] = '-';
    digits(b, 8, date.getDayOfMonth());
    b[10] = 'T';
    digits(b, 11, secondOfDay / 3600);
    b[13] = ':';
    digits(b, 14, secondOfDay / 60 % 60);
    b[16] = ':';
    digits(b, 17, secondOfDay % 60);
    int n = 19;
    if (nano != 0) {
      b[n++] = '.';
      int digits;
      int value;
      if (nano % 1_000_000 == 0) {
        digits = 3;
        value = nano / 1_000_000;
      } else if (nano % 1000 == 0) {
        digits = 6;
        value = nano / 1000;
      } else {
        digits = 9;
        value = nano;
      }
      for (int i = digits - 1; i >= 0; i--) {
        b[n + i] = (char) ('0' + value % 10);
        value /= 10;
      }
      n += digits;
    }
    b[n++] = 'Z';
    return new String(b, 0, n);
  }

  private static void digits(char[] b, int at, int twoDigits) {
    b[at] = (char) ('0' + twoDigits / 10);
    b[at + 1] = (char) ('0' + twoDigits % 10);
  }
}
