package org.harvestsed.train;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.principal.PrincipalDriver;

/**
 * Evaluation without learning, from a fresh reset: players act through their {@link
 * PlayerPolicy} (sampling with the uniforms of {@code draws}, the EVAL stream keyed by the
 * evaluation's seed, tick = step since the reset: every principal evaluated on a seed meets the
 * same draws), or uniformly at random when the policy is null; a principal, if any, through its
 * {@link PrincipalDriver}.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * One evaluated round: metrics (mean over envs), the rates of each period in env 0, env 0's
   * players, and every player's incomes over the round ({@link Incomes}).
   */
  public record RoundResult(RoundMetrics metrics, List<float[]> ratesPerPeriod, int[] apples, float[] sigma, float[] beta,
      Incomes incomes, double firstCollapseStep) {}

  /**
   * Every player's incomes over one round, [env * n + i]: pre-tax (apples collected, A_i) and
   * post-tax (A_i plus the lump at each period's end, lump_i = mean tax - tax_i, docs/RULES.md
   * section 6), with the players' trust beta; {@code periods} tax periods per round.
   */
  public record Incomes(int players, int periods, double[] preTax, double[] postTax, float[] beta) {}

  /** Apples per player-step of each env over {@code steps} steps after {@code reset}: [envs]. */
  static double[] applesPerStep(VecEnv env, PlayerPolicy policy, Draws draws, int steps, Runnable reset) {
    reset.run();
    int n = env.players();
    double[] apples = new double[env.envs()];
    IntBuffer eaten = env.state().ints(Buf.EATEN);
    for (int t = 0; t < steps; t++) {
      step(env, policy, draws, t);
      for (int k = 0; k < env.envs() * n; k++) apples[k / n] += eaten.get(k);
    }
    for (int e = 0; e < apples.length; e++) apples[e] /= (double) steps * n;
    return apples;
  }

  /** Plays one voting round after {@code reset} (the env's, and the caller's own state), at cap 1. */
  static RoundResult round(VecEnv env, PlayerPolicy policy, Draws draws, PrincipalDriver driver, Runnable reset) {
    reset.run();
    env.setCap(1f);
    int n = env.players(), b = env.spec().brackets();
    List<float[]> rates = new ArrayList<>();
    int[] apples = new int[n];
    IntBuffer eaten = env.state().ints(Buf.EATEN);
    java.nio.FloatBuffer lump = env.state().floats(Buf.LUMP);
    int all = env.envs() * n;
    double[] pre = new double[all], post = new double[all];
    int[] collapse = new int[env.envs()];
    java.util.Arrays.fill(collapse, -1);
    for (int t = 0; t < env.spec().roundSteps(); t++) {
      if (driver != null && env.periodStartsNext()) {
        driver.beforeStep(env);
        float[] r = new float[b];
        for (int k = 0; k < b; k++) r[k] = env.spec().rateOfLevel(env.state().ints(Buf.PENDING_LEVELS).get(k));
        rates.add(r);
      }
      step(env, policy, draws, t);
      for (int i = 0; i < n; i++) apples[i] += eaten.get(i);
      for (int k = 0; k < all; k++) {
        pre[k] += eaten.get(k);
        post[k] += eaten.get(k) + lump.get(k); // LUMP = mean tax - own tax: the net transfer
      }
      if (driver != null) driver.afterStep(env);
      firstCollapse(env, collapse, t + 1);
    }
    if (!env.roundEnded()) throw new IllegalStateException("an evaluated round did not end after " + env.spec().roundSteps() + " steps");
    float[] sg = new float[n], bt = new float[n];
    env.state().floats(Buf.SIGMA).get(0, sg);
    env.state().floats(Buf.BETA).get(0, bt);
    float[] betas = new float[all];
    env.state().floats(Buf.BETA).get(0, betas);
    int periods = env.spec().roundPeriods();
    double collapseSum = 0;
    for (int c : collapse) collapseSum += c < 0 ? env.spec().roundSteps() : c;
    return new RoundResult(RoundMetrics.mean(env.lastRoundMetrics()), rates, apples, sg, bt, new Incomes(n, periods, pre, post, betas),
        collapseSum / env.envs());
  }

  /**
   * The first collapse (issue 24): for each env whose patches all still hold an apple, whether one
   * patch (a connected component of apple sites, docs/RULES.md section 7) holds none after step
   * {@code t}: then {@code collapse[e] = t}, the step at which a patch died (it can never regrow). An
   * env where none died keeps -1 and counts as the round's length (censored).
   */
  static void firstCollapse(VecEnv env, int[] collapse, int t) {
    org.harvestsed.engine.state.Layout l = env.state().layout;
    java.nio.ByteBuffer grid = env.state().bytes(Buf.GRID);
    for (int e = 0; e < collapse.length; e++) {
      if (collapse[e] >= 0) continue;
      int g = e * l.cells;
      for (int c = 0; c < l.components && collapse[e] < 0; c++) {
        if (l.applesInPatch(grid, g, c) == 0) collapse[e] = t;
      }
    }
  }

  private static void step(VecEnv env, PlayerPolicy policy, Draws draws, int t) {
    if (policy == null) {
      env.stepRandom();
    } else {
      policy.act(draws, t); // the action ids are in the env's action buffer
      env.step();
    }
  }
}
