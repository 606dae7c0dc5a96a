import ai.djl.Device;
import ai.djl.ndarray.*;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.*;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.*;
import org.harvestsed.train.PlayerNet;

/**
 * The whole players' network (PlayerNet on the paper's 11x11 window, its weights from PlayerNet's
 * initialiser) with its two convolutions written several ways, timed whole (docs/BENCHMARKS.md,
 * issue 27):
 * <ul>
 * <li>"today": PlayerNet before this bench: the one-hot as a comparison with channels-last strides,
 *     two conv2d;
 * <li>"nchw": the same with the one-hot contiguous NCHW;
 * <li>"i2c": both convolutions as im2col + one matmul each: the first layer's patches gathered from
 *     the uint8 codes (no gradient flows there) and compared with 0..3, [B*81, 36] x [36, 8]; the
 *     second's from 9 strided views of the first's [B,9,9,8] output, concatenated, [B*16, 72] x [72, 16];
 * <li>"i2cg": as i2c, the second layer's patches one index gather of [B,81,8] along the cells;
 * <li>"i2c1": im2col for the first layer, conv2d (channels-last input) for the second;
 * <li>"i2c1c": as i2c1, the first layer in chunks of 896 samples (-Dconvforms.chunk=N): its [N*81, 36]
 *     patches under glibc's 32 MB mmap threshold (the launcher's GLIBC_TUNABLES), no fresh pages per pass;
 * <li>"i2c1n": as i2c1, the first layer's output made contiguous NCHW for the second conv2d;
 * <li>"shift9": each convolution as a sum of 9 matmuls of shifted views (NHWC);
 * <li>"bf16": mixed precision: fp32 master weights; the one-hot, the conv weights and biases cast to
 *     bfloat16, both convolutions and their relus in bfloat16 (oneDNN's AMX kernels), their output cast
 *     back to fp32 for the head. The casts: see castg and bf16 (DJL 0.32 cannot cast to bfloat16 itself);
 * <li>"bf16c2": only the second convolution (and its relu) in bfloat16, its input cast from fp32;
 * <li>"bf16all": the whole network in bfloat16 (every parameter and the features cast), the logits and
 *     values cast back to fp32;
 * <li>"noconv": not the function: the network after the convolutions alone, on a constant input (a
 *     bound on what a faster convolution can save);
 * <li>"check": the largest difference of every variant from "today" on the same weights and codes:
 *     logits, values, and the gradients of every parameter for a random linear loss.
 * </ul>
 * A single-file program on the trainer's class path:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp "trainer/target/trainer.jar:trainer/target/lib/*" bench/ConvForms.java BATCH REPS ROUNDS MODE VARIANT[,VARIANT...]
 *   java ... bench/ConvForms.java BATCH 0 0 check VARIANT[,VARIANT...]
 * </pre>
 * MODE: fwd (forward without autograd, as the rollout) or bwd (forward and backward of
 * logits.sum + values.sum with autograd, gradients zeroed, as the update). Runs ROUNDS rounds, each
 * variant REPS passes in turn per round (A B C A B C ...), and prints per variant the median of each
 * round (over the last three quarters of its passes), the median of those, and its ratio to the first
 * variant's. MODE prof-fwd or prof-bwd: PyTorch's profiler over REPS passes of each variant (after REPS
 * unrecorded), the top-level ops as bench/TorchOps.java prints them. Run it as the launcher would
 * (OMP_WAIT_POLICY=PASSIVE and its GLIBC_TUNABLES: the malloc settings change the im2col forms' cost).
 * <p>
 * Measured 2026-12-06, 11:17-11:25 UTC, the 2-core VM nearly idle (load 1-1.5, these runs only), three
 * processes of 5 rounds each, variant order rotated: no form beat "today". Fwd+bwd on 3,584 samples,
 * ratio today/variant: nchw 0.82-0.88, i2c1 0.61-0.65, i2c1c 0.55-0.56, i2cg 0.44-0.46, i2c 0.37-0.38,
 * shift9 0.25-0.28 (today 21.5-22.4 ms; noconv 3.5 ms: the convolutions and their relus are ~85%);
 * forward on 112: nchw 0.93-0.99, the im2col forms 0.66-0.74, shift9 0.23-0.24 (today 0.99-1.07 ms).
 * The values agree to float rounding (forward bit for bit for every im2col form; gradients within
 * 9e-6 of the largest, reductions summed in another order).
 * <p>
 * Mixed precision, measured 2026-12-06, 11:40-11:44 UTC, same VM (load 1.1-1.8), interleaved with
 * "today" in one process, 5 rounds, 3 processes (fwd+bwd) / 2 (fwd on 112), variant order rotated:
 * fwd+bwd on 3,584, ratio today/variant: bf16all 1.04-1.09, bf16 0.90, bf16c2 0.61-0.63 (today 21.6-22.4
 * ms; bf16all 20.5-21.1); no variant near 1.4x. Forward on 112: bf16 0.95-0.99, bf16all 0.72-0.76,
 * bf16c2 0.69-0.70 (today 1.11-1.12 ms; the per-pass casts of the weights cost more than bf16 saves).
 * Forward alone on 3,584: bf16 1.28, bf16all 1.49 (today 9.2 ms): the AMX forward convolutions are ~3x
 * faster (ONEDNN_VERBOSE: brg_conv_fwd:avx10_1_512_amx 1.16 + 0.72 ms against brg_conv_fwd:avx512_core
 * 3.62 + 1.72 ms), but their backward is slower: backward data of conv2 brgconv_strided:avx10_1_512_amx
 * 6.1 ms against brgconv_strided:avx512_core 5.1, backward weights brgconv_bwd_w:avx10_1_512_amx 3.2 +
 * 3.5 ms against jit:avx512_core 1.1 + 1.9 ms (4 passes, verbose on). Differences from today (check,
 * max |diff| / max |today|): logits 5e-5 to 8e-5 (bf16, bf16c2), 5e-3 (bf16all); values 2e-3 to 8e-3;
 * conv and fc gradients 2e-2 to 9e-2; actor/critic gradients 1e-3 to 1e-2.
 */
