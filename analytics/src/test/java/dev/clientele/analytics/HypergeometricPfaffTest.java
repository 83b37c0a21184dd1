package dev.clientele.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link Hypergeometric#scaledComplement} with a negative first parameter {@code p = a+b-1-r+shift}:
 * for a fit with huge {@code r} and {@code alpha} (review finding 2) the plain series cancels
 * catastrophically (it returned 1.47e137 for a true 0.0526); the value now comes from Pfaff's
 * transformation, a sum of positive terms, and where no form is free of cancellation the method
 * throws instead of returning noise.
 *
 * <p>The expected values were generated with Python mpmath 1.3.0, independently of this code:
 * <pre>
 *   eps = a - 1; p = a + b - 1 - r + shift; c = a + b + x - 1 + shift; z = t / (alpha + T + t)
 *     (Python floats: the same doubles as the Java expressions below)
 *   H = (1 - (1-z)**eps * mpmath.hyp2f1(p, eps, c, z)) / eps            at mp.dps = 60
 *   eps = 0:  H = -mpmath.diff(lambda e: (1-z)**e * mpmath.hyp2f1(p, e, c, z), 0)
 * </pre>
 * each checked to 1e-30 against the term-by-term sum of the series in {@code z} at
 * {@code 60 + 0.45 |p| z} digits (enough to absorb its cancellation).
 */
