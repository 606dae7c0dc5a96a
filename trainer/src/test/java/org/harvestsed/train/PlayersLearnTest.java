package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a tiny map, a few thousand steps of PPO make players collect more apples than random ones. */
class PlayersLearnTest {
  static final String YAML = "env: {" + TinyGame.MAP + """
      , regrowth: {probabilities: [0, 0.05, 0.1, 0.2]}, episode_length: 200, tax: {period: 20}, voting: {round_periods: 10}}
      run: {envs: 16, seed: 5}
      train: {total_steps: 40960, num_steps: 64, lr: 1.0e-3, phase1_steps: 40960, cap_anneal_steps: 1000, checkpoint_every: 1000}
      """;

  @Test
  void trainedPlayersCollectSignificantlyMoreApplesThanRandomOnes(@TempDir Path dir) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Config c = Config.parse(YAML, "tiny");
    int steps = 1000; // per env: the se over 16 envs is mostly the noise of each env's own mean
    double[] random = new double[16];
    try (VecEnv env = VecEnv.create(c.env(), 16, "java", 1)) {
      env.reset(77);
      for (int t = 0; t < steps; t++) {
        env.stepRandom();
        for (int k = 0; k < 32; k++) random[k / 2] += env.state().ints(Buf.EATEN).get(k);
      }
      for (int e = 0; e < 16; e++) random[e] /= steps * 2.0;
    }
    double[] trained;
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.run();
      trained = t.evaluate(steps, 77);
    }
    double mr = mean(random), mt = mean(trained);
    double se = Math.sqrt(var(random) / 16 + var(trained) / 16);
    assertThat(mt).as("trained %.4f vs random %.4f apples per player-step (se %.4f)", mt, mr, se)
        .isGreaterThan(mr + 4 * se)
        .isGreaterThan(1.3 * mr);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }

  static double var(double[] v) {
    double m = mean(v), s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / (v.length - 1);
  }
}