public class ConvForms {
  static final int R = 11, C = 11, F = 10, A = 8, C1 = 8, C2 = 16;
  static final int H1 = R - 2, W1 = C - 2, H2 = (H1 - 3) / 2 + 1, W2 = (W1 - 3) / 2 + 1, FLAT = C2 * H2 * W2;
  static NDManager m;
  static List<NDArray> p; // w1, b1, w2, b2, wf, bf, wa, ba, wc, bc as PlayerNet
  static NDArray h2Const, codeIdsCl, codeIdsNchw, codeIds5, idx1, idx2;

  static NDArray sl(NDArray a, int dim, long start, long end, long step) {
    return JniUtils.slice((PtNDArray) a, dim, start, end, step);
  }

  /** h [B, C2, H2, W2] (any strides) -> logits, values: PlayerNet's head. */
  static NDList head(NDArray h, NDArray ft, long b) {
    NDArray z = NDArrays.concat(new NDList(h.reshape(b, FLAT), ft), 1);
    z = Activation.relu(Linear.linear(z, p.get(4), p.get(5)).singletonOrThrow());
    return new NDList(Linear.linear(z, p.get(6), p.get(7)).singletonOrThrow(), Linear.linear(z, p.get(8), p.get(9)).singletonOrThrow().reshape(b));
  }

  /** Parameter i cast to bfloat16, differentiably (see bf16g). */
  static NDArray bf(int i) {
    return bf16g(p.get(i), false);
  }

  static ai.djl.pytorch.engine.PtSymbolBlock toBf16;
  static Map<String, NDArray> zeros16 = new HashMap<>();

  /**
   * x cast to bfloat16 by a one-op TorchScript module (torch.to(x, 15), bench/tobf16.pt made by
   * bench/mk_tobf16.py): DJL 0.32's x.toType(BFLOAT16) aborts the JVM (its JNI maps no dtype past
   * complex64: "terminate called without an active exception"). No gradient flows through the module
   * (DJL runs it without autograd): for constants only (the one-hot, the features).
   */
  static NDArray bf16(NDArray x) {
    return ai.djl.pytorch.jni.IValueUtils.forward(toBf16, new NDList(x), true).singletonOrThrow();
  }

