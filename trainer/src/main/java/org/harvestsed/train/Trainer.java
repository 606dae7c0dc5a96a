package org.harvestsed.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;

/**
 * Two-level PPO (docs/RULES.md section 9), read top to bottom like CleanRL's ppo.py. Each iteration:
 * {@link Rollout#collect} ({@code num_steps} steps of every env; in phase 2 the principal acts
 * at each period start through its {@link PrincipalDriver}), then {@link PlayerLearner#update}.
 * The principal learns inside the rollout ({@link PrincipalLearner}: an update at the first
 * period start at which {@code principal_batch} transitions are complete).
 * Phase 1 (first {@code phase1_steps}): players only, no tax (cap 0). Phase 2: taxes on, the
 * principal trains with its own learning-rate and entropy schedules over phase 2, the cap rises
 * linearly from 0.1 to 1 over {@code cap_anneal_steps}.
 */
public final class Trainer implements AutoCloseable {
  private final Config config;
  private final TrainConfig tc;
  private final Path dir;
  private final VecEnv env;
  private final NDManager manager;
  private final Device device;
  private final HostCopies copies = new HostCopies();
  private final PlayerNet players;
  private final PrincipalNet principalNet;
  private final Adam playersOpt, principalOpt;
  private final int envs, n;
  private final Rollout rollout;
  private final PlayerPolicy policy;
  private final PlayerLearner playerLearner;
  private final PrincipalLearner principalLearner;
  private final LearnedPrincipal learned;
  private PrincipalDriver driver;
  private long iteration, globalStep;
  private volatile boolean stopRequested;
  private float trust = Float.NaN;
  private Consumer<String> progress = s -> {};

  public Trainer(Config config, TrainConfig tc, Path dir) {
    this(config, tc, dir, false);
  }

