package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Bug hunt (session 11): regression examples for the value models. Reference values are the
 * published formulas (FHL 2005 eqs. 7 and 10) evaluated with a 30-digit hypergeometric function.
 */
class ValueModelHuntTest {
  /**
   * The hypergeometric series of eqs. 7 and 10 stopped after two terms whenever their ratio was
   * still above 1 (horizon long against {@code alpha + T}, drop-out shape {@code a} above about 2):
   * its tail "bound" {@code term / (1 - ratio)} was then negative and passed the convergence test.
   * E[X(9.33)] came out as 1.418 instead of 1.2411.
   */
  @Test
  void expectedPurchases_longHorizonAndLargeA_sumsTheWholeSeries() {
    BgNbdModel m = new BgNbdModel(1, 1, 3.1267683651861553, 1);
    assertThat(m.expectedPurchases(9.33)).isCloseTo(1.2410858030364918, within(1e-12));
    assertThat(m.conditionalExpectedPurchases(9.33, 0, 0, 0)).isCloseTo(1.2410858030364918, within(1e-12));
  }

  /** The same series in the conditional expectation of a repeat buyer (eq. 10). */
  @Test
  void conditionalExpectedPurchases_longHorizonAndLargeA_sumsTheWholeSeries() {
    BgNbdModel m = new BgNbdModel(0.5, 2, 4, 0.5);
    assertThat(m.conditionalExpectedPurchases(300, 1, 5, 10)).isCloseTo(0.07774755801069192, within(1e-13));
  }
}
