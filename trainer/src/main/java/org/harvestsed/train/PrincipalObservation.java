package org.harvestsed.train;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;

/**
 * What the principal sees at a period start (docs/RULES.md section 4, plus what its objective depends
 * on), one row of {@link #size(EnvSpec)} floats per env, all read from the engine's buffers:
 * <pre>
 *   [0, n)        each player's pre-tax income of the last period / 10   (PERIOD_END_INCOME)
 *   n + 0, 1, 2   min, mean, max of the round-to-date apples A_i / 10     (ROUND_APPLES: the objective's terms)
 *   n + 3 ..      the rates in force, one per bracket                     (RATES)
 *   then          the cap, apples on the map / apple sites (PERIOD_START_APPLES), eta, fraction of the round elapsed
 * </pre>
 * Everything is kept by the step itself (no scan of the grid here), so a backend whose device
 * keeps the state reads back only its period-end snapshot (docs/DESIGN-transfers.md). Incomes come
 * from the engine's snapshot, so every command that runs a principal (training,
 * evaluation, simulate) shows it the same numbers.
 */
public final class PrincipalObservation {
  private PrincipalObservation() {}

  public static int size(EnvSpec spec) {
    return spec.players() + 3 + spec.brackets() + 4;
  }

  /** Writes env {@code e}'s observation into {@code out[off, off + size)}. */
  public static void write(VecEnv env, int e, float[] out, int off) {
    EnvSpec spec = env.spec();
    EnvState s = env.state();
    int n = spec.players(), b = spec.brackets();
    IntBuffer income = s.ints(Buf.PERIOD_END_INCOME);
    IntBuffer round = s.ints(Buf.ROUND_APPLES);
    int k = off;
    for (int i = 0; i < n; i++) out[k++] = income.get(e * n + i) / 10f;
    int min = Integer.MAX_VALUE, max = 0;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int a = round.get(e * n + i);
      min = Math.min(min, a);
      max = Math.max(max, a);
      sum += a;
    }
    out[k++] = min / 10f;
    out[k++] = sum / (10f * n);
    out[k++] = max / 10f;
    FloatBuffer rates = s.floats(Buf.RATES);
    for (int j = 0; j < b; j++) out[k++] = rates.get(e * b + j);
    out[k++] = env.cap();
    int sites = s.layout.sites.length;
    out[k++] = sites == 0 ? 0f : (float) s.ints(Buf.PERIOD_START_APPLES).get(e) / sites;
    out[k++] = s.floats(Buf.ETA).get(e);
    out[k] = (float) (s.ints(Buf.TICK).get(e) % spec.roundSteps()) / spec.roundSteps();
  }
}
