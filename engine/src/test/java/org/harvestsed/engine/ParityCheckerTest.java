package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.junit.jupiter.api.Test;

/** The parity checker the backend suites rely on must report a difference and pass equal states. */
class ParityCheckerTest {
  @Test
  void reportsADifferenceAndPassesEqualStates() {
    EnvSpec spec = Config.defaults().env();
    try (VecEnv a = VecEnv.create(spec, 2, "java", 1); VecEnv b = VecEnv.create(spec, 2, "java", 1)) {
      a.reset(1);
      b.reset(2);
      assertThatThrownBy(() -> Parity.compare(a, b, 0)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("after step 0: buffer").hasMessageContaining("env ");
      b.reset(1);
      Parity.compare(a, b, 0);
      a.stepRandom();
      b.stepRandom();
      Parity.compare(a, b, 0);
    }
  }

  @Test
  void java_against_itself_passes_the_full_check() {
    EnvSpec spec = Config.parse("env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 5}}", "t").env();
    Parity.Result r = Parity.check(spec, 4, 250, 3, "java", "");
    org.assertj.core.api.Assertions.assertThat(r.episodeEnds()).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThat(r.roundEnds()).isEqualTo(5);
  }

  @Test
  void tornadoWithoutItsModuleSaysHowToGetIt() {
    EnvSpec spec = Config.defaults().env();
    org.junit.jupiter.api.Assumptions.assumeTrue(org.harvestsed.engine.sim.Backends.provider("tornado").isEmpty(),
        "skipped: the tornado module is on the class path");
    assertThatThrownBy(() -> VecEnv.create(spec, 1, "tornado", 1)).hasMessageContaining("TORNADOVM_HOME")
        .hasMessageContaining("java and opencl backends work without it");
  }
}
