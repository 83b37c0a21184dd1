package dev.clientele.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The row buffer's number text must be exactly {@code Long.toString} and {@code toPlainString}. */
class DigitsTest {
  @Provide
  Arbitrary<Long> longs() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1000, 1000),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 9L, 10L, 99L, 100L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L));
  }

  @Property(tries = 2000)
  void write_equalsLongToString(@ForAll("longs") long v, @ForAll @IntRange(max = 10) int at) {
    char[] b = new char[at + Digits.MAX_LONG_CHARS];
    int end = Digits.write(v, b, at);
    assertThat(new String(b, at, end - at)).isEqualTo(Long.toString(v));
  }

  @Provide
  Arbitrary<BigDecimal> decimals() {
    Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(Arbitraries.longs().map(BigInteger::valueOf),
        Arbitraries.longs().between(-100_000, 100_000).map(BigInteger::valueOf),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(25).negate(), BigInteger.TEN.pow(25)));
    return net.jqwik.api.Combinators.combine(unscaled, Arbitraries.integers().between(-3, 22)).as(BigDecimal::new);
  }

  @Property(tries = 2000)
  void writePlain_equalsToPlainString_orDeclines(@ForAll("decimals") BigDecimal d) {
    char[] b = new char[Digits.MAX_PLAIN_CHARS + 3];
    int end = Digits.writePlain(d, b, 3);
    if (d.scale() >= 1 && d.scale() <= 18 && d.precision() <= 18) {
      assertThat(new String(b, 3, end - 3)).isEqualTo(d.toPlainString());
    } else {
      assertThat(end).isEqualTo(-1);
    }
  }

  @Provide
  Arbitrary<Long> divisors() {
    return Arbitraries.oneOf(Arbitraries.longs().between(1, 10), Arbitraries.longs().between(1, Long.MAX_VALUE),
        Arbitraries.of(1L, 2L, 3L, 4L, 8L, 1000L, Long.MAX_VALUE, 0L, -3L));
  }

  /** Half-even ties and the overflow edges are where a long division would differ from BigDecimal's. */
  @Provide
  Arbitrary<BigDecimal> dividends() {
    Arbitrary<BigDecimal> ties = Combinators.combine(Arbitraries.longs().between(-10_000, 10_000), Arbitraries.integers().between(0, 3))
        .as((u, s) -> new BigDecimal(BigInteger.valueOf(u * 2 + 1), s + 1)); // halves at the next scale
    return Arbitraries.oneOf(decimals(), ties,
        Arbitraries.of(new BigDecimal("999999999999999999"), new BigDecimal("-999999999999999999"),
            new BigDecimal("0.999999999999999999"), new BigDecimal("92233720368547758.07"), BigDecimal.ZERO, new BigDecimal("0E+5")));
  }

  @Property(tries = 3000)
  void quotient_equalsBigDecimalDivideHalfEven_orDeclines(@ForAll("dividends") BigDecimal d, @ForAll("divisors") long divisor,
      @ForAll @IntRange(min = 0, max = 18) int scale) {
    long q = Digits.quotient(d, divisor, scale);
    if (q == Long.MIN_VALUE) {
      // declined: only when the long arithmetic would not be exact
      assertThat(divisor <= 0 || d.precision() > 18 || Math.abs(d.scale()) > 18
          || !fitsInLongArithmetic(d, divisor, scale)).isTrue();
      return;
    }
    BigDecimal want = d.divide(BigDecimal.valueOf(divisor), scale, java.math.RoundingMode.HALF_EVEN);
    assertThat(new BigDecimal(BigInteger.valueOf(q), scale)).isEqualTo(want);
    if (scale > 0) {
      char[] b = new char[Digits.MAX_PLAIN_CHARS + 2];
      int end = Digits.writePlain(q, scale, b, 2);
      assertThat(new String(b, 2, end - 2)).isEqualTo(want.toPlainString());
    }
  }

  private static boolean fitsInLongArithmetic(BigDecimal d, long divisor, int scale) {
    BigInteger magnitude = d.unscaledValue().abs();
    BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
    int shift = scale - d.scale();
    if (Math.abs(shift) > 18) {
      return false; // 10^shift itself is not a long
    }
    return shift >= 0
        ? magnitude.multiply(BigInteger.TEN.pow(shift)).compareTo(max) <= 0
        : BigInteger.valueOf(divisor).multiply(BigInteger.TEN.pow(-shift)).compareTo(max) <= 0;
  }
}
