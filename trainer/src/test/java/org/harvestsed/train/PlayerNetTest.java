package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PlayerNet's forward pass is the function of docs/RULES.md section 9, whatever its implementation (issue 27). */
class PlayerNetTest extends WithNdManager {

  /**
   * The forward pass written as before issue 27 (PyTorch's one_hot of the codes as int64, channels
   * last, then the convolutions): the same logits and values, bit for bit, on every code at every
   * cell, for a batch as large as an update's minibatch and as small as a rollout step's.
   */
  @Test
  void theForwardPassIsTheOneHotNetworkBitForBit() {
    int rows = 11, cols = 11, f = 6, actions = 8;
    try (PlayerNet net = new PlayerNet(nd, rows, cols, f, actions, 7)) {
      for (int b : new int[] {3, 112, 1024}) {
        NDList in = inputs(b, rows * cols, f, b);
        NDArray c = in.get(0), x = in.get(1);
        NDList got = net.forward(in);
        NDList want = oneHotForward(net, c, x);
        assertThat(got.get(0).toFloatArray()).as("logits, batch %d", b).containsExactly(want.get(0).toFloatArray());
        assertThat(got.get(1).toFloatArray()).as("values, batch %d", b).containsExactly(want.get(1).toFloatArray());
      }
    }
  }

  /**
   * The rollout's forwards run on one OpenMP thread and the update's on train.torch_threads
   * (Trainer.step through OmpThreads: OpenMP's count and MKL's for the thread, issue 27): PyTorch sees the runtime's count, and a forward gives
   * the same bits on one thread as on two, at a rollout step's batch sizes (the quickstart's 16 x 4,
   * the paper workload's 16 x 7) and larger, so the switch changed no run's numbers.
   */
  @Test
  void aForwardOnOneThreadIsTheForwardOnTwoBitForBit() {
    int rows = 11, cols = 11, f = 10, actions = 8;
    int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    OmpThreads omp = OmpThreads.find().orElseThrow(() -> new AssertionError("no libgomp in /proc/self/maps after PyTorch's engine loaded"));
    assertThat(omp.withMkl()).as("PyTorch's CPU build links MKL").isTrue();
    omp.one();
    assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).as("PyTorch reads the runtime's count").isEqualTo(1);
    omp.restore(2);
    assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(2);
    try (PlayerNet net = new PlayerNet(nd, rows, cols, f, actions, 11)) {
      for (int b : new int[] {64, 112, 448, 1024}) {
        NDList in = inputs(b, rows * cols, f, b + 1);
        omp.restore(2);
        NDList two = net.forward(in);
        omp.one();
        NDList one = net.forward(in);
        assertThat(one.get(0).toFloatArray()).as("logits, batch %d", b).containsExactly(two.get(0).toFloatArray());
        assertThat(one.get(1).toFloatArray()).as("values, batch %d", b).containsExactly(two.get(1).toFloatArray());
      }
    } finally {
      omp.restore(before);
    }
  }

  /** A batch of b random windows of cells codes (0..CODES-1) and b x f random features, from the seed. */
  static NDList inputs(int b, int cells, int f, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] codes = new byte[b * cells];
    for (int i = 0; i < codes.length; i++) codes[i] = (byte) r.nextInt(PlayerNet.CODES);
    float[] feats = new float[b * f];
    for (int i = 0; i < feats.length; i++) feats[i] = (float) r.nextDouble();
    return new NDList(nd.create(java.nio.ByteBuffer.wrap(codes), new Shape(b, cells), DataType.UINT8), nd.create(feats, new Shape(b, f)));
  }

  /** PlayerNet's function as written before issue 27. */
  static NDList oneHotForward(PlayerNet net, NDArray codes, NDArray feats) {
    List<NDArray> p = net.parameters();
    long b = codes.getShape().get(0);
    NDArray x = codes.toType(DataType.INT64, false).oneHot(PlayerNet.CODES).reshape(b, net.rows, net.cols, PlayerNet.CODES).transpose(0, 3, 1, 2);
    NDArray h = Activation.relu(Conv2d.conv2d(x, p.get(0), p.get(1), new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    h = Activation.relu(Conv2d.conv2d(h, p.get(2), p.get(3), new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    NDArray z = NDArrays.concat(new NDList(h.reshape(b, net.flat), feats), 1);
    z = Activation.relu(Linear.linear(z, p.get(4), p.get(5)).singletonOrThrow());
    return new NDList(Linear.linear(z, p.get(6), p.get(7)).singletonOrThrow(), Linear.linear(z, p.get(8), p.get(9)).singletonOrThrow().reshape(b));
  }
}
