package org.harvestsed.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.Parity;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL backend's parity suite, run against the tornado backend: every buffer and every round
 * metric bit-identical to the java reference after every step ({@link Parity}). It runs only with
 * the Maven profile 'tornado' (TORNADOVM_HOME set); there a missing device is a failure, not a skip.
 */
class TornadoParityTest {
  static void assertParity(EnvSpec spec, int envs, int steps, long seed) {
    Parity.Result r = Parity.check(spec, envs, steps, seed, "tornado", System.getProperty("harvest.tornado.device", ""));
    assertThat(r.episodeEnds()).as("episode ends covered").isGreaterThanOrEqualTo(steps / spec.episodeLength());
    assertThat(r.roundEnds()).as("round ends covered").isGreaterThanOrEqualTo(steps / spec.roundSteps());
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
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "tornado", System.getProperty("harvest.tornado.device", ""));
  }
}
