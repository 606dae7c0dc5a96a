package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.harvestsed.train.PlayerNet.Convolutions;
import org.junit.jupiter.api.Test;

/**
 * PlayerNet's two forms of its convolutions are one function (issue 27): the host convolutions
 * (HostConvolutions, Java's vector API) against PyTorch's conv2d on the same weights, forward and
 * every parameter's gradient, within float rounding (they sum in other orders); and the host form's
 * results do not depend on its number of threads, bit for bit.
 */
class HostConvolutionsTest extends WithNdManager {

  /**
   * Second-layer positions four at a time and the rest one by one: the paper's 11 x 11 window (16
   * positions: fours only), the quickstart's 7 x 7 (4), 9 x 11 (3 x 4 = 12, non-square), 9 x 9 (9:
   * two fours and one), 8 x 6 (2: the rest only).
   */
  static final int[][] WINDOWS = {{11, 11}, {7, 7}, {9, 11}, {9, 9}, {8, 6}};

  @Test
  void theHostFormIsPyTorchsFunctionForwardAndGradients() {
    int f = 6, actions = 8;
    for (int[] w : WINDOWS) {
      int rows = w[0], cols = w[1];
      for (int b : new int[] {1, 3, 112, 700}) { // 700: past OmpThreads.ONE_THREAD_BATCH, on the pool, chunks with a tail
        Pass host = pass(Convolutions.HOST, 2, rows, cols, f, actions, b, 31L * b + rows);
        Pass torch = pass(Convolutions.TORCH, 1, rows, cols, f, actions, b, 31L * b + rows);
        String at = rows + "x" + cols + ", batch " + b;
        close(host.logits, torch.logits, 2e-6, "logits, " + at);
        close(host.values, torch.values, 2e-6, "values, " + at);
        for (int i = 0; i < host.grads.length; i++) close(host.grads[i], torch.grads[i], 2e-5, "gradient " + i + ", " + at);
      }
    }
  }

  @Test
  void theHostFormGivesTheSameBitsOnOneThreadAsOnTwo() {
    for (int b : new int[] {600, 1000}) { // above OmpThreads.ONE_THREAD_BATCH: two threads on the pool
      Pass one = pass(Convolutions.HOST, 1, 11, 11, 10, 8, b, b);
      Pass two = pass(Convolutions.HOST, 2, 11, 11, 10, 8, b, b);
      assertThat(two.logits).as("logits, batch %d", b).containsExactly(one.logits);
      assertThat(two.values).as("values").containsExactly(one.values);
      for (int i = 0; i < one.grads.length; i++) assertThat(two.grads[i]).as("gradient %d, batch %d", i, b).containsExactly(one.grads[i]);
    }
  }

  /** An update's minibatch is a row slice of the epoch's gathered batch: the host form reads it where it starts. */
  @Test
  void aSliceOfABatchIsReadFromWhereItStarts() {
    try (PlayerNet net = new PlayerNet(nd, 11, 11, 4, 8, 5, Convolutions.HOST, 2); NDScope scope = new NDScope()) {
      NDList all = PlayerNetTest.inputs(40, 121, 4, 9);
      NDIndex rows = new NDIndex().addSliceDim(13, 29);
      NDList part = new NDList(all.get(0).get(rows), all.get(1).get(rows));
      float[] whole = net.forward(all).get(0).get(rows).toFloatArray();
      assertThat(net.forward(part).get(0).toFloatArray()).containsExactly(whole);
    }
  }

