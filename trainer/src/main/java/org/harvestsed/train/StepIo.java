package org.harvestsed.train;

import java.nio.ByteBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.state.Buf;

/**
 * The engine's buffers one rollout step hands to the learner, as raw bytes, and their sizes:
 * window codes [m, view] uint8, features [m, F] float32, rewards [m] float32, dones [envs] uint8
 * (m = envs x players). Both ways onto the learner copy through it: the CPU path into the
 * storage's rows ({@link Rollout}), the GPU path into its two host tensors ({@link Staging}).
 */
record StepIo(ByteBuffer codes, ByteBuffer features, ByteBuffer rewards, ByteBuffer dones,
    int codeBytes, int featureBytes, int rewardBytes, int doneBytes) {

  static StepIo of(VecEnv env) {
    var s = env.state();
    int m = env.envs() * env.players();
    return new StepIo(s.raw(Buf.OBS), s.raw(Buf.OBS_SCALARS), s.raw(Buf.REWARD), s.raw(Buf.DONE),
        m * env.spec().obsCells(), 4 * m * env.spec().scalars(), 4 * m, env.envs());
  }

  /** The current observation: codes to {@code codesTo} at byte {@code codesAt}, features to {@code featuresTo} at {@code featuresAt}. */
  void copyObservation(ByteBuffer codesTo, int codesAt, ByteBuffer featuresTo, int featuresAt) {
    codesTo.put(codesAt, codes, 0, codeBytes);
    featuresTo.put(featuresAt, features, 0, featureBytes);
  }

  /** The last step's outcome: rewards to {@code rewardsTo} at byte {@code rewardsAt}, dones to {@code donesTo} at {@code donesAt}. */
  void copyOutcome(ByteBuffer rewardsTo, int rewardsAt, ByteBuffer donesTo, int donesAt) {
    rewardsTo.put(rewardsAt, rewards, 0, rewardBytes);
    donesTo.put(donesAt, dones, 0, doneBytes);
  }
}
