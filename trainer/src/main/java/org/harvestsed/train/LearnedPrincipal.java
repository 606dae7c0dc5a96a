package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.principal.Principal;

/**
 * The trained principal as a {@link Principal} like the baselines: at each period start it reads
 * every env's {@link PrincipalObservation} into one batch [env, inputs], runs its {@link
 * PrincipalNet} once over it (one forward pass: the levels' probabilities and the values) and
 * samples one level per bracket. With a {@link PrincipalLearner} attached (training) the same pass
 * bootstraps the period that just ended, and the learner gets the period's transitions; without
 * one it only acts (evaluation, and {@code --principal learned:RUN_DIR} in simulate, trace and
 * render).
 */
public final class LearnedPrincipal implements Principal {
  /** The {@link org.harvestsed.principal.LearnedPrincipals} service: {@code learned:RUN_DIR} in {@code Principal.parse}. */
  public static final class Loader implements org.harvestsed.principal.LearnedPrincipals {
    @Override
    public Principal load(Path runDir, EnvSpec spec, long seed) {
      return LearnedPrincipal.load(runDir, spec, seed);
    }
  }

  private final PrincipalNet net;
  private final NDManager manager;
  private final boolean ownsNet;
  /** Its sampling: the PRINCIPAL stream of a seed; act k (k = 0, 1, ... since {@link #drawFrom}) uses tick k, value env x brackets + bracket. */
  private Draws draws;
  private long acts;
  private final int brackets, levels, inputs;
  private PrincipalLearner learner;
  private boolean atMode;
  private RewardSource rewards = (env, out) -> env.principalRewards().get(0, out);
  private float[] reward;
  private float[] obs, probs, value, logp, uniforms;
  private int[] chosen;
  private HostCopies copies = new HostCopies();

  /** Acts with {@code net} (owned by the caller), sampling from the PRINCIPAL stream of {@code seed}. */
  public LearnedPrincipal(PrincipalNet net, EnvSpec spec, long seed) {
    this(net, null, spec, seed);
  }

  private LearnedPrincipal(PrincipalNet net, NDManager owned, EnvSpec spec, long seed) {
    this.net = net;
    this.manager = owned;
    this.ownsNet = owned != null;
    drawFrom(seed, 0);
    this.brackets = spec.brackets();
    this.levels = spec.rateLevels();
    this.inputs = PrincipalObservation.size(spec);
  }

  /**
   * The principal of the training run in {@code runDir} (its last checkpoint), for an env of
   * {@code spec}: the run's players, brackets and levels must match.
   */
  public static LearnedPrincipal load(Path runDir, EnvSpec spec, long seed) {
    Path cfg = runDir.resolve("config.yaml");
    if (!Files.isRegularFile(cfg) || !Files.isRegularFile(runDir.resolve(Checkpoint.FILE))) {
      throw new ConfigException("principal 'learned:" + runDir + "': no training run there (config.yaml and " + Checkpoint.FILE
          + " expected); pass the --out directory of ./harvest train");
    }
    EnvSpec trained = Config.load(cfg).env();
    if (trained.players() != spec.players() || trained.brackets() != spec.brackets() || trained.rateLevels() != spec.rateLevels()) {
      throw new ConfigException("principal 'learned:" + runDir + "' was trained for " + trained.players() + " players, " + trained.brackets()
          + " brackets and " + trained.rateLevels() + " levels; this config has " + spec.players() + ", " + spec.brackets() + " and "
          + spec.rateLevels() + "; use the run's config (" + cfg + ")");
    }
    System.setProperty("ai.djl.offline", "true");
    NDManager nd = NDManager.newBaseManager();
    try {
      PrincipalNet net = new PrincipalNet(nd, PrincipalObservation.size(spec), spec.brackets(), spec.rateLevels(), 0);
      Checkpoint.loadPrincipal(runDir.resolve(Checkpoint.FILE), net);
      return new LearnedPrincipal(net, nd, spec, seed);
    } catch (IOException | RuntimeException e) {
      nd.close();
      throw new ConfigException("principal 'learned:" + runDir + "': " + e.getMessage());
    }
  }

  /** The principal's reward per env for the period that just ended. */
  @FunctionalInterface
  interface RewardSource {
    void rewards(VecEnv env, float[] out);
  }

  /**
   * Rewards from {@code r} instead of the engine's objective increase (positive controls: an
   * objective whose best rates are known).
   */
  void rewardFrom(RewardSource r) {
    this.rewards = r;
  }

  /** From now on it samples from the PRINCIPAL stream of {@code seed}, its next act at tick {@code acts}. */
  void drawFrom(long seed, long acts) {
    this.draws = new Draws(seed, Purpose.PRINCIPAL);
    this.acts = acts;
  }

  /** Acts so far on its current stream: the tick of the next act. */
  long acts() {
    return acts;
  }

