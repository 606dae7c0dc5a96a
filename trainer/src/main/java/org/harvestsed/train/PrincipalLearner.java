package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The principal's PPO (docs/RULES.md section 9). It acts once per period per env ({@link
 * LearnedPrincipal}); each transition is (observation, levels, log-prob, value, reward of the
 * period, whether the period ended the round), stored by rows [row, env].
 *
 * <p>Contract (issue 14):
 * <ul>
 *   <li>A transition is complete when the next period start's observation is known: its bootstrap
 *       value is V(that observation), or 0 when the period ended the round (the objective starts
 *       over). {@link #beforeAct} completes it, so the last period of a batch bootstraps from the
 *       state that followed it, never from its own V(s_t).
 *   <li>The update runs in {@link #beforeAct}, before the principal acts, once {@code
 *       principal_batch} transitions are complete; a reward therefore always lands in the row of
 *       the action it rewards.
 *   <li>A transition whose period never ended (the env was reset mid-period) is dropped.
 *   <li>Rewards are divided by a running standard deviation of all rewards seen ({@link
 *       RunningMoments}), so the critic learns values of order 1 whatever the objective's units;
 *       no value clipping (its 0.2 would be in those units).
 * </ul>
 */
final class PrincipalLearner {
  private final PrincipalNet net;
  private final Adam opt;
  private final TrainConfig tc;
  private final NDManager manager;
  private final SplittableRandom rnd;
  private final int envs, inputs, brackets, levels, capacity;
  private final float[] obs, logp, value, reward, scaled, next, adv, ret;
  private final int[] act;
  private final boolean[] done;
  private final RunningMoments moments = new RunningMoments();
  private final UpdateLog log = new UpdateLog();
  private int rows;
  private boolean awaitingReward, awaitingNext;
  private float lr, ent;
  private long updates;
  /** Sees every batch just before its update (tests); null normally. */
  java.util.function.Consumer<BatchView> inspector;

  /** Copies of a batch as the update sees it: rows x envs transitions, index [row * envs + env]. */
  record BatchView(int rows, float[] obs, int[] levels, float[] reward, float[] value, float[] next, boolean[] done) {}

  PrincipalLearner(PrincipalNet net, Adam opt, TrainConfig tc, int envs, SplittableRandom rnd, NDManager manager) {
    this.net = net;
    this.opt = opt;
    this.tc = tc;
    this.manager = manager;
    this.rnd = rnd;
    this.envs = envs;
    this.inputs = net.inputs;
    this.brackets = net.brackets;
    this.levels = net.levels;
    this.capacity = (tc.principalBatch() + envs - 1) / envs;
    int size = capacity * envs;
    obs = new float[size * inputs];
    logp = new float[size];
    value = new float[size];
    reward = new float[size];
    scaled = new float[size];
    next = new float[size];
    adv = new float[size];
    ret = new float[size];
    act = new int[size * brackets];
    done = new boolean[size];
    lr = tc.principalLr();
    ent = tc.principalEntCoef();
  }

  /** The learning rate and entropy coefficient of the next updates. */
  void schedule(float lr, float ent) {
    this.lr = lr;
    this.ent = ent;
  }

  long updates() {
    return updates;
  }

  /** Statistics of the updates since the last call (null if none ran), and a fresh log. */
  UpdateLog.Summary drain() {
    return log.drain();
  }

  RunningMoments moments() {
    return moments;
  }

  /** At a period start, before acting on {@code obsNow} ([env, inputs]): completes the last transition, updates when the batch is full. */
  void beforeAct(float[] obsNow) {
    if (awaitingReward) dropLast();
    if (awaitingNext) {
      int base = (rows - 1) * envs;
      float[] v = criticValues(obsNow);
      for (int e = 0; e < envs; e++) next[base + e] = done[base + e] ? 0f : v[e];
      awaitingNext = false;
    }
    if (rows * envs >= tc.principalBatch()) update();
  }

  /** The action just taken in every env: observation [env, inputs], levels [env, brackets], log-prob and value [env]. */
  void record(float[] o, int[] levelsChosen, float[] lp, float[] v) {
    if (rows == capacity) throw new IllegalStateException("principal buffer full: beforeAct must run before record");
    int base = rows * envs;
    System.arraycopy(o, 0, obs, base * inputs, envs * inputs);
    System.arraycopy(levelsChosen, 0, act, base * brackets, envs * brackets);
    System.arraycopy(lp, 0, logp, base, envs);
    System.arraycopy(v, 0, value, base, envs);
    rows++;
    awaitingReward = true;
  }

  /** The period that followed the last action ended: its rewards [env], and whether it ended the round. */
  void reward(float[] r, boolean roundEnd) {
    if (!awaitingReward) return; // a period the principal did not act in (phase 1 ended mid-period)
    int base = (rows - 1) * envs;
    for (int e = 0; e < envs; e++) {
      reward[base + e] = r[e];
      done[base + e] = roundEnd;
      moments.add(r[e]);
    }
    awaitingReward = false;
    awaitingNext = true;
  }

  /** The envs were reset: a transition still waiting for its period's end or next state is dropped. */
  void discardPending() {
    if (awaitingReward || awaitingNext) dropLast();
  }

  private void dropLast() {
    rows--;
    awaitingReward = false;
    awaitingNext = false;
  }

  private float[] criticValues(float[] o) {
    float[] v = new float[envs];
    try (NDScope scope = new NDScope()) {
      PlayerPolicy.copy(net.forward(new NDList(manager.create(o, new Shape(envs, inputs)))).get(1), v);
    }
    return v;
  }

  /**
   * PPO on the complete transitions: GAE over each env's rows, then one update per chunk of about
   * {@code principal_batch} transitions (whole envs; several chunks when one period of many envs
   * already exceeds the batch, as at paper scale: 4096 envs and a batch of 512 give 8 updates per
   * period).
   */
  private void update() {
    int size = rows * envs;
    if (inspector != null) {
      inspector.accept(new BatchView(rows, java.util.Arrays.copyOf(obs, size * inputs), java.util.Arrays.copyOf(act, size * brackets),
          java.util.Arrays.copyOf(reward, size), java.util.Arrays.copyOf(value, size), java.util.Arrays.copyOf(next, size),
          java.util.Arrays.copyOf(done, size)));
    }
    float scale = (float) moments.std();
    for (int k = 0; k < size; k++) scaled[k] = reward[k] / scale;
    // value and next are in the scale's units of the update that computed them: one scale per batch
    Ppo.computeGae(scaled, value, next, done, rows, envs, tc.principalGamma(), tc.gaeLambda(), adv, ret);
    int perChunk = Math.max(1, tc.principalBatch() / rows); // envs per update
    int chunks = Math.max(1, envs / perChunk);
    for (int c = 0; c < chunks; c++) {
      int e0 = c * envs / chunks, e1 = (c + 1) * envs / chunks;
      update(chunk(e0, e1));
    }
    rows = 0;
  }

  /** Indices [row * envs + env] of envs [e0, e1), all rows. */
  private int[] chunk(int e0, int e1) {
    int[] idx = new int[rows * (e1 - e0)];
    int j = 0;
    for (int r = 0; r < rows; r++) for (int e = e0; e < e1; e++) idx[j++] = r * envs + e;
    return idx;
  }

  private void update(int[] idx) {
    int size = idx.length;
    float[] lp = PpoUpdate.pick(logp, idx), v = PpoUpdate.pick(value, idx), a = PpoUpdate.pick(adv, idx), rt = PpoUpdate.pick(ret, idx);
    double raw = 0;
    for (int k : idx) raw += reward[k];
    PpoUpdate.Batch batch = new PpoUpdate.ArrayBatch(size, lp, v, a, rt) {
      @Override
      public NDList inputs(NDManager mgr, int[] sel) {
        float[] x = new float[sel.length * inputs];
        for (int i = 0; i < sel.length; i++) System.arraycopy(obs, idx[sel[i]] * inputs, x, i * inputs, inputs);
        return new NDList(mgr.create(x, new Shape(sel.length, inputs)));
      }

      @Override
      public NDArray actions(NDManager mgr, int[] sel) {
        float[] oh = new float[sel.length * brackets * levels];
        for (int i = 0; i < sel.length; i++) {
          for (int b = 0; b < brackets; b++) oh[(i * brackets + b) * levels + act[idx[sel[i]] * brackets + b]] = 1f;
        }
        return mgr.create(oh, new Shape(sel.length, brackets, levels));
      }
    };
    PpoUpdate.Stats s = PpoUpdate.update(net, opt, batch, tc.principal(ent), lr, rnd, manager);
    log.add(s, Ppo.explainedVariance(v, rt), raw / size);
    updates++;
  }
}
