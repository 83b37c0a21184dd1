package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.OrderSummary;
import dev.clientele.core.Profile;
import dev.clientele.core.ProfileId;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@code average_order_value} cell divides in {@code long}s where that is exact; its text must
 * be that of {@link OrderSummary#averageOrderValue()} for any revenue and order count (ties that
 * round half-even, revenues of any scale or size, counts up to the largest long), with any
 * delimiter (one that is a digit, point or minus takes the {@code BigDecimal} path).
 */
class AverageOrderValueCellTest {
  static final Instant T = Instant.parse("2026-03-01T00:00:00Z");

  @Provide
  Arbitrary<BigDecimal> revenues() {
    Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(Arbitraries.longs().between(-1_000_000, 100_000_000).map(BigInteger::valueOf),
        Arbitraries.longs().map(BigInteger::valueOf),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(24).negate(), BigInteger.TEN.pow(24)));
    return Combinators.combine(unscaled, Arbitraries.integers().between(-4, 8)).as(BigDecimal::new);
  }

  @Provide
  Arbitrary<Long> counts() {
    return Arbitraries.oneOf(Arbitraries.longs().between(1, 8), Arbitraries.longs().between(1, Long.MAX_VALUE),
        Arbitraries.of(200L, 400L, 1_000_000L));
  }

  @Property(tries = 1500)
  void averageOrderValue_cell_isTheSummarysAverage(@ForAll("revenues") BigDecimal revenue, @ForAll("counts") long count,
      @ForAll("delimiters") char delimiter) {
    OrderSummary orders = new OrderSummary(count, revenue, Optional.of(T), Optional.of(T));
    Profile p = Profile.builder(ProfileId.of("px"), T).orders(orders).build();
    CsvOptions options = CsvOptions.builder().delimiter(delimiter).formulaGuard(FormulaGuard.OFF).lineSeparator("\n").build();
    ExportRequest request = ExportRequest.builder().columns(List.of(ProfileColumn.averageOrderValue(), ProfileColumn.id()))
        .csvOptions(options).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProfileExporter.write(request, ProfileSource.of(List.of(p)), out);
    String text = orders.averageOrderValue().orElseThrow().toPlainString();
    String cell = text.indexOf(delimiter) >= 0 ? '"' + text + '"' : text;
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("average_order_value" + delimiter + "id\n" + cell + delimiter + "px\n");
  }

  @Provide
  Arbitrary<Character> delimiters() {
    return Arbitraries.of(',', ',', ',', ';', '\t', '0', '5', '.', '-');
  }
}
