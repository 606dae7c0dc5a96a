package org.harvestsed.train;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;

/**
 * The {@code train:} section: PPO and curriculum settings. Defaults are the paper's code
 * (CleanRL's PPO): docs/RULES.md section 9.
 *
 * @param totalSteps     env steps summed over envs (CleanRL's total_timesteps); player-steps = x players
 * @param numSteps       rollout length per env per iteration
 * @param lr             players' Adam learning rate (linearly annealed to 0 when annealLr)
 * @param annealLr       anneal both learning rates linearly over the run
 * @param gamma          discount
 * @param gaeLambda      GAE lambda
 * @param numMinibatches minibatches per epoch
 * @param updateEpochs   epochs per update
 * @param clipCoef       PPO clip
 * @param clipVloss      value clipping
 * @param entCoef        entropy coefficient
 * @param vfCoef         value coefficient
 * @param maxGradNorm    global gradient-norm clip
 * @param normAdv        advantage normalisation per minibatch
 * @param phase1Steps    curriculum phase 1 (players only, no tax), in env steps summed over envs
 * @param capAnnealSteps phase 2: steps over which the rate cap goes from 0.1 to 1; 0: cap 1 from phase 2's first step
 * @param principalLr    the principal's Adam learning rate at the start of phase 2, annealed linearly to 0 over
 *                       phase 2 when annealLr (its own schedule: it learns only in phase 2)
 * @param principalBatch principal transitions (env-periods) per principal update; the update runs at the
 *                       first period start at which that many transitions are complete
 * @param principalEpochs       epochs per principal update
 * @param principalMinibatches  minibatches per principal epoch
 * @param principalGamma        discount per tax period (1: the round objective is the sum of its rewards)
 * @param principalEntCoef      the principal's entropy coefficient at the start of phase 2
 * @param principalEntFinal     ... annealed linearly to this at the end of the run (the AI Economist anneals
 *                              the planner's entropy)
 * @param checkpointEvery iterations between checkpoints (and at the end)
 * @param torchThreads   PyTorch intra-op threads (0 = one per core)
 * @param phase1Rates    phase 1's rates: {@code none} (cap 0, no tax) or {@code random} (cap 1, every env's levels drawn
 *                       uniformly per bracket and period: the players learn what a rate does before the principal acts)
 * @param device         the learner's device ({@link LearnerDevice}): {@code auto} (a GPU when PyTorch sees one, else
 *                       the CPU), {@code cpu} or {@code gpu} (an error when PyTorch sees none)
 * @param convolutions   how the players' network computes its two convolutions ({@link PlayerNet.Convolutions}: the same
 *                       function, summed in another order): {@code auto} (host on a CPU learner, torch on a GPU),
 *                       {@code host} (Java's vector API on the CPU; docs/BENCHMARKS.md, issue 27) or {@code torch} (PyTorch's
 *                       conv2d, as before issue 27's host convolutions)
 */
