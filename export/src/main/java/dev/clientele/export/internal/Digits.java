package dev.clientele.export.internal;

import java.math.BigDecimal;

/**
 * Writes numbers as characters into a buffer, as {@link Long#toString(long)} and
 * {@link BigDecimal#toPlainString()} would, without a {@code String} per number. Not API.
 */
final class Digits {
  /** The most characters {@link #write(long, char[], int)} writes ({@code Long.MIN_VALUE}). */
  static final int MAX_LONG_CHARS = 20;
  /** The most characters {@link #writePlain} writes: a sign, 18 digits and a point. */
  static final int MAX_PLAIN_CHARS = 21;
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
    long unscaled = d.unscaledValue().longValue();
    if (unscaled < 0) {
      b[at++] = '-';
      unscaled = -unscaled;
    }
    long whole = unscaled / POWERS[scale];
    long fraction = unscaled % POWERS[scale];
    at = write(whole, b, at);
    b[at++] = '.';
    int end = at + scale;
    for (int i = end - 1; i >= at; i--) {
      b[i] = (char) ('0' + fraction % 10);
      fraction /= 10;
    }
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
