package org.harvestsed.principal;

import java.util.Arrays;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;

/**
 * A tax-setting principal: at each period start it picks one rate level per bracket for each env.
 * Baselines of docs/RULES.md section 10 are parsed from a spec string:
 * {@code free_market} (all 0), {@code flat:x}, {@code fixed:a,b,c}, {@code saez}, {@code random} (levels
 * drawn uniformly per env, bracket and period); {@code learned:RUN_DIR} is a trained principal. Every command runs a principal through one {@link PrincipalDriver}. Rates must lie on the grid of
 * the spec's levels (multiples of 1/(L-1)), so what a baseline claims is exactly what it applies.
 */
public interface Principal extends AutoCloseable {
  /** The levels for env {@code env} at the start of period {@code period} (of the episode). */
  int[] levels(int env, int period);

  String name();

  /**
   * Called after every period end with each env's pre-tax period incomes [env * n + i] and the
   * rates that were in force [env * B + b]; adaptive principals (saez) learn from it.
   */
  default void observePeriod(int[] incomes, float[] rates, int envs) {}

  /**
   * At a period start ({@link PrincipalDriver}): sets every env's levels for the period
   * {@code period} of the episode. Baselines set {@link #levels}; a learned principal acts on its
   * observation of each env.
   */
  default void act(VecEnv env, int period) {
    for (int e = 0; e < env.envs(); e++) env.setRates(e, levels(e, period));
  }

  /**
   * After a step that ended a tax period ({@link PrincipalDriver}): shows the principal that
   * period's pre-tax incomes and the rates that were in force.
   */
  default void periodEnded(VecEnv env) {
    EnvState s = env.state();
    int[] incomes = new int[env.envs() * env.players()];
    s.ints(Buf.PERIOD_END_INCOME).get(0, incomes);
    float[] rates = new float[env.envs() * env.spec().brackets()];
    s.floats(Buf.RATES).get(0, rates);
    observePeriod(incomes, rates, env.envs());
  }

  /** Releases what the principal holds (a learned principal's network); baselines hold nothing. */
  @Override
  default void close() {}

  /** A baseline from its spec; {@code learned:RUN_DIR} samples its actions with a generator seeded by 0. */
  static Principal parse(String text, EnvSpec spec) {
    return parse(text, spec, 0);
  }

  /**
   * A principal from its spec: a baseline, or {@code learned:RUN_DIR}, the principal of a
   * training run (its last checkpoint), sampling its actions with a generator seeded by {@code seed}.
   */
  static Principal parse(String text, EnvSpec spec, long seed) {
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
    if (s.equals("random")) return new RandomPrincipal(spec, seed);
    if (s.startsWith("learned:")) return LearnedPrincipals.provider().load(java.nio.file.Path.of(s.substring(8)), spec, seed);
    throw new ConfigException("principal '" + s + "' is unknown; use free_market, flat:x (e.g. flat:0.3), fixed:a,b,c (e.g. fixed:0,0.6,1), saez,"
        + " random or learned:RUN_DIR (the principal of a training run)");
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
