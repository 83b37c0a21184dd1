package dev.clientele.export.internal;

import java.math.BigDecimal;

/**
 * Writes numbers as characters into a buffer, as {@link Long#toString(long)} and
 * {@link BigDecimal#toPlainString()} would, without a {@code String} per number. Not API.
 */
final class Digits {
  /** The most characters {@link #write(long, char[], int)} writes ({@code Long.MIN_VALUE}). */
  static final int MAX_LONG_CHARS = 20;
  /** The most characters {@link #writePlain} writes: a sign, 19 digits and a point. */
  static final int MAX_PLAIN_CHARS = 22;
  private static final long[] POWERS = new long[19];

  static {
    long p = 1;
    for (int i = 0; i < POWERS.length; i++) {
      POWERS[i] = p;
      p *= 10;
    }
  }

  private Digits() {}

  /** Writes {@code Long.toString(v)} at {@code at} and returns the index after it. */
  static int write(long v, char[] b, int at) {
    if (v >= 0 && v < 100) { // counts: mostly one or two digits
      if (v < 10) {
        b[at] = (char) ('0' + v);
        return at + 1;
      }
      b[at] = (char) ('0' + v / 10);
      b[at + 1] = (char) ('0' + v % 10);
      return at + 2;
    }
    if (v == Long.MIN_VALUE) {
      String s = Long.toString(v);
      s.getChars(0, s.length(), b, at);
      return at + s.length();
    }
    if (v < 0) {
      b[at++] = '-';
      v = -v;
    }
    int end = at + length(v);
    for (int i = end - 1; i >= at; i--) {
      b[i] = (char) ('0' + v % 10);
      v /= 10;
    }
    return end;
  }

  /**
   * Writes {@code d.toPlainString()} at {@code at} and returns the index after it, for a decimal
   * with 1–18 digits after the point and at most 18 digits in all; returns -1, writing nothing
   * that matters, for any other (the caller then uses {@code toPlainString()}).
   */
  static int writePlain(BigDecimal d, char[] b, int at) {
    int scale = d.scale();
    if (scale < 1 || scale > 18 || d.precision() > 18) {
      return -1;
    }
    return writePlain(d.unscaledValue().longValue(), scale, b, at);
  }

  /**
   * The unscaled value of {@code dividend / divisor} rounded half-even to {@code scale} digits
   * after the point, i.e. of {@code dividend.divide(BigDecimal.valueOf(divisor), scale,
   * RoundingMode.HALF_EVEN)}, computed in {@code long}s; or {@link Long#MIN_VALUE} when that is
   * not exact (the dividend's digits or an intermediate product do not fit a {@code long}), and
   * the caller divides the {@code BigDecimal}s. A customer's average order value is this with
   * scale 2, for every row that has orders.
   *
   * @param divisor greater than 0
   * @param scale 0 to 18
   */
  static long quotient(BigDecimal dividend, long divisor, int scale) {
    int s = dividend.scale();
    if (divisor <= 0 || scale < 0 || scale > 18 || s < -18 || s > 18 || dividend.precision() > 18) {
      return Long.MIN_VALUE;
    }
    long unscaled = dividend.unscaledValue().longValue(); // |unscaled| < 10^18: exact
    long magnitude = Math.abs(unscaled);
    long numerator;
    long denominator;
    if (scale >= s) { // dividend * 10^(scale - s) / divisor
      long power = POWERS[scale - s >= POWERS.length ? 0 : scale - s];
      if (scale - s >= POWERS.length || magnitude > Long.MAX_VALUE / power) {
        return Long.MIN_VALUE;
      }
      numerator = magnitude * power;
      denominator = divisor;
    } else { // dividend / (divisor * 10^(s - scale))
      long power = POWERS[s - scale];
      if (divisor > Long.MAX_VALUE / power) {
        return Long.MIN_VALUE;
      }
      numerator = magnitude;
      denominator = divisor * power;
    }
    long q = numerator / denominator;
    long r = numerator % denominator;
    long rest = denominator - r; // compares 2r with the denominator without overflow
    if (r > rest || (r == rest && (q & 1) == 1)) {
      q++;
    }
    return unscaled < 0 ? -q : q;
  }

  /**
   * Writes the plain text of {@code unscaled} × 10^-{@code scale} (as {@code toPlainString()}
   * writes a {@code BigDecimal} of that unscaled value and scale) at {@code at} and returns the
   * index after it.
   *
   * @param unscaled not {@link Long#MIN_VALUE}
   * @param scale 1 to 18
   */
  static int writePlain(long unscaled, int scale, char[] b, int at) {
    if (unscaled < 0) {
      b[at++] = '-';
      unscaled = -unscaled;
    }
    // Right to left by constant divisions (a division by 10^scale is a slow one): the fraction's
    // digits, the point, then the whole part's, which is "0" below 1.
    int end = at + Math.max(1, length(unscaled) - scale) + 1 + scale;
    int i = end;
    long v = unscaled;
    for (int k = 0; k < scale; k++) {
      b[--i] = (char) ('0' + v % 10);
      v /= 10;
    }
    b[--i] = '.';
    do {
      b[--i] = (char) ('0' + v % 10);
      v /= 10;
    } while (v > 0);
    return end;
  }

  /** The number of decimal digits of {@code v >= 0}. */
  private static int length(long v) {
    int len = 1;
    while (len < 19 && v >= POWERS[len]) {
      len++;
    }
    return len;
  }
}
