package org.harvestsed.train;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PlayerNet's two convolutions and their relus (docs/RULES.md section 9) computed on the host CPU
 * in Java's vector API, forward and backward, for a learner on the CPU (train.convolutions: host;
 * issue 27). The same function as the tensor form (PlayerNet's {@code torch} convolutions), in
 * another summation order: {@code HostConvolutionsTest} keeps the two within float rounding of each other,
 * values and gradients.
 *
 * <p>What makes it cheaper than the tensor form on this network:
 * <ul>
 * <li>The first layer's input is a one-hot of 4 codes, so its convolution is a sum of 9 rows of a
 *     table (the weights transposed to [code][tap][channel]) instead of 36 products per channel, and
 *     its weight gradient is 9 additions into that table per cell; no one-hot is materialised.
 * <li>Activations are channels-last (8 or 16 floats: one AVX register), the relus fused into the
 *     convolutions' stores and the backward's masks, and each sample's work stays in L1.
 * </ul>
 * Layouts (per sample): the first layer's output {@code act1} [H1][W1][8] after its relu; the second's
 * {@code act2} [16 * H2 * W2] after its relu, in PyTorch's NCHW flatten order (channel-major), which is
 * what the network's head reads. The weights as PyTorch holds them ([8,4,3,3], [8], [16,8,3,3], [16]).
 *
 * <p>Determinism: every sample's forward is computed alone (the same bits whatever the batch and the
 * threads). The weight gradients are sums over samples: each chunk of {@link #CHUNK} consecutive
 * samples is summed on one thread in sample order, and the chunks' partial sums are then added in
 * chunk order on the caller's thread, so the result does not depend on the number of threads or on
 * their scheduling (unlike PyTorch's, which depends on train.torch_threads).
 */
final class HostConvolutions implements AutoCloseable {
  /** Samples per unit of parallel work (and per partial sum of the weight gradients). */
  static final int CHUNK = 64;
  /**
   * The vectors: the CPU's preferred size up to 16 floats ({@code WIDE}, for the second layer's 16
   * channels and the patches), and up to 8 ({@code NARROW}, the first layer's 8 channels): 16 and 8 on
   * AVX-512, 8 and 8 on AVX2, 4 and 4 on 128-bit CPUs (and on a CPU without float vectors, where the
   * vector API runs its slow fallback). A vector larger than the CPU's would not compile to its
   * instructions (that fallback). Every lane computes the same
   * operations in the same order whatever the width, so the results do not depend on it
   * ({@code HostConvolutionsTest} runs 4, 8 and 16; the property {@code harvest.vector.lanes} sets a
   * smaller width for that test).
   */
  static final VectorSpecies<Float> WIDE = species(Integer.getInteger("harvest.vector.lanes", FloatVector.SPECIES_PREFERRED.length())),
      NARROW = WIDE.length() > 8 ? FloatVector.SPECIES_256 : WIDE;
  private static final int LW = WIDE.length(), LN = NARROW.length();

  /** The widest of 16, 8 and 4 floats that fits {@code lanes} (4 where fewer: the fallback). */
  private static VectorSpecies<Float> species(int lanes) {
    return lanes >= 16 ? FloatVector.SPECIES_512 : lanes >= 8 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
  }
  /** The network's widths (PlayerNet's): 4 codes in, 8 channels (one 8-float vector per cell), 16 (one 16-float vector or two 8s). */
  static final int CODES = 4, C1 = 8, C2 = 16, TAPS = 9, K = C1 * TAPS;
  /** Gradient partial per chunk: the first layer's table [code][tap][8], its bias, the second's [k][16] and its bias. */
  private static final int G_T1 = 0, G_B1 = CODES * TAPS * C1, G_W2 = G_B1 + C1, G_B2 = G_W2 + K * C2, G_SIZE = G_B2 + C2;

  final int rows, cols, h1, w1, h2, w2, cells, n1, positions, flat;
  /** [code][tap][channel]: w1[o][c][dy][dx] at (c * 9 + dy * 3 + dx) * 8 + o. */
  private final float[] t1 = new float[CODES * TAPS * C1], b1 = new float[C1];
  /** [k][o] and [o][k], k = (dy * 3 + dx) * 8 + c = tap * 8 + c (a patch row's 3 cells of 8 channels are contiguous). */
  private final float[] w2t = new float[K * C2], w2k = new float[C2 * K], b2 = new float[C2];
  private final ForkJoinPool pool;
  private byte[] codes = new byte[0];
  private float[] act1 = new float[0], act2 = new float[0], grad2 = new float[0];
  /** Per chunk: its scratch (a thread works on one chunk at a time; no allocation per call). */
  private Scratch[] scratch = new Scratch[0];
  private final float[] sum = new float[G_SIZE];
  private int batch;
  private long forwards;

  HostConvolutions(int rows, int cols, int threads) {
    if (rows < 5 || cols < 5) throw new IllegalArgumentException("the players' network needs a window of at least 5 x 5 cells, not " + rows + " x " + cols);
    this.rows = rows;
    this.cols = cols;
    h1 = rows - 2;
    w1 = cols - 2;
    h2 = (h1 - 3) / 2 + 1;
    w2 = (w1 - 3) / 2 + 1;
    cells = rows * cols;
    n1 = h1 * w1 * C1;
    positions = h2 * w2;
    flat = C2 * positions;
    pool = threads > 1 ? new ForkJoinPool(threads) : null;
  }

  /** Reads the layers' weights (PyTorch's layouts) into the host layouts; call before a forward whenever they may have changed. */
  void weights(FloatBuffer conv1w, FloatBuffer conv1b, FloatBuffer conv2w, FloatBuffer conv2b) {
    for (int o = 0; o < C1; o++)
      for (int c = 0; c < CODES; c++)
        for (int t = 0; t < TAPS; t++) t1[(c * TAPS + t) * C1 + o] = conv1w.get((o * CODES + c) * TAPS + t);
    conv1b.get(0, b1);
    for (int o = 0; o < C2; o++)
      for (int c = 0; c < C1; c++)
        for (int t = 0; t < TAPS; t++) {
          int k = t * C1 + c;
          float w = conv2w.get((o * C1 + c) * TAPS + t);
          w2t[k * C2 + o] = w;
          w2k[o * K + k] = w;
        }
    conv2b.get(0, b2);
  }

  /**
   * The second layer's relu'd output of {@code b} samples, written to {@code out} ([b, 16 * H2 * W2],
   * channel-major per sample). {@code in}: the codes, [b, rows * cols] bytes in 0..3 (a code outside
   * it is refused: the one-hot of the tensor form would make it a cell of zeros). The codes and the
   * first layer's output are kept for {@link #backward}.
   */
  void forward(ByteBuffer in, int b, FloatBuffer out) {
    if ((long) b * Math.max(n1, Math.max(cells, flat)) > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("a batch of " + b + " samples of " + rows + " x " + cols + " windows is more than the host convolutions hold in "
          + "Java arrays (2^31 floats per layer); use more train.num_minibatches, or train.convolutions: torch");
    }
    forwards++;
    batch = b;
    if (codes.length < b * cells) codes = new byte[b * cells];
    in.get(0, codes, 0, b * cells);
    for (int i = 0; i < b * cells; i++) {
      if ((codes[i] & 0xff) >= CODES) throw new IllegalArgumentException("observation code " + (codes[i] & 0xff) + " at cell " + i % cells
          + " of sample " + i / cells + ": the players' network takes codes 0.." + (CODES - 1));
    }
    if (act1.length < b * n1) act1 = new float[b * n1];
    if (act2.length < b * flat) act2 = new float[b * flat];
    grow(chunks(b));
    run(b, (from, to) -> {
      float[] pos = scratch[from / CHUNK].d2;
      for (int s = from; s < to; s++) forwardOne(s, pos);
    });
    out.put(0, act2, 0, b * flat);
  }

  /**
   * The gradients of the layers' weights from {@code g}, the gradient of the last {@link #forward}'s
   * output ([b, 16 * H2 * W2]), written in PyTorch's layouts (shapes as the weights).
   */
  void backward(FloatBuffer g, FloatBuffer conv1w, FloatBuffer conv1b, FloatBuffer conv2w, FloatBuffer conv2b) {
    int b = batch, chunks = chunks(b);
    if (grad2.length < b * flat) grad2 = new float[b * flat];
    g.get(0, grad2, 0, b * flat);
    grow(chunks);
    run(b, (from, to) -> {
      Scratch w = scratch[from / CHUNK];
      Arrays.fill(w.partial, 0f);
      for (int s = from; s < to; s++) backwardOne(s, w.partial, w.d2, w.dh1, w.patch);
    });
    float[] sum = this.sum;
    Arrays.fill(sum, 0f);
    for (int i = 0; i < chunks; i++) {
      float[] p = scratch[i].partial;
      for (int j = 0; j < G_SIZE; j++) sum[j] += p[j];
    }
    for (int o = 0; o < C1; o++)
      for (int c = 0; c < CODES; c++)
        for (int t = 0; t < TAPS; t++) conv1w.put((o * CODES + c) * TAPS + t, sum[G_T1 + (c * TAPS + t) * C1 + o]);
    conv1b.put(0, sum, G_B1, C1);
    for (int o = 0; o < C2; o++)
      for (int c = 0; c < C1; c++)
        for (int t = 0; t < TAPS; t++) conv2w.put((o * C1 + c) * TAPS + t, sum[G_W2 + (t * C1 + c) * C2 + o]);
    conv2b.put(0, sum, G_B2, C2);
  }

  /** One chunk's working memory and its partial sum of the weight gradients. */
  private final class Scratch {
    final float[] partial = new float[G_SIZE], d2 = new float[positions * C2], dh1 = new float[Math.max(n1, flat)], patch = new float[positions * K];
  }

  private void grow(int chunks) {
    if (scratch.length >= chunks) return;
    Scratch[] s = Arrays.copyOf(scratch, chunks);
    for (int i = scratch.length; i < chunks; i++) s[i] = new Scratch();
    scratch = s;
  }

  /** Forwards so far: {@link #backward} follows the last one. */
  long forwards() {
    return forwards;
  }

  private interface Range {
    void run(int from, int to);
  }

  /** Samples 0..b-1 in chunks of CHUNK: on the caller's thread for small batches, else on the pool. */
  private void run(int b, Range r) {
    int chunks = chunks(b);
    if (pool == null || b <= OmpThreads.ONE_THREAD_BATCH) { // as the rollout's PyTorch ops
      for (int i = 0; i < chunks; i++) r.run(i * CHUNK, Math.min(b, (i + 1) * CHUNK));
    } else {
      pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(i -> r.run(i * CHUNK, Math.min(b, (i + 1) * CHUNK)))).join();
    }
  }

  private static int chunks(int b) {
    return (b + CHUNK - 1) / CHUNK;
  }

  /** Where patch row dy of output position p starts in a sample's first-layer output. */
  private int patchRow(int p, int dy) {
    return ((2 * (p / w2) + dy) * w1 + 2 * (p % w2)) * C1;
  }

  private void forwardOne(int s, float[] pos) {
    int cb = s * cells, hb = s * n1;
    byte[] cs = codes;
    for (int y = 0; y < h1; y++) {
      for (int x = 0; x < w1; x++) {
        int r = cb + y * cols + x, at = hb + (y * w1 + x) * C1;
        for (int c0 = 0; c0 < C1; c0 += LN) {
          // the 9 taps summed as three rows of three, the rows then added: short dependency chains
          FloatVector r0 = row(cs, r, 0, c0), r1 = row(cs, r + cols, 3, c0), r2 = row(cs, r + 2 * cols, 6, c0);
          r0.add(r1).add(r2).add(FloatVector.fromArray(NARROW, b1, c0)).max(0f).intoArray(act1, at + c0);
        }
      }
    }
    int p = 0;
    for (; p + 4 <= positions; p += 4) { // four positions at once: four independent accumulators
      for (int o0 = 0; o0 < C2; o0 += LW) {
        FloatVector bias = FloatVector.fromArray(WIDE, b2, o0), a0 = bias, a1 = bias, a2 = bias, a3 = bias;
        for (int dy = 0; dy < 3; dy++) {
          int s0 = hb + patchRow(p, dy), s1 = hb + patchRow(p + 1, dy), s2 = hb + patchRow(p + 2, dy), s3 = hb + patchRow(p + 3, dy);
          for (int j = 0; j < 3 * C1; j++) {
            FloatVector w = FloatVector.fromArray(WIDE, w2t, (dy * 3 * C1 + j) * C2 + o0);
            a0 = w.fma(FloatVector.broadcast(WIDE, act1[s0 + j]), a0);
            a1 = w.fma(FloatVector.broadcast(WIDE, act1[s1 + j]), a1);
            a2 = w.fma(FloatVector.broadcast(WIDE, act1[s2 + j]), a2);
            a3 = w.fma(FloatVector.broadcast(WIDE, act1[s3 + j]), a3);
          }
        }
        a0.max(0f).intoArray(pos, p * C2 + o0);
        a1.max(0f).intoArray(pos, (p + 1) * C2 + o0);
        a2.max(0f).intoArray(pos, (p + 2) * C2 + o0);
        a3.max(0f).intoArray(pos, (p + 3) * C2 + o0);
      }
    }
    for (; p < positions; p++) {
      for (int o0 = 0; o0 < C2; o0 += LW) {
        FloatVector a = FloatVector.fromArray(WIDE, b2, o0);
        for (int dy = 0; dy < 3; dy++) {
          int s0 = hb + patchRow(p, dy);
          for (int j = 0; j < 3 * C1; j++) a = FloatVector.fromArray(WIDE, w2t, (dy * 3 * C1 + j) * C2 + o0).fma(FloatVector.broadcast(WIDE, act1[s0 + j]), a);
        }
        a.max(0f).intoArray(pos, p * C2 + o0);
      }
    }
    int ob = s * flat;
    for (int q = 0; q < positions; q++)
      for (int o = 0; o < C2; o++) act2[ob + o * positions + q] = pos[q * C2 + o];
  }

  /** Taps t0..t0+2 of one window row, channels c0..: three rows of the first layer's table, by the codes at r..r+2. */
  private FloatVector row(byte[] cs, int r, int t0, int c0) {
    return FloatVector.fromArray(NARROW, t1, (cs[r] * TAPS + t0) * C1 + c0)
        .add(FloatVector.fromArray(NARROW, t1, (cs[r + 1] * TAPS + t0 + 1) * C1 + c0))
        .add(FloatVector.fromArray(NARROW, t1, (cs[r + 2] * TAPS + t0 + 2) * C1 + c0));
  }

  private void backwardOne(int s, float[] acc, float[] d2, float[] dh1, float[] patch) {
    int hb = s * n1, cb = s * cells, ob = s * flat;
    // the second relu's mask on the output's gradient (a vector at a time: no branch per value; the
    // output is a multiple of 16 long), then transposed to [position][channel]
    for (int i = 0; i < flat; i += LW) {
      FloatVector.fromArray(WIDE, grad2, ob + i).blend(0f, FloatVector.fromArray(WIDE, act2, ob + i).compare(VectorOperators.LE, 0f)).intoArray(dh1, i);
    }
    for (int o = 0; o < C2; o++)
      for (int q = 0; q < positions; q++) d2[q * C2 + o] = dh1[o * positions + q];
    for (int o0 = 0; o0 < C2; o0 += LW) {
      FloatVector db2 = FloatVector.fromArray(WIDE, acc, G_B2 + o0);
      for (int q = 0; q < positions; q++) db2 = db2.add(FloatVector.fromArray(WIDE, d2, q * C2 + o0));
      db2.intoArray(acc, G_B2 + o0);
    }
    for (int q = 0; q < positions; q++)
      for (int dy = 0; dy < 3; dy++) System.arraycopy(act1, hb + patchRow(q, dy), patch, q * K + dy * 3 * C1, 3 * C1);
    // the second layer's weight gradient: [k][o] += sum over positions of patch[q][k] * d2[q][o], four k at a time
    for (int k = 0; k < K; k += 4) {
      for (int o0 = 0; o0 < C2; o0 += LW) {
        FloatVector a0 = FloatVector.zero(WIDE), a1 = a0, a2 = a0, a3 = a0;
        for (int q = 0; q < positions; q++) {
          FloatVector d = FloatVector.fromArray(WIDE, d2, q * C2 + o0);
          int pk = q * K + k;
          a0 = d.fma(FloatVector.broadcast(WIDE, patch[pk]), a0);
          a1 = d.fma(FloatVector.broadcast(WIDE, patch[pk + 1]), a1);
          a2 = d.fma(FloatVector.broadcast(WIDE, patch[pk + 2]), a2);
          a3 = d.fma(FloatVector.broadcast(WIDE, patch[pk + 3]), a3);
        }
        int o = G_W2 + k * C2 + o0;
        FloatVector.fromArray(WIDE, acc, o).add(a0).intoArray(acc, o);
        FloatVector.fromArray(WIDE, acc, o + C2).add(a1).intoArray(acc, o + C2);
        FloatVector.fromArray(WIDE, acc, o + 2 * C2).add(a2).intoArray(acc, o + 2 * C2);
        FloatVector.fromArray(WIDE, acc, o + 3 * C2).add(a3).intoArray(acc, o + 3 * C2);
      }
    }
    // the first layer output's gradient: each position's patch gradient (K floats: [k] = sum over o of
    // d2[q][o] * w2[o][k], o in order) added into its cells
    Arrays.fill(dh1, 0f);
    for (int q = 0; q < positions; q++) {
      int pq = q * K, dq = q * C2; // the patch row is consumed: its gradient goes there
      int k = 0;
      for (; k + LW <= K; k += LW) {
        FloatVector a = FloatVector.zero(WIDE);
        for (int o = 0; o < C2; o++) a = FloatVector.fromArray(WIDE, w2k, o * K + k).fma(FloatVector.broadcast(WIDE, d2[dq + o]), a);
        a.intoArray(patch, pq + k);
      }
      for (; k < K; k += LN) { // K = 72: a tail of 8 after 16-lane vectors
        FloatVector a = FloatVector.zero(NARROW);
        for (int o = 0; o < C2; o++) a = FloatVector.fromArray(NARROW, w2k, o * K + k).fma(FloatVector.broadcast(NARROW, d2[dq + o]), a);
        a.intoArray(patch, pq + k);
      }
      for (int dy = 0; dy < 3; dy++) {
        int d = patchRow(q, dy), from = pq + dy * 3 * C1;
        for (int j = 0; j < 3 * C1; j += LN) {
          FloatVector.fromArray(NARROW, dh1, d + j).add(FloatVector.fromArray(NARROW, patch, from + j)).intoArray(dh1, d + j);
        }
      }
    }
    // the first relu's mask; its bias gradient; its weight gradient: each cell's gradient added to the table rows its codes chose
    byte[] cs = codes;
    for (int c0 = 0; c0 < C1; c0 += LN) {
      FloatVector db1 = FloatVector.fromArray(NARROW, acc, G_B1 + c0);
      for (int y = 0; y < h1; y++) {
        for (int x = 0; x < w1; x++) {
          int q = (y * w1 + x) * C1 + c0;
          FloatVector d = FloatVector.fromArray(NARROW, dh1, q).blend(0f, FloatVector.fromArray(NARROW, act1, hb + q).compare(VectorOperators.LE, 0f));
          db1 = db1.add(d);
          for (int dy = 0; dy < 3; dy++) {
            int r = cb + (y + dy) * cols + x;
            for (int dx = 0; dx < 3; dx++) {
              int t = G_T1 + (cs[r + dx] * TAPS + dy * 3 + dx) * C1 + c0;
              d.add(FloatVector.fromArray(NARROW, acc, t)).intoArray(acc, t);
            }
          }
        }
      }
      db1.intoArray(acc, G_B1 + c0);
    }
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }
}
