package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Objective;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.sim.Welfare;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 7: social choice of eta, objectives, equality, round metrics. */
class WelfareVotingTest {
  static final float[] NONE = new float[4];

  @Test
  void etaMeanOfSigma() {
    float[] s = {0.125f, 0.25f, 0.375f, 0.5f};
    assertThat(Welfare.eta(SocialChoice.MEAN, s, NONE, 4, new float[4])).isEqualTo(0.3125f);
  }

  @Test
  void etaMedianOfSigmaOddAndEven() {
    assertThat(Welfare.eta(SocialChoice.MEDIAN, new float[] {0.9f, 0.1f, 0.5f}, NONE, 3, new float[3])).isEqualTo(0.5f);
    assertThat(Welfare.eta(SocialChoice.MEDIAN, new float[] {0.125f, 0.875f, 0.25f, 0.5f}, NONE, 4, new float[4])).isEqualTo(0.375f);
  }

  @Test
  void etaMajorityOfVotes() {
    float[] sigma = {0.9f, 0.9f, 0.9f};
    assertThat(Welfare.eta(SocialChoice.MAJORITY, sigma, new float[] {0.9f, 0.8f, 0.1f}, 3, new float[3])).as("mean 0.6 > 0.5: egalitarian").isEqualTo(0f);
    assertThat(Welfare.eta(SocialChoice.MAJORITY, sigma, new float[] {0.1f, 0.2f, 0.9f}, 3, new float[3])).as("mean 0.4: utilitarian").isEqualTo(1f);
    assertThat(Welfare.eta(SocialChoice.MAJORITY, sigma, new float[] {0.25f, 0.75f, 0.5f}, 3, new float[3])).as("mean exactly 0.5 is not > 0.5").isEqualTo(1f);
  }

  @Test
  void equalityIsOneMinusNormalisedGini() {
    assertThat(Welfare.equalityInPlace(new int[] {5, 5, 5}, 3)).isEqualTo(1.0);
    assertThat(Welfare.equalityInPlace(new int[] {0, 0, 10}, 3)).as("one player has everything").isCloseTo(0.0, within(1e-12));
    // pairs |1-2| + |1-3| + |2-3| = 4; Gini = 2*4 / (2 * 3 * 6) = 2/9; * 3/2 = 1/3
    assertThat(Welfare.equalityInPlace(new int[] {3, 1, 2}, 3)).isCloseTo(2.0 / 3.0, within(1e-12));
    assertThat(Welfare.equalityInPlace(new int[] {0, 0, 0}, 3)).as("nothing collected: equal").isEqualTo(1.0);
  }

  @Test
  void objectivesHandComputed() {
    assertThat(Welfare.objective(Objective.PAPER, 0.25f, new int[] {1, 2, 3}, 3)).isCloseTo(0.25 * 6 + 0.75 * 1, within(1e-12));
    assertThat(Welfare.objective(Objective.PAPER, 1f, new int[] {1, 2, 3}, 3)).isEqualTo(6.0);
    assertThat(Welfare.objective(Objective.PAPER, 0f, new int[] {1, 2, 3}, 3)).isEqualTo(1.0);
    assertThat(Welfare.objective(Objective.UTILITARIAN, 0.5f, new int[] {1, 2, 3}, 3)).isEqualTo(6.0);
    assertThat(Welfare.objective(Objective.EGALITARIAN, 0.5f, new int[] {4, 2, 3}, 3)).isEqualTo(2.0);
    assertThat(Welfare.objective(Objective.NASH, 0.5f, new int[] {1, 2, 3}, 3)).isCloseTo(Math.cbrt(24), within(1e-12));
    assertThat(Welfare.objective(Objective.EQ_X_PROD, 0.5f, new int[] {1, 2, 3}, 3)).isCloseTo(4.0, within(1e-12));
  }

  @Test
  void etaInTheEngineFollowsTheSocialChoice() {
    try (TestWorld w = new TestWorld(Config.defaults().env(), 3, 8)) {
      for (int e = 0; e < 3; e++) {
        float sum = 0f;
        for (int i = 0; i < 7; i++) sum += w.f(Buf.SIGMA, e, i);
        assertThat(w.s.floats(Buf.ETA).get(e)).isEqualTo(sum / 7);
      }
    }
    Config maj = Config.parse("env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 1, social_choice: majority}}", "t");
    try (TestWorld w = new TestWorld(maj.env(), 16, 8)) {
      Set<Float> seen = new HashSet<>();
      for (int k = 0; k < 50; k++) {
        w.env.stepRandom();
        for (int e = 0; e < 16; e++) seen.add(w.s.floats(Buf.ETA).get(e));
      }
      assertThat(seen).as("majority gives 0 or 1, and both occur").containsExactlyInAnyOrder(0f, 1f);
    }
  }

  /** The principal's rewards over a round's periods add up to O(round) - O(nothing collected). */
  @Test
  void principalRewardsTelescopeToTheRoundObjective() {
    for (Objective o : Objective.values()) {
      Config c = Config.parse("env: {episode_length: 200, tax: {period: 20}, voting: {round_periods: 5, objective: " + o.key() + "}}", "t");
      try (TestWorld w = new TestWorld(c.env(), 4, 2)) {
        double[] sum = new double[4];
        for (int k = 0; k < 100; k++) {
          w.env.stepRandom();
          for (int e = 0; e < 4; e++) sum[e] += w.env.principalRewards().get(e);
          if ((k + 1) % 20 != 0) {
            for (int e = 0; e < 4; e++) assertThat(w.env.principalRewards().get(e)).isZero();
          }
        }
        assertThat(w.env.roundEnded()).isTrue();
        RoundMetrics[] m = w.env.lastRoundMetrics();
        double base = Welfare.objective(o, 0.5f, new int[7], 7);
        for (int e = 0; e < 4; e++) {
          assertThat(sum[e]).as("%s env %d", o, e).isCloseTo(m[e].objective() - base, within(1e-3));
        }
      }
    }
  }

