package org.harvestsed.principal;

/**
 * The Saez (2001) optimal marginal tax rate, per bracket, from observed incomes and an elasticity
 * estimate, as the AI Economist's Saez baseline uses it:
 * <pre>
 *   T'(z) = (1 - G(z)) / (1 - G(z) + a(z) e)
 * </pre>
 * at each bracket's lower cutoff z = tau_b, where
 * <ul>
 *   <li>G(z): the average social welfare weight of the incomes above z, relative to everyone's;
 *       weights g_i = 1 / (z_i + 1) (a utilitarian planner with log utility), so G &lt; 1 when
 *       the incomes above z are richer than average;</li>
 *   <li>a(z) = z_m / (z_m - z), z_m the mean income above z: the local Pareto parameter of the
 *       income distribution (Saez's identity for Pareto tails; 1 at z = 0);</li>
 *   <li>e: the elasticity of income with respect to the net-of-tax rate, {@link Elasticity}.</li>
 * </ul>
 * A bracket with no income above its cutoff keeps the previous bracket's rate (0 for the first).
 */
public final class Saez {
  private Saez() {}

  public static double[] rates(double[] incomes, float[] cutoffs, double elasticity) {
    double[] out = new double[cutoffs.length];
    int n = incomes.length;
    double meanWeight = 0;
    for (double z : incomes) meanWeight += 1.0 / (z + 1.0);
    meanWeight /= n;
    for (int b = 0; b < cutoffs.length; b++) {
      double tau = cutoffs[b];
      double sumZ = 0, sumW = 0;
      int above = 0;
      for (double z : incomes) {
        if (z > tau) {
          above++;
          sumZ += z;
          sumW += 1.0 / (z + 1.0);
        }
      }
      if (above == 0) {
        out[b] = b == 0 ? 0 : out[b - 1];
        continue;
      }
      double zm = sumZ / above;
      double g = (sumW / above) / meanWeight;
      double a = zm / (zm - tau);
      double rate = (1 - g) / (1 - g + a * elasticity);
      out[b] = Math.max(0, Math.min(1, rate));
    }
    return out;
  }

  /** The nearest of the L levels to each rate. */
  public static int[] levels(double[] rates, int levels) {
    int[] out = new int[rates.length];
    for (int b = 0; b < rates.length; b++) out[b] = (int) Math.round(rates[b] * (levels - 1));
    return out;
  }
}
