package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GAE against a plain loop, and the PPO loss pieces on hand-computed tensors. */
class PpoTest extends WithNdManager {

  /** The textbook recursion, one actor at a time, written independently of Ppo.gae. */
  static float[] plainGae(float[] r, float[] v, float[] next, boolean[] done, int T, int M, float g, float l) {
    float[] adv = new float[T * M];
    for (int m = 0; m < M; m++) {
      for (int t = 0; t < T; t++) {
        // A_t = sum_k (g l)^k delta_{t+k}, stopping after an episode end
        double a = 0, w = 1;
        for (int k = t; k < T; k++) {
          int i = k * M + m;
          a += w * (r[i] + g * next[i] - v[i]);
          if (done[i]) break;
          w *= g * l;
        }
        adv[t * M + m] = (float) a;
      }
    }
    return adv;
  }

  /**
   * The update's autograd graph holds no tensor over memory that Java may free before the
   * backward pass (issue 22: DJL's {@code mul(Number)} wraps the number in a tensor over a direct
   * buffer and closes it after the op, while autograd keeps it to scale the gradient; once the
   * buffer was collected, the backward read freed memory, so the gradients of the value and
   * entropy terms depended on the garbage collector's timing, now and then NaN). Two updates from
   * the same network on the same batch, one with a collection and freed native memory written
   * over (NaN) between forward and backward: the same parameters, bit for bit.
   */
  @Test
  void anUpdateDoesNotDependOnTheGarbageCollector() throws Exception {
    int b = 64, view = 25, f = 3, k = 5;
    SplittableRandom rnd = new SplittableRandom(11);
    byte[] codes = new byte[b * view];
    float[] feats = new float[b * f], oldLogp = new float[b], oldV = new float[b], adv = new float[b], ret = new float[b];
    long[] acts = new long[b];
    for (int i = 0; i < codes.length; i++) codes[i] = (byte) rnd.nextInt(4);
    for (int i = 0; i < feats.length; i++) feats[i] = (float) rnd.nextDouble();
    for (int i = 0; i < b; i++) {
      acts[i] = rnd.nextInt(k);
      oldLogp[i] = (float) Math.log(1.0 / k) + (float) rnd.nextDouble(-0.1, 0.1);
      oldV[i] = (float) rnd.nextDouble(-1, 1);
      adv[i] = (float) rnd.nextDouble(-1, 1);
      ret[i] = oldV[i] + adv[i];
    }
    TrainConfig tc = TrainConfig.parse(org.harvestsed.engine.config.Config.parse("train: {update_epochs: 2, num_minibatches: 2, ent_coef: 0.01}", "t").train());
    List<float[]> plain = updated(codes, feats, acts, k, oldLogp, oldV, adv, ret, tc);
    PpoUpdate.betweenForwardAndBackward = PpoTest::collectAndScribble;
    List<float[]> collected;
    try {
      collected = updated(codes, feats, acts, k, oldLogp, oldV, adv, ret, tc);
    } finally {
      PpoUpdate.betweenForwardAndBackward = null;
    }
    for (int i = 0; i < plain.size(); i++) assertThat(collected.get(i)).as("parameter %d", i).isEqualTo(plain.get(i));
  }

