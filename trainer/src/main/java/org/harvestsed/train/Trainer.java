package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.state.Buf;

/**
 * Two-level PPO (GAME.md section 8), read top to bottom like CleanRL's ppo.py: players share one
 * actor-critic and learn every iteration from a rollout of {@code num_steps} steps of every env;
 * the principal acts at each period start, is rewarded by the increase of the round objective,
 * and learns from {@code principal_batch} env-periods with its own network and optimizer.
 * Phase 1 (first {@code phase1_steps}): players only, no tax (cap 0). Phase 2: taxes on, the
 * principal trains, the cap rises linearly from 0.1 to 1 over {@code cap_anneal_steps}.
 */
public final class Trainer implements AutoCloseable {
  public static final String[] COLUMNS = {"iteration", "global_step", "player_steps", "charts/SPS", "charts/phase", "charts/cap",
      "charts/mean_reward", "losses/policy_loss", "losses/value_loss", "losses/entropy", "losses/approx_kl", "losses/clipfrac",
      "losses/explained_variance", "losses/grad_norm", "principal/policy_loss", "principal/value_loss", "principal/entropy",
      "principal/mean_reward", "round/productivity", "round/equality", "round/eq_x_prod", "round/objective", "round/eta",
      "round/rates", "round/revenue", "round/lost_patches", "charts/rollout_s", "charts/update_s"};

  private final Config config;
  private final TrainConfig tc;
  private final EnvSpec spec;
  private final Path dir;
  private final VecEnv env;
  private final NDManager manager;
  private final PlayerNet players;
  private final PrincipalNet principal;
  private final Adam playersOpt, principalOpt;
  private final SplittableRandom rnd;
  private final int envs, n, m, view, feats, actions, brackets, levels, principalInputs;
  // rollout storage [step, actor], actor = env * n + player
  private final byte[] codes;
  private final float[] features, logps, values, rewards, nextValues, advantages, returns;
  private final int[] acts;
  private final boolean[] dones;
  // principal storage [period, env]
  private final float[] pObs, pLogp, pValue, pReward, pNext, pAdv, pRet;
  private final int[] pAct;
  private final boolean[] pDone;
  private int pCount;
  private final int[] lastPeriodIncome, periodIncome;
  private final boolean[] pendingPrincipal;
  private long iteration, globalStep;
  /** A baseline that sets the rates instead of the learned principal (evaluation), or null. */
  private org.harvestsed.principal.Principal external;
  /** The learned principal acts but does not learn (evaluation). */
  private boolean principalFrozen;
  private int periodIndex;
  private Consumer<String> progress = s -> {};

  public Trainer(Config config, TrainConfig tc, Path dir) {
    this.config = config;
    this.tc = tc;
    this.spec = config.env();
    this.dir = dir;
    envs = config.run().envs();
    tc.validateSizes(envs, spec.players());
    n = spec.players();
    m = envs * n;
    view = spec.obsCells();
    feats = spec.scalars();
    actions = spec.actions();
    brackets = spec.brackets();
    levels = spec.rateLevels();
    principalInputs = n + brackets + 3;
    int threads = tc.torchThreads() > 0 ? tc.torchThreads() : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
    env = VecEnv.create(spec, envs, config.run().backend(), config.run().threads(), config.run().device());
    manager = NDManager.newBaseManager();
    long seed = config.run().seed();
    players = new PlayerNet(manager, spec.obsRows(), spec.obsCols(), feats, actions, seed);
    principal = new PrincipalNet(manager, principalInputs, brackets, levels, seed + 1);
    playersOpt = new Adam(players);
    principalOpt = new Adam(principal);
    rnd = new SplittableRandom(seed);
    int T = tc.numSteps();
    codes = new byte[T * m * view];
    features = new float[T * m * feats];
    logps = new float[T * m];
    values = new float[T * m];
    rewards = new float[T * m];
    nextValues = new float[T * m];
    advantages = new float[T * m];
    returns = new float[T * m];
    acts = new int[T * m];
    dones = new boolean[T * m];
    int P = (tc.principalBatch() + envs - 1) / envs + 1;
    pObs = new float[P * envs * principalInputs];
    pLogp = new float[P * envs];
    pValue = new float[P * envs];
    pReward = new float[P * envs];
    pNext = new float[P * envs];
    pAdv = new float[P * envs];
    pRet = new float[P * envs];
    pAct = new int[P * envs * brackets];
    pDone = new boolean[P * envs];
    lastPeriodIncome = new int[m];
    periodIncome = new int[m];
    pendingPrincipal = new boolean[envs];
  }

