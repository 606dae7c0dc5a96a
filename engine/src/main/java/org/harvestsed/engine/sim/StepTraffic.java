package org.harvestsed.engine.sim;

import org.harvestsed.engine.state.Layout;

/**
 * The bytes one env-step of the step kernel reads and writes, counting every access of every
 * phase once ({@link PhaseAccesses}, in the per-env mapping; period, round and episode ends
 * amortised over their steps), divided by the players (the Java reference instead loads GRID once
 * per env-step into a heap copy and renders the windows from it, so it reads less of OCC and GRID):
 * a cache-oblivious count of the traffic the step generates, for the roofline of the scaling
 * study. Caches absorb much of it (windows of neighbours overlap; the grid of one env fits in
 * L1), so DRAM traffic is lower; the count is an upper bound on what memory must deliver.
 * Players acting at random (the action draw's writes included); zap's accesses where the spec has zap on.
 */
public final class StepTraffic {
  private StepTraffic() {}

  public static double bytesPerPlayerStep(Layout l) {
    double perEnv = 0;
    for (PhaseAccesses.Access a : PhaseAccesses.of(l)) {
      if (a.env() != null) perEnv += a.perStep(l.spec, 1) * a.buf().type.bytes;
    }
    return perEnv / l.players;
  }
}
