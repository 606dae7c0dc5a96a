package org.harvestsed.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.sim.Welfare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison protocol's statistics (issue 15): t quantiles and p-values, Holm's correction, learning-curve flatness. */
class ProtocolStatsTest {
  @Test
  void tQuantilesMatchTheTable() {
    for (int df = 1; df <= 30; df++) assertThat(Stats.tQuantile(0.975, df)).as("df %d", df).isCloseTo(Stats.t975(df), within(1.5e-3));
    // standard tables: t(0.995, 9) = 3.250, t(0.9875, 9) = 2.685 (a 97.5% interval), t(0.95, 4) = 2.132
    assertThat(Stats.tQuantile(0.995, 9)).isCloseTo(3.250, within(1e-3));
    assertThat(Stats.tQuantile(0.9875, 9)).isCloseTo(2.685, within(1e-3));
    assertThat(Stats.tQuantile(0.95, 4)).isCloseTo(2.132, within(1e-3));
    assertThat(Stats.tQuantile(0.025, 9)).isCloseTo(-2.262, within(1e-3));
  }

  @Test
  void tTestPValueOfAKnownSample() {
    // {1..5}: mean 3, se sqrt(2.5 / 5) = 0.7071, t = 4.2426 with 4 df: two-sided p = 0.01324
    assertThat(Stats.tTestP(new double[] {1, 2, 3, 4, 5})).isCloseTo(0.01324, within(1e-4));
    assertThat(Stats.tTestP(new double[] {-1, 1})).isCloseTo(1.0, within(1e-9));
    assertThat(Stats.tTestP(new double[] {2, 2, 2})).isEqualTo(0.0);
    assertThat(Stats.tTestP(new double[] {2})).isNaN();
  }

  @Test
  void holmAdjustsStepDown() {
    // sorted 0.01, 0.03, 0.04 of m = 3: 3 x 0.01 = 0.03, max(0.03, 2 x 0.03) = 0.06, max(0.06, 1 x 0.04) = 0.06
    double[] adj = Stats.holm(new double[] {0.01, 0.04, 0.03});
    assertThat(adj).containsExactly(new double[] {0.03, 0.06, 0.06}, within(1e-12));
    // 0.01 <= 0.05/3: rejected at 0.05/3; 0.03 > 0.05/2: Holm stops, so 0.03 and 0.04 get 0.05/3 (Bonferroni)
    double[] alphas = Stats.holmAlphas(new double[] {0.01, 0.04, 0.03}, 0.05);
    assertThat(alphas).containsExactly(new double[] {0.05 / 3, 0.05 / 3, 0.05 / 3}, within(1e-12));
    // every step rejects: each gets the level of its rank
    assertThat(Stats.holmAlphas(new double[] {0.04, 0.001, 0.02}, 0.05)).containsExactly(new double[] {0.05, 0.05 / 3, 0.05 / 2}, within(1e-12));
    double[] withNan = Stats.holm(new double[] {Double.NaN, 0.02, 0.6});
    assertThat(withNan[0]).isNaN();
    assertThat(withNan[1]).isCloseTo(0.04, within(1e-12));
    assertThat(withNan[2]).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void widerIntervalAtAStricterLevel() {
    double[] x = {3, 4, 5, 6, 7};
    assertThat(Stats.interval(x, 0.05).halfWidth()).isCloseTo(Stats.interval(x).halfWidth(), within(2e-3));
    // 99%: t(0.995, 4) = 4.604; sd 1.5811 / sqrt(5): 3.2553
    assertThat(Stats.interval(x, 0.01).halfWidth()).isCloseTo(3.2553, within(2e-3));
  }

  @Test
  void learningCurveChangeOfTheLastQuarter() {
    LearningCurve rising = LearningCurve.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7});
    assertThat(rising.first()).isEqualTo(0.5);
    assertThat(rising.last()).isEqualTo(6.5);
    assertThat(rising.change()).isCloseTo(2.0 / 4.5, within(1e-12));
    assertThat(rising.flat()).isFalse();
    LearningCurve flat = LearningCurve.of(new double[] {0, 1, 2, 3, 3, 3, 3, 3.1});
    assertThat(flat.change()).isCloseTo(0.05 / 3, within(1e-12));
    assertThat(flat.flat()).isTrue();
    assertThat(LearningCurve.of(new double[] {1, 2}).change()).isNaN();
    assertThat(LearningCurve.of(new double[0]).first()).isNaN(); // a fine-tune shorter than an episode
  }

  @Test
  void learningCurveFromMetricsCsv(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("metrics.csv");
    // iterations without an episode end have no episodic return: not points of the curve
    Files.writeString(f, "iteration,charts/episodic_return,x\n1,1.0,a\n2,,b\n3,2.0,c\n4,3.0,d\n5,,e\n6,3.0,f\n");
    LearningCurve c = LearningCurve.of(f);
    assertThat(c.iterations()).isEqualTo(4);
    assertThat(c.first()).isEqualTo(1.0);
    assertThat(c.change()).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void realValuedEqualityIsTheIntegerFormula() {
    int[][] cases = {{0, 0, 0, 10}, {1, 2, 3, 4}, {5, 5, 5, 5}, {0, 0, 0, 0}, {7, 0, 3, 9, 1}};
    for (int[] a : cases) {
      double[] d = new double[a.length + 2];
      for (int i = 0; i < a.length; i++) d[i + 1] = a[i];
      double real = Welfare.equalityInPlace(d, 1, a.length);
      assertThat(real).isCloseTo(Welfare.equalityInPlace(a.clone(), a.length), within(1e-12));
    }
    assertThat(Welfare.equalityInPlace(new double[] {0, 0, 0, 10}, 0, 4)).isCloseTo(0.0, within(1e-12));
  }
}
