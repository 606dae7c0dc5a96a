package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * java vs opencl, step by step: every state, observation, reward, done and metric buffer must be
 * bit-identical after every step, under random player actions and random principal rates with
 * the annealing cap and the divergence limit active.
 */
class ParityTest {
  @BeforeEach
  void needsOpenCl() {
    OpenClAvailable.assume();
  }

  /** Steps both backends with the same inputs and compares every buffer after every step. */
  static void assertParity(EnvSpec spec, int envs, int steps, long seed) {
    try (VecEnv java = VecEnv.create(spec, envs, "java", 0);
         VecEnv ocl = VecEnv.create(spec, envs, "opencl", 0, "")) {
      java.reset(seed);
      ocl.reset(seed);
      compare(java, ocl, -1);
      SplittableRandom rnd = new SplittableRandom(seed);
      int n = spec.players();
      int[] actions = new int[envs * n];
      int[] levels = new int[spec.brackets()];
      int rounds = 0;
      int dones = 0;
      for (int s = 0; s < steps; s++) {
        if (java.periodStartsNext()) {
          float cap = Math.min(1f, 0.1f + 0.9f * s / steps); // annealed cap
          java.setCap(cap);
          ocl.setCap(cap);
          for (int e = 0; e < envs; e++) {
            for (int b = 0; b < levels.length; b++) levels[b] = rnd.nextInt(spec.rateLevels());
            java.setRates(e, levels);
            ocl.setRates(e, levels);
          }
        }
        for (int k = 0; k < actions.length; k++) actions[k] = rnd.nextInt(spec.actions());
        java.step(actions);
        ocl.step(actions);
        compare(java, ocl, s);
        if (java.dones().get(0) != 0) dones++;
        assertThat(ocl.roundEnded()).isEqualTo(java.roundEnded());
        if (java.roundEnded()) {
          rounds++;
          RoundMetrics[] a = java.lastRoundMetrics();
          RoundMetrics[] b = ocl.lastRoundMetrics();
          for (int e = 0; e < envs; e++) assertThat(b[e]).usingRecursiveComparison().isEqualTo(a[e]);
        }
      }
      assertThat(dones).as("episode ends covered").isGreaterThanOrEqualTo(steps / spec.episodeLength());
      assertThat(rounds).as("round ends covered").isGreaterThanOrEqualTo(steps / spec.roundSteps());
    }
  }

  static void compare(VecEnv java, VecEnv ocl, int step) {
    for (Buf b : Buf.values()) {
      ByteBuffer x = java.state().raw(b);
      ByteBuffer y = ocl.state().raw(b);
      int at = x.mismatch(y);
      if (at >= 0) {
        long perEnv = b.bytesPerEnv(java.state().layout);
        throw new AssertionError("after step " + step + ": buffer " + b + " differs at byte " + at + " (env " + at / perEnv
            + ", element " + (at % perEnv) / b.type.bytes + "): java " + x.get(at) + ", opencl " + y.get(at));
      }
    }
  }

  @Test
  void defaultMapZapOffDivergenceLimit() {
    EnvSpec spec = Config.parse("env: {tax: {divergence_limit: 0.3}}", "t").env();
    assertParity(spec, 128, 2500, 11);
  }

  @Test
  void ssdMapZapOnMajorityNash() {
    EnvSpec spec = Config.parse("env: {map: ssd_harvest, players: 12, zap: {enabled: true, fire_cost: 0.25, hit_penalty: 1.5},"
        + " tax: {divergence_limit: 0.2}, voting: {social_choice: majority, objective: nash}}", "t").env();
    assertParity(spec, 128, 2500, 12);
  }

  @Test
  void generatedMapWithHundredsOfPlayersZapOnShortRounds() {
    EnvSpec spec = Config.parse("env: {map: generated, players: 300, generated: {seed: 4}, zap: {enabled: true},"
        + " episode_length: 400, tax: {period: 20, divergence_limit: 0.5}, voting: {round_periods: 5, social_choice: median, objective: eq_x_prod}}", "t").env();
    assertParity(spec, 8, 900, 13);
  }

  @Test
  void multiStepLaunchEqualsSingleSteps() {
    EnvSpec spec = Config.defaults().env();
    try (VecEnv java = VecEnv.create(spec, 64, "java", 0);
         VecEnv ocl = VecEnv.create(spec, 64, "opencl", 0, "")) {
      java.reset(5);
      ocl.reset(5);
      for (int k = 0; k < 24; k++) {
        for (int e = 0; e < 64; e++) {
          java.setRates(e, k % 11, (k + e) % 11, 10);
          ocl.setRates(e, k % 11, (k + e) % 11, 10);
        }
        for (int s = 0; s < 50; s++) java.stepRandom();
        ocl.stepRandom(50); // one launch per period
        compare(java, ocl, k * 50 + 49);
        assertThat(ocl.roundEnded()).isEqualTo(java.roundEnded());
      }
    }
  }
}
