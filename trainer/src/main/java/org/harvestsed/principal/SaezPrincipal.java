package org.harvestsed.principal;

import java.util.Arrays;
import org.harvestsed.engine.config.EnvSpec;

/**
 * The {@code saez} baseline: at each period start every env gets the Saez rates ({@link Saez})
 * of the incomes observed over the last {@link #WINDOW} periods of all envs, with the elasticity
 * estimated from the same observations ({@link Elasticity}, smoothed; warm-up value 1 until 100
 * informative samples exist). Before any period was observed it sets no tax.
 */
public final class SaezPrincipal implements Principal {
  public static final int WINDOW = 10;
  private final EnvSpec spec;
  private final Elasticity elasticity = new Elasticity(0.1);
  private final double[][] window = new double[WINDOW][];
  private int periodsSeen;
  private int[] levels;

  public SaezPrincipal(EnvSpec spec) {
    this.spec = spec;
    this.levels = new int[spec.brackets()];
  }

  @Override
  public String name() {
    return "saez";
  }

  @Override
  public int[] levels(int env, int period) {
    return levels;
  }

  public double elasticity() {
    return elasticity.estimate();
  }

  @Override
  public void observePeriod(int[] incomes, float[] rates, int envs) {
    int n = spec.players();
    int b = spec.brackets();
    float[] cut = spec.bracketCutoffs();
    double[] z = new double[incomes.length];
    for (int k = 0; k < incomes.length; k++) {
      z[k] = incomes[k];
      int e = k / n;
      int bracket = 0;
      while (bracket + 1 < b && incomes[k] > cut[bracket + 1]) bracket++;
      elasticity.add(incomes[k], rates[e * b + bracket]);
    }
    window[periodsSeen % WINDOW] = z;
    periodsSeen++;
    double e = elasticity.update();
    int have = Math.min(periodsSeen, WINDOW);
    double[] all = new double[0];
    for (int p = 0; p < have; p++) {
      int from = all.length;
      all = Arrays.copyOf(all, from + window[p].length);
      System.arraycopy(window[p], 0, all, from, window[p].length);
    }
    levels = Saez.levels(Saez.rates(all, cut, e), spec.rateLevels());
  }
}
