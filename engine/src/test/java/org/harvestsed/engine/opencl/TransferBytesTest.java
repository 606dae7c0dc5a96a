package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The copy path's counted transfers (docs/DESIGN-transfers.md) are exactly the IO buffers of
 * {@link Role}, no more: per launch the actions in (unless drawn on the device), the pending levels
 * only after setRates, and out the step's outputs, plus the period-end, round-end and episode-end
 * snapshots at the launches that end those. 128 envs make every buffer a multiple of the 128-byte
 * sub-buffer alignment, so the arena has no padding and the counts are plain sums of buffer sizes.
 */
class TransferBytesTest {
  static final int ENVS = 128;

  @BeforeEach
  void needsOpenCl() {
    OpenClAvailable.assume();
  }

  static long bytes(Layout l, Role r) {
    long sum = 0;
    for (Buf b : Buf.values()) if (b.role == r) sum += b.bytesPerEnv(l) * ENVS;
    return sum;
  }

  @Test
  void copyPathMovesOnlyTheIoBuffers() {
    EnvSpec spec = Config.defaults().env();
    Layout l = new Layout(spec);
    long step = bytes(l, Role.STEP), period = bytes(l, Role.PERIOD), round = bytes(l, Role.ROUND), episode = bytes(l, Role.EPISODE);
    long actions = Buf.ACTIONS.bytesPerEnv(l) * ENVS, pending = Buf.PENDING_LEVELS.bytesPerEnv(l) * ENVS;
    try (VecEnv env = VecEnv.create(spec, ENVS, "opencl", 1, "", Transfer.COPY)) {
      assertThat(env.transfer()).isEqualTo("copy");
      env.reset(3);
      long all = 0;
      for (Buf b : Buf.values()) all += b.bytesPerEnv(l) * ENVS;
      assertThat(env.bytesToDevice()).as("reset uploads every buffer").isEqualTo(all);
      assertThat(env.bytesFromDevice()).isZero();

      long to = env.bytesToDevice(), from = env.bytesFromDevice();
      env.step(new int[ENVS * spec.players()]); // step 0: inside the first period
      assertThat(env.bytesToDevice() - to).as("a chosen step uploads its actions").isEqualTo(actions);
      assertThat(env.bytesFromDevice() - from).as("a step inside a period reads back its outputs only").isEqualTo(step);

      to = env.bytesToDevice();
      from = env.bytesFromDevice();
      env.stepRandom(); // actions drawn on the device: nothing goes up
      assertThat(env.bytesToDevice() - to).isZero();
      assertThat(env.bytesFromDevice() - from).isEqualTo(step);

      env.stepRandom(env.stepsToPeriodEnd() - 1); // up to the step before the period's last
      to = env.bytesToDevice();
      from = env.bytesFromDevice();
      env.setRates(0, new int[spec.brackets()]);
      env.stepRandom(); // the period's last step
      assertThat(env.periodStartsNext()).isTrue();
      assertThat(env.bytesToDevice() - to).as("pending levels go up once, after setRates").isEqualTo(pending);
      assertThat(env.bytesFromDevice() - from).as("a period end adds the principal's and bookkeeping's snapshot").isEqualTo(step + period);

      to = env.bytesToDevice();
      env.stepRandom(spec.taxPeriod());
      assertThat(env.bytesToDevice() - to).as("no setRates: no upload").isZero();

      // to the first round end (with the default map an episode end too, or not: both regions are checked)
      long sinceReset = 2L * spec.taxPeriod();
      while ((sinceReset + spec.taxPeriod()) % spec.roundSteps() != 0 && (sinceReset + spec.taxPeriod()) % spec.episodeLength() != 0) {
        env.stepRandom(spec.taxPeriod());
        sinceReset += spec.taxPeriod();
      }
      from = env.bytesFromDevice();
      env.stepRandom(spec.taxPeriod());
      sinceReset += spec.taxPeriod();
      boolean episodeEnd = sinceReset % spec.episodeLength() == 0;
      assertThat(env.dones().get(0) != 0).isEqualTo(episodeEnd);
      assertThat(env.bytesFromDevice() - from).as("a round end adds its snapshot, an episode end the final observations")
          .isEqualTo(step + period + round + (episodeEnd ? episode : 0));

      from = env.bytesFromDevice();
      env.syncState();
      long fetched = all - pending - Buf.PRINCIPAL_REWARD.bytesPerEnv(l) * ENVS; // ACTIONS: drawn on the device
      assertThat(env.bytesFromDevice() - from).as("a full fetch: all but the host's own pending levels and principal reward").isEqualTo(fetched);
    }
  }

  /** The bound: at most 1.2 KB per env per step from the device on the default map (the step's outputs). */
  @Test
  void defaultMapReadsAtMost1200BytesPerEnvStep() {
    EnvSpec spec = Config.defaults().env();
    try (VecEnv env = VecEnv.create(spec, ENVS, "opencl", 1, "", Transfer.COPY)) {
      env.reset(1);
      long from = env.bytesFromDevice();
      env.stepRandom();
      assertThat((double) (env.bytesFromDevice() - from) / ENVS).isLessThanOrEqualTo(1200.0);
    }
  }

  @Test
  void zeroCopyPathCopiesNothing() {
    try (VecEnv env = VecEnv.create(Config.defaults().env(), 8, "opencl", 1, "", Transfer.AUTO)) {
      org.junit.jupiter.api.Assumptions.assumeTrue(env.transfer().equals("zero-copy"), "the device is not host-unified");
      env.reset(1);
      env.stepRandom(5);
      env.syncState();
      assertThat(env.bytesToDevice()).isZero();
      assertThat(env.bytesFromDevice()).isZero();
    }
  }
}
