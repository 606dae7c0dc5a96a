package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * PPO pieces as pure functions on tensors (CleanRL's ppo.py, docs/RULES.md section 9): GAE, the loss
 * terms, the diagnostics. They run on the learner's device ({@link LearnerDevice}). The update loop that uses them is in {@link PpoUpdate}.
 */
public final class Ppo {
  private Ppo() {}

  /**
   * Generalised advantage estimation over a rollout of T steps and M parallel actors, tensors
   * [T, M] on the learner's device. {@code nextValues[t, m]} is V of the state after step t:
   * V(s_{t+1}) normally, V(final observation) where the step ended an episode by the time limit
   * (truncation: we bootstrap), so no transition is terminal; {@code dones[t, m]} (1 or 0) cuts the
   * recursion at episode ends. Returns the advantages [T, M]; the returns are advantages + values.
   */
  public static NDArray gae(NDArray rewards, NDArray values, NDArray nextValues, NDArray dones, float gamma, float lambda) {
    int steps = (int) rewards.getShape().get(0);
    NDList delta = rewards.add(nextValues.mul(gamma)).sub(values).split(steps);
    NDList carry = dones.toType(DataType.FLOAT32, false).neg().add(1f).mul(gamma * lambda).split(steps);
    NDArray[] adv = new NDArray[steps];
    NDArray last = delta.get(steps - 1);
    adv[steps - 1] = last;
    for (int t = steps - 2; t >= 0; t--) {
      last = delta.get(t).add(carry.get(t).mul(last));
      adv[t] = last;
    }
    return NDArrays.concat(new NDList(adv));
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
    if (!clipV) return times(unclipped.mean(), 0.5f);
    NDArray clipped = oldValue.add(value.sub(oldValue).clip(-clip, clip)).sub(returns).square();
    return times(unclipped.maximum(clipped).mean(), 0.5f);
  }

  /**
   * {@code x} times the constant {@code c}, safe inside a graph that a backward pass will read.
   * Not {@code x.mul(c)}: DJL (0.32) makes the number a tensor over a direct ByteBuffer of its own
   * (no copy) and closes it right after the op, while autograd keeps that tensor to scale the
   * gradient; once the garbage collector freed the buffer, the backward pass read freed memory, so
   * the value and entropy gradients depended on the collector's timing and were now and then NaN
   * (issue 22; {@code PpoTest.anUpdateDoesNotDependOnTheGarbageCollector}). Here the constant is
   * allocated by PyTorch ({@code full}), whose storage the graph's reference keeps alive.
   */
  static NDArray times(NDArray x, float c) {
    return x.mul(x.getManager().full(new Shape(), c, x.getDataType()));
  }

  /**
   * Log-probabilities of the chosen actions: logits [.., K], action ids [..] (int64). A gather of
   * the log-softmax at the ids: the same values, and the same gradient, as the sum of the
   * log-softmax times the actions' one-hot (a one-hot's zeros add nothing), without the one-hot.
   */
  public static NDArray logProb(NDArray logits, NDArray actions) {
    return logits.logSoftmax(-1).gather(actions.expandDims(-1), -1).squeeze(-1);
  }

  /** Entropy of the categorical distributions, over the last axis. */
  public static NDArray entropy(NDArray logits) {
    NDArray logp = logits.logSoftmax(-1);
    return logp.exp().mul(logp).sum(new int[] {-1}).neg();
  }

  /** CleanRL's approx_kl: mean((r - 1) - log r). */
  public static NDArray approxKl(NDArray logRatio) {
    return logRatio.exp().sub(1).sub(logRatio).mean();
  }

  /** Fraction of samples whose ratio left [1-c, 1+c]. */
  public static NDArray clipFraction(NDArray ratio, float clip) {
    return ratio.sub(1).abs().gt(clip).toType(DataType.FLOAT32, false).mean();
  }

  /** 1 - Var(returns - values) / Var(returns) over all entries, NaN when the returns have no variance. */
  public static float explainedVariance(NDArray values, NDArray returns) {
    try (NDScope scope = new NDScope()) {
      NDArray y = returns.flatten();
      NDArray d = y.sub(values.flatten());
      float[] v = NDArrays.stack(new NDList(y.sub(y.mean()).square().mean(), d.sub(d.mean()).square().mean())).toFloatArray();
      return v[0] == 0 ? Float.NaN : 1 - v[1] / v[0];
    }
  }
}
