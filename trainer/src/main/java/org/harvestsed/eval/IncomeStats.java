package org.harvestsed.eval;

import java.util.List;
import org.harvestsed.engine.sim.Welfare;
import org.harvestsed.train.Evaluator;

/**
 * Does tax move behaviour? Per evaluated round, from every player's {@link Evaluator.Incomes}:
 * income inequality before and after tax (normalised Gini, 1 - equality of docs/RULES.md section
 * 7, per env, mean over envs), and pre-tax apples per period by trust (beta) tercile.
 */
public final class IncomeStats {
  private IncomeStats() {}

  /** Trust terciles: beta is U[0, 1) (docs/RULES.md section 5), cut at 1/3 and 2/3. */
  public static final int TERCILES = 3;

  /** Mean over envs and rounds of the normalised Gini of pre-tax ({@code postTax} false) or post-tax incomes. */
  public static double inequality(List<Evaluator.RoundResult> rounds, boolean postTax) {
    double sum = 0;
    int count = 0;
    for (Evaluator.RoundResult r : rounds) {
      Evaluator.Incomes in = r.incomes();
      double[] x = (postTax ? in.postTax() : in.preTax()).clone();
      for (int off = 0; off + in.players() <= x.length; off += in.players()) {
        sum += 1.0 - Welfare.equalityInPlace(x, off, in.players());
        count++;
      }
    }
    return sum / count;
  }

  /**
   * Pre-tax apples per tax period of the players in each trust tercile, over every env and round
   * (NaN for a tercile with no player).
   */
  public static double[] applesPerPeriodByTercile(List<Evaluator.RoundResult> rounds) {
    double[] sum = new double[TERCILES];
    int[] count = new int[TERCILES];
    for (Evaluator.RoundResult r : rounds) {
      Evaluator.Incomes in = r.incomes();
      for (int k = 0; k < in.preTax().length; k++) {
        int t = tercile(in.beta()[k]);
        sum[t] += in.preTax()[k] / in.periods();
        count[t]++;
      }
    }
    double[] out = new double[TERCILES];
    for (int t = 0; t < TERCILES; t++) out[t] = count[t] == 0 ? Double.NaN : sum[t] / count[t];
    return out;
  }

  static int tercile(float beta) {
    return beta < 1f / 3 ? 0 : beta < 2f / 3 ? 1 : 2;
  }
}
