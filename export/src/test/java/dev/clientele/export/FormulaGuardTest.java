package dev.clientele.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FormulaGuardTest {
  /** The rule of {@link FormulaGuard#PREFIX} as written in its documentation, as a regex oracle. */
  static final Pattern RISKY = Pattern.compile("'*(?:[=@\\t\\r].*|[+-](?![0-9][0-9 ().-]*\\z).*)", Pattern.DOTALL);

  @Provide
  Arbitrary<String> cells() {
    return Arbitraries.strings().withChars("+-=@\t\r'0123456789 ().-aZ,|").ofMaxLength(8);
  }

  @Property(tries = 2000)
  void prefix_guardsExactlyTheDocumentedCells(@ForAll("cells") String cell) {
    boolean guarded = !FormulaGuard.PREFIX.apply(cell).equals(cell);

    assertThat(guarded).isEqualTo(RISKY.matcher(cell).matches());
  }

  @Property(tries = 1000)
  void prefixAll_guardsEverySignedCell(@ForAll("cells") String cell) {
    String rest = cell.replaceFirst("^'*", "");
    boolean trigger = !rest.isEmpty() && "=+-@\t\r".indexOf(rest.charAt(0)) >= 0;

    assertThat(!FormulaGuard.PREFIX_ALL.apply(cell).equals(cell)).isEqualTo(trigger);
    assertThat(FormulaGuard.OFF.apply(cell)).isEqualTo(cell);
  }
}
