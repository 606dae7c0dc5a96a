package org.harvestsed.engine.rng;

import java.nio.FloatBuffer;

/**
 * One addressed stream of draws outside the env's step: the learner's action sampling and
 * minibatch orders, the principal's sampling, evaluations (docs/RULES.md section 8, "Draws outside
 * the step"). Philox4x32-10 keyed by a 64-bit seed (the run's, or an evaluation's) with counter
 * <pre>
 *   c0 = block     (value i of a draw is word i &amp; 3 of block i &gt;&gt;&gt; 2)
 *   c1 = tick low 32 bits,  c2 = tick high 32 bits
 *   c3 = purpose.code
 * </pre>
 * A draw is a pure function of (seed, purpose, tick, i): nothing is carried from one draw to the
 * next, so a stream needs no state in a checkpoint beyond the tick its caller counts, and two
 * streams in one JVM never interleave. Not thread-safe (one scratch block); one per user.
 */
public final class Draws {
  private final int k0, k1, c3;
  private final int[] block = new int[4];

  public Draws(long seed, Purpose purpose) {
    this.k0 = Rng.k0(seed);
    this.k1 = Rng.k1(seed);
    this.c3 = purpose.code;
  }

  private void fill(int blockIndex, long tick) {
    Philox.block(blockIndex, (int) tick, (int) (tick >>> 32), c3, k0, k1, block);
  }

  /** Word {@code i} of the draw at {@code tick}: block i >>> 2, word i &amp; 3. */
  public int bits(long tick, int i) {
    fill(i >>> 2, tick);
    return block[i & 3];
  }

  /** Values 0..n-1 of the draw at {@code tick} as uniform floats in [0, 1) ({@link Philox#uniform}) into {@code out[off..off+n)}. */
  public void uniforms(long tick, float[] out, int off, int n) {
    for (int i = 0; i < n; i++) {
      if ((i & 3) == 0) fill(i >>> 2, tick);
      out[off + i] = Philox.uniform(block[i & 3]);
    }
  }

  /** Values 0..n-1 of the draw at {@code tick} as uniform floats into {@code out[0..n)} (absolute puts). */
  public void uniforms(long tick, FloatBuffer out, int n) {
    for (int i = 0; i < n; i++) {
      if ((i & 3) == 0) fill(i >>> 2, tick);
      out.put(i, Philox.uniform(block[i & 3]));
    }
  }

  /**
   * A uniformly random permutation of [0, out.length) from the draw at {@code tick}: Fisher-Yates
   * from the top, value j (j = 0, 1, ...) picks the partner of position i = n-1-j among [0, i]
   * ({@link Philox#below}).
   */
  public void permutation(long tick, long[] out) {
    int n = out.length;
    for (int i = 0; i < n; i++) out[i] = i;
    for (int j = 0, i = n - 1; i > 0; j++, i--) {
      if ((j & 3) == 0) fill(j >>> 2, tick);
      int p = Philox.below(block[j & 3], i + 1);
      long t = out[i];
      out[i] = out[p];
      out[p] = t;
    }
  }
}