  /**
   * {@code tensorPath}: the rollout and the players' sampling take the path a GPU learner takes
   * (staged copies, tensor sampler) even on the CPU, where they otherwise work in place; the two
   * give the same run (RolloutOnDeviceTest).
   */
  Trainer(Config config, TrainConfig tc, Path dir, boolean tensorPath) {
    this.config = config;
    this.tc = tc;
    this.dir = dir;
    EnvSpec spec = config.env();
    envs = config.run().envs();
    tc.validateSizes(envs, spec.players());
    n = spec.players();
    int threads = tc.torchThreads() > 0 ? tc.torchThreads() : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
    device = LearnerDevice.resolve(tc.device()); // bad input (gpu without one) fails here, before the env is built
    noGradOnThisThread();
    long seed = config.run().seed();
    JniUtils.setSeed(seed); // PyTorch's generators (CPU and CUDA): the players' sampling and the minibatch order
    env = VecEnv.create(spec, envs, config.run());
    manager = NDManager.newBaseManager(device);
    players = new PlayerNet(manager, spec.obsRows(), spec.obsCols(), spec.scalars(), spec.actions(), seed);
    principalNet = new PrincipalNet(manager, PrincipalObservation.size(spec), spec.brackets(), spec.rateLevels(), seed + 1);
    playersOpt = new Adam(players);
    principalOpt = new Adam(principalNet);
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean onHost = !device.isGpu() && !tensorPath;
    rollout = new Rollout(tc.numSteps(), env, manager, copies, onHost);
    policy = new PlayerPolicy(players, env, manager, copies, onHost);
    playerLearner = new PlayerLearner(players, playersOpt, tc, rollout, spec.actions(), manager, copies);
    principalLearner = new PrincipalLearner(principalNet, principalOpt, tc, envs, manager, copies);
    learned = new LearnedPrincipal(principalNet, spec, rnd);
    learned.countInto(copies);
    learned.learnWith(principalLearner);
    driver = new PrincipalDriver(learned);
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

  /** Principal updates so far in this process. */
  public long principalUpdates() {
    return principalLearner.updates();
  }

  PlayerNet players() {
    return players;
  }

  LearnedPrincipal learnedPrincipal() {
    return learned;
  }

  PrincipalLearner principalLearner() {
    return principalLearner;
  }

  /**
   * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that
   * loaded the engine. The optimizers update parameters in place, which needs it off, so a trainer
   * used from another thread (a Spark executor's task thread) turns it off there.
   */
  static void noGradOnThisThread() {
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
  }

  /** Resets the envs for {@link #iterate()} called on its own (benchmarks); {@link #run()} does this itself. */
  public void start() {
    reset(config.run().seed() + iteration);
  }

  private void reset(long seed) {
    env.reset(seed);
    if (!Float.isNaN(trust)) {
      java.nio.FloatBuffer beta = env.state().floats(org.harvestsed.engine.state.Buf.BETA);
      for (int k = 0; k < envs * n; k++) beta.put(k, trust);
    }
    rollout.restartEpisodes();
    principalLearner.discardPending();
  }

  /**
   * Every player's trust beta is {@code beta} after every reset, in training and evaluation
   * (experiments: beta = 1 under a flat tax of 1 is a shared payoff). Java backend only: it
   * overwrites the drawn types in the engine's buffer.
   */
  public void overrideTrust(float beta) {
    if (!env.backendName().equals("java")) throw new IllegalArgumentException("overrideTrust needs the java backend");
    this.trust = beta;
  }

  /** Restores counters, networks, optimizers and the principal's reward scale from {@code from}. */
  public void resume(Path from) throws IOException {
    Checkpoint.Counters c = Checkpoint.load(from, players, playersOpt, principalNet, principalOpt, principalLearner.moments());
    iteration = c.iteration();
    globalStep = c.globalStep();
  }

  /** Rates come from {@code p} (a baseline) from now on; the learned principal neither acts nor learns. */
  public void useBaseline(Principal p) {
    driver = new PrincipalDriver(p);
  }

  /** The learned principal keeps acting but stops learning. */
  public void freezePrincipal() {
    learned.learnWith(null);
  }

  /**
   * The learned principal stops learning and from now on acts at its mode ({@code mode}) or
   * samples (docs/RULES.md section 9; the comparison evaluates it both ways).
   */
  public void learnedAtMode(boolean mode) {
    learned.learnWith(null);
    learned.atMode(mode);
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
    checkpoint(Checkpoint.FILE);
  }

  private void checkpoint(String name) throws IOException {
    Checkpoint.save(dir, name, new Checkpoint.Counters(iteration, globalStep), players, playersOpt, principalNet, principalOpt,
        principalLearner.moments());
  }

  /** Asks {@link #run()} to stop after the current iteration and write a checkpoint (SIGINT/SIGTERM). */
  public void requestStop() {
    stopRequested = true;
  }

  int phase() {
    return globalStep < tc.phase1Steps() ? 1 : 2;
  }

  float cap() {
    if (phase() == 1) return 0f;
    double f = (double) (globalStep - tc.phase1Steps()) / tc.capAnnealSteps();
    return (float) Math.min(1.0, 0.1 + 0.9 * f);
  }

  /** Fraction of phase 2 done, in [0, 1]: the principal's schedules. */
  private float phase2Fraction() {
    long len = tc.totalSteps() - tc.phase1Steps();
    if (len <= 0) return 1f;
    return (float) Math.min(1.0, Math.max(0.0, (double) (globalStep - tc.phase1Steps()) / len));
  }

  /**
   * Trains until total_steps: metrics.csv rows (a resumed run first drops the rows logged after
   * its checkpoint), checkpoints. Returns false if it stopped early on {@link #requestStop()},
   * after writing a checkpoint.
   */
  public boolean run() throws IOException {
    noGradOnThisThread();
    Files.createDirectories(dir);
    reset(config.run().seed() + iteration); // a resumed run starts a fresh stream of episodes
    try (BufferedWriter w = Metrics.open(dir, iteration)) {
      while (globalStep < tc.totalSteps()) {
        long t0 = System.nanoTime();
        int phaseBefore = phase();
        Metrics row = step();
        if (phaseBefore == 1 && phase() == 2) checkpoint(Checkpoint.PHASE1_FILE);
        row.set("charts/SPS", tc.numSteps() * envs / ((System.nanoTime() - t0) / 1e9));
        w.write(String.join(",", row.values()) + "\n");
        w.flush();
        if (iteration % tc.checkpointEvery() == 0 || globalStep >= tc.totalSteps() || stopRequested) checkpoint();
        progress.accept(progressLine(row));
        if (stopRequested) return false;
      }
    }
    return true;
  }

  /** The progress bar's message: phase, speed, the players' reward, entropy and explained variance, the principal's. */
  private static String progressLine(Metrics row) {
    StringBuilder sb = new StringBuilder("phase ").append(row.get("charts/phase"))
        .append(String.format(java.util.Locale.ROOT, " | %.0f env-steps/s | reward %s | ent %s ev %s | cap %s",
            Double.parseDouble(row.get("charts/SPS")), short3(row.get("charts/mean_reward")), short3(row.get("losses/entropy")),
            short3(row.get("losses/explained_variance")), short3(row.get("charts/cap"))));
    if (!row.get("principal/updates").isEmpty()) {
      sb.append(" | principal updates ").append(row.get("principal/updates"));
      if (!row.get("principal/entropy").isEmpty()) sb.append(" ent ").append(short3(row.get("principal/entropy")));
    }
    if (!row.get("round/objective").isEmpty()) sb.append(" | objective ").append(short3(row.get("round/objective"))).append(" rates ").append(row.get("round/rates"));
    return sb.toString();
  }

  private static String short3(String v) {
    return v.isEmpty() ? "-" : String.format(java.util.Locale.ROOT, "%.3g", Double.parseDouble(v));
  }

  /** One iteration (see {@link #step()}): the metrics row's values in {@link Metrics#COLUMNS} order. */
  public String[] iterate() {
    return step().values();
  }

  /** One iteration: rollout (the principal acting and learning in phase 2), then the players' update. */
  Metrics step() {
    long tStart = System.nanoTime();
    long envTo = env.bytesToDevice(), envFrom = env.bytesFromDevice(), toLearner = copies.toLearner(), fromLearner = copies.fromLearner();
    int T = tc.numSteps();
    float frac = 1f - (float) iteration / Math.max(1, (tc.totalSteps() + (long) T * envs - 1) / ((long) T * envs));
    float lr = tc.annealLr() ? tc.lr() * Math.max(frac, 0f) : tc.lr();
    float f2 = phase2Fraction();
    float plr = tc.annealLr() ? tc.principalLr() * Math.max(1f - f2, 0.02f) : tc.principalLr();
    float pent = tc.principalEntCoef() + (tc.principalEntFinal() - tc.principalEntCoef()) * f2;
    principalLearner.schedule(plr, pent);
    env.setCap(cap());
    boolean phase2 = phase() == 2;
    rollout.collect(env, policy, phase2 ? driver : null);
    globalStep += (long) T * envs;
    long tRollout = System.nanoTime();
    PpoUpdate.Stats s = playerLearner.update(lr);
    iteration++;
    Metrics row = new Metrics();
    row.set("iteration", Long.toString(iteration)).set("global_step", Long.toString(globalStep))
        .set("player_steps", Long.toString(globalStep * n)).set("charts/phase", Integer.toString(phase()))
        .set("charts/cap", cap()).set("charts/mean_reward", rollout.rewardSum / ((double) T * rollout.m))
        .set("charts/learning_rate", lr).set("charts/episodes", Integer.toString(rollout.episodes))
        .set("losses/policy_loss", s.policyLoss()).set("losses/value_loss", s.valueLoss())
        .set("losses/entropy", s.entropy()).set("losses/approx_kl", s.approxKl()).set("losses/clipfrac", s.clipFraction())
        .set("losses/explained_variance", playerLearner.explainedVariance()).set("losses/grad_norm", s.gradNorm());
    if (rollout.episodes > 0) row.set("charts/episodic_return", rollout.episodeReturnSum / rollout.episodes);
    if (phase2) {
      row.set("principal/updates", Long.toString(principalLearner.updates())).set("principal/learning_rate", plr)
          .set("principal/ent_coef", pent).set("principal/reward_scale", principalLearner.moments().std());
    }
    UpdateLog.Summary p = principalLearner.drain();
    if (p != null) {
      row.set("principal/policy_loss", p.stats().policyLoss()).set("principal/value_loss", p.stats().valueLoss())
          .set("principal/entropy", p.stats().entropy()).set("principal/approx_kl", p.stats().approxKl())
          .set("principal/clipfrac", p.stats().clipFraction()).set("principal/explained_variance", p.explainedVariance())
          .set("principal/mean_reward", p.meanReward());
    }
    RoundMetrics round = rollout.round;
    if (round != null) {
      StringBuilder rates = new StringBuilder();
      for (double x : round.rates()) rates.append(rates.isEmpty() ? "" : ";").append(Metrics.fmt(x));
      row.set("round/productivity", round.productivity()).set("round/equality", round.equality())
          .set("round/eq_x_prod", round.eqXProd()).set("round/objective", round.objective()).set("round/eta", round.eta())
          .set("round/rates", rates.toString()).set("round/revenue", round.revenue()).set("round/lost_patches", round.lostPatches());
    }
    long tEnd = System.nanoTime();
    row.set("transfer/env_to_device_bytes", Long.toString(env.bytesToDevice() - envTo))
        .set("transfer/env_from_device_bytes", Long.toString(env.bytesFromDevice() - envFrom))
        .set("transfer/to_learner_bytes", Long.toString(copies.toLearner() - toLearner))
        .set("transfer/from_learner_bytes", Long.toString(copies.fromLearner() - fromLearner));
    row.set("charts/rollout_s", (tRollout - tStart) / 1e9).set("charts/update_s", (tEnd - tRollout) / 1e9)
        .set("charts/rollout_fraction", (double) (tRollout - tStart) / (tEnd - tStart))
        .set("charts/principal_update_s", principalLearner.drainUpdateSeconds()); // part of rollout_s
    return row;
  }

  /**
   * Apples per player-step of the current policy (sampled, no learning) over {@code steps} steps
   * from a fresh reset under {@code seed}, per env: [envs].
   */
  public double[] evaluate(int steps, long seed) {
    principalLearner.discardPending();
    return Evaluator.applesPerStep(env, policy, steps, () -> reset(seed));
  }

  /**
   * Plays one voting round from a fresh reset under {@code seed} with the current players
   * (sampling) and principal (baseline, or the learned one acting without learning), cap 1.
   */
  public Evaluator.RoundResult evaluateRound(long seed) {
    learned.learnWith(null);
    principalLearner.discardPending();
    return Evaluator.round(env, policy, driver, () -> reset(seed));
  }

  /**
   * Apples per round (mean over envs) of one round from {@code reset(seed)} under the current
   * principal at cap 1: the trained players ({@code trained}) or uniformly random ones.
   */
  public double applesPerRound(long seed, boolean trained) {
    learned.learnWith(null);
    principalLearner.discardPending();
    return Evaluator.round(env, trained ? policy : null, driver, () -> reset(seed)).metrics().productivity();
  }

  /** The learner's device (train.device resolved). */
  public Device device() {
    return device;
  }

  /** Bytes copied between host memory and the learner's tensors since the trainer was built ({@link HostCopies}). */
  public HostCopies hostCopies() {
    return copies;
  }

  @Override
  public void close() {
    policy.close();
    rollout.close();
    principalOpt.close();
    playersOpt.close();
    principalNet.close();
    players.close();
    manager.close();
    env.close();
  }
}
