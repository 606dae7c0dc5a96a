package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learned principal evaluated at its mode (issue 15): the most probable level of each bracket, no sampling. */
class LearnedAtModeTest {
  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void modeIsTheLargestProbabilityLowestOnATie() {
    float[] p = {0.1f, 0.5f, 0.4f, /* next bracket */ 0.3f, 0.3f, 0.2f};
    assertThat(LearnedPrincipal.mode(p, 0, 3)).isEqualTo(1);
    assertThat(LearnedPrincipal.mode(p, 3, 3)).isEqualTo(0);
  }

  @Test
  void atModeActsOnTheArgmaxOfItsPolicyAndCannotLearn(@TempDir Path dir) {
    Config c = Config.parse(PrincipalLearnerTest.YAML, "t");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      LearnedPrincipal learned = t.learnedPrincipal();
      assertThatThrownBy(() -> learned.atMode(true)).isInstanceOf(IllegalStateException.class).hasMessageContaining("samples");
      t.learnedAtMode(true);
      assertThat(learned.name()).isEqualTo("learned@mode");
      org.harvestsed.engine.VecEnv env = org.harvestsed.engine.VecEnv.create(c.env(), 4, "java", 1);
      try (env) {
        env.reset(5);
        int b = c.env().brackets(), levels = c.env().rateLevels();
        for (int period = 0; period < 3; period++) {
          float[] probs = learned.probabilities(env);
          learned.act(env, period);
          for (int e = 0; e < env.envs(); e++) {
            int[] chosen = learned.levels(e, period);
            for (int k = 0; k < b; k++) assertThat(chosen[k]).isEqualTo(LearnedPrincipal.mode(probs, (e * b + k) * levels, levels));
          }
          for (int s = 0; s < c.env().taxPeriod(); s++) env.stepRandom();
        }
      }
      t.learnedAtMode(false);
      assertThat(learned.name()).isEqualTo("learned");
    }
  }
}