  /** A fresh PlayerNet (seed 5) after one update on the batch: its parameters. */
  private static List<float[]> updated(byte[] codes, float[] feats, long[] acts, int k, float[] oldLogp, float[] oldV, float[] adv,
      float[] ret, TrainConfig tc) {
    int b = oldLogp.length;
    try (NDManager m = nd.newSubManager(); PlayerNet net = new PlayerNet(m, 5, 5, 3, k, 5); Adam opt = new Adam(net)) {
      PpoUpdate.Batch batch = new PpoUpdate.Batch(new ai.djl.ndarray.NDList(m.create(codes, new Shape(b, 25)).toType(ai.djl.ndarray.types.DataType.UINT8, false),
          m.create(feats, new Shape(b, 3))), m.create(acts), m.create(oldLogp), m.create(oldV), m.create(adv), m.create(ret));
      PpoUpdate.update(net, opt, batch, tc.players(), 1e-2f, m, new HostCopies(), new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.SHUFFLE), 0);
      List<float[]> out = new java.util.ArrayList<>();
      for (ai.djl.ndarray.NDArray p : net.parameters()) out.add(p.toFloatArray());
      return out;
    }
  }

  /** Collects garbage (direct buffers' memory is freed by their cleaners), then allocates small native blocks full of NaN, which reuse what was freed. */
  private static void collectAndScribble() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(20); // the cleaner thread frees the collected buffers' memory
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<java.nio.ByteBuffer> keep = new java.util.ArrayList<>();
    for (int i = 0; i < 4096; i++) {
      java.nio.ByteBuffer x = java.nio.ByteBuffer.allocateDirect(4 + (i % 16) * 4).order(java.nio.ByteOrder.nativeOrder());
      while (x.remaining() >= 4) x.putFloat(Float.NaN);
      keep.add(x);
    }
    SCRIBBLES.add(keep); // kept until the test ends, so the NaN blocks stay where they are
  }

  private static final List<List<java.nio.ByteBuffer>> SCRIBBLES = new java.util.ArrayList<>();

  @Test
  void gaeMatchesAPlainLoopOnRandomRollouts() {
    SplittableRandom rnd = new SplittableRandom(3);
    int T = 37, M = 5;
    float[] r = new float[T * M], v = new float[T * M], next = new float[T * M];
    boolean[] d = new boolean[T * M];
    for (int i = 0; i < T * M; i++) {
      r[i] = (float) rnd.nextDouble(-1, 1);
      v[i] = (float) rnd.nextDouble(-2, 2);
      next[i] = (float) rnd.nextDouble(-2, 2);
      d[i] = rnd.nextInt(9) == 0;
    }
    float[] adv = gae(r, v, next, d, T, M, 0.99f, 0.95f);
    float[] expected = plainGae(r, v, next, d, T, M, 0.99f, 0.95f);
    for (int i = 0; i < T * M; i++) assertThat(adv[i]).isCloseTo(expected[i], within(1e-4f));
  }

  @Test
  void gaeHandComputed() {
    // one actor, gamma = lambda = 0.5; deltas: 1 + 0.5*2 - 1 = 1, 0 + 0.5*4 - 2 = 0, 2 + 0.5*8 - 4 = 2 (step 2 ends an episode)
    float[] adv = gae(new float[] {1, 0, 2}, new float[] {1, 2, 4}, new float[] {2, 4, 8}, new boolean[] {false, false, true},
        3, 1, 0.5f, 0.5f);
    assertThat(adv).containsExactly(1f + 0.25f * (0f + 0.25f * 2f), 0f + 0.25f * 2f, 2f);
  }

  /** {@link Ppo#gae} on arrays [T * M]. */
  static float[] gae(float[] r, float[] v, float[] next, boolean[] done, int T, int M, float g, float l) {
    float[] d = new float[done.length];
    for (int i = 0; i < d.length; i++) d[i] = done[i] ? 1f : 0f;
    try (NDManager m = nd.newSubManager()) {
      Shape s = new Shape(T, M);
      return Ppo.gae(m.create(r, s), m.create(v, s), m.create(next, s), m.create(d, s), g, l).toFloatArray();
    }
  }

  @Test
  void clippedPolicyLoss() {
    NDArray ratio = nd.create(new float[] {0.5f, 1.5f, 1.0f});
    NDArray adv = nd.create(new float[] {1f, 1f, -2f});
    // -A r = [-0.5, -1.5, 2]; -A clip(r) = [-0.8, -1.2, 2]; max = [-0.5, -1.2, 2]; mean = 0.1
    assertThat(Ppo.policyLoss(ratio, adv, 0.2f).getFloat()).isCloseTo(0.1f, within(1e-6f));
  }

  @Test
  void clippedValueLoss() {
    NDArray v = nd.create(new float[] {1f, 2f});
    NDArray old = nd.create(new float[] {0f, 2f});
    NDArray ret = nd.create(new float[] {3f, 2f});
    // unclipped (v - R)^2 = [4, 0]; clipped (old + clip(v - old, 0.5) - R)^2 = [6.25, 0]; 0.5 mean max = 1.5625
    assertThat(Ppo.valueLoss(v, old, ret, 0.5f, true).getFloat()).isCloseTo(1.5625f, within(1e-6f));
    assertThat(Ppo.valueLoss(v, old, ret, 0.5f, false).getFloat()).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void logProbEntropyKlAndClipFraction() {
    NDArray logits = nd.create(new float[] {0f, 0f, 0f, 0f, 2f, 0f, 0f, 0f}, new Shape(2, 4));
    NDArray ids = nd.create(new long[] {0, 0});
    float[] lp = Ppo.logProb(logits, ids).toFloatArray();
    assertThat(lp[0]).isCloseTo((float) Math.log(0.25), within(1e-6f));
    double z = Math.exp(2) + 3;
    assertThat(lp[1]).isCloseTo((float) (2 - Math.log(z)), within(1e-6f));
    float[] h = Ppo.entropy(logits).toFloatArray();
    assertThat(h[0]).isCloseTo((float) Math.log(4), within(1e-6f));
    double p = Math.exp(2) / z, q = 1 / z;
    assertThat(h[1]).isCloseTo((float) (-(p * Math.log(p) + 3 * q * Math.log(q))), within(1e-5f));
    NDArray logRatio = nd.create(new float[] {0f, (float) Math.log(2)});
    // ((1 - 1) - 0 + (2 - 1) - ln 2) / 2
    assertThat(Ppo.approxKl(logRatio).getFloat()).isCloseTo((float) ((1 - Math.log(2)) / 2), within(1e-6f));
    assertThat(Ppo.clipFraction(nd.create(new float[] {1f, 1.1f, 1.3f, 0.7f}), 0.2f).getFloat()).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void aNonFiniteLossStopsTheUpdateWithAClearMessage() {
    TrainConfig tc = TrainConfig.parse(org.harvestsed.engine.config.Config.parse("train: {update_epochs: 1}", "t").train());
    try (PrincipalNet net = new PrincipalNet(nd, 2, 1, 3, 1); Adam opt = new Adam(net)) {
      NDArray nan = nd.create(new float[] {Float.NaN, Float.NaN});
      PpoUpdate.Batch b = new PpoUpdate.Batch(new ai.djl.ndarray.NDList(nd.zeros(new Shape(2, 2))), nd.zeros(new Shape(2, 1), ai.djl.ndarray.types.DataType.INT64),
          nd.zeros(new Shape(2)), nd.zeros(new Shape(2)), nan, nd.zeros(new Shape(2)));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> PpoUpdate.update(net, opt, b, tc.players(), 1e-3f, nd, new HostCopies(), new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.SHUFFLE), 0))
          .isInstanceOf(PpoUpdate.DivergedException.class)
          .hasMessageContaining("PrincipalNet loss became NaN");
      assertThat(opt.steps()).as("no optimizer step was taken").isZero();
    }
  }

  @Test
  void explainedVariance() {
    assertThat(Ppo.explainedVariance(nd.create(new float[] {1, 2, 3}), nd.create(new float[] {1, 2, 3}))).isEqualTo(1f);
    assertThat(Ppo.explainedVariance(nd.create(new float[] {0, 0, 0}), nd.create(new float[] {1, 2, 3}))).isCloseTo(0f, within(1e-6f));
    assertThat(Ppo.explainedVariance(nd.create(new float[] {0, 1, 2}), nd.create(new float[] {1, 1, 1}))).isNaN();
  }
}
