package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.rng.Draws;

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
  private final HostCopies copies;
  private final int envs, inputs, brackets, capacity;
  private final float[] obs, logp, value, reward, scaled, next, ended, critic;
  private final int[] act;
  private final boolean[] done;
  private final RunningMoments moments = new RunningMoments();
  private final Draws shuffle;
  private final UpdateLog log = new UpdateLog();
  private int rows;
  private boolean awaitingReward, awaitingNext;
  private float lr, ent;
  private long updates;
  /** Wall time spent in {@link #update} since the last {@link #drainUpdateSeconds}, in ns. */
  private long updateNanos;
  /** Sees every batch just before its update (tests); null normally. */
  java.util.function.Consumer<BatchView> inspector;

  /** Copies of a batch as the update sees it: rows x envs transitions, index [row * envs + env]. */
  record BatchView(int rows, float[] obs, int[] levels, float[] reward, float[] value, float[] next, boolean[] done) {}

  /** {@code shuffle}: the minibatch orders (update u, epoch k: tick u x epochs + k). */
  PrincipalLearner(PrincipalNet net, Adam opt, TrainConfig tc, int envs, NDManager manager, HostCopies copies, Draws shuffle) {
    this.net = net;
    this.shuffle = shuffle;
    this.opt = opt;
    this.tc = tc;
    this.manager = manager;
    this.copies = copies;
    this.envs = envs;
    this.inputs = net.inputs;
    this.brackets = net.brackets;
    this.capacity = (tc.principalBatch() + envs - 1) / envs;
    int size = capacity * envs;
    obs = new float[size * inputs];
    logp = new float[size];
    value = new float[size];
    reward = new float[size];
    scaled = new float[size];
    next = new float[size];
    ended = new float[size];
    critic = new float[envs];
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

  /**
   * Seconds spent in the principal's PPO updates since the last call (they run inside the players'
   * rollout, at the period start that completes a batch), and a fresh count.
   */
  double drainUpdateSeconds() {
    double s = updateNanos / 1e9;
    updateNanos = 0;
    return s;
  }

  /** Statistics of the updates since the last call (null if none ran), and a fresh log. */
  UpdateLog.Summary drain() {
    return log.drain();
  }

  RunningMoments moments() {
    return moments;
  }

  /** Writes the update count and the transitions collected since the last update (a training checkpoint; the reward scale is saved apart). */
  void save(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(updates);
    out.writeInt(rows);
    out.writeBoolean(awaitingReward);
    out.writeBoolean(awaitingNext);
    for (float[] a : new float[][] {obs, logp, value, reward, next}) Checkpoint.writeFloats(out, a);
    Checkpoint.writeInts(out, act);
    for (boolean d : done) out.writeBoolean(d);
  }

  /** Reads what {@link #save} wrote, for the same config and number of envs. */
  void load(java.io.DataInputStream in) throws java.io.IOException {
    updates = in.readLong();
    rows = in.readInt();
    awaitingReward = in.readBoolean();
    awaitingNext = in.readBoolean();
    for (float[] a : new float[][] {obs, logp, value, reward, next}) Checkpoint.readFloats(in, a);
    int[] a = Checkpoint.readInts(in);
    if (a.length != act.length) throw new java.io.IOException("checkpoint holds " + a.length + " principal levels where " + act.length + " were expected (another config?)");
    System.arraycopy(a, 0, act, 0, a.length);
    for (int i = 0; i < done.length; i++) done[i] = in.readBoolean();
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

  /** V of the principal's observation [env, inputs] in every env (into a buffer reused per period). */
  private float[] criticValues(float[] o) {
    float[] v = critic;
    try (NDScope scope = new NDScope()) {
      NDArray x = manager.create(o, new Shape(envs, inputs));
      copies.in(x);
      PlayerPolicy.copy(net.forward(new NDList(x)).get(1), v);
      copies.out(4L * envs);
    }
    return v;
  }

  /**
   * PPO on the complete transitions: GAE over each env's rows, then one update per chunk of about
   * {@code principal_batch} transitions (whole envs; several chunks when one period of many envs
   * already exceeds the batch, as at paper scale: 4096 envs and a batch of 512 give 8 updates per
   * period). The transitions go to the learner's device once per update.
   */
  private void update() {
    long t0 = System.nanoTime();
    int size = rows * envs;
    if (inspector != null) {
      inspector.accept(new BatchView(rows, java.util.Arrays.copyOf(obs, size * inputs), java.util.Arrays.copyOf(act, size * brackets),
          java.util.Arrays.copyOf(reward, size), java.util.Arrays.copyOf(value, size), java.util.Arrays.copyOf(next, size),
          java.util.Arrays.copyOf(done, size)));
    }
    float scale = (float) moments.std();
    for (int k = 0; k < size; k++) {
      scaled[k] = reward[k] / scale;
      ended[k] = done[k] ? 1f : 0f;
    }
    try (NDScope scope = new NDScope()) {
      Shape rs = new Shape(rows, envs);
      NDArray x = upload(FloatBuffer.wrap(obs, 0, size * inputs), new Shape(size, inputs), DataType.FLOAT32);
      NDArray levelIds = upload(IntBuffer.wrap(act, 0, size * brackets), new Shape(size, brackets), DataType.INT32).toType(DataType.INT64, false);
      NDArray lp = upload(FloatBuffer.wrap(logp, 0, size), new Shape(size), DataType.FLOAT32);
      NDArray v = upload(FloatBuffer.wrap(value, 0, size), rs, DataType.FLOAT32);
      // value and next are in the scale's units of the update that computed them: one scale per batch
      NDArray adv = Ppo.gae(upload(FloatBuffer.wrap(scaled, 0, size), rs, DataType.FLOAT32), v,
          upload(FloatBuffer.wrap(next, 0, size), rs, DataType.FLOAT32), upload(FloatBuffer.wrap(ended, 0, size), rs, DataType.FLOAT32),
          tc.principalGamma(), tc.gaeLambda()).reshape(size);
      NDArray ret = adv.add(v.reshape(size));
      int perChunk = Math.max(1, tc.principalBatch() / rows); // envs per update
      int chunks = Math.max(1, envs / perChunk);
      for (int c = 0; c < chunks; c++) {
        int e0 = c * envs / chunks, e1 = (c + 1) * envs / chunks;
        int[] idx = chunk(e0, e1);
        double raw = 0;
        for (int k : idx) raw += reward[k];
        NDArray sel = manager.create(idx).toType(DataType.INT64, false);
        copies.in(sel);
        NDIndex pick = new NDIndex("{}", sel);
        NDArray vc = v.reshape(size).get(pick), rc = ret.get(pick);
        PpoUpdate.Batch batch = new PpoUpdate.Batch(new NDList(x.get(pick)), levelIds.get(pick), lp.get(pick), vc,
            adv.get(pick), rc);
        PpoUpdate.Stats s = PpoUpdate.update(net, opt, batch, tc.principal(ent), lr, manager, copies, shuffle,
            updates * tc.principalEpochs());
        log.add(s, Ppo.explainedVariance(vc, rc), raw / idx.length);
        copies.out(8);
        updates++;
      }
    }
    rows = 0;
    updateNanos += System.nanoTime() - t0;
  }

  private NDArray upload(java.nio.Buffer data, Shape shape, DataType type) {
    NDArray a = manager.create(data, shape, type);
    copies.in(a);
    return a;
  }

  /** Indices [row * envs + env] of envs [e0, e1), all rows. */
  private int[] chunk(int e0, int e1) {
    int[] idx = new int[rows * (e1 - e0)];
    int j = 0;
    for (int r = 0; r < rows; r++) for (int e = e0; e < e1; e++) idx[j++] = r * envs + e;
    return idx;
  }
}