  public void onProgress(Consumer<String> c) {
    this.progress = c;
  }

  public long globalStep() {
    return globalStep;
  }

  public long iteration() {
    return iteration;
  }

  PlayerNet players() {
    return players;
  }

  /** Resets the envs for {@link #iterate()} called on its own (benchmarks); {@link #run()} does this itself. */
  public void start() {
    env.reset(config.run().seed() + iteration);
  }

  /** Restores counters, networks and optimizers from {@code from}. */
  public void resume(Path from) throws IOException {
    Checkpoint.Counters c = Checkpoint.load(from, players, playersOpt, principal, principalOpt);
    iteration = c.iteration();
    globalStep = c.globalStep();
  }

  /** Rates come from {@code p} (a baseline) from now on; the learned principal neither acts nor learns. */
  public void useBaseline(org.harvestsed.principal.Principal p) {
    this.external = p;
  }

  /** The learned principal keeps acting but stops learning. */
  public void freezePrincipal() {
    this.principalFrozen = true;
  }

  /** Counters back to 0 (fine-tuning from a checkpoint for a fixed number of steps). */
  public void resetCounters() {
    iteration = 0;
    globalStep = 0;
  }

  /** Loads the players' network and optimizer from a checkpoint file (e.g. the phase-1 one). */
  public void loadPlayers(Path file) throws IOException {
    Checkpoint.loadPlayers(file, players, playersOpt);
  }

  public void checkpoint() throws IOException {
    Checkpoint.save(dir, new Checkpoint.Counters(iteration, globalStep), players, playersOpt, principal, principalOpt);
  }

  int phase() {
    return globalStep < tc.phase1Steps() ? 1 : 2;
  }

  float cap() {
    if (phase() == 1) return 0f;
    double f = (double) (globalStep - tc.phase1Steps()) / tc.capAnnealSteps();
    return (float) Math.min(1.0, 0.1 + 0.9 * f);
  }

