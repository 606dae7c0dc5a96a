package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's kernel times and extra build options ({@code harvest.opencl.profile},
 * {@code harvest.opencl.options}): a profiling queue reports the launches' device time and steps
 * the same bits as one that does not; the options reach the compiler.
 */
class ProfiledLaunchTest {
  static final int ENVS = 8;

  @BeforeEach
  void needsOpenCl() {
    OpenClAvailable.assume();
  }

  @AfterEach
  void clear() {
    System.clearProperty("harvest.opencl.profile");
    System.clearProperty("harvest.opencl.options");
  }

  private static VecEnv env(EnvSpec spec) {
    return VecEnv.create(spec, ENVS, "opencl", 1, "", Transfer.COPY, new OpenClBackend.Launch(Mapping.WARP, 0, null));
  }

  @Test
  void aProfilingQueueSumsItsLaunchesDeviceTimeAndStepsTheSameBits() {
    EnvSpec spec = Config.defaults().env();
    ByteBuffer plainObs;
    FloatBuffer plainRewards;
    try (VecEnv plain = env(spec)) {
      plain.reset(5);
      for (int i = 0; i < 3; i++) plain.stepRandom();
      plain.stepRandom(7);
      assertThatThrownBy(() -> plain.openCl().kernelSeconds()).hasMessageContaining("harvest.opencl.profile=true");
      plainObs = copy(plain.obs());
      plainRewards = copy(plain.rewards());
    }
    System.setProperty("harvest.opencl.profile", "true");
    // an option the compiler takes and that changes no code: a macro no kernel reads
    System.setProperty("harvest.opencl.options", "-DHARVEST_PROFILED_LAUNCH_TEST=1");
    try (VecEnv profiled = env(spec)) {
      assertThat(OpenClBackend.buildOptions(Devices.choose(""))).endsWith(" -DHARVEST_PROFILED_LAUNCH_TEST=1");
      profiled.reset(5);
      for (int i = 0; i < 3; i++) profiled.stepRandom();
      double three = profiled.openCl().kernelSeconds();
      assertThat(three).as("three launches took device time").isPositive();
      assertThat(profiled.openCl().kernelSeconds()).as("no launch since the last call").isZero();
      profiled.stepRandom(7);
      assertThat(profiled.openCl().kernelSeconds()).isPositive();
      assertThat(copy(profiled.obs())).isEqualTo(plainObs);
      assertThat(copy(profiled.rewards())).isEqualTo(plainRewards);
    }
  }

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    d.clear();
    return ByteBuffer.allocate(d.remaining()).put(d).flip();
  }

  private static FloatBuffer copy(FloatBuffer b) {
    FloatBuffer d = b.duplicate();
    d.clear();
    return FloatBuffer.allocate(d.remaining()).put(d).flip();
  }
}
