package org.harvestsed.engine.sim;

import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.state.Layout;

/**
 * The bytes one env-step of the step kernel reads and writes, counting every access of every
 * phase once, divided by the players (the Java reference instead loads GRID once per env-step into
 * a heap copy and renders the windows from it, so it reads less of OCC and GRID):
 * a cache-oblivious count of the traffic the step generates, for the roofline of the scaling
 * study. Caches absorb much of it (windows of neighbours overlap; the grid of one env fits in
 * L1), so DRAM traffic is lower; the count is an upper bound on what memory must deliver.
 * Players acting at random (the action draw's writes included); zap off unless the spec says on.
 */
public final class StepTraffic {
  private StepTraffic() {}

  public static double bytesPerPlayerStep(Layout l) {
    EnvSpec s = l.spec;
    double n = l.players, b = s.brackets(), v = s.obsCells(), f = s.scalars();
    double perEnv = 0;
    perEnv += 4 * n;                          // draw random actions: ACTIONS w
    perEnv += 20 * b / s.taxPeriod();         // period start: PENDING r, RATES r/w, RATE_SUM r/w, amortised
    perEnv += 16 * n;                         // turns: POS r, ACTIONS r, DIR r/w
    perEnv += 4 * n + 16 * n;                 // move order: ORDER init w, swaps r/w
    perEnv += 4 * n + 8 * n + 4 * n + 4 * n;  // moves: ORDER r, POS r/w, ACTIONS r, DIR r
    perEnv += n * (1 + 2 + 4);                //        target GRID r, OCC (short) r, OCC w x2
    perEnv += 4 * n + 2 * n + 4 * n;          // consumption: POS r, GRID r/w, EATEN w
    perEnv += l.sites.length * 3.0;           // regrowth: GRID r, SITE_APPLES r, apply pass GRID r (count updates on eat/grow: rare)
    perEnv += n * (8 + v * (2 + 1 + 1) + 4);  // windows: POS/DIR r, per cell OCC (short) r + GRID r + OBS w, NEARBY w
    perEnv += n * (4 + 16);                   // incomes: EATEN r, PERIOD_INCOME r/w, ROUND_APPLES r/w
    perEnv += n * 8;                          // TAX, LUMP w (zero or period-end values)
    perEnv += n * 12 * (1.0 / s.taxPeriod()); // taxes at period ends: PERIOD_INCOME r, TAX r again, amortised
    perEnv += n * (20 + 12);                  // rewards: EATEN, SIGMA, BETA, NEARBY, LUMP r; R_INT, R_EXT, REWARD w
    perEnv += n * (12 + 4 * f);               // scalars: SIGMA, BETA, PERIOD_INCOME r; F floats w
    perEnv += 24;                             // T, TICK r/w, DONE w, ETA r
    return perEnv / n;
  }
}
