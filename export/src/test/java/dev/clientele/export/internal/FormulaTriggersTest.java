package dev.clientele.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clientele.export.FormulaGuard;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link FormulaTriggers#mayStart} lets the CSV writers skip the formula guard; it must never
 * skip a cell some guard would change. Ties the quick test to {@link FormulaGuard}, so a trigger
 * added there and not here fails this test instead of silently bypassing the guard.
 */
class FormulaTriggersTest {
  @Test
  void aCellNotStartingWithATrigger_isLeftAsItIsByEveryGuard() {
    List<String> rests = List.of("", "1", "SUM(A1)", "=1", "+1", "-", "'=x", " x", "\t", "\r");
    int skipped = 0;
    for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
      if (FormulaTriggers.mayStart((char) c)) {
        continue;
      }
      skipped++;
      for (String rest : rests) {
        String cell = (char) c + rest;
        for (FormulaGuard guard : FormulaGuard.values()) {
          assertThat(guard.apply(cell)).as("%s on U+%04X%s", guard, c, rest).isEqualTo(cell);
        }
      }
    }
    assertThat(skipped).isEqualTo(65536 - 7);
  }

  @Test
  void eachTrigger_isGuardedBySomeGuardForSomeCell() {
    for (char c : new char[] {'=', '+', '-', '@', '\t', '\r'}) {
      assertThat(FormulaGuard.PREFIX_ALL.apply(c + "1")).as("U+%04X", (int) c).startsWith("'");
    }
    assertThat(FormulaGuard.PREFIX_ALL.apply("'=1")).startsWith("''");
  }
}