  /** Trains until total_steps; writes metrics.csv rows, checkpoints, and returns the last row. */
  public void run() throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("metrics.csv");
    boolean header = !Files.exists(csv);
    env.reset(config.run().seed() + iteration); // a resumed run starts a fresh stream of episodes
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      if (header) w.write(String.join(",", COLUMNS) + "\n");
      while (globalStep < tc.totalSteps()) {
        long t0 = System.nanoTime();
        int phaseBefore = phase();
        String[] row = iterate();
        if (phaseBefore == 1 && phase() == 2) {
          Checkpoint.save(dir, Checkpoint.PHASE1_FILE, new Checkpoint.Counters(iteration, globalStep), players, playersOpt, principal, principalOpt);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        row[3] = fmt(tc.numSteps() * envs / secs);
        w.write(String.join(",", row) + "\n");
        w.flush();
        if (iteration % tc.checkpointEvery() == 0 || globalStep >= tc.totalSteps()) checkpoint();
        progress.accept("phase " + row[4] + " | " + row[3] + " env-steps/s | reward " + row[6] + " | cap " + row[5]
            + (row[21].isEmpty() ? "" : " | objective " + row[21] + " rates " + row[23]));
      }
    }
  }

  /** One iteration: rollout, GAE, players' update, and the principal's update when its batch is full. */
  public String[] iterate() {
    long tStart = System.nanoTime();
    int T = tc.numSteps();
    float frac = 1f - (float) iteration / Math.max(1, (tc.totalSteps() + (long) T * envs - 1) / ((long) T * envs));
    float lr = tc.annealLr() ? tc.lr() * Math.max(frac, 0f) : tc.lr();
    float plr = tc.annealLr() ? tc.principalLr() * Math.max(frac, 0f) : tc.principalLr();
    env.setCap(cap());
    ByteBuffer obs = env.obs();
    FloatBuffer sc = env.scalars();
    IntBuffer eaten = env.state().ints(Buf.EATEN);
    double rewardSum = 0;
    RoundMetrics round = null;
    float[] probs = new float[m * actions];
    for (int t = 0; t < T; t++) {
      if (env.periodStartsNext() && phase() == 2) setRates();
      obs.get(0, codes, t * m * view, m * view);
      sc.get(0, features, t * m * feats, m * feats);
      forwardPolicy(t, probs);
      int[] a = new int[m];
      for (int k = 0; k < m; k++) {
        a[k] = sample(probs, k * actions, actions);
        acts[t * m + k] = a[k];
        logps[t * m + k] = (float) Math.log(Math.max(probs[k * actions + a[k]], 1e-30f));
      }
      env.step(a);
      globalStep += envs;
      FloatBuffer r = env.rewards();
      for (int k = 0; k < m; k++) {
        rewards[t * m + k] = r.get(k);
        rewardSum += r.get(k);
        periodIncome[k] += eaten.get(k);
      }
      boolean done = env.dones().get(0) != 0;
      for (int k = 0; k < m; k++) dones[t * m + k] = done;
      if (done) { // time-limit truncation: bootstrap from the kept final observation
        float[] v = valuesOf(Buf.FINAL_OBS, Buf.FINAL_SCALARS);
        System.arraycopy(v, 0, nextValues, t * m, m);
      }
      if (env.periodStartsNext()) periodEnded(); // the step just taken ended a period
      if (external != null) org.harvestsed.principal.Principal.afterStep(external, env);
      if (env.roundEnded()) round = RoundMetrics.mean(env.lastRoundMetrics());
    }
    // next values: V(s_{t+1}) where the step did not end an episode
    float[] last = valuesOf(Buf.OBS, Buf.OBS_SCALARS);
    for (int t = 0; t < T; t++) {
      if (dones[t * m]) continue;
      if (t + 1 < T) System.arraycopy(values, (t + 1) * m, nextValues, t * m, m);
      else System.arraycopy(last, 0, nextValues, t * m, m);
    }
    long tRollout = System.nanoTime();
    Ppo.computeGae(rewards, values, nextValues, dones, T, m, tc.gamma(), tc.gaeLambda(), advantages, returns);
    PpoUpdate.Stats s = PpoUpdate.update(players, playersOpt, playerBatch(), tc, lr, tc.numMinibatches(), rnd, manager);
    PpoUpdate.Stats ps = null;
    float principalReward = Float.NaN;
    if (!principalFrozen && external == null && pCount * envs >= tc.principalBatch()) {
      principalReward = mean(pReward, pCount * envs);
      ps = updatePrincipal(plr);
    }
    iteration++;
    String[] row = new String[COLUMNS.length];
    Arrays.fill(row, "");
    row[0] = Long.toString(iteration);
    row[1] = Long.toString(globalStep);
    row[2] = Long.toString(globalStep * n);
    row[4] = Integer.toString(phase());
    row[5] = fmt(cap());
    row[6] = fmt(rewardSum / ((double) T * m));
    row[7] = fmt(s.policyLoss());
    row[8] = fmt(s.valueLoss());
    row[9] = fmt(s.entropy());
    row[10] = fmt(s.approxKl());
    row[11] = fmt(s.clipFraction());
    row[12] = fmt(Ppo.explainedVariance(values, returns));
    row[13] = fmt(s.gradNorm());
    if (ps != null) {
      row[14] = fmt(ps.policyLoss());
      row[15] = fmt(ps.valueLoss());
      row[16] = fmt(ps.entropy());
      row[17] = fmt(principalReward);
    }
    row[26] = fmt((tRollout - tStart) / 1e9);
    row[27] = fmt((System.nanoTime() - tRollout) / 1e9);
    if (round != null) {
      row[18] = fmt(round.productivity());
      row[19] = fmt(round.equality());
      row[20] = fmt(round.eqXProd());
      row[21] = fmt(round.objective());
      row[22] = fmt(round.eta());
      StringBuilder rates = new StringBuilder();
      for (double x : round.rates()) rates.append(rates.isEmpty() ? "" : ";").append(fmt(x));
      row[23] = rates.toString();
      row[24] = fmt(round.revenue());
      row[25] = fmt(round.lostPatches());
    }
    return row;
  }

  /**
   * Apples per player-step of the current policy (sampled, no learning) over {@code steps} steps
   * from a fresh reset under {@code seed}, per env: [envs].
   */
  public double[] evaluate(int steps, long seed) {
    env.reset(seed);
    float[] probs = new float[m * actions];
    int[] a = new int[m];
    double[] apples = new double[envs];
    IntBuffer eaten = env.state().ints(Buf.EATEN);
    for (int t = 0; t < steps; t++) {
      forwardPolicy(0, probs);
      for (int k = 0; k < m; k++) a[k] = sample(probs, k * actions, actions);
      env.step(a);
      for (int k = 0; k < m; k++) apples[k / n] += eaten.get(k);
    }
    for (int e = 0; e < envs; e++) apples[e] /= (double) steps * n;
    return apples;
  }

  /** One evaluated round: metrics (mean over envs), the rates of each period in env 0, env 0's players. */
  public record RoundResult(RoundMetrics metrics, List<float[]> ratesPerPeriod, int[] apples, float[] sigma, float[] beta) {}

  /**
   * Plays one voting round from a fresh reset under {@code seed} with the current players
   * (sampling) and principal (baseline, or the learned one acting without learning), cap 1.
   */
  public RoundResult evaluateRound(long seed) {
    env.reset(seed);
    env.setCap(1f);
    periodIndex = 0;
    float[] probs = new float[m * actions];
    int[] a = new int[m];
    List<float[]> rates = new java.util.ArrayList<>();
    int[] apples = new int[n];
    for (int t = 0; t < spec.roundSteps(); t++) {
      if (env.periodStartsNext()) {
        setRates();
        float[] r = new float[brackets];
        for (int b = 0; b < brackets; b++) r[b] = spec.rateOfLevel(env.state().ints(Buf.PENDING_LEVELS).get(b));
        rates.add(r);
      }
      forwardPolicy(0, probs);
      for (int k = 0; k < m; k++) a[k] = sample(probs, k * actions, actions);
      env.step(a);
      for (int i = 0; i < n; i++) apples[i] += env.state().ints(Buf.EATEN).get(i);
      if (env.periodStartsNext()) periodEnded(); // the step just taken ended a period
      if (external != null) org.harvestsed.principal.Principal.afterStep(external, env);
    }
    if (!env.roundEnded()) throw new IllegalStateException("an evaluated round did not end after " + spec.roundSteps() + " steps");
    float[] sg = new float[n], bt = new float[n];
    env.state().floats(Buf.SIGMA).get(0, sg);
    env.state().floats(Buf.BETA).get(0, bt);
    return new RoundResult(RoundMetrics.mean(env.lastRoundMetrics()), rates, apples, sg, bt);
  }

  // ---------------------------------------------------------------- players

  /** The policy on the env's current observation: the obs buffers are wrapped, not copied. */
  private void forwardPolicy(int t, float[] probs) {
    try (NDScope scope = new NDScope()) {
      NDList out = players.forward(wrap(Buf.OBS, Buf.OBS_SCALARS));
      float[] p = out.get(0).softmax(-1).toFloatArray();
      System.arraycopy(p, 0, probs, 0, p.length);
      float[] v = out.get(1).toFloatArray();
      System.arraycopy(v, 0, values, t * m, m);
    }
  }

  private NDList wrap(Buf codesBuf, Buf featsBuf) {
    ByteBuffer c = env.state().raw(codesBuf);
    ByteBuffer f = env.state().raw(featsBuf);
    NDArray codesNd = manager.create(c, new Shape(m, view), DataType.UINT8);
    NDArray featsNd = manager.create(f, new Shape(m, feats), DataType.FLOAT32);
    return new NDList(codesNd, featsNd);
  }

  private float[] valuesOf(Buf codesBuf, Buf featsBuf) {
    try (NDScope scope = new NDScope()) {
      return players.forward(wrap(codesBuf, featsBuf)).get(1).toFloatArray();
    }
  }

  private int sample(float[] p, int off, int k) {
    double u = rnd.nextDouble();
    double acc = 0;
    for (int i = 0; i < k; i++) {
      acc += p[off + i];
      if (u < acc) return i;
    }
    return k - 1;
  }

  private PpoUpdate.Batch playerBatch() {
    return new PpoUpdate.ArrayBatch(tc.numSteps() * m, logps, values, advantages, returns) {
      @Override
      public NDList inputs(NDManager mgr, int[] idx) {
        byte[] c = new byte[idx.length * view];
        float[] f = new float[idx.length * feats];
        for (int i = 0; i < idx.length; i++) {
          System.arraycopy(codes, idx[i] * view, c, i * view, view);
          System.arraycopy(features, idx[i] * feats, f, i * feats, feats);
        }
        return new NDList(mgr.create(ByteBuffer.wrap(c), new Shape(idx.length, view), DataType.UINT8),
            mgr.create(f, new Shape(idx.length, feats)));
      }

      @Override
      public NDArray actions(NDManager mgr, int[] idx) {
        float[] oh = new float[idx.length * actions];
        for (int i = 0; i < idx.length; i++) oh[i * actions + acts[idx[i]]] = 1f;
        return mgr.create(oh, new Shape(idx.length, actions));
      }
    };
  }

  // ---------------------------------------------------------------- principal

  /** The principal's observation of env e: last period's incomes / 10, rates, apples left, eta, round progress. */
  private void principalObservation(int e, float[] out, int off) {
    for (int i = 0; i < n; i++) out[off + i] = lastPeriodIncome[e * n + i] / 10f;
    FloatBuffer rates = env.state().floats(Buf.RATES);
    for (int b = 0; b < brackets; b++) out[off + n + b] = rates.get(e * brackets + b);
    int[] sites = env.state().layout.sites;
    ByteBuffer grid = env.state().bytes(Buf.GRID);
    int apples = 0;
    for (int site : sites) if (grid.get(e * env.state().layout.cells + site) == GameMap.APPLE) apples++;
    out[off + n + brackets] = sites.length == 0 ? 0f : (float) apples / sites.length;
    out[off + n + brackets + 1] = env.state().floats(Buf.ETA).get(e);
    int tick = env.state().ints(Buf.TICK).get(e);
    out[off + n + brackets + 2] = (float) (tick % spec.roundSteps()) / spec.roundSteps();
  }

  /** At a period start in phase 2: the baseline's levels, or the learned principal's action. */
  private void setRates() {
    if (external == null) {
      principalAct();
      return;
    }
    for (int e = 0; e < envs; e++) env.setRates(e, external.levels(e, periodIndex));
    periodIndex++;
  }

  private void principalAct() {
    if (principalFrozen && (pCount + 1) * envs > pLogp.length) pCount = 0; // acting only: reuse the buffer
    int base = pCount * envs;
    if (base + envs > pLogp.length) return; // batch full: the update runs at the iteration's end
    float[] x = new float[envs * principalInputs];
    for (int e = 0; e < envs; e++) principalObservation(e, x, e * principalInputs);
    System.arraycopy(x, 0, pObs, base * principalInputs, x.length);
    try (NDScope scope = new NDScope()) {
      NDList out = principal.forward(new NDList(manager.create(x, new Shape(envs, principalInputs))));
      float[] p = out.get(0).softmax(-1).toFloatArray(); // [envs, brackets, levels]
      float[] v = out.get(1).toFloatArray();
      int[] lv = new int[brackets];
      for (int e = 0; e < envs; e++) {
        float logp = 0f;
        for (int b = 0; b < brackets; b++) {
          int off = (e * brackets + b) * levels;
          lv[b] = sample(p, off, levels);
          logp += (float) Math.log(Math.max(p[off + lv[b]], 1e-30f));
          pAct[(base + e) * brackets + b] = lv[b];
        }
        env.setRates(e, lv);
        pLogp[base + e] = logp;
        pValue[base + e] = v[e];
        pendingPrincipal[e] = true;
      }
    }
  }

  /** After a step that ended a tax period. */
  private void periodEnded() {
    System.arraycopy(periodIncome, 0, lastPeriodIncome, 0, m);
    Arrays.fill(periodIncome, 0);
    if (!pendingPrincipal[0]) return;
    int base = pCount * envs;
    boolean roundEnd = env.roundEnded();
    for (int e = 0; e < envs; e++) {
      pReward[base + e] = env.principalRewards().get(e);
      pDone[base + e] = roundEnd;
      pendingPrincipal[e] = false;
    }
    pCount++;
  }

  private PpoUpdate.Stats updatePrincipal(float lr) {
    int size = pCount * envs;
    for (int p = 0; p < pCount; p++) {
      for (int e = 0; e < envs; e++) {
        int k = p * envs + e;
        pNext[k] = pDone[k] ? 0f : p + 1 < pCount ? pValue[k + envs] : pValue[k];
      }
    }
    Ppo.computeGae(pReward, pValue, pNext, pDone, pCount, envs, tc.gamma(), tc.gaeLambda(), pAdv, pRet);
    float[] logp = Arrays.copyOf(pLogp, size);
    float[] val = Arrays.copyOf(pValue, size);
    float[] adv = Arrays.copyOf(pAdv, size);
    float[] ret = Arrays.copyOf(pRet, size);
    PpoUpdate.Batch batch = new PpoUpdate.ArrayBatch(size, logp, val, adv, ret) {
      @Override
      public NDList inputs(NDManager mgr, int[] idx) {
        float[] x = new float[idx.length * principalInputs];
        for (int i = 0; i < idx.length; i++) System.arraycopy(pObs, idx[i] * principalInputs, x, i * principalInputs, principalInputs);
        return new NDList(mgr.create(x, new Shape(idx.length, principalInputs)));
      }

      @Override
      public NDArray actions(NDManager mgr, int[] idx) {
        float[] oh = new float[idx.length * brackets * levels];
        for (int i = 0; i < idx.length; i++) {
          for (int b = 0; b < brackets; b++) oh[(i * brackets + b) * levels + pAct[idx[i] * brackets + b]] = 1f;
        }
        return mgr.create(oh, new Shape(idx.length, brackets, levels));
      }
    };
    PpoUpdate.Stats s = PpoUpdate.update(principal, principalOpt, batch, tc, lr, Math.min(4, size), rnd, manager);
    pCount = 0;
    return s;
  }

  private static float mean(float[] v, int len) {
    double s = 0;
    for (int i = 0; i < len; i++) s += v[i];
    return (float) (s / len);
  }

  static String fmt(double x) {
    if (Double.isNaN(x)) return "";
    return Float.toString((float) x);
  }

  @Override
  public void close() {
    principalOpt.close();
    playersOpt.close();
    principal.close();
    players.close();
    manager.close();
    env.close();
  }
}
