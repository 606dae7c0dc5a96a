package org.harvestsed.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import org.harvestsed.principal.RandomPrincipal;

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
  /** The run's counter-based streams (docs/RULES.md section 8): the players' actions and minibatch orders. */
  private final Draws actionDraws, shuffleDraws;
  private final long seed;
  /** PyTorch's intra-op threads (train.torch_threads, 0 = one per core); a small rollout runs on one ({@link #step}). */
  private final int threads;
  /** The most samples per rollout forward (envs x players) that the rollout runs on one intra-op thread (measured, {@link #step}). */
  static final int ONE_THREAD_ROLLOUT = OmpThreads.ONE_THREAD_BATCH;
  /** The thread counts' setters in OpenMP and MKL (null until first asked: PyTorch's engine must be loaded first). */
  private Optional<OmpThreads> ompLookup;

  private Optional<OmpThreads> ompThreads() {
    if (ompLookup == null) ompLookup = OmpThreads.find();
    return ompLookup;
  }
  private long iteration, globalStep;
  /** A fine-tune's stopping rule (null: run to total_steps) and whether it stopped the run. */
  private Convergence convergence;
  private boolean converged;
  /** Whether {@link #resume} restored the envs' state: {@link #run()} then continues them instead of resetting. */
  private boolean resumed;
  private volatile boolean stopRequested;
  /** Phase 1's rates with train.phase1_rates: random (null: none, the cap is 0). */
  private final PrincipalDriver phase1Rates;
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
    threads = tc.torchThreads() > 0 ? tc.torchThreads() : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    System.setProperty("ai.djl.offline", "true");
    device = LearnerDevice.resolve(tc.device()); // bad input (gpu without one) fails here, before the env is built
    noGradOnThisThread();
    seed = config.run().seed();
    // every draw of the run is addressed by (seed, purpose, tick, index): none from PyTorch's generator
    actionDraws = new Draws(seed, Purpose.ACTION);
    shuffleDraws = new Draws(seed, Purpose.SHUFFLE);
    env = VecEnv.create(spec, envs, config.run());
    manager = NDManager.newBaseManager(device);
    players = new PlayerNet(manager, spec.obsRows(), spec.obsCols(), spec.scalars(), spec.actions(), seed,
        tc.convolutions(), threads);
    principalNet = new PrincipalNet(manager, PrincipalObservation.size(spec), spec.brackets(), spec.rateLevels(), seed + 1);
    playersOpt = new Adam(players);
    principalOpt = new Adam(principalNet);
    boolean onHost = !device.isGpu() && !tensorPath;
    rollout = new Rollout(tc.numSteps(), env, manager, copies, onHost);
    policy = new PlayerPolicy(players, env, manager, copies, onHost);
    playerLearner = new PlayerLearner(players, playersOpt, tc, rollout, manager, copies);
    principalLearner = new PrincipalLearner(principalNet, principalOpt, tc, envs, manager, copies, new Draws(seed, Purpose.PRINCIPAL_SHUFFLE));
    learned = new LearnedPrincipal(principalNet, spec, seed);
    learned.countInto(copies);
    learned.learnWith(principalLearner);
    driver = new PrincipalDriver(learned);
    phase1Rates = tc.phase1Rates() == TrainConfig.Phase1Rates.RANDOM ? new PrincipalDriver(new RandomPrincipal(spec, seed)) : null;
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

  VecEnv env() {
    return env;
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
    JniUtils.setGradMode(false);
  }

  /** Resets the envs for {@link #iterate()} called on its own (benchmarks); {@link #run()} does this itself. */
  public void start() {
    reset(config.run().seed() + iteration);
  }

  private void reset(long seed) {
    env.reset(seed);
    rollout.restartEpisodes();
    principalLearner.discardPending();
  }

  /**
   * Restores everything the next iteration needs from {@code from}'s checkpoint: counters,
   * networks, optimizers, the principal's reward scale, pending transitions and sampling tick, the
   * players' running episode returns and every env's state; {@link #run()} then continues as if
   * the run had never stopped.
   */
  public void resume(Path from) throws IOException {
    Checkpoint.Counters c = Checkpoint.load(from, players, playersOpt, principalNet, principalOpt, principalLearner.moments(),
        this::loadRunState);
    iteration = c.iteration();
    globalStep = c.globalStep();
    resumed = true;
  }

  /** The run's state beyond the networks (checkpoint section "run state"), in {@link #loadRunState}'s order. */
  private void saveRunState(java.io.DataOutputStream out) throws IOException {
    principalLearner.save(out);
    learned.save(out);
    rollout.save(out);
    env.saveState(out);
  }

  private void loadRunState(java.io.DataInputStream in) throws IOException {
    principalLearner.load(in);
    learned.load(in);
    rollout.load(in);
    env.loadState(in);
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

  /**
   * Only the networks, optimizers and the principal's reward scale of {@code from}'s checkpoint (a
   * fine-tune's start): counters stay at 0 and {@link #run()} starts the envs afresh under this
   * config's seed, whatever the checkpoint's envs were.
   */
  public void loadNetworks(Path from) throws IOException {
    Checkpoint.load(from, players, playersOpt, principalNet, principalOpt, principalLearner.moments(), in -> {});
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
        principalLearner.moments(), this::saveRunState);
  }

  /** Asks {@link #run()} to stop after the current iteration and write a checkpoint (SIGINT/SIGTERM). */
  public void requestStop() {
    stopRequested = true;
  }

  int phase() {
    return globalStep < tc.phase1Steps() ? 1 : 2;
  }

  /**
   * The cap on every rate: phase 1 0 (no tax), or 1 with train.phase1_rates: random (the players
   * meet random rates); phase 2 from 0.1 to 1 over cap_anneal_steps, or 1 from its first step when
   * cap_anneal_steps is 0 (a fine-tune, a positive control).
   */
  float cap() {
    if (phase() == 1) return phase1Rates != null ? 1f : 0f;
    if (tc.capAnnealSteps() == 0) return 1f;
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
    if (!resumed) reset(seed); // a resumed run continues the envs its checkpoint saved
    resumed = false;
    try (Metrics.Log w = Metrics.open(dir, iteration)) {
      while (globalStep < tc.totalSteps()) {
        long t0 = System.nanoTime();
        int phaseBefore = phase();
        Metrics row = step();
        if (phaseBefore == 1 && phase() == 2) checkpoint(Checkpoint.PHASE1_FILE);
        double sps = tc.numSteps() * envs / ((System.nanoTime() - t0) / 1e9);
        row.set("charts/SPS", sps).set("charts/player_SPS", sps * n); // env-steps/s (CleanRL's SPS) and player-steps/s
        w.write(row);
        boolean stop = stopRequested; // read once: a signal arriving now is seen after the next iteration, never between checkpoint and return
        if (convergence != null && rollout.round != null) convergence.add(rollout.round.productivity());
        converged = convergence != null && convergence.reached(globalStep);
        if (iteration % tc.checkpointEvery() == 0 || globalStep >= tc.totalSteps() || stop || converged) checkpoint();
        progress.accept(progressLine(row));
        if (stop) return false;
        if (converged) return true;
      }
    }
    return true;
  }

  /**
   * From now on {@link #run()} also stops, before total_steps (the budget), once the players'
   * apples per round stop moving ({@link Convergence}: last quarter of the rounds against the quarter
   * before, within {@code tolerance} apples per round, after at least {@code minSteps} env steps).
   */
  public void stopWhenConverged(double tolerance, long minSteps) {
    convergence = new Convergence(tolerance, minSteps);
  }

  /** Whether the last {@link #run()} stopped on {@link #stopWhenConverged}'s rule. */
  public boolean converged() {
    return converged;
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
    // The rollout's forwards are small (one per step over envs x players samples): on the CPU, up to
    // ONE_THREAD_ROLLOUT samples, one intra-op thread runs them faster than two, which wake and wait for
    // each other in every op (the players' net, 112 samples: 0.59 ms against 1.03 ms; 448: 2.0 against
    // 2.3; 1,024: 4.3 against 4.0; the same bits at every size; docs/BENCHMARKS.md, issue 27). The update's
    // minibatches keep train.torch_threads. Set in OpenMP and MKL, not through PyTorch (OmpThreads says why).
    OmpThreads omp = !device.isGpu() && threads > 1 && (long) envs * n <= ONE_THREAD_ROLLOUT ? ompThreads().orElse(null) : null;
    if (omp != null) omp.one();
    try {
      rollout.collect(env, policy, phase2 ? driver : phase1Rates, actionDraws, iteration * T);
    } finally {
      if (omp != null) omp.restore(threads);
    }
    globalStep += (long) T * envs;
    long tRollout = System.nanoTime();
    PpoUpdate.Stats s = playerLearner.update(lr, shuffleDraws, iteration);
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
    return Evaluator.applesPerStep(env, policy, new Draws(seed, Purpose.EVAL), steps, () -> reset(seed));
  }

  /**
   * Plays one voting round from a fresh reset under {@code seed} with the current players
   * (sampling) and principal (baseline, or the learned one acting without learning), cap 1.
   */
  public Evaluator.RoundResult evaluateRound(long seed) {
    return round(seed, true);
  }

  /**
   * Apples per round (mean over envs) of one round from {@code reset(seed)} under the current
   * principal at cap 1: the trained players ({@code trained}) or uniformly random ones.
   */
  public double applesPerRound(long seed, boolean trained) {
    return round(seed, trained).metrics().productivity();
  }

  /**
   * One evaluated round under {@code seed}: the envs reset under it, the players' draws from its
   * EVAL stream and the learned principal's from its PRINCIPAL stream (tick 0 at the reset), so an
   * evaluation is a function of its seed; the principal's training stream is restored afterwards.
   */
  private Evaluator.RoundResult round(long evalSeed, boolean trained) {
    learned.learnWith(null);
    principalLearner.discardPending();
    long acts = learned.acts();
    try {
      return Evaluator.round(env, trained ? policy : null, new Draws(evalSeed, Purpose.EVAL), driver, () -> {
        reset(evalSeed);
        learned.drawFrom(evalSeed, 0);
      });
    } finally {
      learned.drawFrom(seed, acts);
    }
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
