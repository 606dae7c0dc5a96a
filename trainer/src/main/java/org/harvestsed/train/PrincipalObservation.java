package org.harvestsed.train;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;

/**
 * What the principal sees at a period start (docs/RULES.md section 4, plus what its objective depends
 * on), one row of {@link #size(EnvSpec)} floats per env, all read from the engine's buffers:
 * <pre>
 *   [0, n)        each player's pre-tax income of the last period / 10   (PERIOD_END_INCOME)
 *   n + 0, 1, 2   min, mean, max of the round-to-date apples A_i / 10     (ROUND_APPLES: the objective's terms)
 *   n + 3 ..      the rates in force, one per bracket                     (RATES)
 *   then          the cap, apples on the map / apple sites, eta, fraction of the round elapsed
 * </pre>
 * Incomes come from the engine's snapshot, so every command that runs a principal (training,
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
    int[] sites = s.layout.sites;
    ByteBuffer grid = s.bytes(Buf.GRID);
    int apples = 0;
    for (int site : sites) if (grid.get(e * s.layout.cells + site) == GameMap.APPLE) apples++;
    out[k++] = sites.length == 0 ? 0f : (float) apples / sites.length;
    out[k++] = s.floats(Buf.ETA).get(e);
    out[k] = (float) (s.ints(Buf.TICK).get(e) % spec.roundSteps()) / spec.roundSteps();
  }
}
