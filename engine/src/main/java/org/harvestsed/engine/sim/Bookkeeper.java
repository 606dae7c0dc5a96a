package org.harvestsed.engine.sim;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.ObjectiveIncome;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * Host-side welfare bookkeeping shared by every backend (docs/RULES.md section 7). The step itself
 * (Java or kernel) keeps the exact integer round totals, votes eta, and at a round's last step
 * snapshots everything the round metrics need into the ROUND_END_* buffers. After a step that
 * ended a period, this class computes, per env and in double: the principal's reward (the
 * increase of the objective O over the period) and, at a round end, the round metrics.
 * Allocation-free per step; per env, so callers may run it from env-parallel workers.
 */
public final class Bookkeeper {
  /** Per-worker scratch. */
  public static final class Scratch {
    final int[] ints;
    final double[] reals;
    final java.nio.FloatBuffer taxes;

    public Scratch(Layout l) {
      ints = new int[l.players];
      reals = new double[l.players];
      taxes = java.nio.FloatBuffer.allocate(l.players);
    }
  }

  /** Fields of {@link #metrics}, per env, followed by B rate means. */
  static final int PRODUCTIVITY = 0, EQUALITY = 1, EQ_X_PROD = 2, OBJECTIVE = 3, ETA = 4, REVENUE = 5,
      APPLES_LEFT = 6, LOST = 7, RATES = 8;

  private final EnvSpec spec;
  private final int n, brackets, stride;
  private final IntBuffer roundApples, endApples, endLeft, endLost, tick, periodEndIncome;
  private final FloatBuffer eta, endEta, endRevenue, endRateSum, principalReward, rates;
  private final double[] objectivePrev;
  /** Post-tax objective only (else null): per env and player, the lumps of the round's ended periods. */
  private final double[] transfers;
  private final float[] cutoffs;
  private final double[] metrics;
  private volatile int completedRounds;
  /** Whether every principal reward is 0 (after a reset, or a launch within a period). */
  private boolean rewardsZero = true;

  public Bookkeeper(EnvState s) {
    this.spec = s.layout.spec;
    this.n = s.layout.players;
    this.brackets = spec.brackets();
    this.stride = RATES + brackets;
    roundApples = s.ints(Buf.ROUND_APPLES);
    endApples = s.ints(Buf.ROUND_END_APPLES);
    endLeft = s.ints(Buf.ROUND_END_LEFT);
    endLost = s.ints(Buf.ROUND_END_LOST);
    tick = s.ints(Buf.TICK);
    eta = s.floats(Buf.ETA);
    endEta = s.floats(Buf.ROUND_END_ETA);
    endRevenue = s.floats(Buf.ROUND_END_REVENUE);
    endRateSum = s.floats(Buf.ROUND_END_RATE_SUM);
    principalReward = s.floats(Buf.PRINCIPAL_REWARD);
    periodEndIncome = s.ints(Buf.PERIOD_END_INCOME);
    rates = s.floats(Buf.RATES);
    objectivePrev = new double[s.envs];
    cutoffs = spec.bracketCutoffs();
    transfers = spec.objectiveIncome() == ObjectiveIncome.POST_TAX ? new double[s.envs * n] : null;
    metrics = new double[s.envs * stride];
  }

  /** Rounds completed since reset (the same for every env: envs run in lockstep). */
  public int completedRounds() {
    return completedRounds;
  }

  /** After reset(seed) of env e: O of a round in which nothing was collected yet. */
  public void reset(int e, Scratch sc) {
    if (e == 0) {
      completedRounds = 0;
      rewardsZero = true;
    }
    principalReward.put(e, 0f);
    if (transfers != null) java.util.Arrays.fill(transfers, e * n, e * n + n, 0.0);
    objectivePrev[e] = emptyObjective(eta.get(e), sc);
  }

  private double emptyObjective(float et, Scratch sc) {
    java.util.Arrays.fill(sc.ints, 0);
    return Welfare.objective(spec.objective(), et, sc.ints, n);
  }

