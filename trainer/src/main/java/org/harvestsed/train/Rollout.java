package org.harvestsed.train;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.principal.PrincipalDriver;

/**
 * Rollout collection (CleanRL's storage loop): {@code T} steps of every env with the players'
 * policy, a principal run by its {@link PrincipalDriver} (none in phase 1), storage preallocated
 * as [step, actor] with actor = env * n + player. Afterwards {@code nextValues[t]} is V of the
 * state after step t: V(s_{t+1}), or V(final observation) where the step ended an episode (a
 * time-limit truncation: we bootstrap).
 */
final class Rollout {
  final int steps, m, view, feats;
  final byte[] codes;
  final float[] features, logps, values, rewards, nextValues;
  final int[] acts;
  final boolean[] dones;
  private final float[] finalValues, lastValues, episodeReturn;
  // what the last collect saw
  double rewardSum, episodeReturnSum;
  int episodes;
  RoundMetrics round;

  Rollout(int steps, VecEnv env) {
    this.steps = steps;
    m = env.envs() * env.players();
    view = env.spec().obsCells();
    feats = env.spec().scalars();
    codes = new byte[steps * m * view];
    features = new float[steps * m * feats];
    logps = new float[steps * m];
    values = new float[steps * m];
    rewards = new float[steps * m];
    nextValues = new float[steps * m];
    acts = new int[steps * m];
    dones = new boolean[steps * m];
    finalValues = new float[m];
    lastValues = new float[m];
    episodeReturn = new float[m];
  }

  /** Players' returns of the episodes in progress restart from 0 (after env.reset). */
  void restartEpisodes() {
    java.util.Arrays.fill(episodeReturn, 0f);
  }

  /** {@link #steps} steps of every env; {@code driver} null: no principal acts (phase 1). */
  void collect(VecEnv env, PlayerPolicy policy, PrincipalDriver driver) {
    ByteBuffer obs = env.obs();
    FloatBuffer sc = env.scalars();
    rewardSum = 0;
    episodeReturnSum = 0;
    episodes = 0;
    round = null;
    for (int t = 0; t < steps; t++) {
      if (driver != null) driver.beforeStep(env);
      obs.get(0, codes, t * m * view, m * view);
      sc.get(0, features, t * m * feats, m * feats);
      policy.act();
      System.arraycopy(policy.action, 0, acts, t * m, m);
      System.arraycopy(policy.logp, 0, logps, t * m, m);
      System.arraycopy(policy.value, 0, values, t * m, m);
      env.step(policy.action);
      FloatBuffer r = env.rewards();
      for (int k = 0; k < m; k++) {
        float x = r.get(k);
        rewards[t * m + k] = x;
        rewardSum += x;
        episodeReturn[k] += x;
      }
      boolean done = env.dones().get(0) != 0; // every env ends its episode at the same step
      for (int k = 0; k < m; k++) dones[t * m + k] = done;
      if (done) {
        policy.finalValues(finalValues);
        System.arraycopy(finalValues, 0, nextValues, t * m, m);
        for (int k = 0; k < m; k++) episodeReturnSum += episodeReturn[k];
        episodes += m;
        java.util.Arrays.fill(episodeReturn, 0f);
      }
      if (driver != null) driver.afterStep(env);
      if (env.roundEnded()) round = RoundMetrics.mean(env.lastRoundMetrics());
    }
    policy.values(lastValues);
    for (int t = 0; t < steps; t++) {
      if (dones[t * m]) continue;
      System.arraycopy(t + 1 < steps ? values : lastValues, t + 1 < steps ? (t + 1) * m : 0, nextValues, t * m, m);
    }
  }
}
