package org.harvestsed.principal;

import java.util.Arrays;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;

/**
 * A tax-setting principal: at each period start it picks one rate level per bracket for each env.
 * Baselines of GAME.md section 9 are parsed from a spec string:
 * {@code free_market} (all 0), {@code flat:x}, {@code fixed:a,b,c}. Rates must lie on the grid of
 * the spec's levels (multiples of 1/(L-1)), so what a baseline claims is exactly what it applies.
 */
public interface Principal {
  /** The levels for env {@code env} at the start of period {@code period} (of the episode). */
  int[] levels(int env, int period);

  String name();

  /**
   * Called after every period end with each env's pre-tax period incomes [env * n + i] and the
   * rates that were in force [env * B + b]; adaptive principals (saez) learn from it.
   */
  default void observePeriod(int[] incomes, float[] rates, int envs) {}

  /** After a step: if it ended a tax period, show the principal that period's incomes and rates. */
  static void afterStep(Principal p, org.harvestsed.engine.VecEnv env) {
    org.harvestsed.engine.state.EnvState s = env.state();
    if (!env.periodStartsNext()) return; // the step just taken did not end a period
    int[] incomes = new int[env.envs() * env.players()];
    s.ints(org.harvestsed.engine.state.Buf.PERIOD_END_INCOME).get(0, incomes);
    float[] rates = new float[env.envs() * env.spec().brackets()];
    s.floats(org.harvestsed.engine.state.Buf.RATES).get(0, rates);
    p.observePeriod(incomes, rates, env.envs());
  }

  static Principal parse(String text, EnvSpec spec) {
    String s = text.trim();
    int b = spec.brackets();
    if (s.equals("free_market")) return fixed("free_market", new int[b]);
    if (s.startsWith("flat:")) {
      int level = level(s.substring(5), spec, s);
      int[] levels = new int[b];
      Arrays.fill(levels, level);
      return fixed(s, levels);
    }
    if (s.startsWith("fixed:")) {
      String body = s.substring(6).replace("[", "").replace("]", "");
      String[] parts = body.split(",");
      if (parts.length != b) {
        throw new ConfigException("principal '" + s + "': " + parts.length + " rates given, the tax schedule has " + b
            + " brackets; give one rate per bracket, e.g. fixed:0,0.6,1");
      }
      int[] levels = new int[b];
      for (int k = 0; k < b; k++) levels[k] = level(parts[k], spec, s);
      return fixed(s, levels);
    }
    if (s.equals("saez")) return new SaezPrincipal(spec);
    throw new ConfigException("principal '" + s + "' is unknown; use free_market, flat:x (e.g. flat:0.3), fixed:a,b,c (e.g. fixed:0,0.6,1) or saez");
  }

  private static int level(String rate, EnvSpec spec, String whole) {
    double x;
    try {
      x = Double.parseDouble(rate.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("principal '" + whole + "': '" + rate.trim() + "' is not a number");
    }
    int steps = spec.rateLevels() - 1;
    if (!(x >= 0 && x <= 1)) throw new ConfigException("principal '" + whole + "': rate " + x + " is outside [0, 1]");
    long level = Math.round(x * steps);
    if (Math.abs(level - x * steps) > 1e-6) {
      throw new ConfigException("principal '" + whole + "': rate " + x + " is not one of the " + spec.rateLevels()
          + " levels (multiples of 1/" + steps + "); the nearest is " + (double) level / steps
          + ", or change env.tax.levels");
    }
    return (int) level;
  }

  private static Principal fixed(String name, int[] levels) {
    return new Principal() {
      @Override
      public int[] levels(int env, int period) {
        return levels;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
