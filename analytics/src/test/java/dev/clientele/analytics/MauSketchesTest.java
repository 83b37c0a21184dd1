package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.clientele.core.ProfileId;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Sketch mode against exact counts: within the stated error, and mergeable day by day. */
class MauSketchesTest {
  private static final LocalDate OCT_1 = LocalDate.parse("2026-10-01");

  /** {@code profiles} profiles (every fourth anonymous), {@code events} events spread over October and early November. */
  private static ActivityIndex world(long seed, int profiles, int events) {
    SplittableRandom random = new SplittableRandom(seed);
    ActivityIndex.Builder b = ActivityIndex.builder();
    for (int p = 0; p < profiles; p++) {
      b.profile(ProfileId.of("p-" + seed + "-" + p), p % 4 == 0);
    }
    for (int i = 0; i < events; i++) {
      long second = OCT_1.atStartOfDay(ZoneOffset.UTC).toEpochSecond() + random.nextLong(40L * 86_400);
      b.activeEvent(random.nextInt(profiles), java.time.Instant.ofEpochSecond(second));
    }
    return b.build();
  }

  /**
   * Within three stated standard errors of exact, at sizes that reach the sketches' estimation
   * mode (lgK 10: k = 1024). HLL is deterministic for given keys; the seed of this property is
   * fixed so a run is reproducible, and each try draws a fresh population from it.
   */
  @Property(tries = 40, seed = "20261123")
  void estimate_withinThreeStatedStandardErrorsOfExact(
      @ForAll @IntRange(min = 1, max = 30_000) int profiles, @ForAll @IntRange(min = 0, max = 31) int dayOfMonth, @ForAll long seed) {
    ActivityIndex index = world(seed, profiles, profiles * 3);
    MauSketches sketches = MauSketches.of(index, 10);
    LocalDate day = OCT_1.plusDays(dayOfMonth);

    MauCount exact = index.mau(day);
    MauEstimate estimate = sketches.estimate(day);

    double allowed = 3 * sketches.relativeStandardError();
    assertThat(estimate.mau()).isCloseTo(exact.mau(), within(allowed * exact.mau() + 1e-9));
    assertThat(estimate.identified()).isCloseTo(exact.identified(), within(allowed * exact.identified() + 1e-9));
    assertThat(estimate.anonymous()).isCloseTo(exact.anonymous(), within(allowed * exact.anonymous() + 1e-9));
  }

  @Test
  void estimate_200kProfiles_defaultLgK_within95PercentBounds() {
    ActivityIndex index = world(7, 200_000, 600_000);
    MauSketches sketches = MauSketches.of(index, MauSketches.DEFAULT_LG_K);
    LocalDate day = LocalDate.parse("2026-10-31");

    MauCount exact = index.mau(day);
    MauEstimate e = sketches.estimate(day);

    assertThat(sketches.relativeStandardError()).isCloseTo(0.008125, within(1e-6));
    assertThat(exact.mau()).isGreaterThan(150_000);
    assertThat((double) exact.mau()).isBetween(e.lowerBound(), e.upperBound());
    assertThat(Math.abs(e.mau() - exact.mau()) / exact.mau()).isLessThan(3 * sketches.relativeStandardError());
    // The parts are disjoint here (current status), so they add up within the error.
    assertThat(Math.abs(e.identified() + e.anonymous() - e.mau()) / e.mau()).isLessThan(3 * sketches.relativeStandardError());
  }

  @Test
  void trend_unionOfDailySketches_equalsEstimateOfEachDay() {
    ActivityIndex index = world(3, 5_000, 20_000);
    MauSketches sketches = MauSketches.of(index, 12);

    List<MauEstimate> trend = sketches.trend(LocalDate.parse("2026-10-20"), LocalDate.parse("2026-11-05"));

    assertThat(trend).hasSize(17);
    for (MauEstimate e : trend) {
      assertThat(e.mau()).isCloseTo(sketches.estimate(e.date()).mau(), within(1e-6));
    }
    assertThat(trend.get(12).date()).isEqualTo(LocalDate.parse("2026-11-01"));
    assertThat(trend.get(12).mau()).as("restarts on the first").isLessThan(trend.get(11).mau());
  }

  @Test
  void add_sameProfileOnManyDays_countsOnce_smallCountsExact() {
    MauSketches s = MauSketches.empty(12);
    for (int d = 0; d < 20; d++) {
      s.add(OCT_1.plusDays(d), ProfileId.of("p-ann"), false);
      s.add(OCT_1.plusDays(d), ProfileId.of("p-cookie"), true);
    }
    s.add(LocalDate.parse("2026-09-30"), ProfileId.of("p-september"), false);

    MauEstimate e = s.estimate(LocalDate.parse("2026-10-31"));

    assertThat(e.rounded()).isEqualTo(2);
    assertThat(e.identified()).isCloseTo(1, within(1e-6));
    assertThat(e.anonymous()).isCloseTo(1, within(1e-6));
    assertThat(s.estimate(LocalDate.parse("2026-11-01")).rounded()).isZero();
  }

  @Test
  void add_visitorWhoIdentifiesLaterInTheMonth_countsOnce() {
    MauSketches s = MauSketches.empty(12);
    s.add(OCT_1, ProfileId.of("p-1"), true); // an anonymous visit
    s.add(OCT_1.plusDays(4), ProfileId.of("p-1"), false); // the same profile, now identified
    s.add(OCT_1.plusDays(4), ProfileId.of("p-2"), false);

    MauEstimate e = s.estimate(OCT_1.plusDays(4));

    assertThat(e.rounded()).as("p-1 once, p-2 once").isEqualTo(2);
    assertThat(e.identified()).isCloseTo(2, within(1e-6));
    assertThat(e.anonymous()).as("p-1 was anonymous this month too").isCloseTo(1, within(1e-6));
    assertThat(e.lowerBound()).isLessThanOrEqualTo(2);
    assertThat(e.upperBound()).isGreaterThanOrEqualTo(2);
    assertThat(s.trend(OCT_1, OCT_1.plusDays(4)).get(4).rounded()).isEqualTo(2);
  }

  @Test
  void empty_lgKOutOfRange_refused() {
    assertThatIllegalArgumentException().isThrownBy(() -> MauSketches.empty(3)).withMessage("lgK must be in [4, 21]: 3");
    assertThatIllegalArgumentException().isThrownBy(() -> MauSketches.empty(22)).withMessage("lgK must be in [4, 21]: 22");
  }
}