  @Test
  void roundMetricsMatchAPlainRecount() {
    Config c = Config.parse("env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 10}}", "t");
    try (TestWorld w = new TestWorld(c.env(), 2, 6)) {
      for (int e = 0; e < 2; e++) w.env.setRates(e, 1, 2, 3);
      int[][] apples = new int[2][7];
      for (int k = 0; k < 100; k++) {
        w.env.stepRandom();
        for (int e = 0; e < 2; e++) for (int i = 0; i < 7; i++) apples[e][i] += w.eaten(e, i);
      }
      assertThat(w.env.roundEnded()).isTrue();
      assertThat(w.env.completedRounds()).isEqualTo(1);
      RoundMetrics[] m = w.env.lastRoundMetrics();
      for (int e = 0; e < 2; e++) {
        int total = 0;
        for (int a : apples[e]) total += a;
        assertThat(m[e].productivity()).isEqualTo(total);
        assertThat(m[e].equality()).isCloseTo(Welfare.equalityInPlace(apples[e].clone(), 7), within(1e-12));
        assertThat(m[e].rates()).containsExactly(new double[] {0.1, 0.2, 0.3}, within(1e-6));
        assertThat(m[e].round()).isZero();
        assertThat(m[e].lostPatches() + m[e].applesLeft()).isLessThanOrEqualTo(64);
      }
    }
  }

  /**
   * objective_income: post_tax (docs/RULES.md section 7): O counts A_i plus the lumps the step paid at
   * the round's period ends (recounted here from the LUMP buffer), for every objective; the principal's
   * rewards still telescope to O(round).
   */
  @Test
  void postTaxObjectiveCountsTheLumpsTheStepPaid() {
    for (Objective o : Objective.values()) {
      Config c = Config.parse("env: {episode_length: 100, tax: {period: 10, brackets: [0, 1, 2]}, voting: {round_periods: 10, objective: "
          + o.key() + ", objective_income: post_tax}}", "t");
      try (TestWorld w = new TestWorld(c.env(), 3, 4)) {
        for (int e = 0; e < 3; e++) w.env.setRates(e, 2 * e, 5, 10 - e);
        int[][] apples = new int[3][7];
        double[][] lumps = new double[3][7];
        double[] rewardSum = new double[3];
        boolean taxed = false;
        for (int k = 0; k < 100; k++) {
          w.env.stepRandom();
          for (int e = 0; e < 3; e++) {
            rewardSum[e] += w.env.principalRewards().get(e);
            for (int i = 0; i < 7; i++) {
              apples[e][i] += w.eaten(e, i);
              lumps[e][i] += w.f(Buf.LUMP, e, i);
              taxed |= w.f(Buf.LUMP, e, i) != 0f;
            }
          }
        }
        assertThat(taxed).as("the case must tax someone").isTrue();
        assertThat(w.env.roundEnded()).isTrue();
        RoundMetrics[] m = w.env.lastRoundMetrics();
        double base = Welfare.objective(o, 0.5f, new double[7], 7);
        for (int e = 0; e < 3; e++) {
          double[] post = new double[7];
          for (int i = 0; i < 7; i++) post[i] = apples[e][i] + lumps[e][i];
          assertThat(m[e].objective()).as("%s env %d", o, e).isEqualTo(Welfare.objective(o, (float) m[e].eta(), post, 7));
          assertThat(m[e].productivity()).as("productivity stays pre-tax").isEqualTo(java.util.Arrays.stream(apples[e]).sum());
          assertThat(rewardSum[e]).as("%s env %d rewards telescope", o, e).isCloseTo(m[e].objective() - base, within(1e-3));
        }
      }
    }
  }

  /** Under a flat rate of 1 everyone keeps the mean: the post-tax egalitarian objective is productivity / n, the pre-tax one min A. */
  @Test
  void flatOneEqualisesThePostTaxIncome() {
    for (String income : new String[] {"pre_tax", "post_tax"}) {
      Config c = Config.parse("env: {episode_length: 100, tax: {period: 10, levels: 2}, voting: {round_periods: 10, objective: egalitarian,"
          + " objective_income: " + income + "}}", "t");
      assertThat(c.env().objectiveIncome().key()).isEqualTo(income);
      try (TestWorld w = new TestWorld(c.env(), 2, 6)) {
        for (int e = 0; e < 2; e++) w.env.setRates(e, 1, 1, 1);
        int[][] apples = new int[2][7];
        for (int k = 0; k < 100; k++) {
          w.env.stepRandom();
          for (int e = 0; e < 2; e++) for (int i = 0; i < 7; i++) apples[e][i] += w.eaten(e, i);
        }
        RoundMetrics[] m = w.env.lastRoundMetrics();
        for (int e = 0; e < 2; e++) {
          int min = java.util.Arrays.stream(apples[e]).min().getAsInt();
          if (income.equals("post_tax")) {
            assertThat(m[e].objective()).isCloseTo(m[e].productivity() / 7, within(1e-4));
          } else {
            assertThat(m[e].objective()).isEqualTo(min);
          }
        }
        assertThat(java.util.Arrays.stream(apples[0]).min().getAsInt()).as("a case where min A < mean A").isLessThan(
            (int) (m[0].productivity() / 7));
      }
    }
  }

  @Test
  void objectiveIncomeRejectsAnUnknownValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Config.parse("env: {voting: {objective_income: after_tax}}", "t"))
        .hasMessageContaining("env.voting.objective_income").hasMessageContaining("post_tax");
  }
}
