package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.io.Trace;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** The determinism contract (docs/RULES.md section 8): a seed fully determines a simulation. */
class DeterminismTest {
  static List<String> trace(EnvSpec spec, int envs, long seed, int steps, int threads) {
    List<String> lines = new ArrayList<>();
    try (VecEnv env = VecEnv.create(spec, envs, "java", threads)) {
      env.reset(seed);
      Trace t = new Trace(env);
      Trace.Before[] before = new Trace.Before[envs];
      for (int s = 0; s < steps; s++) {
        if (env.periodStartsNext()) for (int e = 0; e < envs; e++) env.setRates(e, (s / 50) % 11, e % 11, 3);
        for (int e = 0; e < envs; e++) before[e] = t.before(e);
        env.stepRandom();
        for (int e = 0; e < envs; e++) lines.add(t.line(e, before[e]));
      }
    }
    return lines;
  }

  static final EnvSpec SHORT = Config.parse("env: {episode_length: 200, voting: {round_periods: 2}}", "t").env();

  @Test
  void sameSeedSameTrace() {
    assertThat(trace(SHORT, 4, 7, 450, 1)).isEqualTo(trace(SHORT, 4, 7, 450, 1));
  }

  @Test
  void otherSeedOtherTrace() {
    List<String> a = trace(SHORT, 4, 7, 50, 1);
    List<String> b = trace(SHORT, 4, 8, 50, 1);
    assertThat(a).hasSameSizeAs(b);
    assertThat(a.get(0)).isNotEqualTo(b.get(0));
    assertThat(a.get(a.size() - 1)).isNotEqualTo(b.get(b.size() - 1));
  }

  @Test
  void resultsDoNotDependOnTheThreadCountOrEnvCount() {
    List<String> one = trace(SHORT, 6, 3, 300, 1);
    List<String> two = trace(SHORT, 6, 3, 300, 2);
    assertThat(two).isEqualTo(one);
    // env e of a 6-env run equals env e of a 3-env run: streams are addressed by env index
    List<String> three = trace(SHORT, 3, 3, 300, 2);
    for (int s = 0; s < 300; s++) {
      for (int e = 0; e < 3; e++) assertThat(three.get(s * 3 + e)).isEqualTo(one.get(s * 6 + e));
    }
  }

  @Test
  void resetWithTheSameSeedReplaysExactly() {
    try (VecEnv env = VecEnv.create(SHORT, 2, "java", 1)) {
      env.reset(11);
      for (int s = 0; s < 120; s++) env.stepRandom();
      byte[] grid = EpisodeTest.bytes(env.state().bytes(Buf.GRID));
      float[] rewards = EpisodeTest.floats(env.rewards());
      env.reset(11);
      for (int s = 0; s < 120; s++) env.stepRandom();
      assertThat(EpisodeTest.bytes(env.state().bytes(Buf.GRID))).isEqualTo(grid);
      assertThat(EpisodeTest.floats(env.rewards())).isEqualTo(rewards);
    }
  }
}
