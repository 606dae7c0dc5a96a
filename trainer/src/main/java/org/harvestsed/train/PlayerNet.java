package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * The players' shared actor-critic (docs/RULES.md section 9). Input: the uint8 window codes [B, R*C],
 * one-hot to 4 channels on the tensor side, and the float features [B, F].
 * <pre>
 *   one-hot [B,4,R,C] -conv3x3 C1, relu- -conv3x3/2 C2, relu- flatten ++ features [B,F]
 *   -linear H, relu- { actor: linear A logits;  critic: linear 1 value }
 * </pre>
 * C1 = 8, C2 = 16, H = 64: about 60 k multiply-adds per sample, sized so a 2-core CPU trains at
 * tens of thousands of player-steps per second (a 16/32/128 net measured about 3x slower).
 * <pre>
 * </pre>
 */
public final class PlayerNet extends Net {
  static final int CODES = 4, C1 = 8, C2 = 16, HIDDEN = 64;
  final int rows, cols, features, actions, flat;
  private final NDArray w1, b1, w2, b2, wf, bf, wa, ba, wc, bc;
  /** The codes 0..CODES-1 as uint8 [1, 1, 1, CODES]: the one-hot's comparison (not a parameter). */
  private final NDArray codeIds;

  public PlayerNet(NDManager parent, int rows, int cols, int features, int actions, long seed) {
    super(parent, seed);
    this.rows = rows;
    this.cols = cols;
    this.features = features;
    this.actions = actions;
    int h1 = rows - 2, c1 = cols - 2;
    int h2 = (h1 - 3) / 2 + 1, c2 = (c1 - 3) / 2 + 1;
    this.flat = C2 * h2 * c2;
    w1 = param("conv1.w", new Shape(C1, CODES, 3, 3), CODES * 9, Math.sqrt(2));
    b1 = zeros("conv1.b", new Shape(C1));
    w2 = param("conv2.w", new Shape(C2, C1, 3, 3), C1 * 9, Math.sqrt(2));
    b2 = zeros("conv2.b", new Shape(C2));
    wf = param("fc.w", new Shape(HIDDEN, flat + features), flat + features, Math.sqrt(2));
    bf = zeros("fc.b", new Shape(HIDDEN));
    wa = param("actor.w", new Shape(actions, HIDDEN), HIDDEN, 0.01);
    ba = zeros("actor.b", new Shape(actions));
    wc = param("critic.w", new Shape(1, HIDDEN), HIDDEN, 1.0);
    bc = zeros("critic.b", new Shape(1));
    codeIds = manager.arange(0, CODES, 1, DataType.UINT8).reshape(1, 1, 1, CODES);
  }

  /** inputs: codes [B, R*C] uint8, features [B, F] float. Returns logits [B, A], values [B]. */
  @Override
  public NDList forward(NDList inputs) {
    NDArray codes = inputs.get(0);
    NDArray feats = inputs.get(1);
    long b = codes.getShape().get(0);
    // the one-hot as one broadcast comparison with the codes 0..3 (channels-last strides, as before): the
    // same 0/1 floats as oneHot, without its int64 copy and the range check it makes with two reductions
    NDArray x = codes.reshape(b, rows, cols, 1).eq(codeIds).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
    NDArray h = Activation.relu(Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    h = Activation.relu(Conv2d.conv2d(h, w2, b2, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    NDArray z = NDArrays.concat(new NDList(h.reshape(b, flat), feats), 1);
    z = Activation.relu(Linear.linear(z, wf, bf).singletonOrThrow());
    NDArray logits = Linear.linear(z, wa, ba).singletonOrThrow();
    NDArray value = Linear.linear(z, wc, bc).singletonOrThrow().reshape(b);
    return new NDList(logits, value);
  }
}
