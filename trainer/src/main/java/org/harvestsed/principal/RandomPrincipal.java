package org.harvestsed.principal;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.state.Buf;

/**
 * Principal spec {@code random}: at each period start every env draws each bracket's level
 * uniformly from the L levels, from the RANDOM_RATES stream of its seed at tick = the env's period
 * since reset (TICK / tax period), value env x brackets + bracket (docs/RULES.md section 8). The
 * players' phase-1 exposure to rates ({@code train.phase1_rates: random}) is this principal.
 */
public final class RandomPrincipal implements Principal {
  private final Draws draws;
  private final int brackets, levels, period;
  private int[] chosen = new int[0];
  private final int[] one;

  public RandomPrincipal(EnvSpec spec, long seed) {
    this.draws = new Draws(seed, Purpose.RANDOM_RATES);
    this.brackets = spec.brackets();
    this.levels = spec.rateLevels();
    this.period = spec.taxPeriod();
    this.one = new int[brackets];
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public int[] levels(int env, int p) {
    int[] out = new int[brackets];
    if (chosen.length > 0) System.arraycopy(chosen, env * brackets, out, 0, brackets);
    return out;
  }

  @Override
  public void act(VecEnv env, int p) {
    int envs = env.envs();
    if (chosen.length != envs * brackets) chosen = new int[envs * brackets];
    long tick = env.state().ints(Buf.TICK).get(0) / period; // envs run in lockstep
    for (int e = 0; e < envs; e++) {
      for (int b = 0; b < brackets; b++) {
        int i = e * brackets + b;
        chosen[i] = one[b] = Philox.below(draws.bits(tick, i), levels);
      }
      env.setRates(e, one);
    }
  }
}