public record TrainConfig(long totalSteps, int numSteps, float lr, boolean annealLr, float gamma, float gaeLambda,
    int numMinibatches, int updateEpochs, float clipCoef, boolean clipVloss, float entCoef, float vfCoef,
    float maxGradNorm, boolean normAdv, long phase1Steps, long capAnnealSteps, float principalLr, int principalBatch,
    int principalEpochs, int principalMinibatches, float principalGamma, float principalEntCoef, float principalEntFinal,
    int checkpointEvery, int torchThreads, Phase1Rates phase1Rates, LearnerDevice.Setting device, PlayerNet.Convolutions convolutions) {

  /** train.phase1_rates. */
  public enum Phase1Rates { NONE, RANDOM }

  public static TrainConfig parse(Config.Section s) {
    s.allow("total_steps", "num_steps", "lr", "anneal_lr", "gamma", "gae_lambda", "num_minibatches", "update_epochs",
        "clip_coef", "clip_vloss", "ent_coef", "vf_coef", "max_grad_norm", "norm_adv", "phase1_steps", "cap_anneal_steps",
        "principal_lr", "principal_batch", "principal_epochs", "principal_minibatches", "principal_gamma",
        "principal_ent_coef", "principal_ent_final", "checkpoint_every", "torch_threads", "phase1_rates", "device", "convolutions");
    TrainConfig t = new TrainConfig(s.longValue("total_steps", 200_000), s.integer("num_steps", 128),
        (float) s.number("lr", 2.5e-4), s.bool("anneal_lr", true), (float) s.number("gamma", 0.99),
        (float) s.number("gae_lambda", 0.95), s.integer("num_minibatches", 4), s.integer("update_epochs", 4),
        (float) s.number("clip_coef", 0.2), s.bool("clip_vloss", true), (float) s.number("ent_coef", 0.01),
        (float) s.number("vf_coef", 0.5), (float) s.number("max_grad_norm", 0.5), s.bool("norm_adv", true),
        s.longValue("phase1_steps", 50_000), s.longValue("cap_anneal_steps", 100_000),
        (float) s.number("principal_lr", 1e-3), s.integer("principal_batch", 64), s.integer("principal_epochs", 4),
        s.integer("principal_minibatches", 2), (float) s.number("principal_gamma", 1.0), (float) s.number("principal_ent_coef", 0.05),
        (float) s.number("principal_ent_final", 0.001), s.integer("checkpoint_every", 10),
        s.integer("torch_threads", 0), s.choice("phase1_rates", Phase1Rates.class, Phase1Rates.NONE), s.choice("device", LearnerDevice.Setting.class, LearnerDevice.Setting.AUTO),
        s.choice("convolutions", PlayerNet.Convolutions.class, PlayerNet.Convolutions.AUTO));
    t.validate();
    return t;
  }

  /** Settings for fine-tuning players for {@code steps} env steps in phase 2 at cap 1 from the first step (evaluation). */
  public TrainConfig forFinetune(long steps) {
    return new TrainConfig(steps, numSteps, lr, annealLr, gamma, gaeLambda, numMinibatches, updateEpochs, clipCoef, clipVloss,
        entCoef, vfCoef, maxGradNorm, normAdv, 0, 0, principalLr, principalBatch, principalEpochs, principalMinibatches,
        principalGamma, principalEntCoef, principalEntFinal, Integer.MAX_VALUE, torchThreads, Phase1Rates.NONE, device, convolutions);
  }

  /** The players' PPO update. */
  public PpoSettings players() {
    return new PpoSettings(updateEpochs, numMinibatches, clipCoef, clipVloss, entCoef, vfCoef, maxGradNorm, normAdv);
  }

  /**
   * The principal's PPO update at entropy coefficient {@code ent}: no value clipping (its returns
   * are normalised by a running scale, see {@link PrincipalLearner}), advantages normalised.
   */
  public PpoSettings principal(float ent) {
    return new PpoSettings(principalEpochs, principalMinibatches, clipCoef, false, ent, vfCoef, maxGradNorm, true);
  }

  void validate() {
    positive("train.total_steps", totalSteps);
    positive("train.num_steps", numSteps);
    if (!(lr > 0) || !Float.isFinite(lr)) throw ConfigException.at("train.lr", lr + " must be a positive number");
    if (!(principalLr > 0) || !Float.isFinite(principalLr)) throw ConfigException.at("train.principal_lr", principalLr + " must be a positive number");
    unit("train.gamma", gamma);
    unit("train.gae_lambda", gaeLambda);
    positive("train.num_minibatches", numMinibatches);
    positive("train.update_epochs", updateEpochs);
    if (!(clipCoef > 0)) throw ConfigException.at("train.clip_coef", clipCoef + " must be > 0");
    if (!(entCoef >= 0)) throw ConfigException.at("train.ent_coef", entCoef + " must be >= 0");
    if (!(vfCoef >= 0)) throw ConfigException.at("train.vf_coef", vfCoef + " must be >= 0");
    if (!(maxGradNorm > 0)) throw ConfigException.at("train.max_grad_norm", maxGradNorm + " must be > 0");
    if (phase1Steps < 0) throw ConfigException.at("train.phase1_steps", phase1Steps + " must be >= 0");
    if (capAnnealSteps < 0) throw ConfigException.at("train.cap_anneal_steps", capAnnealSteps + " must be >= 0 (0: cap 1 from phase 2's first step)");
    positive("train.principal_batch", principalBatch);
    positive("train.principal_epochs", principalEpochs);
    positive("train.principal_minibatches", principalMinibatches);
    if (principalMinibatches > principalBatch) {
      throw ConfigException.at("train.principal_minibatches", principalMinibatches + " minibatches do not fit in a principal batch of "
          + principalBatch + " transitions; use at most " + principalBatch);
    }
    unit("train.principal_gamma", principalGamma);
    if (!(principalEntCoef >= 0)) throw ConfigException.at("train.principal_ent_coef", principalEntCoef + " must be >= 0");
    if (!(principalEntFinal >= 0)) throw ConfigException.at("train.principal_ent_final", principalEntFinal + " must be >= 0");
    positive("train.checkpoint_every", checkpointEvery);
    if (torchThreads < 0) throw ConfigException.at("train.torch_threads", torchThreads + " must be >= 0 (0 = one per core)");
  }

  /** Checks that depend on the env count and players: the minibatch must fit in the batch. */
  void validateSizes(int envs, int players) {
    long batch = (long) numSteps * envs * players;
    if (numMinibatches > batch) {
      throw ConfigException.at("train.num_minibatches", numMinibatches + " minibatches do not fit in a batch of " + batch
          + " samples (num_steps x envs x players); use at most " + batch);
    }
  }

  private static void positive(String key, long v) {
    if (v < 1) throw ConfigException.at(key, v + " must be at least 1");
  }

  private static void unit(String key, float v) {
    if (!(v >= 0 && v <= 1)) throw ConfigException.at(key, v + " is outside [0, 1]");
  }
}
