package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Moved from the command-line tool's ProfileWriterTest with the encoding it tested. */
class MultiValuesTest {
  @Property
  void split_ofJoin_givesValuesBack(@ForAll List<String> values) {
    List<String> back = MultiValues.split(MultiValues.join(values));

    if (values.size() == 1 && values.get(0).isEmpty()) {
      assertThat(back).isEmpty(); // one empty value and no value share the empty cell
    } else {
      assertThat(back).isEqualTo(values);
    }
  }

  @Test
  void join_separatorsInValues_escaped() {
    assertThat(MultiValues.join(List.of("a|b", "c\\d", "e"))).isEqualTo("a\\|b|c\\\\d|e");
  }

  @Test
  void prefix_formulaCells_prefixedNumbersKept() {
    assertThat(FormulaGuard.PREFIX.apply("=SUM(A1:A2)")).isEqualTo("'=SUM(A1:A2)");
    assertThat(FormulaGuard.PREFIX.apply("@cmd")).isEqualTo("'@cmd");
    assertThat(FormulaGuard.PREFIX.apply("+1+cmd|' /C calc'!A0")).startsWith("'");
    assertThat(FormulaGuard.PREFIX.apply("-2+3")).startsWith("'");
    assertThat(FormulaGuard.PREFIX.apply("+442079460958")).isEqualTo("+442079460958");
    assertThat(FormulaGuard.PREFIX.apply("-12.50")).isEqualTo("-12.50");
    assertThat(FormulaGuard.PREFIX.apply("ann@example.com")).isEqualTo("ann@example.com");
  }
}