  /**
   * x cast to bfloat16 (bf16 true) or float32 with autograd. DJL 0.32's toType runs torch's to() under
   * a NoGradGuard (no gradient flows through it), so: a zero tensor of the target dtype and x's shape
   * (bfloat16: cached and cloned), x added in place (add_ keeps the destination's dtype; its backward
   * hands x its gradient in x's dtype). channelsLast: x is [B, C, H, W] with channels-last strides, and
   * so is the result.
   */
  static NDArray castg(NDArray x, boolean bf16, boolean channelsLast) {
    Shape sh = x.getShape();
    Shape mem = channelsLast ? new Shape(sh.get(0), sh.get(2), sh.get(3), sh.get(1)) : sh;
    NDArray z = !bf16 ? m.zeros(mem) : zeros16.computeIfAbsent(mem.toString(), k -> {
      NDArray t = bf16(m.zeros(mem));
      NDScope.unregister(t); // cached: outlives the pass's NDScope
      return t;
    }).duplicate();
    NDArray v = channelsLast ? z.transpose(0, 3, 1, 2) : z;
    v.addi(x);
    return v;
  }

  static NDArray bf16g(NDArray x, boolean channelsLast) {
    return castg(x, true, channelsLast);
  }

  static NDArray f32g(NDArray x, boolean channelsLast) {
    return castg(x, false, channelsLast);
  }

