package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.harvestsed.engine.rng.Draws;

/**
 * One PPO update of a network on a collected batch (CleanRL's update loop), on the learner's
 * device: the shuffle, the minibatch gathers, the advantage normalisation and the losses are
 * tensor operations there; per minibatch one read of its six loss figures comes back to the host
 * (the divergence check and the logged statistics).
 */
public final class PpoUpdate {
  private PpoUpdate() {}

  /**
   * A collected batch of {@code size} samples as tensors on the learner's device, first axis the
   * sample: the network inputs, the action ids ([size] or [size, heads], int64) with {@code classes}
   * choices each, and the rollout's log-probabilities, values, advantages and returns ([size]).
   */
  public record Batch(NDList inputs, NDArray actions, int classes, NDArray logProbs, NDArray values, NDArray advantages,
      NDArray returns) {
    public int size() {
      return (int) logProbs.size();
    }
  }

  /** Losses and diagnostics of the last epoch, averaged over its minibatches. */
  public record Stats(float policyLoss, float valueLoss, float entropy, float approxKl, float clipFraction, float gradNorm) {}

  /**
   * Runs between a minibatch's forward pass and its backward pass (tests: a garbage collection and
   * freed native memory written over there must not change the update, see {@code PpoTest}); null
   * normally.
   */
  static volatile Runnable betweenForwardAndBackward;

  /** Raised when a loss is NaN or infinite: the run stops and keeps its last good checkpoint. */
  public static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String what) {
      super(what);
    }
  }

  /**
   * {@code c.epochs()} passes of {@code c.minibatches()} minibatches over {@code batch} at learning
   * rate {@code lr}. Epoch k's order is the permutation of {@code shuffle} at tick {@code firstTick
   * + k} (drawn on the host, a counter-based stream of the run: docs/RULES.md section 8), sent to
   * the learner's device once per epoch (8 bytes per sample); a minibatch gathers its samples there.
   */
  public static Stats update(Net net, Adam adam, Batch batch, PpoSettings c, float lr, NDManager manager, HostCopies copies,
      Draws shuffle, long firstTick) {
    int n = batch.size();
    long[] order = new long[n];
    int minibatches = Math.min(c.minibatches(), n);
    int mb = n / minibatches;
    float pg = 0, vl = 0, ent = 0, kl = 0, cf = 0, gn = 0;
    int count = 0;
    try (NDScope update = new NDScope()) {
      NDArray gradNorms = manager.zeros(new Shape());
      for (int epoch = 0; epoch < c.epochs(); epoch++) {
        pg = vl = ent = kl = cf = 0;
        count = 0;
        gradNorms.muli(0f);
        try (NDScope pass = new NDScope()) {
          shuffle.permutation(firstTick + epoch, order);
          NDArray perm = manager.create(order);
          copies.in(perm);
          for (int start = 0; start + mb <= n; start += mb) {
            try (NDScope scope = new NDScope()) {
              NDIndex pick = new NDIndex("{}", perm.get(new NDIndex().addSliceDim(start, start + mb)));
              float[] f = minibatch(net, adam, batch, pick, c, lr, gradNorms, copies);
              pg += f[1];
              vl += f[2];
              ent += f[3];
              kl += f[4];
              cf += f[5];
              count++;
            }
          }
        }
      }
      gn = gradNorms.getFloat();
      copies.out(4);
    }
    return new Stats(pg / count, vl / count, ent / count, kl / count, cf / count, gn / count);
  }

  /** One minibatch: forward, losses, backward, Adam (its gradient norm added to {@code gradNorms}); the six loss figures. */
  private static float[] minibatch(Net net, Adam adam, Batch b, NDIndex pick, PpoSettings c, float lr, NDArray gradNorms, HostCopies copies) {
    NDArray oldLogp = b.logProbs().get(pick);
    NDArray oldV = b.values().get(pick);
    NDArray ret = b.returns().get(pick);
    NDArray adv = b.advantages().get(pick);
    if (c.normAdv()) adv = normalise(adv);
    NDList in = new NDList(b.inputs().size());
    for (NDArray x : b.inputs()) in.add(x.get(pick));
    NDArray act = b.actions().get(pick).oneHot(b.classes()).toType(DataType.FLOAT32, false);
    float[] f;
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
      NDArray loss = lp.sub(Ppo.times(le, c.entCoef())).add(Ppo.times(lv, c.vfCoef())); // constants PyTorch owns: Ppo.times
      NDArray figures = NDArrays.stack(new NDList(loss, lp, lv, le, Ppo.approxKl(logRatio), Ppo.clipFraction(ratio, c.clipCoef())));
      f = figures.toFloatArray();
      copies.out(figures);
      if (!Float.isFinite(f[0])) {
        throw new DivergedException("the " + net.getClass().getSimpleName() + " loss became " + f[0]
            + " (policy " + f[1] + ", value " + f[2] + "); lower the learning rate");
      }
      Runnable between = betweenForwardAndBackward;
      if (between != null) between.run();
      gc.backward(loss);
    }
    gradNorms.addi(adam.step(lr, c.maxGradNorm()));
    return f;
  }

  /** (a - mean) / (sample standard deviation + 1e-8). */
  static NDArray normalise(NDArray a) {
    NDArray centred = a.sub(a.mean());
    NDArray sd = centred.square().sum().div(Math.max(1, a.size() - 1)).sqrt();
    return centred.div(sd.add(1e-8f));
  }
}
