package org.harvestsed.train;

import ai.djl.ndarray.NDArray;

/**
 * PPO pieces as pure functions (CleanRL's ppo.py, docs/RULES.md section 9): GAE, and the loss terms on
 * tensors. The update loop that uses them is in {@link PpoUpdate}.
 */
public final class Ppo {
  private Ppo() {}

  /**
   * Generalised advantage estimation over a rollout of T steps and M parallel actors, index
   * [t * M + m]. {@code nextValues[t*M+m]} is V of the state after step t: V(s_{t+1}) normally,
   * V(final observation) where the step ended an episode by the time limit (truncation: we
   * bootstrap), so no transition is terminal; {@code dones[t*M+m]} cuts the recursion at episode
   * ends. Writes advantages and returns (= advantages + values).
   */
  public static void computeGae(float[] rewards, float[] values, float[] nextValues, boolean[] dones, int steps, int actors,
      float gamma, float lambda, float[] advantages, float[] returns) {
    for (int m = 0; m < actors; m++) {
      float last = 0f;
      for (int t = steps - 1; t >= 0; t--) {
        int k = t * actors + m;
        float delta = rewards[k] + gamma * nextValues[k] - values[k];
        float carry = dones[k] ? 0f : gamma * lambda * last;
        last = delta + carry;
        advantages[k] = last;
        returns[k] = last + values[k];
      }
    }
  }

  /** Clipped surrogate: mean(max(-A r, -A clip(r, 1-c, 1+c))). */
  public static NDArray policyLoss(NDArray ratio, NDArray adv, float clip) {
    NDArray l1 = adv.neg().mul(ratio);
    NDArray l2 = adv.neg().mul(ratio.clip(1 - clip, 1 + clip));
    return l1.maximum(l2).mean();
  }

  /**
   * Value loss: 0.5 mean(max((v - R)^2, (v_old + clip(v - v_old, -c, c) - R)^2)) with clipping,
   * else 0.5 mean((v - R)^2).
   */
  public static NDArray valueLoss(NDArray value, NDArray oldValue, NDArray returns, float clip, boolean clipV) {
    NDArray unclipped = value.sub(returns).square();
    if (!clipV) return unclipped.mean().mul(0.5f);
    NDArray clipped = oldValue.add(value.sub(oldValue).clip(-clip, clip)).sub(returns).square();
    return unclipped.maximum(clipped).mean().mul(0.5f);
  }

  /** Log-probabilities of the chosen actions: logits [.., K], one-hot actions [.., K]. */
  public static NDArray logProb(NDArray logits, NDArray oneHotActions) {
    return logits.logSoftmax(-1).mul(oneHotActions).sum(new int[] {-1});
  }

  /** Entropy of the categorical distributions, over the last axis. */
  public static NDArray entropy(NDArray logits) {
    NDArray logp = logits.logSoftmax(-1);
    return logp.exp().mul(logp).sum(new int[] {-1}).neg();
  }

  /** CleanRL's approx_kl: mean((r - 1) - log r). */
  public static float approxKl(NDArray logRatio) {
    return logRatio.exp().sub(1).sub(logRatio).mean().getFloat();
  }

  /** Fraction of samples whose ratio left [1-c, 1+c]. */
  public static float clipFraction(NDArray ratio, float clip) {
    return ratio.sub(1).abs().gt(clip).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean().getFloat();
  }

  /** 1 - Var(returns - values) / Var(returns), NaN when the returns have no variance. */
  public static float explainedVariance(float[] values, float[] returns) {
    return explainedVariance(values, returns, values.length);
  }

  /** {@link #explainedVariance(float[], float[])} over the first {@code n} entries. */
  public static float explainedVariance(float[] values, float[] returns, int n) {
    double my = 0, md = 0;
    for (int i = 0; i < n; i++) {
      my += returns[i];
      md += returns[i] - values[i];
    }
    my /= n;
    md /= n;
    double vy = 0, vd = 0;
    for (int i = 0; i < n; i++) {
      vy += (returns[i] - my) * (returns[i] - my);
      double d = returns[i] - values[i] - md;
      vd += d * d;
    }
    return vy == 0 ? Float.NaN : (float) (1 - vd / vy);
  }
}