  static NDArray conv(NDArray x, NDArray w, NDArray bias, int stride) {
    return Activation.relu(Conv2d.conv2d(x, w, bias, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
  }

  /** The first layer as im2col + matmul: patches of the codes (one gather), compared with 0..3: [B, H1, W1, C1] (NHWC). */
  static NDArray layer1i2c(NDArray cd, long b) {
    NDArray pc = cd.get(new NDIndex(":, {}", idx1)); // [B, H1*W1*9] uint8, (cell, dy, dx)
    NDArray x = pc.reshape(b * H1 * W1, 9, 1).eq(codeIds5).toType(DataType.FLOAT32, false).reshape(b * H1 * W1, 36); // (dy, dx, code)
    NDArray w = p.get(0).transpose(0, 2, 3, 1).reshape(C1, 36);
    return Activation.relu(Linear.linear(x, w, p.get(1)).singletonOrThrow()).reshape(b, H1, W1, C1);
  }

  /** The second layer as im2col + matmul on h [B, H1, W1, C1] (NHWC): returns [B, C2, H2, W2] (a channels-last view). */
  static NDArray layer2i2c(NDArray h, long b, boolean gather) {
    NDArray x;
    if (gather) {
      x = h.reshape(b, H1 * W1, C1).get(new NDIndex(":, {}", idx2)).reshape(b * H2 * W2, 9 * C1); // (out cell, dy, dx, c)
    } else {
      NDList views = new NDList();
      for (int dy = 0; dy < 3; dy++) for (int dx = 0; dx < 3; dx++) views.add(sl(sl(h, 1, dy, dy + 2 * H2 - 1, 2), 2, dx, dx + 2 * W2 - 1, 2));
      x = NDArrays.concat(views, 3).reshape(b * H2 * W2, 9 * C1); // (out cell, dy, dx, c)
    }
    NDArray w = p.get(2).transpose(0, 2, 3, 1).reshape(C2, 9 * C1);
    return Activation.relu(Linear.linear(x, w, p.get(3)).singletonOrThrow()).reshape(b, H2, W2, C2).transpose(0, 3, 1, 2);
  }

  /** A convolution (no padding) as the sum of 9 matmuls of shifted views of x [B, H, W, Cin] (NHWC): [B, Ho, Wo, Cout] NHWC. */
  static NDArray shift9(NDArray x, NDArray w, NDArray bias, int stride) {
    long b = x.getShape().get(0), h = x.getShape().get(1), wd = x.getShape().get(2);
    long ho = (h - 3) / stride + 1, wo = (wd - 3) / stride + 1;
    NDArray sum = null;
    for (int dy = 0; dy < 3; dy++) for (int dx = 0; dx < 3; dx++) {
      NDArray v = sl(sl(x, 1, dy, dy + stride * (ho - 1) + 1, stride), 2, dx, dx + stride * (wo - 1) + 1, stride);
      NDArray k = w.get(":, :, " + dy + ", " + dx).transpose(); // [Cin, Cout]
      NDArray t = v.matMul(k);
      sum = sum == null ? t : sum.add(t);
    }
    return Activation.relu(sum.add(bias));
  }

  static NDList forward(String v, NDArray cd, NDArray ft) {
    long b = cd.getShape().get(0);
    switch (v) {
      case "today" -> {
        NDArray x = cd.reshape(b, R, C, 1).eq(codeIdsCl).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
        return head(conv(conv(x, p.get(0), p.get(1), 1), p.get(2), p.get(3), 2), ft, b);
      }
      case "nchw" -> {
        NDArray x = cd.reshape(b, 1, R, C).eq(codeIdsNchw).toType(DataType.FLOAT32, false);
        return head(conv(conv(x, p.get(0), p.get(1), 1), p.get(2), p.get(3), 2), ft, b);
      }
      case "i2c" -> { return head(layer2i2c(layer1i2c(cd, b), b, false), ft, b); }
      case "i2cg" -> { return head(layer2i2c(layer1i2c(cd, b), b, true), ft, b); }
      case "i2c1" -> { return head(conv(layer1i2c(cd, b).transpose(0, 3, 1, 2), p.get(2), p.get(3), 2), ft, b); }
      case "i2c1c" -> { // i2c1 in chunks of CHUNK samples (system property convforms.chunk, default 896): every tensor under glibc's 32 MB mmap threshold
        long chunk = Long.getLong("convforms.chunk", 896);
        NDList parts = new NDList();
        for (long s0 = 0; s0 < b; s0 += chunk) parts.add(layer1i2c(cd.get(s0 + ":" + Math.min(b, s0 + chunk)), Math.min(b, s0 + chunk) - s0));
        NDArray h = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        return head(conv(h.transpose(0, 3, 1, 2), p.get(2), p.get(3), 2), ft, b);
      }
      case "i2c1n" -> {
        NDArray h = layer1i2c(cd, b).transpose(0, 3, 1, 2);
        h = h.reshape(b * C1, H1 * W1).reshape(b, C1, H1, W1); // a copy, contiguous NCHW
        return head(conv(h, p.get(2), p.get(3), 2), ft, b);
      }
      case "shift9" -> {
        NDArray x = cd.reshape(b, R, C, 1).eq(codeIdsCl).toType(DataType.FLOAT32, false);
        NDArray h = shift9(shift9(x, p.get(0), p.get(1), 1), p.get(2), p.get(3), 2);
        return head(h.transpose(0, 3, 1, 2), ft, b);
      }
      case "bf16" -> { // both convolutions and their relus in bfloat16 (input, weights, biases cast; fp32 master weights), the head in fp32
        NDArray x = bf16(cd.reshape(b, R, C, 1).eq(codeIdsCl)).transpose(0, 3, 1, 2);
        NDArray h = conv(conv(x, bf(0), bf(1), 1), bf(2), bf(3), 2);
        return head(f32g(h, true), ft, b);
      }
      case "bf16c2" -> { // only the second convolution in bfloat16
        NDArray x = cd.reshape(b, R, C, 1).eq(codeIdsCl).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
        NDArray h = conv(bf16g(conv(x, p.get(0), p.get(1), 1), true), bf(2), bf(3), 2);
        return head(f32g(h, true), ft, b);
      }
      case "bf16all" -> { // the whole network in bfloat16 (every parameter and the features cast), logits and values cast back to fp32
        NDArray x = bf16(cd.reshape(b, R, C, 1).eq(codeIdsCl)).transpose(0, 3, 1, 2);
        NDArray h = conv(conv(x, bf(0), bf(1), 1), bf(2), bf(3), 2);
        NDArray z = NDArrays.concat(new NDList(h.reshape(b, FLAT), bf16(ft)), 1);
        z = Activation.relu(Linear.linear(z, bf(4), bf(5)).singletonOrThrow());
        return new NDList(f32g(Linear.linear(z, bf(6), bf(7)).singletonOrThrow(), false),
            f32g(Linear.linear(z, bf(8), bf(9)).singletonOrThrow().reshape(b), false));
      }
      case "noconv" -> { return head(h2Const.get(":" + b), ft, b); } // not the function: the rest of the network alone, a bound
      default -> throw new IllegalArgumentException(v);
    }
  }

  public static void main(String[] a) {
    System.setProperty("ai.djl.offline", "true");
    int b = Integer.parseInt(a[0]), reps = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
    String mode = a[3];
    String[] variants = a[4].split(",");
    m = NDManager.newBaseManager(Device.cpu());
    toBf16 = JniUtils.loadModule((ai.djl.pytorch.engine.PtNDManager) m, java.nio.file.Path.of(System.getProperty("convforms.tobf16", "bench/tobf16.pt")), false, new String[0], new String[0], false);
    PlayerNet net = new PlayerNet(m, R, C, F, A, 7);
    p = net.parameters();
    // PlayerNet's zero biases would hide a wrong bias path: give them values
    SplittableRandom rb = new SplittableRandom(3);
    for (int i : new int[] {1, 3, 5, 7, 9}) {
      float[] v = new float[(int) p.get(i).size()];
      for (int k = 0; k < v.length; k++) v[k] = (float) (rb.nextDouble() * 0.2 - 0.1);
      p.get(i).set(v);
    }
    codeIdsCl = m.arange(0, 4, 1, DataType.UINT8).reshape(1, 1, 1, 4);
    codeIdsNchw = m.arange(0, 4, 1, DataType.UINT8).reshape(1, 4, 1, 1);
    codeIds5 = m.arange(0, 4, 1, DataType.UINT8).reshape(1, 1, 4);
    long[] i1 = new long[H1 * W1 * 9];
    for (int y = 0, n = 0; y < H1; y++) for (int x = 0; x < W1; x++) for (int dy = 0; dy < 3; dy++) for (int dx = 0; dx < 3; dx++) i1[n++] = (y + dy) * C + x + dx;
    idx1 = m.create(i1);
    long[] i2 = new long[H2 * W2 * 9];
    for (int y = 0, n = 0; y < H2; y++) for (int x = 0; x < W2; x++) for (int dy = 0; dy < 3; dy++) for (int dx = 0; dx < 3; dx++) i2[n++] = (2 * y + dy) * W1 + 2 * x + dx;
    idx2 = m.create(i2);
    h2Const = m.randomUniform(0, 1, new Shape(b, C2, H2, W2));
    Random rnd = new Random(1);
    byte[] codes = new byte[b * R * C];
    for (int i = 0; i < codes.length; i++) codes[i] = (byte) rnd.nextInt(4);
    NDArray cd = m.create(java.nio.ByteBuffer.wrap(codes), new Shape(b, R * C), DataType.UINT8);
    NDArray ft = m.randomUniform(0, 1, new Shape(b, F));

    if (mode.equals("check")) {
      JniUtils.setGradMode(true);
      NDArray gl = m.randomUniform(-1, 1, new Shape(b, A)), gv = m.randomUniform(-1, 1, new Shape(b));
      List<float[]> ref = run("today", cd, ft, gl, gv);
      for (String v : variants) {
        List<float[]> got = run(v, cd, ft, gl, gv);
        StringBuilder s = new StringBuilder(v + " B=" + b + ": max |diff| / max |today|:");
        double worst = 0;
        String[] names = {"logits", "values", "g.conv1.w", "g.conv1.b", "g.conv2.w", "g.conv2.b", "g.fc.w", "g.fc.b", "g.actor.w", "g.actor.b", "g.critic.w", "g.critic.b"};
        for (int k = 0; k < ref.size(); k++) {
          double d = 0, mx = 0;
          for (int i = 0; i < ref.get(k).length; i++) {
            d = Math.max(d, Math.abs(ref.get(k)[i] - got.get(k)[i]));
            mx = Math.max(mx, Math.abs(ref.get(k)[i]));
          }
          s.append(String.format(" %s %.2e", names[k], d / mx));
          worst = Math.max(worst, d / mx);
        }
        System.out.println(s + String.format("; worst %.2e", worst));
      }
      return;
    }

    if (mode.startsWith("prof")) { // prof-fwd or prof-bwd: PyTorch's profiler over REPS passes of each variant, after as many unrecorded
      for (String v : variants) {
        try {
          prof(v, cd, ft, reps, mode.equals("prof-bwd"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return;
    }
    if (mode.equals("cycle")) { // an iteration's shape: 128 rollout forwards of 112 samples on R threads, then REPS fwd+bwd of B on 2
      NDArray cdr = cd.get("0:112"), ftr = ft.get("0:112");
      for (int r = 0; r < rounds; r++) {
        for (int rolloutThreads : new int[] {2, 1}) {
          JniUtils.setNumThreads(rolloutThreads);
          JniUtils.setGradMode(false);
          long t0 = System.nanoTime();
          for (int k = 0; k < 128; k++) pass(variants[0], cdr, ftr, false);
          long t1 = System.nanoTime();
          JniUtils.setNumThreads(2);
          JniUtils.setGradMode(true);
          for (int k = 0; k < reps; k++) pass(variants[0], cd, ft, true);
          long t2 = System.nanoTime();
          System.out.printf(Locale.ROOT, "round %d, rollout on %d thread%s: rollout %.1f ms, update %.1f ms%n", r, rolloutThreads,
              rolloutThreads == 1 ? "" : "s", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
      }
      return;
    }
    boolean bwd = mode.equals("bwd");
    JniUtils.setGradMode(bwd);
    double[][] med = new double[variants.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int vi = 0; vi < variants.length; vi++) {
        long[] times = new long[reps];
        for (int k = 0; k < reps; k++) {
          long t0 = System.nanoTime();
          pass(variants[vi], cd, ft, bwd);
          times[k] = System.nanoTime() - t0;
        }
        long[] t = Arrays.copyOfRange(times, reps / 4, reps);
        Arrays.sort(t);
        med[vi][r] = t[t.length / 2] / 1e6;
      }
    }
    double base = 0;
    for (int vi = 0; vi < variants.length; vi++) {
      double[] s = med[vi].clone();
      Arrays.sort(s);
      double md = s[s.length / 2];
      if (vi == 0) base = md;
      StringBuilder sb = new StringBuilder();
      for (double x : med[vi]) sb.append(String.format(" %.2f", x));
      System.out.printf("%-7s B=%d %s threads=%d rounds:%s  median %.3f ms  ratio %s/%s %.2f%n", variants[vi], b, bwd ? "fwd+bwd" : "fwd", JniUtils.getNumThreads(), sb, md, variants[0], variants[vi], base / md);
    }
  }

  static void pass(String v, NDArray cd, NDArray ft, boolean bwd) {
    try (NDScope s = new NDScope()) {
      NDList out = forward(v, cd, ft);
      if (bwd) {
        NDArray loss = out.get(0).sum().add(out.get(1).sum());
        JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(new Shape()), false, false);
        for (NDArray q : p) q.getGradient().subi(q.getGradient());
      } else {
        out.get(0).sum().add(out.get(1).sum()).getFloat();
      }
    }
  }

  /** The top-level ops (not inside another op of the same thread) of REPS passes, by name and input shapes (bench/TorchOps.java's reading of the trace). */
  static void prof(String v, NDArray cd, NDArray ft, int reps, boolean bwd) throws java.io.IOException {
    JniUtils.setGradMode(bwd);
    for (int i = 0; i < reps; i++) pass(v, cd, ft, bwd);
    java.nio.file.Path trace = java.nio.file.Files.createTempFile("convforms", ".json");
    JniUtils.startProfile(false, true, false);
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) pass(v, cd, ft, bwd);
    double wall = (System.nanoTime() - t0) / 1e6 / reps;
    JniUtils.stopProfile(trace.toString());
    Map<String, double[]> byName = TorchOps.topLevelOps(trace);
    if (System.getProperty("convforms.keep") == null) java.nio.file.Files.delete(trace); else System.out.println("trace " + trace);
    double total = byName.values().stream().mapToDouble(s -> s[0]).sum();
    System.out.printf(Locale.ROOT, "%s B=%d %s: %.2f ms per pass (wall, profiled), top-level ops %.2f ms%n", v, cd.getShape().get(0), bwd ? "fwd+bwd" : "fwd", wall, total / 1e3 / reps);
    byName.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0])).limit(14).forEach(e -> System.out.printf(Locale.ROOT,
        "  %-100.100s %8.3f ms %4.0f calls%n", e.getKey(), e.getValue()[0] / 1e3 / reps, e.getValue()[1] / reps));
  }

  /** Forward and backward of sum(logits * gl) + sum(values * gv): logits, values and every gradient. */
  static List<float[]> run(String v, NDArray cd, NDArray ft, NDArray gl, NDArray gv) {
    List<float[]> out = new ArrayList<>();
    try (NDScope s = new NDScope()) {
      NDList o = forward(v, cd, ft);
      out.add(o.get(0).toFloatArray());
      out.add(o.get(1).toFloatArray());
      NDArray loss = o.get(0).mul(gl).sum().add(o.get(1).mul(gv).sum());
      JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(new Shape()), false, false);
      for (NDArray q : p) {
        out.add(q.getGradient().toFloatArray());
        q.getGradient().subi(q.getGradient());
      }
    }
    return out;
  }
}