  /** Writes its sampling tick and last chosen levels (a training checkpoint). */
  void save(java.io.DataOutputStream out) throws IOException {
    out.writeLong(acts);
    Checkpoint.writeInts(out, chosen == null ? new int[0] : chosen);
  }

  /** Reads what {@link #save} wrote (the stream's seed is the run's: set at construction). */
  void load(java.io.DataInputStream in) throws IOException {
    acts = in.readLong();
    int[] c = Checkpoint.readInts(in);
    chosen = c.length == 0 ? null : c;
  }

  /** Counts its observation uploads and probability reads into {@code c} (the trainer's metrics). */
  void countInto(HostCopies c) {
    this.copies = c;
  }

  /** From now on every transition goes to {@code l} (null: act only). */
  void learnWith(PrincipalLearner l) {
    this.learner = l;
  }

  /**
   * Acts at the mode of its policy (the most probable level of each bracket, the lowest on a tie)
   * instead of sampling; evaluation only (a learner needs sampled actions).
   */
  public void atMode(boolean mode) {
    if (mode && learner != null) throw new IllegalStateException("a learning principal samples its actions; detach the learner first");
    this.atMode = mode;
  }

  @Override
  public String name() {
    return atMode ? "learned@mode" : "learned";
  }

  /** The levels chosen for env {@code env} at the last period start (all 0 before the first). */
  @Override
  public int[] levels(int env, int period) {
    int[] out = new int[brackets];
    if (chosen != null) System.arraycopy(chosen, env * brackets, out, 0, brackets);
    return out;
  }

  @Override
  public void act(VecEnv env, int period) {
    int envs = env.envs();
    if (obs == null || obs.length != envs * inputs) {
      obs = new float[envs * inputs];
      probs = new float[envs * brackets * levels];
      value = new float[envs];
      logp = new float[envs];
      uniforms = new float[envs * brackets];
      if (chosen == null || chosen.length != envs * brackets) chosen = new int[envs * brackets];
    }
    observe(env, obs);
    forward(obs, envs, probs, value);
    // the values bootstrap the period that just ended; an update changes the network, which then acts on a fresh pass
    if (learner != null && learner.periodStarts(value)) forward(obs, envs, probs, value);
    int[] lv = new int[brackets];
    if (!atMode) draws.uniforms(acts, uniforms, 0, uniforms.length);
    acts++;
    for (int e = 0; e < envs; e++) {
      float lp = 0f;
      for (int b = 0; b < brackets; b++) {
        int off = (e * brackets + b) * levels;
        lv[b] = atMode ? mode(probs, off, levels) : PlayerPolicy.sample(uniforms[e * brackets + b], probs, off, levels);
        lp += (float) Math.log(Math.max(probs[off + lv[b]], 1e-30f));
        chosen[e * brackets + b] = lv[b];
      }
      logp[e] = lp;
      env.setRates(e, lv);
    }
    if (learner != null) learner.acted(obs, chosen, logp, value);
  }

  /** Every env's {@link PrincipalObservation} into {@code x} [env, inputs]. */
  private void observe(VecEnv env, float[] x) {
    for (int e = 0; e < env.envs(); e++) PrincipalObservation.write(env, e, x, e * inputs);
  }

  /** One forward pass over the observations {@code x} [env, inputs]: the levels' probabilities into {@code p} [env, bracket, level], V into {@code v} [env]. */
  private void forward(float[] x, int envs, float[] p, float[] v) {
    try (NDScope scope = new NDScope()) {
      NDArray in = net.manager.create(x, new Shape(envs, inputs));
      copies.in(in);
      NDList out = net.forward(new NDList(in));
      PlayerPolicy.copy(out.get(0).softmax(-1), p);
      PlayerPolicy.copy(out.get(1), v);
      copies.out(4L * (p.length + v.length));
    }
  }

  /** The index of the largest of {@code p[off .. off + n)}, the lowest on a tie. */
  static int mode(float[] p, int off, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) if (p[off + k] > p[off + best]) best = k;
    return best;
  }

  /** The policy's probabilities [env, bracket, level] on every env's current observation (no sampling, no learning). */
  float[] probabilities(VecEnv env) {
    int envs = env.envs();
    float[] x = new float[envs * inputs], p = new float[envs * brackets * levels];
    observe(env, x);
    forward(x, envs, p, new float[envs]);
    return p;
  }

  /** The observation [env, inputs] the last {@link #act} acted on (a copy; null before the first). */
  float[] lastObservation() {
    return obs == null ? null : obs.clone();
  }

  @Override
  public void periodEnded(VecEnv env) {
    if (learner == null) return;
    if (reward == null || reward.length != env.envs()) reward = new float[env.envs()];
    rewards.rewards(env, reward);
    learner.periodEnded(reward, env.roundEnded());
  }

  @Override
  public void close() {
    if (ownsNet) {
      net.close();
      manager.close();
    }
  }
}
