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
 * The principal's PPO (docs/RULES.md section 9). It acts once per period on every env at once
 * ({@link LearnedPrincipal}); each period gives one batch of transitions [env]: (observation,
 * levels, log-prob, value, reward of the period, whether the period ended the round), built up
 * as the period's {@link Period} (what the principal acted on and did at its start, {@link
 * #acted}; its rewards at its end, {@link #periodEnded}) and stored, whole, as one row of the
 * batch [row, env] at the next period start ({@link #periodStarts}: the one place a transition is
 * recorded).
 *
 * <p>Contract (issue 14):
 * <ul>
 *   <li>A transition is complete when the next period start's observation is known: its bootstrap
 *       value is V(that observation), or 0 when the period ended the round (the objective starts
 *       over). {@link #periodStarts} completes it with the values of the forward pass the principal
 *       acts on, so the last period of a batch bootstraps from the state that followed it, never
 *       from its own V(s_t).
 *   <li>The update runs in {@link #periodStarts}, before the principal acts, once {@code
 *       principal_batch} transitions are complete; a reward therefore always lands in the row of
 *       the action it rewards, and the principal then acts with the updated network.
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
  /** The batch: {@link #rows} complete periods [row, env] (past them, what earlier batches left). */
  private final float[] obs, logp, value, reward, scaled, next, ended;
  private final int[] act;
  private final boolean[] done;
  private final RunningMoments moments = new RunningMoments();
  private final Draws shuffle;
  private final UpdateLog log = new UpdateLog();
  private int rows;
  /** The period in progress: its transitions until the next period start completes them. */
  private final Period period;
  private float lr, ent;
  private long updates;
  /** Wall time spent in {@link #update} since the last {@link #drainUpdateSeconds}, in ns. */
  private long updateNanos;
  /** Sees every batch just before its update (tests); null normally. */
  java.util.function.Consumer<BatchView> inspector;

  /** Copies of a batch as the update sees it: rows x envs transitions, index [row * envs + env]. */
  record BatchView(int rows, float[] obs, int[] levels, float[] reward, float[] value, float[] next, boolean[] done) {}

  /** Where the period in progress stands: not begun (or dropped), acted on, ended (its rewards known). */
  private enum Stage { NONE, ACTED, ENDED }

  /** One period's transitions in every env [env], as they become known; stored whole by {@link #periodStarts}. */
  private static final class Period {
    final float[] obs, logp, value, reward;
    final int[] levels;
    boolean roundEnd;
    Stage stage = Stage.NONE;

    Period(int envs, int inputs, int brackets) {
      obs = new float[envs * inputs];
      levels = new int[envs * brackets];
      logp = new float[envs];
      value = new float[envs];
      reward = new float[envs];
    }
  }

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
    act = new int[size * brackets];
    done = new boolean[size];
    period = new Period(envs, inputs, brackets);
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

  /**
   * Writes the update count and the transitions collected since the last update (a training
   * checkpoint; the reward scale is saved apart). The period in progress is written as the batch's
   * next row, counted in the rows, with whether it awaits its rewards or the next state.
   */
  void save(java.io.DataOutputStream out) throws java.io.IOException {
    boolean begun = period.stage != Stage.NONE, ended = period.stage == Stage.ENDED;
    out.writeLong(updates);
    out.writeInt(begun ? rows + 1 : rows);
    out.writeBoolean(period.stage == Stage.ACTED);
    out.writeBoolean(ended);
    int base = rows * envs;
    Checkpoint.writeFloats(out, begun ? withRow(obs, period.obs, base * inputs) : obs);
    Checkpoint.writeFloats(out, begun ? withRow(logp, period.logp, base) : logp);
    Checkpoint.writeFloats(out, begun ? withRow(value, period.value, base) : value);
    Checkpoint.writeFloats(out, ended ? withRow(reward, period.reward, base) : reward);
    Checkpoint.writeFloats(out, next);
    Checkpoint.writeInts(out, begun ? withRow(act, period.levels, base * brackets) : act);
    for (int k = 0; k < done.length; k++) out.writeBoolean(ended && k >= base && k < base + envs ? period.roundEnd : done[k]);
  }

  /** Reads what {@link #save} wrote, for the same config and number of envs. */
  void load(java.io.DataInputStream in) throws java.io.IOException {
    updates = in.readLong();
    rows = in.readInt();
    boolean acted = in.readBoolean(), ended = in.readBoolean();
    for (float[] a : new float[][] {obs, logp, value, reward, next}) Checkpoint.readFloats(in, a);
    int[] a = Checkpoint.readInts(in);
    if (a.length != act.length) throw new java.io.IOException("checkpoint holds " + a.length + " principal levels where " + act.length + " were expected (another config?)");
    System.arraycopy(a, 0, act, 0, a.length);
    for (int i = 0; i < done.length; i++) done[i] = in.readBoolean();
    period.stage = ended ? Stage.ENDED : acted ? Stage.ACTED : Stage.NONE;
    if (period.stage == Stage.NONE) return;
    rows--; // the period in progress: out of the batch's last row
    int base = rows * envs;
    System.arraycopy(obs, base * inputs, period.obs, 0, envs * inputs);
    System.arraycopy(act, base * brackets, period.levels, 0, envs * brackets);
    System.arraycopy(logp, base, period.logp, 0, envs);
    System.arraycopy(value, base, period.value, 0, envs);
    System.arraycopy(reward, base, period.reward, 0, envs);
    period.roundEnd = done[base];
  }

  private static float[] withRow(float[] batch, float[] row, int at) {
    float[] a = batch.clone();
    System.arraycopy(row, 0, a, at, row.length);
    return a;
  }

  private static int[] withRow(int[] batch, int[] row, int at) {
    int[] a = batch.clone();
    System.arraycopy(row, 0, a, at, row.length);
    return a;
  }

  /**
   * At a period start, with V of the observation the principal is about to act on, [env] (its one
   * forward pass): the last period, complete now, goes into the batch with that bootstrap (0 where
   * it ended the round); a period that never ended is dropped. When the batch is full the network
   * updates; returns whether it did (the caller's forward pass is then stale).
   */
  boolean periodStarts(float[] values) {
    if (period.stage == Stage.ENDED) store(values);
    period.stage = Stage.NONE;
    if (rows * envs < tc.principalBatch()) return false;
    update();
    return true;
  }

  /** The action just taken in every env: the observation [env, inputs] acted on, levels [env, brackets], log-prob and value [env]. */
  void acted(float[] o, int[] levelsChosen, float[] lp, float[] v) {
    System.arraycopy(o, 0, period.obs, 0, envs * inputs);
    System.arraycopy(levelsChosen, 0, period.levels, 0, envs * brackets);
    System.arraycopy(lp, 0, period.logp, 0, envs);
    System.arraycopy(v, 0, period.value, 0, envs);
    period.stage = Stage.ACTED;
  }

  /** The period that followed the last action ended: its rewards [env], and whether it ended the round. */
  void periodEnded(float[] r, boolean roundEnd) {
    if (period.stage != Stage.ACTED) return; // a period the principal did not act in (phase 1 ended mid-period)
    System.arraycopy(r, 0, period.reward, 0, envs);
    for (int e = 0; e < envs; e++) moments.add(r[e]);
    period.roundEnd = roundEnd;
    period.stage = Stage.ENDED;
  }

  /** The envs were reset: the period in progress (waiting for its end or the next state) is dropped. */
  void discardPending() {
    period.stage = Stage.NONE;
  }

  /** The ended period's transitions, whole, as the batch's next row: bootstrap V(next observation) {@code values}, 0 where the round ended. */
  private void store(float[] values) {
    if (rows == capacity) throw new IllegalStateException("principal buffer full: the batch updates before it takes another period");
    int base = rows * envs;
    System.arraycopy(period.obs, 0, obs, base * inputs, envs * inputs);
    System.arraycopy(period.levels, 0, act, base * brackets, envs * brackets);
    System.arraycopy(period.logp, 0, logp, base, envs);
    System.arraycopy(period.value, 0, value, base, envs);
    System.arraycopy(period.reward, 0, reward, base, envs);
    for (int e = 0; e < envs; e++) {
      done[base + e] = period.roundEnd;
      next[base + e] = period.roundEnd ? 0f : values[e];
    }
    rows++;
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
