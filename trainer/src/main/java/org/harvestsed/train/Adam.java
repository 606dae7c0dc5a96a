package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba) over one network's parameters, with PyTorch's defaults beta = (0.9, 0.999)
 * and the paper's eps 1e-5, plus global gradient-norm clipping. Written out so that its state
 * (step count, first and second moments) is saved in checkpoints and restored on resume. The
 * moments are kept as one flat tensor each over all parameters (in {@link Net#parameters()}
 * order), so a step is a few dozen tensor operations on the learner's device whatever the number
 * of parameter tensors; checkpoints store them per parameter.
 */
public final class Adam implements AutoCloseable {
  static final float B1 = 0.9f, B2 = 0.999f, EPS = 1e-5f;
  private final Net net;
  private final List<NDArray> params;
  private final NDManager manager;
  private final long[] splits; // where each parameter after the first starts in the flat moments
  private final int[] sizes;
  private NDArray m, v;
  private long t;

  public Adam(Net net) {
    this.net = net;
    this.params = net.parameters();
    this.manager = net.manager.newSubManager();
    sizes = new int[params.size()];
    splits = new long[params.size() - 1];
    long total = 0;
    for (int i = 0; i < params.size(); i++) {
      sizes[i] = (int) params.get(i).size();
      if (i > 0) splits[i - 1] = total;
      total += sizes[i];
    }
    m = manager.zeros(new Shape(total));
    v = manager.zeros(new Shape(total));
  }

  public long steps() {
    return t;
  }

  /**
   * Clips the gradients to a global norm of {@code maxNorm} (PyTorch's clip_grad_norm_: scale
   * min(1, maxNorm / (norm + 1e-6))), applies one Adam step at learning rate {@code lr}, and zeroes
   * the gradients, all on the parameters' device. Returns the gradient norm before clipping, a
   * scalar tensor there (in the caller's scope: reading it is the caller's transfer).
   */
  public NDArray step(float lr, float maxNorm) {
    NDArray norm;
    try (NDScope scope = new NDScope()) {
      List<NDArray> grads = new ArrayList<>(params.size());
      NDList flat = new NDList(params.size());
      for (int i = 0; i < params.size(); i++) {
        NDArray g = net.gradient(i);
        grads.add(g);
        flat.add(g.reshape(-1));
      }
      NDArray g = NDArrays.concat(flat);
      norm = g.square().sum().sqrt();
      NDArray scale = norm.add(1e-6f).pow(-1).mul(maxNorm).minimum(1f);
      t++;
      float c1 = 1f - (float) Math.pow(B1, t);
      float c2 = 1f - (float) Math.pow(B2, t);
      NDArray gs = g.mul(scale);
      m.muli(B1).addi(gs.mul(1f - B1));
      v.muli(B2).addi(gs.square().mul(1f - B2));
      NDList delta = m.div(c1).div(v.div(c2).sqrt().add(EPS)).mul(lr).split(splits);
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        p.subi(delta.get(i).reshape(p.getShape()));
        grads.get(i).subi(grads.get(i)); // zero the gradient for the next backward pass
      }
      NDScope.unregister(norm);
    }
    NDScope.register(norm); // the caller's scope closes it
    return norm;
  }

  public void save(DataOutputStream out) throws IOException {
    out.writeLong(t);
    for (NDArray moments : List.of(m, v)) {
      float[] all = moments.toFloatArray();
      int off = 0;
      for (int size : sizes) {
        out.writeInt(size);
        for (int k = 0; k < size; k++) out.writeFloat(all[off + k]);
        off += size;
      }
    }
  }

  public void load(DataInputStream in) throws IOException {
    t = in.readLong();
    float[][] read = new float[2][(int) m.size()];
    for (float[] all : read) {
      int off = 0;
      for (int size : sizes) {
        int n = in.readInt();
        if (n != size) throw new IOException("optimizer state size " + n + " does not match " + size);
        for (int k = 0; k < n; k++) all[off + k] = in.readFloat();
        off += n;
      }
    }
    m.close();
    v.close();
    m = manager.create(read[0]);
    v = manager.create(read[1]);
  }

  /** Reads past the state of an optimizer over {@code tensors} parameters written by {@link #save}. */
  static void skip(DataInputStream in, int tensors) throws IOException {
    in.readLong();
    for (int i = 0; i < 2 * tensors; i++) in.skipNBytes(4L * in.readInt());
  }

  @Override
  public void close() {
    manager.close();
  }
}
