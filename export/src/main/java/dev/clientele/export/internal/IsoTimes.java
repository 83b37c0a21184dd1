package dev.clientele.export.internal;

import java.time.Instant;

/**
 * Formats an {@link Instant} exactly as {@link Instant#toString()} does (ISO-8601 UTC, seconds
 * always present, a fraction in groups of three digits when not zero), without the formatter
 * machinery: exports write several times per row. Years outside 0000–9999 fall back to
 * {@code toString()}. Not API.
 */
public final class IsoTimes {
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
  /** The longest text {@link #format(Instant, char[])} writes: {@code 2026-01-01T00:00:00.123456789Z}. */
  public static final int MAX_CHARS = 30;

  private IsoTimes() {}

  /** The text of {@code t}, equal to {@code t.toString()}. */
  public static String format(Instant t) {
    char[] b = new char[MAX_CHARS];
    int n = format(t, b);
    return n < 0 ? t.toString() : new String(b, 0, n);
  }

  /**
   * Writes the text of {@code t} into {@code b} (at least {@link #MAX_CHARS} long) from index 0
   * and returns its length, or returns -1 without writing when the year is outside 0000–9999
   * (then the text is {@code t.toString()}). Lets a writer reuse one buffer for every time.
   */
  public static int format(Instant t, char[] b) {
    return format(t, b, 0);
  }

  /**
   * Writes the text of {@code t} into {@code b} from index {@code at} (room for
   * {@link #MAX_CHARS} needed) and returns the index after it, or returns -1 without writing
   * when the year is outside 0000–9999 (then the text is {@code t.toString()}).
   */
  public static int format(Instant t, char[] b, int at) {
    return format(t, b, at, null);
  }

  /**
   * {@link #format(Instant, char[], int)}, taking the date's text from {@code dates} when it holds
   * the day (and putting it there when not); {@code dates} may be null.
   */
  public static int format(Instant t, char[] b, int at, DateCache dates) {
    long seconds = t.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return -1;
    }
    int day = (int) Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    if (dates == null) {
      date(day, b, at);
    } else {
      dates.date(day, b, at);
    }
    b[at + 10] = 'T';
    int hour = secondOfDay / 3600;
    int minuteAndSecond = secondOfDay - hour * 3600;
    int minute = minuteAndSecond / 60;
    digits(b, at + 11, hour);
    b[at + 13] = ':';
    digits(b, at + 14, minute);
    b[at + 16] = ':';
    digits(b, at + 17, minuteAndSecond - minute * 60);
    int n = at + 19;
    int nano = t.getNano();
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
    return n;
  }

  /** Writes {@code YYYY-MM-DD} of the day {@code day} days after 1970-01-01 (year 0000–9999) at {@code at}. */
  private static void date(int day, char[] b, int at) {
    // Year, month and day of the proleptic Gregorian calendar from the day number, by the
    // "civil from days" formulas of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
    // (howardhinnant.github.io/date_algorithms.html): eras of 400 years starting on 1 March, so
    // the leap day is the last day of a year. Integer arithmetic only, no LocalDate.
    int z = day + 719_468; // days since 0000-03-01
    int era = (z >= 0 ? z : z - 146_096) / 146_097;
    int dayOfEra = z - era * 146_097; // [0, 146096]
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365; // [0, 399]
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100); // [0, 365], from 1 March
    int shiftedMonth = (5 * dayOfYear + 2) / 153; // [0, 11], 0 = March
    int dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    int year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    digits(b, at, year / 100);
    digits(b, at + 2, year % 100);
    b[at + 4] = '-';
    digits(b, at + 5, month);
    b[at + 7] = '-';
    digits(b, at + 8, dayOfMonth);
  }

  /**
   * The text of recently written dates by day number, for one writer (not thread-safe): the
   * date arithmetic is most of the cost of formatting a time, and the times of an export fall on
   * comparatively few days. Direct-mapped, {@value #DAYS} slots (eleven years of consecutive
   * days never collide); a day in a slot held by another is computed and replaces it.
   */
  public static final class DateCache {
    static final int DAYS = 4096;
    private static final int EMPTY = Integer.MIN_VALUE; // no day number of 0000-9999
    private final int[] days = new int[DAYS];
    private final char[] text = new char[DAYS * 10];

    /** An empty cache (about 100 KB). */
    public DateCache() {
      java.util.Arrays.fill(days, EMPTY);
    }

    void date(int day, char[] b, int at) {
      int slot = day & (DAYS - 1);
      int from = slot * 10;
      if (days[slot] == day) {
        System.arraycopy(text, from, b, at, 10);
      } else {
        IsoTimes.date(day, b, at);
        System.arraycopy(b, at, text, from, 10);
        days[slot] = day;
      }
    }
  }

  private static void digits(char[] b, int at, int twoDigits) {
    b[at] = (char) ('0' + twoDigits / 10);
    b[at + 1] = (char) ('0' + twoDigits % 10);
  }
}
