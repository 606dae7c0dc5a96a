package org.harvestsed.engine.rng;

/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11), as in the Random123 library. A pure function of a
 * 128-bit counter and a 64-bit key; no state, so any draw can be recomputed anywhere (the Java
 * reference and the OpenCL kernels compute the same bits).
 *
 * <p>The engine addresses every draw by (env, tick, purpose, index): see {@link Rng}.
 */
public final class Philox {
  private Philox() {}

  static final int M0 = 0xD2511F53;
  static final int M1 = 0xCD9E8D57;
  static final int W0 = 0x9E3779B9;
  static final int W1 = 0xBB67AE85;

  /** Returns output word {@code word} (0..3) of Philox4x32-10 for counter (c0..c3) and key (k0, k1); allocates, for tools and map building. */
  public static int word(int c0, int c1, int c2, int c3, int k0, int k1, int word) {
    return block(c0, c1, c2, c3, k0, k1)[word];
  }

  /** All four output words of the block into {@code out[0..3]} (no allocation). */
  public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int round = 0; round < 10; round++) {
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n1 = (int) p1;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int n3 = (int) p0;
      c0 = n0;
      c1 = n1;
      c2 = n2;
      c3 = n3;
      k0 += W0;
      k1 += W1;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /** All four output words, for tests and tools; allocates. */
  public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
    int[] out = new int[4];
    block(c0, c1, c2, c3, k0, k1, out);
    return out;
  }

  /** Uniform float in [0, 1): {@code (x >>> 8) * 2^-24}, exact in float, the same in OpenCL. */
  public static float uniform(int x) {
    return (x >>> 8) * 0x1.0p-24f;
  }

  /** Uniform integer in [0, n) by multiply-shift: {@code (x * n) >>> 32} (OpenCL: {@code mul_hi}). */
  public static int below(int x, int n) {
    return (int) (((x & 0xFFFFFFFFL) * n) >>> 32);
  }
}
