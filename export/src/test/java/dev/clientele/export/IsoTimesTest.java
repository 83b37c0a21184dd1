package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.export.internal.IsoTimes;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IsoTimesTest {
  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(
        Arbitraries.longs().between(-62_167_219_300L, 253_402_300_900L),
        Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
        Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L),
        // around the first and last days of months, leap days and 400-year eras, 0000 to 9999
        Arbitraries.integers().between(0, 9999).flatMap(y -> Arbitraries.of(
            java.time.LocalDate.of(y, 1, 1), java.time.LocalDate.of(y, 2, 28), java.time.LocalDate.of(y, 3, 1),
            java.time.LocalDate.of(y, 12, 31)).map(d -> d.toEpochDay() * 86_400L)).flatMap(
                s -> Arbitraries.longs().between(-86_400L, 86_400L).map(d -> s + d)));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(m -> m * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(u -> u * 1000), Arbitraries.integers().between(0, 999_999_999));
    return net.jqwik.api.Combinators.combine(seconds, nanos).as(Instant::ofEpochSecond);
  }

  @Provide
  Arbitrary<java.util.List<Instant>> instantLists() {
    return instants().list().ofMaxSize(20);
  }

  @Property(tries = 3000)
  void format_equalsInstantToString(@ForAll("instants") Instant t) {
    assertThat(IsoTimes.format(t)).isEqualTo(t.toString());
  }

  @Property(tries = 500)
  void format_atAnOffset_writesOnlyItsOwnChars(@ForAll("instants") Instant t, @ForAll @net.jqwik.api.constraints.IntRange(max = 40) int at) {
    char[] b = new char[at + IsoTimes.MAX_CHARS + 5];
    java.util.Arrays.fill(b, '#');
    int end = IsoTimes.format(t, b, at);
    if (end < 0) {
      assertThat(new String(b)).matches("#*"); // outside 0000-9999: nothing written
    } else {
      assertThat(new String(b, at, end - at)).isEqualTo(t.toString());
      assertThat(new String(b, 0, at) + new String(b, end, b.length - end)).matches("#*");
    }
  }

  /**
   * Through a date cache, a sequence of times with days that repeat, and days that share a slot
   * (4096 days apart), is written as without one.
   */
  @Property(tries = 300)
  void format_throughADateCache_equalsInstantToString(@ForAll("instantLists") java.util.List<Instant> times,
      @ForAll("cacheSteps") java.util.List<Integer> steps) {
    IsoTimes.DateCache dates = new IsoTimes.DateCache();
    char[] b = new char[IsoTimes.MAX_CHARS + 3];
    java.util.List<Instant> all = new java.util.ArrayList<>(times);
    for (int i = 0; i < steps.size() && !times.isEmpty(); i++) {
      Instant base = times.get(i % times.size());
      long shifted = base.getEpochSecond() + steps.get(i) * 86_400L; // the same day, its slot's neighbour, 4096 days on or back
      if (shifted >= Instant.MIN.getEpochSecond() && shifted <= Instant.MAX.getEpochSecond()) {
        all.add(Instant.ofEpochSecond(shifted, base.getNano()));
      }
    }
    for (Instant t : all) {
      int end = IsoTimes.format(t, b, 3, dates);
      if (end >= 0) {
        assertThat(new String(b, 3, end - 3)).isEqualTo(t.toString());
      } else {
        assertThat(IsoTimes.format(t, b, 3)).isEqualTo(-1); // declined (year outside 0000-9999) either way
      }
    }
  }

  @Provide
  Arbitrary<java.util.List<Integer>> cacheSteps() {
    return Arbitraries.of(0, 0, 1, -1, 4096, -4096, 8192, 4095).list().ofMaxSize(30);
  }
}