class HypergeometricPfaffTest {
  /**
   * a, b, r, alpha, x, T, t, shift, expected H. The review's three cases and four more huge fits
   * first, then 24 random fits (a, b log-uniform in [0.05, 60], sometimes a = 1; r in [1e5, 1e14];
   * alpha = r / lambda, lambda in [1e-3, 3]; T, t in [1, 1000]; x in 0..60; |p| z <= 2000), then
   * the CDNOW fits of FHL 2005 (BG/NBD) and the MBG/NBD fit, where p > 0 (the unchanged series).
   */
  private static final double[][] FITS = {
      {20.0, 1.0, 1000000000000.0, 1000000000000.0, 1, 300.0, 365.0, 0, 5.2631578947368421053e-2},
      {10.0, 2.0, 1000000000000.0, 2000000000000.0, 0, 300.0, 365.0, 0, 1.1111111111110940428e-1},
      {30.0, 30.0, 10000000000000.0, 50000000000000.0, 2, 100.0, 365.0, 0, 3.4482758620411173633e-2},
      {1.0, 2.0, 1000000000000.0, 1000000000000.0, 3, 200.0, 365.0, 0, 4.4046937166518837891},
      {0.5, 0.8, 1000000000000.0, 500000000000.0, 5, 100.0, 100.0, 1, 9.659981213684437219},
      {0.2, 3.0, 460000000000.0, 100000000000.0, 0, 50.0, 52.0, 1, 3.9546817605973902134e+1},
      {2.0, 1.5, 1000000000.0, 1000000000.0, 7, 80.0, 1000.0, 0, 9.9156333727424872869e-1},
      {17.21441051667585, 6.003403288307164, 107348.1369938876, 494019.0898659019, 38, 691.8439223989787, 138.66123208865343, 1, 6.1601667231539521729e-2},
      {0.1584762400378312, 1.1184845865465265, 975164655509.6222, 10284268554791.67, 37, 76.72303899719125, 725.0062226283972, 0, 1.677670474549629159},
      {1.0, 0.3949335189377994, 175402.34952895477, 310987.4650719926, 22, 982.6052019877654, 543.3973850137596, 1, 2.661978808011075877},
      {2.1234137912778377, 17.819259500891416, 2975586.671618501, 36759174.480576344, 37, 323.52000268292676, 791.5750561954853, 1, 5.1077320606279169078e-1},
      {15.073555545810997, 0.13475569927348716, 103980424.32027572, 9322134162.816502, 18, 152.72295740230336, 28.11964687930869, 1, 8.8222995299730065226e-3},
      {1.0, 9.319979090587799, 4350905577.93956, 141763205665.50537, 54, 317.2553928430426, 192.90260977387473, 0, 8.9440953432597478366e-2},
      {18.193252697944885, 1.6293650399261979, 375579784.817568, 997480907.9843247, 38, 77.2642633469539, 167.42977080858566, 1, 5.8162273238011878578e-2},
      {0.10853602852372182, 0.06280319708692998, 650068645607.4447, 23619167799879.31, 2, 754.7686571003904, 870.700848897354, 1, 9.365441068475183848},
      {0.6597307035595246, 0.16229668233094993, 1928427.7941456672, 5341952.068026423, 16, 806.0864238133781, 324.43726281761644, 1, 3.0449494718977050044},
      {41.88613259399143, 4.525247726431281, 17695478375.01138, 16550542347138.05, 15, 139.72328459724523, 548.180357988809, 1, 7.8919474146374695129e-3},
      {43.94081285711886, 0.21249483074622644, 908062033.4393151, 550871439406.0973, 30, 337.7614438043726, 285.1466217302651, 1, 5.5429285388056854423e-3},
      {0.8897594763858293, 9.074484917636148, 9094852.963089002, 17917730.58497533, 23, 274.1119174660374, 361.79506820104467, 1, 2.104261810009057289},
      {0.6315504659641177, 0.05249317853654927, 2934184089.725065, 28677508256.891052, 56, 659.047226396599, 19.58966933555957, 0, 3.5600523642866006658e-2},
      {7.142755234803672, 0.23060333506004485, 9535600788.434923, 3018250682036.421, 46, 633.2950036346424, 574.0600685124961, 0, 3.0780280487446714671e-2},
      {0.06783354090075454, 4.44604354671096, 2236064423.932308, 19184139050.65721, 56, 982.6394076065108, 213.0413749657009, 0, 4.1213039812681119246e-1},
      {2.702275073596848, 0.20918719386522647, 471602.34603892924, 4667539.9222361315, 8, 322.2240241051093, 692.932599139075, 0, 5.7361779304158776823e-1},
      {0.23862322032892797, 0.06847254045429874, 246969.425678533, 21862307.22503888, 25, 132.44710148708003, 577.8042312697476, 1, 2.5097680962972884577e-1},
      {1.9827429598476793, 0.17356450246051888, 1387020136500.5613, 1775078404291.3113, 28, 998.4739360604337, 173.7376223773968, 0, 8.3643141578259888078e-1},
      {0.6115852164177737, 2.131610634476683, 2478345901693.856, 1802275044713.3015, 18, 592.3201390032568, 993.7178881103434, 0, 1.0928209757456557599e+1},
      {0.0640504106469841, 1.3271776996366365, 2306602735.2292314, 147987333564.32336, 55, 747.3583569619497, 127.76155316072848, 1, 3.5274411833218347546e-2},
      {1.7929114388947511, 0.4201421727987753, 255587232064.00732, 317181917850.80255, 60, 762.5232158317856, 897.2973838514309, 1, 1.0938984700742761627},
      {4.577847406534497, 33.24891573495041, 234037.16300797235, 4746198.473715774, 22, 284.9954273769183, 773.7096438583044, 0, 2.3378247154281167436e-1},
      {0.6853453505339273, 5.990715319842042, 126389.89263016559, 58117.26472207728, 48, 183.47863679260195, 82.1563939347303, 1, 1.8415570604998604324},
      {0.722880196801414, 0.3739160807445006, 60591933.77200482, 782837635.5995504, 39, 251.6893750294318, 523.807325618892, 0, 7.8936385657072851988e-1},
      {0.793, 2.426, 0.243, 4.414, 0, 38.86, 39.0, 0, 8.7921609739189957915e-2},
      {0.793, 2.426, 0.243, 4.414, 2, 30.86, 39.0, 0, 4.7479020242569421428e-1},
      {0.793, 2.426, 0.243, 4.414, 7, 77.86, 52.0, 0, 4.1916843505053788559e-1},
      {0.793, 2.426, 0.243, 4.414, 25, 60.0, 78.0, 0, 8.1429608071052899724e-1},
      {0.891, 1.614, 0.525, 6.183, 0, 38.86, 39.0, 1, 1.5775365732106522144e-1},
      {0.891, 1.614, 0.525, 6.183, 2, 30.86, 39.0, 1, 4.6618261839911805447e-1},
      {0.891, 1.614, 0.525, 6.183, 7, 77.86, 52.0, 1, 4.0616002414615367006e-1},
      {0.891, 1.614, 0.525, 6.183, 25, 60.0, 78.0, 1, 7.6914499391611034344e-1},
  };

