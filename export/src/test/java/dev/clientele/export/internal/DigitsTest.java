package dev.clientele.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
}
