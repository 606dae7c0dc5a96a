package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** The players' PPO on a collected {@link Rollout}: GAE, then CleanRL's update of the shared network. */
final class PlayerLearner {
  private final PlayerNet net;
  private final Adam opt;
  private final TrainConfig tc;
  private final Rollout r;
  private final SplittableRandom rnd;
  private final NDManager manager;
  private final int actions;
  final float[] advantages, returns;

  PlayerLearner(PlayerNet net, Adam opt, TrainConfig tc, Rollout r, int actions, SplittableRandom rnd, NDManager manager) {
    this.net = net;
    this.opt = opt;
    this.tc = tc;
    this.r = r;
    this.actions = actions;
    this.rnd = rnd;
    this.manager = manager;
    advantages = new float[r.steps * r.m];
    returns = new float[r.steps * r.m];
  }

  PpoUpdate.Stats update(float lr) {
    Ppo.computeGae(r.rewards, r.values, r.nextValues, r.dones, r.steps, r.m, tc.gamma(), tc.gaeLambda(), advantages, returns);
    PpoUpdate.Batch batch = new PpoUpdate.ArrayBatch(r.steps * r.m, r.logps, r.values, advantages, returns) {
      @Override
      public NDList inputs(NDManager mgr, int[] idx) {
        int view = r.view, feats = r.feats;
        byte[] c = new byte[idx.length * view];
        float[] f = new float[idx.length * feats];
        for (int i = 0; i < idx.length; i++) {
          System.arraycopy(r.codes, idx[i] * view, c, i * view, view);
          System.arraycopy(r.features, idx[i] * feats, f, i * feats, feats);
        }
        return new NDList(mgr.create(ByteBuffer.wrap(c), new Shape(idx.length, view), DataType.UINT8),
            mgr.create(f, new Shape(idx.length, feats)));
      }

      @Override
      public NDArray actions(NDManager mgr, int[] idx) {
        float[] oh = new float[idx.length * actions];
        for (int i = 0; i < idx.length; i++) oh[i * actions + r.acts[idx[i]]] = 1f;
        return mgr.create(oh, new Shape(idx.length, actions));
      }
    };
    return PpoUpdate.update(net, opt, batch, tc.players(), lr, rnd, manager);
  }

  float explainedVariance() {
    return Ppo.explainedVariance(r.values, returns);
  }
}
