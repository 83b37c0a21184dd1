package dev.clientele.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ProfileWriterTest {
  @Property
  void split_ofJoin_givesValuesBack(@ForAll List<String> values) {
    List<String> back = ProfileWriter.split(ProfileWriter.join(values));

    if (values.size() == 1 && values.get(0).isEmpty()) {
      assertThat(back).isEmpty(); // one empty value and no value share the empty cell
    } else {
      assertThat(back).isEqualTo(values);
    }
  }

  @Test
  void join_separatorsInValues_escaped() {
    assertThat(ProfileWriter.join(List.of("a|b", "c\\d", "e"))).isEqualTo("a\\|b|c\\\\d|e");
  }

  @Test
  void neutralise_formulaCells_prefixedNumbersKept() {
    assertThat(ProfileWriter.neutralise("=SUM(A1:A2)")).isEqualTo("'=SUM(A1:A2)");
    assertThat(ProfileWriter.neutralise("@cmd")).isEqualTo("'@cmd");
    assertThat(ProfileWriter.neutralise("+1+cmd|' /C calc'!A0")).startsWith("'");
    assertThat(ProfileWriter.neutralise("-2+3")).startsWith("'");
    assertThat(ProfileWriter.neutralise("+442079460958")).isEqualTo("+442079460958");
    assertThat(ProfileWriter.neutralise("-12.50")).isEqualTo("-12.50");
    assertThat(ProfileWriter.neutralise("ann@example.com")).isEqualTo("ann@example.com");
  }
}
