package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Role;
import org.junit.jupiter.api.Test;

/**
 * The principal's observation reads only what a period end brings back from a device (Role.PERIOD,
 * docs/DESIGN-transfers.md): with every other buffer overwritten by garbage, it is the same. A read of
 * any other buffer (the grid, the step's outputs, the env state) would see the garbage; on the copy
 * path it would see stale data.
 */
class PrincipalObservationRolesTest {
  @Test
  void itReadsOnlyPeriodBuffers() {
    Config c = Config.parse("env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 10}}", "t");
    try (VecEnv env = VecEnv.create(c.env(), 3, "java", 1)) {
      env.reset(5);
      for (int e = 0; e < 3; e++) env.setRates(e, e, 2, 4);
      for (int t = 0; t < 30; t++) env.stepRandom(); // three periods ended: incomes, round apples, rates, eta, tick
      int size = PrincipalObservation.size(c.env());
      float[] before = new float[3 * size], after = new float[3 * size];
      for (int e = 0; e < 3; e++) PrincipalObservation.write(env, e, before, e * size);
      int garbage = 0;
      for (Buf b : Buf.values()) {
        if (b.role == Role.PERIOD) continue;
        ByteBuffer raw = env.state().raw(b);
        for (int i = 0; i < raw.capacity(); i++) raw.put(i, (byte) (0x5A ^ i));
        garbage++;
      }
      assertThat(garbage).as("buffers outside Role.PERIOD").isGreaterThan(10);
      for (int e = 0; e < 3; e++) PrincipalObservation.write(env, e, after, e * size);
      assertThat(after).containsExactly(before);
      assertThat(before).as("the observation is not all zero").contains(0.1f);
    }
  }
}
