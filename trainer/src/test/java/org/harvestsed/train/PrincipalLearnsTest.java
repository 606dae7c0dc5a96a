package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;

/**
 * The principal's learner (its network, Adam and the PPO update) finds the best rates of a
 * synthetic reward with a known argmax: reward = -sum_b |level_b - target_b|.
 */
class PrincipalLearnsTest {
  @Test
  void findsTheArgmaxOfASyntheticReward() {
    System.setProperty("ai.djl.offline", "true");
    int[] target = {2, 7, 10};
    int brackets = 3, levels = 11, inputs = 4, batch = 64;
    PpoSettings ppo = TrainConfig.parse(Config.parse("train: {update_epochs: 4, num_minibatches: 2}", "t").train()).players();
    SplittableRandom rnd = new SplittableRandom(1);
    try (NDManager nd = NDManager.newBaseManager();
         PrincipalNet net = new PrincipalNet(nd, inputs, brackets, levels, 7);
         Adam opt = new Adam(net)) {
      float[] x = new float[batch * inputs];
      java.util.Arrays.fill(x, 0.5f);
      for (int it = 0; it < 120; it++) {
        int[] act = new int[batch * brackets];
        float[] logp = new float[batch], val = new float[batch], rew = new float[batch], adv = new float[batch];
        try (NDScope scope = new NDScope()) {
          NDList out = net.forward(new NDList(nd.create(x, new Shape(batch, inputs))));
          float[] p = out.get(0).softmax(-1).toFloatArray();
          float[] v = out.get(1).toFloatArray();
          for (int s = 0; s < batch; s++) {
            for (int b = 0; b < brackets; b++) {
              int off = (s * brackets + b) * levels;
              double u = rnd.nextDouble(), acc = 0;
              int a = levels - 1;
              for (int l = 0; l < levels; l++) {
                acc += p[off + l];
                if (u < acc) {
                  a = l;
                  break;
                }
              }
              act[s * brackets + b] = a;
              logp[s] += (float) Math.log(p[off + a]);
              rew[s] -= Math.abs(a - target[b]);
            }
            val[s] = v[s];
            adv[s] = rew[s] - val[s];
          }
        }
        try (NDScope scope = new NDScope()) {
          PpoUpdate.Batch bt = new PpoUpdate.Batch(new NDList(nd.create(x, new Shape(batch, inputs))),
              nd.create(act, new Shape(batch, brackets)).toType(ai.djl.ndarray.types.DataType.INT64, false), nd.create(logp),
              nd.create(val), nd.create(adv), nd.create(rew));
          PpoUpdate.update(net, opt, bt, ppo, 3e-3f, nd, new HostCopies(), new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.SHUFFLE), it);
        }
      }
      try (NDScope scope = new NDScope()) {
        float[] logits = net.forward(new NDList(nd.create(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new Shape(1, inputs)))).get(0).toFloatArray();
        for (int b = 0; b < brackets; b++) {
          int best = 0;
          for (int l = 1; l < levels; l++) if (logits[b * levels + l] > logits[b * levels + best]) best = l;
          assertThat(best).as("bracket %d", b).isEqualTo(target[b]);
        }
      }
    }
  }
}
