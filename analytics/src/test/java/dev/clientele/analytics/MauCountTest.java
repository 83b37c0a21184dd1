package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class MauCountTest {
  private static final LocalDate DAY = LocalDate.parse("2026-10-15");
  private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

  @Test
  void new_consistentCounts_accepted() {
    MauCount m = new MauCount(DAY, OCTOBER, 5, 3, 2);

    assertThat(m.mau()).isEqualTo(5);
    assertThat(m.identified()).isEqualTo(3);
    assertThat(m.anonymous()).isEqualTo(2);
  }

  @Test
  void new_monthNotHoldingTheDate_refused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MauCount(DAY, YearMonth.of(2026, 11), 0, 0, 0))
        .withMessageContaining("2026-11").withMessageContaining("2026-10-15");
  }

  @Test
  void new_mauNotTheSumOfItsParts_refused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MauCount(DAY, OCTOBER, 4, 3, 2))
        .withMessageContaining("4 != 3 + 2");
  }

  @Test
  void new_negativeCounts_refused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MauCount(DAY, OCTOBER, 0, 1, -1));
    assertThatIllegalArgumentException().isThrownBy(() -> new MauCount(DAY, OCTOBER, -1, -1, 0));
  }

  @Test
  void new_nulls_refused() {
    assertThatNullPointerException().isThrownBy(() -> new MauCount(null, OCTOBER, 0, 0, 0)).withMessage("date");
    assertThatNullPointerException().isThrownBy(() -> new MauCount(DAY, null, 0, 0, 0)).withMessage("month");
  }
}
