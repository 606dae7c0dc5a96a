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

  /**
   * A period end's taxes (docs/RULES.md section 6): tax_i = T(w_i) of the incomes {@code income[in ..
   * in + n)} under the rates at {@code rateOff}, written to {@code tax[out .. out + n)}; returns their
   * sum, taken in player order. The lumps are then sum / n - tax_i. The step (JavaBackend) and the
   * post-tax objective's bookkeeping both use it, so they agree bit for bit.
   */
  public static float periodTaxes(java.nio.IntBuffer income, int in, int n, float[] cutoffs, FloatBuffer rates, int rateOff,
      FloatBuffer tax, int out) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float ti = tax((float) income.get(in + i), cutoffs, rates, rateOff);
      tax.put(out + i, ti);
      sum = sum + ti;
    }
    return sum;
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