  /**
   * After a launch of one or more steps of every env, for accelerator backends (docs/DESIGN-transfers.md):
   * {@link #afterStep} for every env if the launch ended a tax period (callers end launches at a
   * period end at the latest); otherwise every principal reward is 0, which is what afterStep
   * would write, written only once after a period end. Reads only what a period end's snapshot
   * brings back.
   */
  public void afterLaunch(boolean periodEnded, Scratch sc) {
    if (periodEnded) {
      for (int e = 0, envs = objectivePrev.length; e < envs; e++) afterStep(e, sc);
      rewardsZero = false;
    } else if (!rewardsZero) {
      for (int e = 0, envs = objectivePrev.length; e < envs; e++) principalReward.put(e, 0f);
      rewardsZero = true;
    }
  }

  /** After every step of env e: the principal's reward at a period end (else 0), metrics at a round end. */
  public void afterStep(int e, Scratch sc) {
    int tk = tick.get(e); // already advanced: the step just taken was tk - 1
    if (tk % spec.taxPeriod() != 0) {
      principalReward.put(e, 0f);
      return;
    }
    boolean roundEnd = tk % spec.roundSteps() == 0;
    IntBuffer a = roundEnd ? endApples : roundApples;
    float et = roundEnd ? endEta.get(e) : eta.get(e);
    for (int i = 0; i < n; i++) sc.ints[i] = a.get(e * n + i);
    double now;
    if (transfers == null) {
      now = Welfare.objective(spec.objective(), et, sc.ints, n);
    } else {
      addLumps(e, sc);
      for (int i = 0; i < n; i++) sc.reals[i] = sc.ints[i] + transfers[e * n + i];
      now = Welfare.objective(spec.objective(), et, sc.reals, n);
      if (roundEnd) java.util.Arrays.fill(transfers, e * n, e * n + n, 0.0);
    }
    principalReward.put(e, (float) (now - objectivePrev[e]));
    if (!roundEnd) {
      objectivePrev[e] = now;
      return;
    }
    int m = e * stride;
    metrics[m + OBJECTIVE] = now;
    for (int i = 0; i < n; i++) sc.ints[i] = a.get(e * n + i);
    long prod = Welfare.sum(sc.ints, n);
    double equality = Welfare.equalityInPlace(sc.ints, n);
    metrics[m + PRODUCTIVITY] = prod;
    metrics[m + EQUALITY] = equality;
    metrics[m + EQ_X_PROD] = equality * prod;
    metrics[m + ETA] = et;
    metrics[m + REVENUE] = endRevenue.get(e);
    metrics[m + APPLES_LEFT] = endLeft.get(e);
    metrics[m + LOST] = endLost.get(e);
    for (int b = 0; b < brackets; b++) metrics[m + RATES + b] = (double) endRateSum.get(e * brackets + b) / spec.roundPeriods();
    objectivePrev[e] = emptyObjective(eta.get(e), sc);
    if (e == 0) completedRounds = tk / spec.roundSteps();
  }

  /**
   * Adds the lumps of the period env e just ended to its round's transfers, by the step's own
   * {@link Taxes#periodTaxes} from what a period end brings back (PERIOD_END_INCOME and the RATES in
   * force, which change only at the next period's start), so it equals the LUMP the step paid on every
   * backend.
   */
  private void addLumps(int e, Scratch sc) {
    int pb = e * n;
    float mean = Taxes.periodTaxes(periodEndIncome, pb, n, cutoffs, rates, e * brackets, sc.taxes, 0) / (float) n;
    for (int i = 0; i < n; i++) transfers[pb + i] += mean - sc.taxes.get(i);
  }

  /** Writes what the bookkeeping keeps outside the env buffers (a saved env state: VecEnv.saveState). */
  public void save(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeInt(completedRounds);
    out.writeBoolean(rewardsZero);
    for (double x : objectivePrev) out.writeDouble(x);
    for (double x : metrics) out.writeDouble(x);
    if (transfers != null) for (double x : transfers) out.writeDouble(x);
  }

  /** Reads what {@link #save} wrote, for the same number of envs and layout. */
  public void load(java.io.DataInputStream in) throws java.io.IOException {
    completedRounds = in.readInt();
    rewardsZero = in.readBoolean();
    for (int i = 0; i < objectivePrev.length; i++) objectivePrev[i] = in.readDouble();
    for (int i = 0; i < metrics.length; i++) metrics[i] = in.readDouble();
    if (transfers != null) for (int i = 0; i < transfers.length; i++) transfers[i] = in.readDouble();
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
