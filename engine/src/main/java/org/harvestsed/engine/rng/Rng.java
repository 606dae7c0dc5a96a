package org.harvestsed.engine.rng;

/**
 * The engine's addressed random streams. A draw is Philox4x32-10 with key = the 64-bit run seed
 * (low word k0, high word k1) and counter
 * <pre>
 *   c0 = index      (which draw within the purpose, e.g. player or apple-site block)
 *   c1 = tick       (the env's step counter since reset(seed), or a round index)
 *   c2 = env
 *   c3 = purpose.code | attempt << 8   (attempt: retry number for rejection sampling)
 * </pre>
 * Draws that need many values per step use all four output words: value {@code i} is word
 * {@code i & 3} of block {@code i >>> 2}.
 */
public final class Rng {
  private Rng() {}

  public static int k0(long seed) {
    return (int) seed;
  }

  public static int k1(long seed) {
    return (int) (seed >>> 32);
  }

  /** Word {@code word} of the block at (index, tick, env, purpose, attempt). */
  public static int bits(long seed, int env, int tick, Purpose p, int attempt, int index, int word) {
    return Philox.word(index, tick, env, p.code | (attempt << 8), k0(seed), k1(seed), word);
  }

  /** Value {@code i} of a stream that packs four values per block. */
  public static int packed(long seed, int env, int tick, Purpose p, int i) {
    return Philox.word(i >>> 2, tick, env, p.code, k0(seed), k1(seed), i & 3);
  }
}
