package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

/**
 * The principal's actor-critic: its own parameters and optimizer, never the players'. Input: the
 * period observation [B, D] (GAME.md section 4); output: one categorical head per bracket over
 * the rate levels, logits [B, brackets, levels], and a value [B].
 * <pre>  linear 64, tanh - linear 64, tanh - { heads: linear brackets*levels; critic: linear 1 }</pre>
 */
public final class PrincipalNet extends Net {
  final int inputs, brackets, levels;
  private final NDArray w1, b1, w2, b2, wa, ba, wc, bc;

  public PrincipalNet(NDManager parent, int inputs, int brackets, int levels, long seed) {
    super(parent, seed);
    this.inputs = inputs;
    this.brackets = brackets;
    this.levels = levels;
    w1 = param("fc1.w", new Shape(64, inputs), inputs, Math.sqrt(2));
    b1 = zeros("fc1.b", new Shape(64));
    w2 = param("fc2.w", new Shape(64, 64), 64, Math.sqrt(2));
    b2 = zeros("fc2.b", new Shape(64));
    wa = param("heads.w", new Shape((long) brackets * levels, 64), 64, 0.01);
    ba = zeros("heads.b", new Shape((long) brackets * levels));
    wc = param("critic.w", new Shape(1, 64), 64, 1.0);
    bc = zeros("critic.b", new Shape(1));
  }

  @Override
  public NDList forward(NDList in) {
    NDArray x = in.get(0);
    long b = x.getShape().get(0);
    NDArray h = Linear.linear(x, w1, b1).singletonOrThrow().tanh();
    h = Linear.linear(h, w2, b2).singletonOrThrow().tanh();
    NDArray logits = Linear.linear(h, wa, ba).singletonOrThrow().reshape(b, brackets, levels);
    NDArray value = Linear.linear(h, wc, bc).singletonOrThrow().reshape(b);
    return new NDList(logits, value);
  }
}
