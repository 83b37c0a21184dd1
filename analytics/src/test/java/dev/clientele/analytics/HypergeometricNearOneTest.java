package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code ln 2F1(1, b; c; z)} near {@code z = 1} by the transformation to {@code 1-z}
 * ({@link Hypergeometric#logHyp2f1OneNearOne}) against references computed independently.
 */
class HypergeometricNearOneTest {
  /**
   * {b, c, z, ln 2F1(1,b;c;z), d/db, d/dc, d/dz}, computed with mpmath 1.3.0 at 40 digits
   * ({@code log(hyp2f1(1, b, c, z))} and {@code mpmath.diff}), rounded to 20.
   */
  private static final double[][] REFERENCE = {
      {0.5, 2.0, 0.99999, 0.68998989238379548997, 1.9634774385187454138, -0.9678551613386658172, 157.61545916337038334},
      {0.55, 12.13, 0.9999, 0.050672997817183274158, 0.094506920931155087616, -0.0046700994903862245735, 0.057409528880466626536},
      {2.3, 3.0, 0.999, 3.5304080492175643264, 4.0062012819681647564, -3.717088112126524418, 356.64256348030755644},
      {1.0, 2.06, 0.95, 1.0918519467084639701, 1.4269885084042560813, -0.90976997851983735835, 5.1732648374134043575},
      {1.0, 2.94, 0.99, 0.6816686729823207257, 0.9308550491124513471, -0.45103802374967600113, 3.151343361455279457},
      {3.5, 7.2, 0.9999999, 0.83129731315852075452, 0.37037019043987148725, -0.20907992668270060533, 2.0588213066559462574},
      {900.0, 902.5, 0.9989, 5.7407594650079445357, 0.30266749538965084319, -0.30200998170993297006, 369.41856033135164608},
      {0.01, 1.2, 0.999999, 0.047428746486286572937, 4.8239378090098064447, -0.19283271210228157176, 735.6754657300661765},
      {5.0, 35.9, 0.97, 0.14945792059909625404, 0.032235398736748286326, -0.0046133375751518918385, 0.17168922720069853233},
      {1.7, 2.65, 0.996, 2.1979082118517486092, 2.581819112588514896, -2.1606118116161313198, 56.829328104929494551},
      {0.3, 1.25, 0.99995, 1.5431470437726775033, 6.7011874394409176413, -4.2006894078513333932, 2068.340893079010107},
  };

  /** As {@link #REFERENCE}, with {@code e = c-b-1} about 1.1e-3 from a whole number. */
  private static final double[][] NEAR_POLE = {
      {0.5, 2.5011, 0.99999, 0.40504461122686418812, 0.99849655095366096696, -0.33242213408936684641, 4.9227557337710198059},
      {2.0, 2.9989, 0.9995, 2.5847024980642282367, 3.3806095965475287377, -2.9778258132893017834, 301.85906247229797129},
      {1.0, 2.0012, 0.97, 1.2836752289069231597, 1.7514461841099276232, -1.1814970160581347793, 8.4587541576964588864},
      {0.05, 4.0488, 0.999, 0.016510872614340482159, 0.33295447497125074072, -0.0054563420853971407287, 0.024963862223468624632},
      {600.0, 601.9989, 0.99834, 5.4941149244975228545, 0.34129372349252992282, -0.34042477339380616383, 287.06831377538108012},
  };

  /**
   * Near a pole of its parts the form loses about {@code e^(b eps)/delta} units in the value
   * (b=600, 1-z=0.00166: 2e-12 relative) and {@code 1/delta^2} in the derivatives.
   */
  @Test
  void nearOne_nearAPole_keepsElevenDigitsAndEightInTheDerivatives() {
    for (double[] r : NEAR_POLE) {
      double b = r[0];
      double c = r[1];
      double z = r[2];
      String at = "b=" + b + " c=" + c + " z=" + z;
      assertThat(Hypergeometric.nearOneApplies(b, c, z)).as(at).isTrue();
      double[] d = new double[3];
      assertThat(Hypergeometric.logHyp2f1OneWithDerivatives(b, c, z, d)).as(at)
          .isCloseTo(r[3], within(1e-11 * Math.max(1, r[3])));
      for (int k = 0; k < 3; k++) {
        assertThat(d[k]).as(at + " derivative " + k).isCloseTo(r[4 + k], within(1e-8 * Math.max(1, Math.abs(r[4 + k]))));
      }
    }
    assertThat(Hypergeometric.nearOneApplies(0.5, 2.5009, 0.99999)).isFalse(); // e = 1 - 9e-4
  }

  @Test
  void nearOne_matchesHighPrecisionValuesAndDerivatives() {
    int used = 0;
    for (double[] r : REFERENCE) {
      double b = r[0];
      double c = r[1];
      double z = r[2];
      used += Hypergeometric.nearOneApplies(b, c, z) ? 1 : 0;
      double[] d = new double[3];
      String at = "b=" + b + " c=" + c + " z=" + z;
      assertThat(Hypergeometric.logHyp2f1One(b, c, z)).as(at).isCloseTo(r[3], within(1e-13 * Math.max(1, r[3])));
      assertThat(Hypergeometric.logHyp2f1OneWithDerivatives(b, c, z, d)).as(at)
          .isCloseTo(r[3], within(1e-13 * Math.max(1, r[3])));
      for (int k = 0; k < 3; k++) {
        assertThat(d[k]).as(at + " derivative " + k).isCloseTo(r[4 + k], within(1e-10 * Math.max(1, Math.abs(r[4 + k]))));
      }
    }
    assertThat(used).isGreaterThanOrEqualTo(REFERENCE.length - 1);
  }

  /** The digamma function used by the derivatives, against mpmath 1.3.0 at 30 digits. */
  @Test
  void digamma_andLogGammaRatio_matchHighPrecisionValues() {
    // mpmath: loggamma(902.5) - loggamma(900), loggamma(11.3) - loggamma(40.3)
    assertThat(Hypergeometric.logGammaRatio(900, 2.5)).isCloseTo(17.0080687000397937043253128717, within(1e-13));
    assertThat(Hypergeometric.logGammaRatio(40.3, -29)).isCloseTo(-91.9216140983609401390943648108, within(1e-13));
    assertThat(Hypergeometric.digamma(0.94)).isCloseTo(-0.680487175287302435762025820508, within(1e-15));
    assertThat(Hypergeometric.digamma(1.06)).isCloseTo(-0.482625935814825623714118971611, within(1e-15));
    assertThat(Hypergeometric.digamma(25.3)).isCloseTo(3.21091138018253588317620924566, within(1e-15));
  }

  /**
   * Where the form applies, it agrees with the plain series in {@code z}, which takes ~37/(1-z)
   * terms and so gathers rounding errors of ~1e-12 (e.g. at b=0.78, c=2.636, z=0.99997 the plain
   * series is off by 1.1e-12 from mpmath's 0.647346319643323418, the 1-z form by 1e-16).
   */
  @Test
  void nearOne_agreesWithThePlainSeries() {
    SplittableRandom rnd = new SplittableRandom(20261124);
    int checked = 0;
    while (checked < 300) {
      double eps = Math.exp(rnd.nextDouble(Math.log(1e-5), Math.log(0.05)));
      double b = Math.exp(rnd.nextDouble(Math.log(0.01), Math.log(Math.min(200, 1 / eps))));
      double e = rnd.nextDouble(-0.95, 12);
      double z = 1 - eps;
      double c = b + 1 + e;
      if (!Hypergeometric.nearOneApplies(b, c, z)) {
        continue;
      }
      double expected = Math.log(Hypergeometric.hyp2f1(1, b, c, z));
      double[] d = new double[3];
      assertThat(Hypergeometric.logHyp2f1OneWithDerivatives(b, c, z, d))
          .as("b=%s c=%s z=%s", b, c, z).isCloseTo(expected, within(1e-10 * Math.max(1, Math.abs(expected))));
      checked++;
    }
  }

  /** At the switch {@code z = 0.95} both forms agree, so the log-likelihood has no visible step there. */
  @Test
  void nearOne_isContinuousAtTheSwitch() {
    double below = Math.nextDown(Hypergeometric.NEAR_ONE);
    for (double[] bc : new double[][] {{0.5, 2.0}, {2.3, 3.0}, {4.0, 15.5}, {0.02, 1.3}}) {
      double[] d1 = new double[3];
      double[] d2 = new double[3];
      double series = Hypergeometric.logHyp2f1OneWithDerivatives(bc[0], bc[1], below, d1);
      double near = Hypergeometric.logHyp2f1OneWithDerivatives(bc[0], bc[1], Hypergeometric.NEAR_ONE, d2);
      assertThat(Hypergeometric.nearOneApplies(bc[0], bc[1], Hypergeometric.NEAR_ONE)).isTrue();
      assertThat(near).isCloseTo(series, within(1e-13 * Math.max(1, Math.abs(series))));
      for (int k = 0; k < 3; k++) {
        assertThat(d2[k]).isCloseTo(d1[k], within(1e-11 * Math.max(1, Math.abs(d1[k]))));
      }
    }
  }
}
