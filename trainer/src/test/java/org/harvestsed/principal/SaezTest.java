package org.harvestsed.principal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Saez rate formula on a hand-computed distribution; the elasticity estimate on synthetic data. */
class SaezTest {
  @Test
  void saezRatesOnAHandComputedDistribution() {
    // incomes 0, 5, 15, 30; weights 1/(z+1) = 1, 1/6, 1/16, 1/31, mean 0.315356...
    double[] r = Saez.rates(new double[] {0, 5, 15, 30}, new float[] {0, 10, 20}, 1.0);
    double mean = (1 + 1 / 6.0 + 1 / 16.0 + 1 / 31.0) / 4;
    // bracket 0, z = 0: above = 5, 15, 30; G = mean weight above / mean = ((1/6 + 1/16 + 1/31) / 3) / mean; a = 1
    double g0 = ((1 / 6.0 + 1 / 16.0 + 1 / 31.0) / 3) / mean;
    assertThat(r[0]).isCloseTo((1 - g0) / (1 - g0 + 1.0), within(1e-12)).isCloseTo(0.41984, within(1e-4));
    // bracket 1, z = 10: above = 15, 30; z_m = 22.5, a = 22.5 / 12.5 = 1.8
    double g1 = ((1 / 16.0 + 1 / 31.0) / 2) / mean;
    assertThat(r[1]).isCloseTo((1 - g1) / (1 - g1 + 1.8), within(1e-12)).isCloseTo(0.32069, within(1e-4));
    // bracket 2, z = 20: above = 30; a = 30 / 10 = 3
    double g2 = (1 / 31.0) / mean;
    assertThat(r[2]).isCloseTo((1 - g2) / (1 - g2 + 3.0), within(1e-12)).isCloseTo(0.23032, within(1e-4));
  }

  @Test
  void aBracketNobodyReachesKeepsThePreviousRate() {
    double[] r = Saez.rates(new double[] {1, 2, 3}, new float[] {0, 10, 20}, 0.5);
    assertThat(r[1]).isEqualTo(r[0]);
    assertThat(r[2]).isEqualTo(r[0]);
  }

  @Test
  void higherElasticityMeansLowerRates() {
    double[] z = {0, 3, 8, 12, 25, 40};
    double[] lo = Saez.rates(z, new float[] {0, 10, 20}, 0.2);
    double[] hi = Saez.rates(z, new float[] {0, 10, 20}, 2.0);
    for (int b = 0; b < 3; b++) assertThat(hi[b]).isLessThan(lo[b]);
  }

  @Test
  void levelsSnapToTheNearestGridPoint() {
    assertThat(Saez.levels(new double[] {0.41984, 0.32069, 0.96}, 11)).containsExactly(4, 3, 10);
  }

  @Test
  void elasticityIsRecoveredFromSyntheticIncomes() {
    // z = 20 (1 - tau)^e * noise with e = 0.7
    SplittableRandom rnd = new SplittableRandom(4);
    Elasticity est = new Elasticity(1.0);
    for (int k = 0; k < 5000; k++) {
      double tau = rnd.nextDouble(0, 0.9);
      double z = 20 * Math.pow(1 - tau, 0.7) * Math.exp(rnd.nextGaussian() * 0.1);
      est.add(z, tau);
    }
    assertThat(est.slope()).isCloseTo(0.7, within(0.03));
    assertThat(est.update()).isCloseTo(0.7, within(0.03));
  }

  @Test
  void elasticityKeepsItsWarmUpValueUntilEnoughSamples() {
    Elasticity est = new Elasticity(0.5);
    for (int k = 0; k < Elasticity.MIN_SAMPLES - 1; k++) est.add(5 + k, (k % 5) / 10.0);
    assertThat(est.update()).isEqualTo(Elasticity.WARMUP);
    est.add(0, 0.3); // no information: skipped
    assertThat(est.samples()).isEqualTo(Elasticity.MIN_SAMPLES - 1);
    Elasticity flat = new Elasticity(0.5);
    for (int k = 0; k < 500; k++) flat.add(5 + k, 0.2); // no variation in the net-of-tax rate
    assertThat(flat.update()).isEqualTo(Elasticity.WARMUP);
  }
}
