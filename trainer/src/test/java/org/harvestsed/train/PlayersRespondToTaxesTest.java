package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Positive control (b) of issue 14: on a fixed players' checkpoint (trained through phase 2, so
 * rates varied in its observations), changing only the rates in the observation changes the
 * action distribution: the players can respond to taxes at all.
 */
class PlayersRespondToTaxesTest {
  static final String YAML = "env: {" + TinyGame.MAP + """
      , regrowth: {probabilities: [0, 0.05, 0.1, 0.2]}, episode_length: 200, tax: {period: 20, brackets: [0, 1, 3]},
        voting: {round_periods: 10}}
      run: {envs: 16, seed: 5}
      train: {total_steps: 20480, num_steps: 64, lr: 1.0e-3, phase1_steps: 4096, cap_anneal_steps: 4096, checkpoint_every: 1000}
      """;

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void changingOnlyTheRatesChangesTheActionDistribution(@TempDir Path dir) throws Exception {
    Config c = Config.parse(YAML, "b");
    int envs = 16, n = 2, m = envs * n, b = c.env().brackets();
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.run();
    }
    try (NDManager nd = NDManager.newBaseManager();
         PlayerNet net = new PlayerNet(nd, c.env().obsRows(), c.env().obsCols(), c.env().scalars(), c.env().actions(), 0);
         Adam opt = new Adam(net);
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1)) {
      Checkpoint.loadPlayers(dir.resolve(Checkpoint.FILE), net, opt);
      env.reset(99);
      env.stepRandom(7);
      byte[] codes = new byte[m * c.env().obsCells()];
      env.obs().get(0, codes);
      float[] low = new float[m * c.env().scalars()], high = new float[low.length];
      env.scalars().get(0, low);
      env.scalars().get(0, high);
      int f = c.env().scalars();
      for (int k = 0; k < m; k++) {
        for (int j = 0; j < b; j++) { // features: sigma, beta, rates[B], period fraction, income, eta
          low[k * f + 2 + j] = 0f;
          high[k * f + 2 + j] = 1f;
        }
      }
      float[] p0 = probs(net, nd, codes, low, m), p1 = probs(net, nd, codes, high, m);
      int a = c.env().actions();
      double tv = 0;
      for (int k = 0; k < m; k++) {
        double d = 0;
        for (int i = 0; i < a; i++) d += Math.abs(p0[k * a + i] - p1[k * a + i]);
        tv += d / 2 / m;
      }
      System.out.println("players' policy: mean total-variation distance between rates 0 and rates 1 = " + tv);
      assertThat(tv).as("mean total variation between the action distributions under rates 0 and 1").isGreaterThan(0.01);
    }
  }

  private static float[] probs(PlayerNet net, NDManager nd, byte[] codes, float[] feats, int m) {
    float[] p = new float[m * net.actions];
    try (NDManager sub = nd.newSubManager()) {
      NDList out = net.forward(new NDList(sub.create(ByteBuffer.wrap(codes), new Shape(m, net.rows * net.cols), DataType.UINT8),
          sub.create(feats, new Shape(m, net.features))));
      PlayerPolicy.copy(out.get(0).softmax(-1), p);
    }
    return p;
  }
}
