package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.state.Buf;

/**
 * The players' shared policy acting on a VecEnv: one forward pass over every player of every env
 * on the engine's observation buffers (wrapped, not copied), then one categorical sample per
 * player. Rollout collection and evaluation both act through it (CleanRL's get_action_and_value).
 * Its output arrays are allocated once.
 */
public final class PlayerPolicy {
  private final PlayerNet net;
  private final VecEnv env;
  private final NDManager manager;
  private final SplittableRandom rnd;
  private final int m, view, feats, actions;
  private final float[] probs;
  /** [env * n + i] the action sampled by the last {@link #act()}, its log-probability, and V(s). */
  final int[] action;
  final float[] logp, value;

  PlayerPolicy(PlayerNet net, VecEnv env, NDManager manager, SplittableRandom rnd) {
    this.net = net;
    this.env = env;
    this.manager = manager;
    this.rnd = rnd;
    m = env.envs() * env.players();
    view = env.spec().obsCells();
    feats = env.spec().scalars();
    actions = env.spec().actions();
    probs = new float[m * actions];
    action = new int[m];
    logp = new float[m];
    value = new float[m];
  }

  /** Samples every player's action on the current observation into {@link #action}, with logp and value. */
  void act() {
    try (NDScope scope = new NDScope()) {
      NDList out = net.forward(wrap(Buf.OBS, Buf.OBS_SCALARS));
      copy(out.get(0).softmax(-1), probs);
      copy(out.get(1), value);
    }
    for (int k = 0; k < m; k++) {
      int a = sample(rnd, probs, k * actions, actions);
      action[k] = a;
      logp[k] = (float) Math.log(Math.max(probs[k * actions + a], 1e-30f));
    }
  }

  /** V of the last observation of the episodes that just ended (time-limit bootstrap), into {@code out}. */
  void finalValues(float[] out) {
    try (NDScope scope = new NDScope()) {
      copy(net.forward(wrap(Buf.FINAL_OBS, Buf.FINAL_SCALARS)).get(1), out);
    }
  }

  /** V of the current observation, into {@code out}. */
  void values(float[] out) {
    try (NDScope scope = new NDScope()) {
      copy(net.forward(wrap(Buf.OBS, Buf.OBS_SCALARS)).get(1), out);
    }
  }

  private NDList wrap(Buf codesBuf, Buf featsBuf) {
    NDArray codes = manager.create(env.state().raw(codesBuf), new Shape(m, view), DataType.UINT8);
    NDArray features = manager.create(env.state().raw(featsBuf), new Shape(m, feats), DataType.FLOAT32);
    return new NDList(codes, features);
  }

  /** Copies a float tensor into {@code out} (DJL's buffers are big-endian until ordered). */
  static void copy(NDArray a, float[] out) {
    a.toByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(out, 0, (int) a.size());
  }

  /** Inverse-CDF sample of the categorical {@code p[off, off + k)}. */
  static int sample(SplittableRandom rnd, float[] p, int off, int k) {
    double u = rnd.nextDouble();
    double acc = 0;
    for (int i = 0; i < k; i++) {
      acc += p[off + i];
      if (u < acc) return i;
    }
    return k - 1;
  }
}
