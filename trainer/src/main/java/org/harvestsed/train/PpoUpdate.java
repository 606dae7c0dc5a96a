package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
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
   * sample: the network inputs, the action ids ([size] or [size, heads], int64), and the rollout's
   * log-probabilities, values, advantages and returns ([size]).
   */
  public record Batch(NDList inputs, NDArray actions, NDArray logProbs, NDArray values, NDArray advantages,
      NDArray returns) {
    public int size() {
      return (int) logProbs.size();
    }

    /** Every tensor's samples in the order {@code perm} (one gather each, on the learner's device; in the caller's scope). */
    Batch gather(NDArray perm) {
      NDIndex pick = new NDIndex("{}", perm);
      NDList in = new NDList(inputs.size());
      for (NDArray x : inputs) in.add(x.get(pick));
      return new Batch(in, actions.get(pick), logProbs.get(pick), values.get(pick), advantages.get(pick), returns.get(pick));
    }

    /** Samples {@code from} to {@code to} - 1: views, no copy. */
    Batch slice(int from, int to) {
      NDIndex rows = new NDIndex().addSliceDim(from, to);
      NDList in = new NDList(inputs.size());
      for (NDArray x : inputs) in.add(x.get(rows));
      return new Batch(in, actions.get(rows), logProbs.get(rows), values.get(rows), advantages.get(rows), returns.get(rows));
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
   * the learner's device once per epoch (8 bytes per sample); there the batch is gathered in that
   * order once per epoch, and minibatch j is its rows j x size .. (j + 1) x size - 1 (views).
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
          Batch shuffled = batch.gather(perm); // the epoch's order gathered once: its minibatches are consecutive rows
          for (int start = 0; start + mb <= n; start += mb) {
            try (NDScope scope = new NDScope()) {
              float[] f = minibatch(net, adam, shuffled.slice(start, start + mb), c, lr, gradNorms, copies);
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

  /** One minibatch (views of an epoch's shuffled batch): forward, losses, backward, Adam (its gradient norm added to {@code gradNorms}); the six loss figures. */
  private static float[] minibatch(Net net, Adam adam, Batch b, PpoSettings c, float lr, NDArray gradNorms, HostCopies copies) {
    NDArray oldLogp = b.logProbs();
    NDArray oldV = b.values();
    NDArray ret = b.returns();
    NDArray adv = b.advantages();
    if (c.normAdv()) adv = normalise(adv);
    float[] f;
    try (Gradients gc = new Gradients()) {
      NDList out = net.forward(b.inputs());
      NDArray logits = out.get(0);
      NDArray newLogp = Ppo.logProb(logits, b.actions());
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
      net.afterBackward();
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
