package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.rng.Purpose;
import org.junit.jupiter.api.Test;

/**
 * The players' two samplers implement one rule (PlayerPolicy's javadoc): the CPU learner's
 * in-place sampler ({@link PlayerPolicy#sampleOnHost}) and the tensor sampler a GPU learner runs
 * ({@link PlayerPolicy#sample}, here on the CPU). From the same PyTorch seed, on the same
 * observations, they pick the same actions with the same log-probabilities and values; and the
 * in-place sampler's frequencies follow the policy's probabilities.
 */
class SamplersAgreeTest {
  static {
    System.setProperty("ai.djl.offline", "true");
  }

  static final String GAME = "env: {" + TinyGame.MAP + ", episode_length: 30, tax: {period: 10}, voting: {round_periods: 3}}\n"
      + "run: {envs: 64, seed: 3}\n";

  @Test
  void theHostAndTensorSamplersPickTheSameActions() {
    Config c = Config.parse(GAME, "t");
    int envs = 64, m = envs * c.env().players();
    try (NDManager nd = NDManager.newBaseManager(Device.cpu());
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1);
         PlayerNet net = new PlayerNet(nd, c.env().obsRows(), c.env().obsCols(), c.env().scalars(), c.env().actions(), 1);
         PlayerPolicy host = new PlayerPolicy(net, env, nd, new HostCopies(), true);
         PlayerPolicy tensor = new PlayerPolicy(net, env, nd, new HostCopies(), false)) {
      env.reset(1);
      assertThat(host.samplesOnHost()).isTrue();
      assertThat(tensor.samplesOnHost()).isFalse();
      IntBuffer ids = env.actions();
      int[] fromTensor = new int[m];
      LongBuffer hostIds = ByteBuffer.allocateDirect(8 * m).order(ByteOrder.nativeOrder()).asLongBuffer();
      FloatBuffer hostLogp = ByteBuffer.allocateDirect(4 * m).order(ByteOrder.nativeOrder()).asFloatBuffer();
      FloatBuffer hostV = ByteBuffer.allocateDirect(4 * m).order(ByteOrder.nativeOrder()).asFloatBuffer();
      int differentActions = 0;
      Draws draws = new Draws(100, Purpose.ACTION);
      for (int step = 0; step < 40; step++) { // 40 steps x 128 players, an episode end included
        float[] tensorLogp, tensorV;
        long[] tensorIds;
        tensor.draw(draws, step);
        try (NDScope scope = new NDScope()) {
          NDList out = tensor.sample(tensor.obs, tensor.feats);
          tensorIds = out.get(0).toLongArray();
          tensorLogp = out.get(1).toFloatArray();
          tensorV = out.get(2).toFloatArray();
        }
        ids.get(0, fromTensor);
        host.draw(draws, step);
        try (NDScope scope = new NDScope()) {
          host.sampleOnHost(host.obs, host.feats, hostIds, hostLogp, hostV, 0);
        }
        try (NDScope scope = new NDScope()) { // a host policy's tensor sampler (the rollout's path for a storage over 2 GB)
          assertThat(host.sample(host.obs, host.feats).get(0).toLongArray()).as("step %d", step).containsExactly(tensorIds);
        }
        for (int k = 0; k < m; k++) {
          assertThat(ids.get(k)).as("step %d player %d: the engine's action id", step, k).isEqualTo(fromTensor[k]);
          assertThat(hostIds.get(k)).isEqualTo(tensorIds[k]);
          assertThat(hostLogp.get(k)).isCloseTo(tensorLogp[k], org.assertj.core.data.Offset.offset(1e-6f));
          assertThat(hostV.get(k)).isEqualTo(tensorV[k]);
          if (fromTensor[k] != fromTensor[0]) differentActions++;
        }
        env.step();
      }
      assertThat(differentActions).as("the samples are not all one action").isGreaterThan(100);
    }
  }

  @Test
  void theHostSamplerFollowsThePolicysProbabilities() {
    Config c = Config.parse(GAME, "t");
    int envs = 64, m = envs * c.env().players(), k = c.env().actions();
    try (NDManager nd = NDManager.newBaseManager(Device.cpu());
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1);
         PlayerNet net = new PlayerNet(nd, c.env().obsRows(), c.env().obsCols(), c.env().scalars(), c.env().actions(), 7);
         PlayerPolicy host = new PlayerPolicy(net, env, nd, new HostCopies(), true)) {
      env.reset(1);
      Draws stream = new Draws(9, Purpose.EVAL);
      float[] p;
      try (NDScope scope = new NDScope()) {
        p = net.forward(new NDList(host.obs, host.feats)).get(0).softmax(-1).toFloatArray();
      }
      int draws = 400;
      double[] expected = new double[k];
      long[] seen = new long[k];
      for (int d = 0; d < draws; d++) {
        try (NDScope scope = new NDScope()) {
          host.act(stream, d);
        }
        for (int i = 0; i < m; i++) {
          int a = env.actions().get(i);
          assertThat(a).isBetween(0, k - 1);
          seen[a]++;
        }
      }
      for (int i = 0; i < m; i++) for (int a = 0; a < k; a++) expected[a] += draws * (double) p[i * k + a];
      double chi2 = 0;
      for (int a = 0; a < k; a++) chi2 += (seen[a] - expected[a]) * (seen[a] - expected[a]) / expected[a];
      // k - 1 = 7 degrees of freedom: P(chi2 > 29.9) = 1e-4
      assertThat(chi2).as("chi-square of %s against %s", java.util.Arrays.toString(seen), java.util.Arrays.toString(expected)).isLessThan(29.9);
    }
  }
}
