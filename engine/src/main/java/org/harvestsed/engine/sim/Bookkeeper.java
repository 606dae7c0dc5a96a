package org.harvestsed.engine.sim;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.rng.Rng;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * Host-side bookkeeping of periods and rounds (GAME.md section 7) shared by every backend: it
 * reads the exact integer round totals and the state buffers, and writes eta, the principal's
 * reward and the round metrics. Per env, so backends may call it from env-parallel workers, each
 * with its own {@link Scratch}. Allocation-free.
 */
public final class Bookkeeper {
  /** Per-worker scratch arrays. */
  public static final class Scratch {
    final int[] ints;
    final float[] floatsA;
    final float[] floatsB;
    final float[] floatsC;
    final boolean[] componentAlive;

    public Scratch(Layout l) {
      ints = new int[l.players];
      floatsA = new float[l.players];
      floatsB = new float[l.players];
      floatsC = new float[l.players];
      componentAlive = new boolean[Math.max(1, l.components)];
    }
  }

  /** Fields of {@link #metrics}, per env, followed by B rate means. */
  static final int PRODUCTIVITY = 0, EQUALITY = 1, EQ_X_PROD = 2, OBJECTIVE = 3, ETA = 4, REVENUE = 5,
      APPLES_LEFT = 6, LOST = 7, RATES = 8;

  private final EnvSpec spec;
  private final Layout layout;
  private final int n, brackets, stride;
  private final IntBuffer roundApples;
  private final FloatBuffer sigma, eta, rates, revenue, principalReward;
  private final ByteBuffer grid;
  private final double[] objectivePrev;
  private final double[] rateSum;
  private final double[] metrics;
  private long seed;
  private volatile int completedRounds;

  public Bookkeeper(EnvState s) {
    this.layout = s.layout;
    this.spec = layout.spec;
    this.n = layout.players;
    this.brackets = spec.brackets();
    this.stride = RATES + brackets;
    roundApples = s.ints(Buf.ROUND_APPLES);
    sigma = s.floats(Buf.SIGMA);
    eta = s.floats(Buf.ETA);
    rates = s.floats(Buf.RATES);
    revenue = s.floats(Buf.REVENUE);
    principalReward = s.floats(Buf.PRINCIPAL_REWARD);
    grid = s.bytes(Buf.GRID);
    objectivePrev = new double[s.envs];
    rateSum = new double[s.envs * brackets];
    metrics = new double[s.envs * stride];
  }

  public void setSeed(long seed) {
    this.seed = seed;
    this.completedRounds = 0;
  }

  /** Rounds completed since reset(seed) (the same for every env: envs run in lockstep). */
  public int completedRounds() {
    return completedRounds;
  }

  /** At a round start ({@code round} since reset): votes eta, clears the round's accumulators. */
  public void startRound(int e, int round, Scratch sc) {
    for (int i = 0; i < n; i++) {
      sc.floatsA[i] = sigma.get(e * n + i);
      sc.floatsB[i] = spec.socialChoice() == SocialChoice.MAJORITY
          ? Philox.uniform(Rng.bits(seed, e, round, Purpose.VOTE, 0, i, 0)) : 0f;
      roundApples.put(e * n + i, 0);
      sc.ints[i] = 0;
    }
    float et = Welfare.eta(spec.socialChoice(), sc.floatsA, sc.floatsB, n, sc.floatsC);
    eta.put(e, et);
    revenue.put(e, 0f);
    for (int b = 0; b < brackets; b++) rateSum[e * brackets + b] = 0;
    objectivePrev[e] = Welfare.objective(spec.objective(), et, sc.ints, n);
  }

  /** At a period start, after the new rates took effect. */
  public void periodStart(int e) {
    for (int b = 0; b < brackets; b++) rateSum[e * brackets + b] += rates.get(e * brackets + b);
  }

  /** At a period's last step, after the incomes were added: the principal's reward. */
  public void periodEnd(int e, Scratch sc) {
    double now = objectiveNow(e, sc);
    principalReward.put(e, (float) (now - objectivePrev[e]));
    objectivePrev[e] = now;
  }

  private double objectiveNow(int e, Scratch sc) {
    for (int i = 0; i < n; i++) sc.ints[i] = roundApples.get(e * n + i);
    return Welfare.objective(spec.objective(), eta.get(e), sc.ints, n);
  }

  /** At a round's last step (after periodEnd): records the metrics, then starts the next round. */
  public void roundEnd(int e, int nextRound, Scratch sc) {
    int m = e * stride;
    for (int i = 0; i < n; i++) sc.ints[i] = roundApples.get(e * n + i);
    long prod = Welfare.sum(sc.ints, n);
    metrics[m + OBJECTIVE] = Welfare.objective(spec.objective(), eta.get(e), sc.ints, n);
    for (int i = 0; i < n; i++) sc.ints[i] = roundApples.get(e * n + i);
    double equality = Welfare.equalityInPlace(sc.ints, n);
    metrics[m + PRODUCTIVITY] = prod;
    metrics[m + EQUALITY] = equality;
    metrics[m + EQ_X_PROD] = equality * prod;
    metrics[m + ETA] = eta.get(e);
    metrics[m + REVENUE] = revenue.get(e);
    int left = 0;
    java.util.Arrays.fill(sc.componentAlive, false);
    int g = e * layout.cells;
    for (int s = 0; s < layout.sites.length; s++) {
      if (grid.get(g + layout.sites[s]) == GameMap.APPLE) {
        left++;
        sc.componentAlive[layout.siteComponent[s]] = true;
      }
    }
    int lost = 0;
    for (int s = 0; s < layout.sites.length; s++) if (!sc.componentAlive[layout.siteComponent[s]]) lost++;
    metrics[m + APPLES_LEFT] = left;
    metrics[m + LOST] = lost;
    for (int b = 0; b < brackets; b++) metrics[m + RATES + b] = rateSum[e * brackets + b] / spec.roundPeriods();
    startRound(e, nextRound, sc);
    if (e == 0) completedRounds = nextRound;
  }

  /** The metrics of env e's last completed round (allocates; call at round ends, not per step). */
  public RoundMetrics lastRound(int e) {
    int m = e * stride;
    double[] r = new double[brackets];
    System.arraycopy(metrics, m + RATES, r, 0, brackets);
    return new RoundMetrics(completedRounds - 1, metrics[m + PRODUCTIVITY], metrics[m + EQUALITY], metrics[m + EQ_X_PROD],
        metrics[m + OBJECTIVE], metrics[m + ETA], r, metrics[m + REVENUE], metrics[m + APPLES_LEFT], metrics[m + LOST]);
  }
}
