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
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The players' shared actor-critic (docs/RULES.md section 9). Input: the uint8 window codes [B, R*C],
 * one-hot to 4 channels on the tensor side, and the float features [B, F].
 * <pre>
 *   one-hot [B,4,R,C] -conv3x3 C1, relu- -conv3x3/2 C2, relu- flatten ++ features [B,F]
 *   -linear H, relu- { actor: linear A logits;  critic: linear 1 value }
 * </pre>
 * C1 = 8, C2 = 16, H = 64: about 60 k multiply-adds per sample, sized so a 2-core CPU trains at
 * tens of thousands of player-steps per second (a 16/32/128 net measured about 3x slower).
 *
 * <p>The two convolutions and their relus have two implementations of one function
 * ({@link Convolutions}, train.convolutions): as PyTorch tensor ops ({@code torch}, on any learner
 * device), or computed on the host CPU by {@link HostConvolutions} ({@code host}: a CPU learner; the
 * head, the losses and autograd stay PyTorch's). With host convolutions the network's trunk output
 * enters PyTorch's graph as a leaf tensor; after the backward pass {@link #afterBackward} reads its
 * gradient and computes the convolutions' weight gradients on the host. {@code HostConvolutionsTest} keeps
 * the two within float rounding of each other.
 */
public final class PlayerNet extends Net {
  /** train.convolutions: how the two convolutions are computed (the same function). */
  public enum Convolutions {
    /** HOST on a CPU learner, TORCH on a GPU. */
    AUTO,
    /** On the host CPU in Java's vector API (HostConvolutions): a CPU learner. */
    HOST,
    /** PyTorch's conv2d on the learner's device. */
    TORCH
  }

  /** The codes and the convolutions' channels: the widths the host convolutions are written for. */
  static final int CODES = HostConvolutions.CODES, C1 = HostConvolutions.C1, C2 = HostConvolutions.C2, HIDDEN = 64;
  final int rows, cols, features, actions, flat;
  private final NDArray w1, b1, w2, b2, wf, bf, wa, ba, wc, bc;
  /** The codes 0..CODES-1 as uint8 [1, 1, 1, CODES]: the one-hot's comparison (not a parameter). */
  private final NDArray codeIds;
  private final HostConvolutions host;
  /** Host convolutions: the weights' gradients (PyTorch's parameters are not in its graph then), and the trunk output of the last forward with autograd. */
  private final NDArray gw1, gb1, gw2, gb2;
  private NDArray trunkLeaf;
  /** Forwards with autograd since the last {@link #afterBackward}, and the host convolutions' number of the last one. */
  private int pending;
  private long trunkForward;

  /** With PyTorch's convolutions ({@link Convolutions#TORCH}). */
  public PlayerNet(NDManager parent, int rows, int cols, int features, int actions, long seed) {
    this(parent, rows, cols, features, actions, seed, Convolutions.TORCH, 1);
  }

  /** {@code conv}: AUTO resolves by the manager's device; {@code threads}: the host convolutions' threads (their results do not depend on it). */
  public PlayerNet(NDManager parent, int rows, int cols, int features, int actions, long seed, Convolutions conv, int threads) {
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
    boolean gpu = manager.getDevice().isGpu();
    if (conv == Convolutions.HOST || conv == Convolutions.AUTO && !gpu) {
      if (gpu) throw new IllegalArgumentException("train.convolutions: host needs a CPU learner; this one is on " + manager.getDevice() + " (set torch)");
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) { // before HostConvolutions loads (it links the module's classes)
        throw new IllegalStateException("train.convolutions: host needs the JDK's vector API: run through ./harvest, or give java "
            + "--add-modules jdk.incubator.vector, or set train.convolutions: torch");
      }
      host = new HostConvolutions(rows, cols, threads);
      gw1 = manager.zeros(w1.getShape());
      gb1 = manager.zeros(b1.getShape());
      gw2 = manager.zeros(w2.getShape());
      gb2 = manager.zeros(b2.getShape());
    } else {
      host = null;
      gw1 = gb1 = gw2 = gb2 = null;
    }
  }

  /** inputs: codes [B, R*C] uint8, features [B, F] float. Returns logits [B, A], values [B]. */
  @Override
  public NDList forward(NDList inputs) {
    NDArray codes = inputs.get(0);
    NDArray feats = inputs.get(1);
    long b = codes.getShape().get(0);
    if (host != null) return head(hostTrunk(codes, b), feats, b);
    // the one-hot as one broadcast comparison with the codes 0..3 (channels-last strides, as before): the
    // same 0/1 floats as oneHot, without its int64 copy and the range check it makes with two reductions
    NDArray x = codes.reshape(b, rows, cols, 1).eq(codeIds).toType(DataType.FLOAT32, false).transpose(0, 3, 1, 2);
    NDArray h = Activation.relu(Conv2d.conv2d(x, w1, b1, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    h = Activation.relu(Conv2d.conv2d(h, w2, b2, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
    return head(h.reshape(b, flat), feats, b);
  }

  /** The trunk's output [b, flat] (channel-major per sample) and the features through the hidden layer to the logits and values. */
  private NDList head(NDArray trunk, NDArray feats, long b) {
    NDArray z = NDArrays.concat(new NDList(trunk, feats), 1);
    z = Activation.relu(Linear.linear(z, wf, bf).singletonOrThrow());
    NDArray logits = Linear.linear(z, wa, ba).singletonOrThrow();
    NDArray value = Linear.linear(z, wc, bc).singletonOrThrow().reshape(b);
    return new NDList(logits, value);
  }

  /** The host convolutions' output as a CPU tensor; with autograd on, a leaf whose gradient {@link #afterBackward} reads. */
  private NDArray hostTrunk(NDArray codes, long b) {
    if (codes.getDataType() != DataType.UINT8 || codes.size() != b * rows * cols) {
      throw new IllegalArgumentException("the players' network takes window codes as uint8 [batch, " + rows * cols + "], not "
          + codes.getDataType() + " " + codes.getShape());
    }
    host.weights(floats(w1), floats(b1), floats(w2), floats(b2));
    NDArray out = codes.getManager().create(new Shape(b, flat));
    host.forward(view(codes), (int) b, floats(out));
    if (JniUtils.isGradMode()) {
      out.setRequiresGradient(true);
      trunkLeaf = out;
      trunkForward = host.forwards();
      pending++;
    }
    return out;
  }

  @Override
  protected void afterBackward() {
    if (host == null) return;
    if (trunkLeaf == null) throw new IllegalStateException("afterBackward without a forward pass with autograd");
    if (pending > 1) throw new IllegalStateException(pending + " forward passes with autograd before one backward: host convolutions take one at a time");
    if (host.forwards() != trunkForward) {
      throw new IllegalStateException("a forward pass ran between the forward with autograd and its backward: the host convolutions keep only the last one's activations");
    }
    NDArray g = trunkLeaf.getGradient();
    trunkLeaf = null;
    pending = 0;
    host.backward(floats(g), floats(gw1), floats(gb1), floats(gw2), floats(gb2));
  }

  @Override
  protected NDArray gradient(int i) {
    if (host == null || i > 3) return super.gradient(i);
    return switch (i) {
      case 0 -> gw1;
      case 1 -> gb1;
      case 2 -> gw2;
      default -> gb2;
    };
  }

  /**
   * A CPU tensor's memory in native order: a view of it where it is contiguous (no copy), else a
   * contiguous copy (DJL's getByteBuffer). Read through either; the tensors written through it (the
   * trunk's output and the convolutions' gradients) are created here, contiguous, so it is their memory.
   */
  private static ByteBuffer view(NDArray a) {
    return JniUtils.getByteBuffer((PtNDArray) a, true);
  }

  private static FloatBuffer floats(NDArray a) {
    return view(a).asFloatBuffer();
  }

  @Override
  public void close() {
    if (host != null) host.close();
    super.close();
  }
}
