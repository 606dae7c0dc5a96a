package org.harvestsed.engine.sim;

/**
 * Metrics of one voting round of one env (docs/RULES.md section 7), or their mean over envs.
 *
 * @param round        index of the round since reset(seed), 0-based
 * @param productivity sum_i A_i
 * @param equality     1 - Gini * n/(n-1)
 * @param eqXProd      equality x productivity
 * @param objective    the principal's objective O over the round
 * @param eta          eta voted for the round
 * @param rates        effective rate of each bracket, averaged over the round's periods
 * @param revenue      tax collected over the round
 * @param applesLeft   apples on the map at the round's end
 * @param lostPatches  apple sites that can no longer regrow (no apple left in their patch)
 */
public record RoundMetrics(int round, double productivity, double equality, double eqXProd, double objective,
    double eta, double[] rates, double revenue, double applesLeft, double lostPatches) {

  /** Field-by-field mean of the rounds given (all of the same round index). */
  public static RoundMetrics mean(RoundMetrics[] ms) {
    int n = ms.length;
    double[] rates = new double[ms[0].rates.length];
    double p = 0, eq = 0, ep = 0, o = 0, eta = 0, rev = 0, left = 0, lost = 0;
    for (RoundMetrics m : ms) {
      p += m.productivity;
      eq += m.equality;
      ep += m.eqXProd;
      o += m.objective;
      eta += m.eta;
      rev += m.revenue;
      left += m.applesLeft;
      lost += m.lostPatches;
      for (int b = 0; b < rates.length; b++) rates[b] += m.rates[b];
    }
    for (int b = 0; b < rates.length; b++) rates[b] /= n;
    return new RoundMetrics(ms[0].round, p / n, eq / n, ep / n, o / n, eta / n, rates, rev / n, left / n, lost / n);
  }
}
