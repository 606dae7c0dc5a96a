package org.harvestsed.engine.sim;

import java.nio.FloatBuffer;

/**
 * Marginal bracket tax (docs/RULES.md section 6), in float with one fixed order of operations that the
 * kernels repeat: {@code T = 0; for b: T = T + phi_b * amount_b}, where amount_b is the part of
 * w inside bracket b = (tau_b, tau_{b+1}] (the last bracket is open).
 */
public final class Taxes {
  private Taxes() {}

  /** T(w) with cutoffs tau (tau_0 = 0) and rates read from {@code rates} at {@code off}. */
  public static float tax(float w, float[] cutoffs, FloatBuffer rates, int off) {
    float t = 0f;
    int last = cutoffs.length - 1;
    for (int b = 0; b <= last; b++) {
      t = t + rates.get(off + b) * amountIn(w, cutoffs, b);
    }
    return t;
  }

  /** T(w) with rates in an array (tools and tests). */
  public static float tax(float w, float[] cutoffs, float[] rates) {
    return tax(w, cutoffs, FloatBuffer.wrap(rates), 0);
  }

  /** The part of income w inside bracket b. */
  static float amountIn(float w, float[] cutoffs, int b) {
    float lo = cutoffs[b];
    if (b == cutoffs.length - 1) return w > lo ? w - lo : 0f;
    float hi = cutoffs[b + 1];
    if (w > hi) return hi - lo;
    return w > lo ? w - lo : 0f;
  }
}