  /**
   * eps, p, c, z with {@code p < 0} and {@code z >= 1/2}, where only the series in {@code z} applies
   * and its terms alternate: expected H (mpmath as above).
   */
  private static final double[][] ALTERNATING = {
      {-0.5, -3.5, 2.0, 0.6, 2.6373858293410514217},
      {0.3, -12.25, 4.0, 0.7, 1.7388643667024207414},
      {-0.2, -40.5, 3.0, 0.6, 4.5618008559440136305},
      {1.5, -200.5, 5.0, 0.8, 6.6646145319893807678e-1},
  };

  @Test
  void scaledComplement_forHugeAndOrdinaryFits_matchesMpmath() {
    for (double[] f : FITS) {
      double a = f[0];
      double b = f[1];
      double r = f[2];
      double alpha = f[3];
      double x = f[4];
      double age = f[5];
      double t = f[6];
      double shift = f[7];
      double expected = f[8];
      double eps = a - 1;
      double p = a + b - 1 - r + shift;
      double c = a + b + x - 1 + shift;
      double z = t / (alpha + age + t);
      double actual = Hypergeometric.scaledComplement(eps, p, c, z);
      assertThat(actual).as("a %s b %s r %s alpha %s x %s T %s t %s shift %s", a, b, r, alpha, x, age, t, shift)
          .isCloseTo(expected, within(1e-12 * Math.abs(expected)));
    }
  }

  /** The review's first case through the model: E[Y(t)] / P(alive) is (a+b+x-1) h, about 1.105, not 3e138. */
  @Test
  void bgnbd_withHugeRandAlpha_predictsTheMpmathValue() {
    double expected = (20.0 + 1 + 1 - 1) * 5.2631578947368421053e-2;
    assertThat(BetaGeometric.expectedIfAlive(1e12, 1e12, 20, 1, 0, 365, 1, 300))
        .isCloseTo(expected, within(1e-12 * expected));
  }

  /** Alternating terms with {@code z >= 1/2}: accurate (the cancellation is mild) or refused, never noise. */
  @Test
  void scaledComplement_withAlternatingTerms_isAccurateOrThrows() {
    for (double[] f : ALTERNATING) {
      try {
        double actual = Hypergeometric.scaledComplement(f[0], f[1], f[2], f[3]);
        assertThat(actual).as("%s", java.util.Arrays.toString(f)).isCloseTo(f[4], within(1e-7 * Math.abs(f[4])));
      } catch (ArithmeticException refused) {
        assertThat(refused).hasMessageContaining("cancels");
      }
    }
  }

  /**
   * Where the terms would grow to about {@code e^(|p| z)}, far past any accuracy, and no positive form
   * applies ({@code z >= 1/2}), or the positive form needs more terms than allowed: an
   * {@link ArithmeticException}, as before the bug, not a number.
   */
  @Test
  void scaledComplement_whereNoFormIsAccurate_throws() {
    assertThatThrownBy(() -> Hypergeometric.scaledComplement(-0.5, -1e4, 3, 0.9)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Hypergeometric.scaledComplement(19, -1e12, 21, 0.6)).isInstanceOf(ArithmeticException.class);
    // |p| z = 1e8 terms to the peak of the positive form
    assertThatThrownBy(() -> Hypergeometric.scaledComplement(19, -1e12, 21, 1e-4)).isInstanceOf(ArithmeticException.class);
  }

  /** The positive form is continuous at {@code eps = 0} (a = 1) and agrees with its neighbours. */
  @Test
  void scaledComplement_positiveForm_isContinuousAtEpsZero() {
    double p = -1e12;
    double z = 3e-10;
    double at0 = Hypergeometric.scaledComplement(0, p, 3.5, z);
    assertThat(Hypergeometric.scaledComplement(1e-9, p, 3.5, z)).isCloseTo(at0, within(1e-8 * at0));
    assertThat(Hypergeometric.scaledComplement(-1e-9, p, 3.5, z)).isCloseTo(at0, within(1e-8 * at0));
  }
}
