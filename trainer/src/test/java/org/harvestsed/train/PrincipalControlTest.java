package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.principal.PrincipalDriver;
import org.junit.jupiter.api.Test;

/**
 * Positive control (a) of issue 14: with the players frozen (uniformly random), the principal's
 * learner (observation, network, batching, GAE, PPO, schedules: the training code path) finds
 * the best rates of an objective whose optimum is known: the period's tax revenue per player,
 * sum_i T(w_i) / n. Random players do not respond to rates, so revenue grows with the rate of
 * every bracket that some income reaches: the best rates are 1 in every such bracket. The map is
 * dense with fast regrowth so that incomes reach all three brackets (checked). (Post-tax equality
 * was tried first: with incomes above every cutoff only the top bracket changes it, and 0.9 and 1
 * there differ by less than the noise, so it has no sharp optimum on this map.)
 *
 * <p>The entropy coefficient is the trainer's default starting one (principal_ent_coef 0.05),
 * held constant. With 0.01 the count was a lottery: brackets 0 and 1 carry at most one apple of
 * income each, so their share of the revenue is small against the noise, and in about half the
 * seeds the policy of one of them collapsed early onto a rate below 1 and did not recover (never
 * within 1,600 updates; other seeds 20 to 90). With 0.05 seeds 1 to 12 took 70 to 250 updates.
 * The count is reproducible: PyTorch's generator (the minibatch order) is seeded with the
 * config's run seed as {@link Trainer} does, and PyTorch runs on one thread here (its rounding then
 * does not depend on the machine's cores). It is still one draw: any change of the random streams
 * or of the rounding moves it.
 */
class PrincipalControlTest {
  static final String YAML = """
      env:
        map: custom
        players: 4
        ascii: ["WWWWWWWWW", "WAAAAAAAW", "WAPAAAPAW", "WAAAAAAAW", "WAPAAAPAW", "WAAAAAAAW", "WWWWWWWWW"]
        regrowth: {probabilities: [0, 0.1, 0.2, 0.3]}
        view: {ahead: 3, behind: 1, left: 2, right: 2}
        episode_length: 200
        tax: {period: 20, brackets: [0, 1, 2]}
        voting: {round_periods: 10}
      run: {envs: 16, seed: 4}
      train: {principal_batch: 64, principal_epochs: 4, principal_minibatches: 2, principal_lr: 1.0e-3,
              principal_ent_coef: 0.05, principal_ent_final: 0.05}
      """;
  /** The bound this test holds the learner to; the measured count is printed (issue 14's note). */
  static final int MAX_UPDATES = 600;

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void withFrozenPlayersItFindsTheRatesThatMaximiseRevenue() {
    Config c = Config.parse(YAML, "control");
    int b = c.env().brackets();
    int[] bracketHits = new int[b];
    long updatesNeeded = updatesToOptimum(c, c.run().seed(), bracketHits);
    System.out.println("principal positive control: modal rates 1 in every bracket and env after " + updatesNeeded + " updates");
    for (int j = 1; j < b; j++) assertThat(bracketHits[j]).as("incomes reached bracket %d", j).isGreaterThan(100);
    assertThat(updatesNeeded).as("updates until the modal rate of every bracket is 1").isBetween(1L, (long) MAX_UPDATES);
  }

  /**
   * Trains the principal of {@code c} against random players, PyTorch seeded with {@code torchSeed}
   * and on one thread, until the modal rate of every bracket in every env is 1 (checked every 10
   * updates); the updates that took, or -1 if not within 200,000 steps or MAX_UPDATES + 1,000
   * updates. Counts the incomes above each cutoff into {@code bracketHits}.
   */
  static long updatesToOptimum(Config c, long torchSeed, int[] bracketHits) {
    EnvSpec spec = c.env();
    TrainConfig tc = TrainConfig.parse(c.train());
    int envs = c.run().envs(), n = spec.players(), b = spec.brackets(), levels = spec.rateLevels();
    long updatesNeeded = -1;
    Engine.getEngine("PyTorch"); // loads the native library that JniUtils calls
    int threads = JniUtils.getNumThreads();
    JniUtils.setNumThreads(1);
    try (NDManager nd = NDManager.newBaseManager();
         PrincipalNet net = new PrincipalNet(nd, PrincipalObservation.size(spec), b, levels, 9);
         Adam opt = new Adam(net);
         VecEnv env = VecEnv.create(spec, envs, "java", 1)) {
      PrincipalLearner learner = new PrincipalLearner(net, opt, tc, envs, nd, new HostCopies(),
          new org.harvestsed.engine.rng.Draws(torchSeed, org.harvestsed.engine.rng.Purpose.PRINCIPAL_SHUFFLE));
      LearnedPrincipal p = new LearnedPrincipal(net, spec, 3);
      p.learnWith(learner);
      p.rewardFrom((e, out) -> {
        IntBuffer w = e.state().ints(Buf.PERIOD_END_INCOME);
        FloatBuffer tax = e.state().floats(Buf.TAX);
        float[] cut = spec.bracketCutoffs();
        for (int k = 0; k < envs; k++) {
          for (int i = 0; i < n; i++) {
            int x = w.get(k * n + i);
            for (int j = 1; j < b; j++) if (x > cut[j]) bracketHits[j]++;
          }
          float revenue = 0;
          for (int i = 0; i < n; i++) revenue += tax.get(k * n + i);
          out[k] = revenue / n;
        }
      });
      PrincipalDriver driver = new PrincipalDriver(p);
      env.reset(1);
      for (int s = 0; s < 200_000 && updatesNeeded < 0 && learner.updates() <= MAX_UPDATES + 1_000; s++) {
        if (env.periodStartsNext() && learner.updates() > 0 && learner.updates() % 10 == 0 && allModesAreOne(p, env)) {
          updatesNeeded = learner.updates();
        }
        driver.beforeStep(env);
        env.stepRandom();
        driver.afterStep(env);
      }
    } finally {
      JniUtils.setNumThreads(threads);
    }
    return updatesNeeded;
  }

  /** Whether the policy's most probable level is the top one (rate 1) for every bracket in every env (greedy, no learning). */
  private static boolean allModesAreOne(LearnedPrincipal p, VecEnv env) {
    float[] probs = p.probabilities(env);
    int levels = env.spec().rateLevels();
    for (int off = 0; off < probs.length; off += levels) {
      for (int l = 0; l < levels - 1; l++) if (probs[off + l] >= probs[off + levels - 1]) return false;
    }
    return true;
  }
}
