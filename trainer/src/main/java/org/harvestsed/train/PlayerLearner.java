package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.harvestsed.engine.rng.Draws;

/**
 * The players' PPO on a collected {@link Rollout}: GAE, then CleanRL's update of the shared
 * network, on the learner's device (the rollout's storage is the batch: [T, m] flattened to
 * T x m samples, viewed, not copied).
 */
final class PlayerLearner {
  private final PlayerNet net;
  private final Adam opt;
  private final TrainConfig tc;
  private final Rollout r;
  private final NDManager manager;
  private final HostCopies copies;
  private float explainedVariance = Float.NaN;

  PlayerLearner(PlayerNet net, Adam opt, TrainConfig tc, Rollout r, NDManager manager, HostCopies copies) {
    this.net = net;
    this.opt = opt;
    this.tc = tc;
    this.r = r;
    this.manager = manager;
    this.copies = copies;
  }

  /** The update that follows rollout {@code update} (0, 1, ...): its epochs' orders are {@code shuffle}'s ticks update x epochs + epoch. */
  PpoUpdate.Stats update(float lr, Draws shuffle, long update) {
    try (NDScope scope = new NDScope()) {
      NDArray adv = Ppo.gae(r.rewards, r.values, r.nextValues(), r.doneMask(), tc.gamma(), tc.gaeLambda());
      NDArray ret = adv.add(r.values);
      int size = r.steps * r.m;
      PpoUpdate.Batch batch = new PpoUpdate.Batch(new NDList(r.codes.reshape(size, -1), r.features.reshape(size, -1)),
          r.actions.reshape(size), r.logps.reshape(size), r.values.reshape(size), adv.reshape(size), ret.reshape(size));
      PpoUpdate.Stats s = PpoUpdate.update(net, opt, batch, tc.players(), lr, manager, copies, shuffle, update * tc.updateEpochs());
      explainedVariance = Ppo.explainedVariance(r.values, ret);
      copies.out(8);
      return s;
    }
  }

  /** Explained variance of the last update's batch (values against returns). */
  float explainedVariance() {
    return explainedVariance;
  }
}
