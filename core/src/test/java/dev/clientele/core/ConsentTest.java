package dev.clientele.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Consent#mostRestrictive} as an algebra: the merge of consents must not depend on the
 * order in which profiles merge. Consent has three values, so the laws are checked for every
 * combination rather than for a sample.
 */
class ConsentTest {
  private static final List<Consent> ALL = List.of(Consent.values());

  @Test
  void mostRestrictive_examples() {
    assertThat(Consent.OPT_IN.mostRestrictive(Consent.UNKNOWN)).isEqualTo(Consent.UNKNOWN);
    assertThat(Consent.UNKNOWN.mostRestrictive(Consent.OPT_OUT)).isEqualTo(Consent.OPT_OUT);
    assertThat(Consent.OPT_IN.mostRestrictive(Consent.OPT_OUT)).isEqualTo(Consent.OPT_OUT);
  }

  @Test
  void mostRestrictive_anyPair_isCommutative() {
    for (Consent a : ALL) {
      for (Consent b : ALL) {
        assertThat(a.mostRestrictive(b)).as("%s, %s", a, b).isEqualTo(b.mostRestrictive(a));
      }
    }
  }

  @Test
  void mostRestrictive_anyTriple_isAssociative() {
    for (Consent a : ALL) {
      for (Consent b : ALL) {
        for (Consent c : ALL) {
          assertThat(a.mostRestrictive(b).mostRestrictive(c)).as("%s, %s, %s", a, b, c)
              .isEqualTo(a.mostRestrictive(b.mostRestrictive(c)));
        }
      }
    }
  }

  @Test
  void mostRestrictive_sameValue_isIdempotent() {
    for (Consent a : ALL) {
      assertThat(a.mostRestrictive(a)).isEqualTo(a);
    }
  }

  @Test
  void mostRestrictive_optOut_absorbsAndOptInIsNeutral() {
    for (Consent a : ALL) {
      assertThat(a.mostRestrictive(Consent.OPT_OUT)).isEqualTo(Consent.OPT_OUT);
      assertThat(Consent.OPT_OUT.mostRestrictive(a)).isEqualTo(Consent.OPT_OUT);
      assertThat(a.mostRestrictive(Consent.OPT_IN)).isEqualTo(a);
    }
  }

  @Test
  void mostRestrictive_anySequence_isTheMostRestrictiveMember() {
    Trials.forAll("fold is order-free", random -> {
      int n = 1 + random.nextInt(8);
      List<Consent> values = random.ints(n, 0, 3).mapToObj(i -> ALL.get(i)).toList();

      Consent folded = values.stream().reduce(Consent::mostRestrictive).orElseThrow();
      Consent shuffled = Trials.shuffled(values, random).stream().reduce(Consent::mostRestrictive).orElseThrow();

      assertThat(folded).isEqualTo(shuffled).isEqualTo(values.stream().max(Enum::compareTo).orElseThrow());
    });
  }

  @Test
  void key_isLowerCaseName() {
    assertThat(ALL).extracting(Consent::key).containsExactly("opt_in", "unknown", "opt_out");
  }
}
