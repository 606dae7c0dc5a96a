import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.Device;
import java.util.*;

/**
 * The players' network (PlayerNet's shape on the paper's 11x11 window) with its first layer written
 * five ways, timed alone (docs/BENCHMARKS.md, issue 27): "onehot" (PyTorch's one_hot, before issue
 * 27), "eqcl" (one comparison with the codes, channels-last strides: PlayerNet since issue 27), "eq"
 * (the comparison, contiguous NCHW), "gather" and "gather3" (no one-hot: the first layer as a sum of
 * embedding lookups, one table row per three codes of a window row); "check" prints the largest
 * difference of the gathers from the convolution. A single-file program on the trainer's class path:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp "trainer/target/trainer.jar:trainer/target/lib/*" bench/FirstLayer.java BATCH REPS VARIANT [bwd]
 * </pre>
 * Prints the median time of the last three quarters of REPS forward passes (with bwd: forward and
 * backward of logits.sum + values.sum, gradients zeroed).
 */
public class FirstLayer {
  static int R = 11, C = 11, F = 10, A = 8, C1 = 8, C2 = 16, H = 64;
  static NDArray tables(NDArray S, NDArray w1) {
    NDArray W = w1.transpose(2, 3, 1, 0).reshape(3, 12, C1); // [dy][dx*4 + c][o]
    return S.matMul(W).reshape(192, C1); // [dy*64 + idx][o]
  }
  static NDArray triples(NDArray cd, int B, int c1) {
    NDArray c = cd.toType(DataType.INT64, false).reshape(B, R, C);
    return c.get(":, :, 0:" + c1).mul(16).add(c.get(":, :, 1:" + (c1 + 1)).mul(4)).add(c.get(":, :, 2:")); // [B, R, c1]
  }
  static NDArray gather(NDArray cd, NDArray S, NDArray dyOff, NDArray w1, NDArray b1, int B, int h1, int c1) {
    NDArray t = triples(cd, B, c1);
    NDArray idx = NDArrays.stack(new NDList(t.get(":, 0:" + h1), t.get(":, 1:" + (h1 + 1)), t.get(":, 2:")), 1).add(dyOff); // [B,3,h1,c1]
    NDArray e = JniUtils.embedding((PtNDArray) idx, (PtNDArray) tables(S, w1), false); // [B,3,h1,c1,C1]
    return Activation.relu(e.sum(new int[] {1}).add(b1)).transpose(0, 3, 1, 2);
  }
  static NDArray gather3(NDArray cd, NDArray S, NDArray w1, NDArray b1, int B, int h1, int c1) {
    NDArray t = triples(cd, B, c1);
    NDArray T = tables(S, w1);
    NDArray sum = null;
    for (int dy = 0; dy < 3; dy++) {
      NDArray idx = t.get(":, " + dy + ":" + (dy + h1));
      if (dy > 0) idx = idx.add(64 * dy);
      NDArray e = JniUtils.embedding((PtNDArray) idx, (PtNDArray) T, false);
      sum = sum == null ? e : sum.add(e);
    }
    return Activation.relu(sum.add(b1)).transpose(0, 3, 1, 2);
  }
  public static void main(String[] a) {
    int B = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]);
    String variant = a[2]; boolean bwd = a.length > 3 && a[3].equals("bwd");
    NDManager m = NDManager.newBaseManager(Device.cpu());
    JniUtils.setGradMode(bwd);
    Random rnd = new Random(1);
    byte[] codes = new byte[B * R * C]; for (int i = 0; i < codes.length; i++) codes[i] = (byte) rnd.nextInt(4);
    NDArray cd = m.create(java.nio.ByteBuffer.wrap(codes), new Shape(B, R * C), DataType.UINT8);
    NDArray ft = m.randomUniform(0, 1, new Shape(B, F));
    int h1 = R - 2, c1 = C - 2, h2 = (h1 - 3) / 2 + 1, c2 = (c1 - 3) / 2 + 1, flat = C2 * h2 * c2;
    NDArray w1 = m.randomUniform(-.1f, .1f, new Shape(C1, 4, 3, 3)), b1 = m.zeros(new Shape(C1));
    NDArray w2 = m.randomUniform(-.1f, .1f, new Shape(C2, C1, 3, 3)), b2 = m.zeros(new Shape(C2));
    NDArray wf = m.randomUniform(-.1f, .1f, new Shape(H, flat + F)), bf = m.zeros(new Shape(H));
    NDArray wa = m.randomUniform(-.1f, .1f, new Shape(A, H)), ba = m.zeros(new Shape(A));
    NDArray wc = m.randomUniform(-.1f, .1f, new Shape(1, H)), bc = m.zeros(new Shape(1));
    List<NDArray> ps = List.of(w1, b1, w2, b2, wf, bf, wa, ba, wc, bc);
    if (bwd) for (NDArray p : ps) p.setRequiresGradient(true);
    NDArray codeIdx = m.arange(0, 4, 1, DataType.UINT8).reshape(1, 4, 1, 1);
    // row-triple tables: S [64, 12], S[idx][dx*4 + c] = 1 iff digit dx of idx (base 4, dx 0 most significant) is c
    float[] sv = new float[64 * 12];
    for (int idx = 0; idx < 64; idx++) for (int dx = 0; dx < 3; dx++) sv[idx * 12 + dx * 4 + ((idx >> (2 * (2 - dx))) & 3)] = 1f;
    NDArray S = m.create(sv, new Shape(64, 12));
    NDArray dyOff = m.create(new long[] {0, 64, 128}).reshape(1, 3, 1, 1);
    if (variant.equals("check")) {
      NDArray x = cd.toType(DataType.INT64, false).oneHot(4).reshape(B, R, C, 4).transpose(0, 3, 1, 2);
      NDArray ref = Activation.relu(Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
      NDArray g = gather(cd, S, dyOff, w1, b1, B, h1, c1), g3 = gather3(cd, S, w1, b1, B, h1, c1);
      System.out.println("check: max |gather - conv| " + g.sub(ref).abs().max().getFloat() + ", gather3 " + g3.sub(ref).abs().max().getFloat() + ", max |conv| " + ref.abs().max().getFloat());
      return;
    }
    long[] times = new long[reps];
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      try (NDScope s = new NDScope()) {
        NDArray x;
        switch (variant) {
          case "onehot" -> x = cd.toType(DataType.INT64, false).oneHot(4).reshape(B, R, C, 4).transpose(0, 3, 1, 2);
          case "gather", "gather3" -> x = null;
          case "eq" -> x = cd.reshape(B, 1, R, C).eq(codeIdx).toType(DataType.FLOAT32, false);
          case "eqcl" -> x = cd.reshape(B, R, C, 1).eq(codeIdx.reshape(1, 1, 1, 4)).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
          default -> throw new IllegalArgumentException(variant);
        }
        NDArray h;
        if (variant.equals("gather")) {
          h = gather(cd, S, dyOff, w1, b1, B, h1, c1);
        } else if (variant.equals("gather3")) {
          h = gather3(cd, S, w1, b1, B, h1, c1);
        } else {
          h = Activation.relu(Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
        }
        h = Activation.relu(Conv2d.conv2d(h, w2, b2, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
        NDArray z = NDArrays.concat(new NDList(h.reshape(B, flat), ft), 1);
        z = Activation.relu(Linear.linear(z, wf, bf).singletonOrThrow());
        NDArray lg = Linear.linear(z, wa, ba).singletonOrThrow();
        NDArray v = Linear.linear(z, wc, bc).singletonOrThrow();
        if (bwd) {
          NDArray loss = lg.sum().add(v.sum());
          JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(new Shape()), false, false);
          for (NDArray p : ps) p.getGradient().subi(p.getGradient());
        } else {
          lg.sum().getFloat();
        }
      }
      times[r] = System.nanoTime() - t0;
    }
    long[] t = Arrays.copyOfRange(times, reps / 4, reps); Arrays.sort(t);
    System.out.printf("%s B=%d %s threads=%d median %.3f ms%n", variant, B, bwd ? "fwd+bwd" : "fwd", JniUtils.getNumThreads(), t[t.length / 2] / 1e6);
  }
}
