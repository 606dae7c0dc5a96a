package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * The principal's actor-critic: its own parameters and optimizer, never the players'. Input: the
 * period observation [B, D] ({@link PrincipalObservation}); output: one categorical head per
 * bracket over the rate levels, logits [B, brackets, levels], and a value [B]. Actor and critic
 * have separate trunks (CleanRL's continuous-control layout), so the value loss, whose scale has
 * nothing to do with the policy's, never pulls on the actor's features.
 * <pre>
 *   actor:  linear 64, tanh - linear 64, tanh - linear brackets*levels
 *   critic: linear 64, tanh - linear 64, tanh - linear 1
 * </pre>
 */
public final class PrincipalNet extends Net {
  static final int HIDDEN = 64;
  final int inputs, brackets, levels;
  private final NDArray a1, ab1, a2, ab2, wa, ba, c1, cb1, c2, cb2, wc, bc;

  public PrincipalNet(NDManager parent, int inputs, int brackets, int levels, long seed) {
    super(parent, seed);
    this.inputs = inputs;
    this.brackets = brackets;
    this.levels = levels;
    a1 = param("actor.fc1.w", new Shape(HIDDEN, inputs), inputs, Math.sqrt(2));
    ab1 = zeros("actor.fc1.b", new Shape(HIDDEN));
    a2 = param("actor.fc2.w", new Shape(HIDDEN, HIDDEN), HIDDEN, Math.sqrt(2));
    ab2 = zeros("actor.fc2.b", new Shape(HIDDEN));
    wa = param("actor.heads.w", new Shape((long) brackets * levels, HIDDEN), HIDDEN, 0.01);
    ba = zeros("actor.heads.b", new Shape((long) brackets * levels));
    c1 = param("critic.fc1.w", new Shape(HIDDEN, inputs), inputs, Math.sqrt(2));
    cb1 = zeros("critic.fc1.b", new Shape(HIDDEN));
    c2 = param("critic.fc2.w", new Shape(HIDDEN, HIDDEN), HIDDEN, Math.sqrt(2));
    cb2 = zeros("critic.fc2.b", new Shape(HIDDEN));
    wc = param("critic.out.w", new Shape(1, HIDDEN), HIDDEN, 1.0);
    bc = zeros("critic.out.b", new Shape(1));
  }

  @Override
  public NDList forward(NDList in) {
    NDArray x = in.get(0);
    long b = x.getShape().get(0);
    NDArray h = Linear.linear(x, a1, ab1).singletonOrThrow().tanh();
    h = Linear.linear(h, a2, ab2).singletonOrThrow().tanh();
    NDArray logits = Linear.linear(h, wa, ba).singletonOrThrow().reshape(b, brackets, levels);
    NDArray g = Linear.linear(x, c1, cb1).singletonOrThrow().tanh();
    g = Linear.linear(g, c2, cb2).singletonOrThrow().tanh();
    NDArray value = Linear.linear(g, wc, bc).singletonOrThrow().reshape(b);
    return new NDList(logits, value);
  }
}
