package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MaximumLikelihoodTest {
  @Test
  void maximize_backsOffFromPointsWhereTheObjectiveCannotBeEvaluated() {
    // A concave objective with its maximum at 1.4 that throws (as a non-converging series does)
    // beyond 1.5: the first trial step from 0 (gradient 2.8, capped at 2) lands in that region,
    // and the search must back off, not abort.
    AtomicInteger thrown = new AtomicInteger();
    MaximumLikelihood.Objective f = (theta, gradient) -> {
      double t = theta[0];
      if (t > 1.5) {
        thrown.incrementAndGet();
        throw new ArithmeticException("series did not converge at " + t);
      }
      if (gradient != null) {
        gradient[0] = -2 * (t - 1.4);
      }
      return -(t - 1.4) * (t - 1.4);
    };
    MaximumLikelihood.Result r = MaximumLikelihood.maximize(f, new double[] {0});
    assertThat(thrown.get()).as("the search probed the throwing region").isPositive();
    assertThat(r.theta()[0]).isCloseTo(1.4, within(1e-6));
  }

  @Test
  void aResultThatNeverEvaluatedIsNoFit() {
    MaximumLikelihood.Objective nowhere = (theta, gradient) -> {
      throw new ArithmeticException("never converges");
    };
    MaximumLikelihood.Result r = MaximumLikelihood.maximize(nowhere, new double[] {0, 0, 0});
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ModelFit.of(new GammaGammaModel(1, 2, 3), r, 10, "p", "q", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gammagamma model could not be fitted");
  }
}