  @Test
  void aCodeOutsideTheNetworksIsRefusedByName() {
    try (PlayerNet net = new PlayerNet(nd, 7, 7, 2, 8, 5, Convolutions.HOST, 1); NDScope scope = new NDScope()) {
      byte[] codes = new byte[2 * 49];
      codes[49 + 10] = 4;
      NDList in = new NDList(nd.create(java.nio.ByteBuffer.wrap(codes), new Shape(2, 49), DataType.UINT8), nd.zeros(new Shape(2, 2)));
      assertThatThrownBy(() -> net.forward(in)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("observation code 4 at cell 10 of sample 1").hasMessageContaining("0..3");
    }
  }

  /**
   * The vectors' width (HostConvolutions.WIDE: the CPU's, up to 16 floats) changes no bit: this JVM's
   * width against 16, 8 and 4 lanes, each in a JVM of its own (the width is fixed when the class loads;
   * {@code harvest.vector.lanes}), on the paper's window and an odd one, a batch on the pool.
   */
  @Test
  void theVectorsWidthChangesNoBit() throws Exception {
    String here = digest();
    for (int lanes : new int[] {16, 8, 4}) { // 16 on a CPU without AVX-512 runs the vector API's fallback: slow, the same bits
      String jvm = ProcessHandle.current().info().command().orElseThrow();
      Process p = new ProcessBuilder(jvm, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true",
          "-Dharvest.vector.lanes=" + lanes, "-cp", System.getProperty("java.class.path"), Widths.class.getName()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as("the JVM with %d lanes: %s", lanes, out).isZero();
      assertThat(out).as("%d lanes", lanes).contains("lanes " + lanes + " ").contains("digest " + here);
    }
  }

  /** A digest of every value and gradient of host passes (paper's window, batch 700 on two threads; a 9 x 11 window, batch 5). */
  static String digest() throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    for (Pass p : new Pass[] {pass(Convolutions.HOST, 2, 11, 11, 6, 8, 700, 1), pass(Convolutions.HOST, 1, 9, 11, 6, 8, 5, 2)}) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (p.logits.length + p.values.length + java.util.Arrays.stream(p.grads).mapToInt(g -> g.length).sum()));
      b.asFloatBuffer().put(p.logits).put(p.values);
      int at = 4 * (p.logits.length + p.values.length);
      for (float[] g : p.grads) {
        b.position(at);
        b.asFloatBuffer().put(g);
        at += 4 * g.length;
      }
      md.update(b.array());
    }
    return java.util.HexFormat.of().formatHex(md.digest());
  }

  /** The forked JVM of {@link #theVectorsWidthChangesNoBit}. */
  public static final class Widths {
    public static void main(String[] args) throws Exception {
      openManager();
      try {
        System.out.println("lanes " + HostConvolutions.WIDE.length() + " digest " + digest());
      } finally {
        closeManager();
      }
    }
  }

  /** The host form keeps one forward's activations: a backward after another forward is refused, not computed from the wrong one. */
  @Test
  void aBackwardAfterAnotherForwardIsRefused() {
    try (PlayerNet net = new PlayerNet(nd, 7, 7, 2, 8, 5, Convolutions.HOST, 1); NDScope scope = new NDScope()) {
      NDList a = PlayerNetTest.inputs(4, 49, 2, 1), b = PlayerNetTest.inputs(4, 49, 2, 2);
      try (Gradients gc = new Gradients()) {
        NDArray loss = net.forward(a).get(1).sum();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        net.forward(b); // e.g. a value estimate without autograd
        ai.djl.pytorch.jni.JniUtils.setGradMode(true);
        gc.backward(loss);
        assertThatThrownBy(net::afterBackward).isInstanceOf(IllegalStateException.class).hasMessageContaining("a forward pass ran between");
      }
    }
  }

  @Test
  void aBatchTooLargeForJavaArraysIsRefusedByName() {
    try (HostConvolutions h = new HostConvolutions(11, 11, 1)) {
      assertThatThrownBy(() -> h.forward(java.nio.ByteBuffer.allocate(0), 4_000_000, java.nio.FloatBuffer.allocate(0)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4000000 samples").hasMessageContaining("train.num_minibatches");
    }
  }

  @Test
  void codesOfAnotherTypeAreRefused() {
    try (PlayerNet net = new PlayerNet(nd, 7, 7, 2, 8, 5, Convolutions.HOST, 1); NDScope scope = new NDScope()) {
      NDList in = new NDList(nd.zeros(new Shape(2, 49), DataType.INT32), nd.zeros(new Shape(2, 2)));
      assertThatThrownBy(() -> net.forward(in)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uint8 [batch, 49]");
    }
  }

  record Pass(float[] logits, float[] values, float[][] grads) {}

  /** A forward of b random samples with autograd, the loss sum(logits x r1) + sum(values x r2) for random r, its backward; everything read back. */
  static Pass pass(Convolutions conv, int threads, int rows, int cols, int f, int actions, int b, long seed) {
    try (PlayerNet net = new PlayerNet(nd, rows, cols, f, actions, 3, conv, threads); NDScope scope = new NDScope()) {
      NDList in = PlayerNetTest.inputs(b, rows * cols, f, seed);
      SplittableRandom r = new SplittableRandom(seed + 1);
      float[] r1 = new float[b * actions], r2 = new float[b];
      for (int i = 0; i < r1.length; i++) r1[i] = (float) (r.nextDouble() * 2 - 1);
      for (int i = 0; i < r2.length; i++) r2[i] = (float) (r.nextDouble() * 2 - 1);
      NDList out;
      try (Gradients gc = new Gradients()) {
        out = net.forward(in);
        NDArray loss = out.get(0).mul(nd.create(r1, new Shape(b, actions))).sum().add(out.get(1).mul(nd.create(r2)).sum());
        gc.backward(loss);
        net.afterBackward();
      }
      float[][] g = new float[net.parameters().size()][];
      for (int i = 0; i < g.length; i++) g[i] = net.gradient(i).toFloatArray();
      return new Pass(out.get(0).toFloatArray(), out.get(1).toFloatArray(), g);
    }
  }

  /** got within tol x (the largest |want|) of want, value by value, and not all zero. */
  static void close(float[] got, float[] want, double tol, String what) {
    assertThat(got).as(what).hasSameSizeAs(want);
    double scale = 0;
    for (float v : want) scale = Math.max(scale, Math.abs(v));
    assertThat(scale).as(what + ": the reference is not all zero").isGreaterThan(0);
    for (int i = 0; i < want.length; i++) {
      assertThat((double) Math.abs(got[i] - want[i])).as("%s [%d]: %s against %s", what, i, got[i], want[i]).isLessThanOrEqualTo(tol * scale);
    }
  }
}
