package dev.clientele.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.core.ProfileId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ErasureReport}: the constructors from before a component existed, and copies keep every component. */
class ErasureReportTest {
  private static final ProfileId P = ProfileId.of("p-1");

  @Test
  void constructors_fromBeforeKeptSplitRecords_listNone() {
    assertThat(new ErasureReport(P, List.of(), Map.of("EMAIL", 1), 2, 1, 3, List.of(), List.of(), 4).keptSplitRecords())
        .isEmpty();
    assertThat(new ErasureReport(P, List.of(), Map.of("EMAIL", 1), 2, 1, 3, List.of(), List.of()).keptSplitRecords()).isEmpty();
    assertThat(new ErasureReport(P, List.of(), Map.of("EMAIL", 1), 2, 1, 3, List.of()).keptSplitRecords()).isEmpty();
  }

  @Test
  void withCacheCleared_keepsTheKeptSplitRecords() {
    ErasureReport r = new ErasureReport(P, List.of(), Map.of("EMAIL", 1), 2, 1, 3, List.of(), List.of(ProfileId.of("p-2")), 4,
        List.of("r-1"));

    ErasureReport cleared = r.withCacheCleared("identifier normalisation");

    assertThat(cleared.keptSplitRecords()).containsExactly("r-1");
    assertThat(cleared.cachesCleared()).containsExactly("identifier normalisation");
    assertThat(cleared.mergeRecordsRedacted()).isEqualTo(4);
    assertThat(cleared.toString()).contains("keptSplitRecords=[r-1]");
  }
}
