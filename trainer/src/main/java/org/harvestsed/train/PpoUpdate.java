package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.SplittableRandom;

/** One PPO update of a network on a collected batch (CleanRL's update loop). */
public final class PpoUpdate {
  private PpoUpdate() {}

  /** A batch the update can index: network inputs, one-hot actions, and the rollout's numbers. */
  public interface Batch {
    int size();

    /** The network inputs of samples {@code idx}. */
    NDList inputs(NDManager m, int[] idx);

    /** One-hot actions of samples {@code idx}: [n, K] or [n, heads, K]. */
    NDArray actions(NDManager m, int[] idx);

    float[] logProbs();

    float[] values();

    float[] advantages();

    float[] returns();
  }

  /** A batch whose rollout numbers are arrays; subclasses give the inputs and actions. */
  public abstract static class ArrayBatch implements Batch {
    private final int size;
    private final float[] logProbs, values, advantages, returns;

    protected ArrayBatch(int size, float[] logProbs, float[] values, float[] advantages, float[] returns) {
      this.size = size;
      this.logProbs = logProbs;
      this.values = values;
      this.advantages = advantages;
      this.returns = returns;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public float[] logProbs() {
      return logProbs;
    }

    @Override
    public float[] values() {
      return values;
    }

    @Override
    public float[] advantages() {
      return advantages;
    }

    @Override
    public float[] returns() {
      return returns;
    }
  }

  /** Losses and diagnostics of the last epoch, averaged over its minibatches. */
  public record Stats(float policyLoss, float valueLoss, float entropy, float approxKl, float clipFraction, float gradNorm) {}

  /** Raised when a loss is NaN or infinite: the run stops and keeps its last good checkpoint. */
  public static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String what) {
      super(what);
    }
  }

  /** {@code c.epochs()} passes of {@code c.minibatches()} minibatches over {@code batch} at learning rate {@code lr}. */
  public static Stats update(Net net, Adam adam, Batch batch, PpoSettings c, float lr, SplittableRandom rnd, NDManager manager) {
    int n = batch.size();
    int minibatches = Math.min(c.minibatches(), n);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    int mb = n / minibatches;
    float pg = 0, vl = 0, ent = 0, kl = 0, cf = 0, gn = 0;
    int count = 0;
    for (int epoch = 0; epoch < c.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      pg = vl = ent = kl = cf = gn = 0;
      count = 0;
      for (int start = 0; start + mb <= n; start += mb) {
        int[] idx = java.util.Arrays.copyOfRange(perm, start, start + mb);
        try (NDScope scope = new NDScope()) {
          NDArray oldLogp = manager.create(pick(batch.logProbs(), idx));
          NDArray oldV = manager.create(pick(batch.values(), idx));
          NDArray ret = manager.create(pick(batch.returns(), idx));
          float[] a = pick(batch.advantages(), idx);
          if (c.normAdv()) normalise(a);
          NDArray adv = manager.create(a);
          NDList in = batch.inputs(manager, idx);
          NDArray act = batch.actions(manager, idx);
          float pgLoss, vLoss, entropy, approxKl, clipFrac;
          try (Gradients gc = new Gradients()) {
            NDList out = net.forward(in);
            NDArray logits = out.get(0);
            NDArray newLogp = Ppo.logProb(logits, act);
            NDArray entr = Ppo.entropy(logits);
            if (newLogp.getShape().dimension() > 1) { // several heads: the joint action
              newLogp = newLogp.sum(new int[] {1});
              entr = entr.sum(new int[] {1});
            }
            NDArray logRatio = newLogp.sub(oldLogp);
            NDArray ratio = logRatio.exp();
            NDArray lp = Ppo.policyLoss(ratio, adv, c.clipCoef());
            NDArray lv = Ppo.valueLoss(out.get(1), oldV, ret, c.clipCoef(), c.clipVloss());
            NDArray le = entr.mean();
            NDArray loss = lp.sub(le.mul(c.entCoef())).add(lv.mul(c.vfCoef()));
            float lossValue = loss.getFloat();
            if (!Float.isFinite(lossValue)) {
              throw new DivergedException("the " + net.getClass().getSimpleName() + " loss became " + lossValue
                  + " (policy " + lp.getFloat() + ", value " + lv.getFloat() + "); lower the learning rate");
            }
            gc.backward(loss);
            pgLoss = lp.getFloat();
            vLoss = lv.getFloat();
            entropy = le.getFloat();
            approxKl = Ppo.approxKl(logRatio);
            clipFrac = Ppo.clipFraction(ratio, c.clipCoef());
          }
          gn += adam.step(lr, c.maxGradNorm());
          pg += pgLoss;
          vl += vLoss;
          ent += entropy;
          kl += approxKl;
          cf += clipFrac;
          count++;
        }
      }
    }
    return new Stats(pg / count, vl / count, ent / count, kl / count, cf / count, gn / count);
  }

  static float[] pick(float[] v, int[] idx) {
    float[] out = new float[idx.length];
    for (int i = 0; i < idx.length; i++) out[i] = v[idx[i]];
    return out;
  }

  static void normalise(float[] a) {
    double mean = 0;
    for (float x : a) mean += x;
    mean /= a.length;
    double var = 0;
    for (float x : a) var += (x - mean) * (x - mean);
    double sd = Math.sqrt(var / Math.max(1, a.length - 1));
    for (int i = 0; i < a.length; i++) a[i] = (float) ((a[i] - mean) / (sd + 1e-8));
  }
}
