package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba) over one network's parameters, with PyTorch's defaults beta = (0.9, 0.999)
 * and the paper's eps 1e-5, plus global gradient-norm clipping. Written out so that its state
 * (step count, first and second moments) is saved in checkpoints and restored on resume.
 */
public final class Adam implements AutoCloseable {
  static final float B1 = 0.9f, B2 = 0.999f, EPS = 1e-5f;
  private final List<NDArray> params;
  private final NDManager manager;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private long t;

  public Adam(Net net) {
    this.params = net.parameters();
    this.manager = net.manager.newSubManager();
    for (NDArray p : params) {
      m.add(manager.zeros(p.getShape()));
      v.add(manager.zeros(p.getShape()));
    }
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
      NDArray sq = null;
      for (NDArray p : params) {
        NDArray g = p.getGradient();
        grads.add(g);
        NDArray s = g.square().sum();
        sq = sq == null ? s : sq.add(s);
      }
      norm = sq.sqrt();
      NDArray scale = norm.add(1e-6f).pow(-1).mul(maxNorm).minimum(1f);
      t++;
      float c1 = 1f - (float) Math.pow(B1, t);
      float c2 = 1f - (float) Math.pow(B2, t);
      for (int i = 0; i < params.size(); i++) {
        NDArray g = grads.get(i);
        NDArray gs = g.mul(scale);
        m.get(i).muli(B1).addi(gs.mul(1f - B1));
        v.get(i).muli(B2).addi(gs.square().mul(1f - B2));
        params.get(i).subi(m.get(i).div(c1).div(v.get(i).div(c2).sqrt().add(EPS)).mul(lr));
        g.subi(g); // zero the gradient for the next backward pass
      }
      NDScope.unregister(norm);
    }
    NDScope.register(norm); // the caller's scope closes it
    return norm;
  }

  public void save(DataOutputStream out) throws IOException {
    out.writeLong(t);
    for (List<NDArray> list : List.of(m, v)) {
      for (NDArray a : list) {
        float[] f = a.toFloatArray();
        out.writeInt(f.length);
        for (float x : f) out.writeFloat(x);
      }
    }
  }

  public void load(DataInputStream in) throws IOException {
    t = in.readLong();
    for (List<NDArray> list : List.of(m, v)) {
      for (NDArray a : list) {
        int n = in.readInt();
        if (n != a.size()) throw new IOException("optimizer state size " + n + " does not match " + a.size());
        float[] f = new float[n];
        for (int k = 0; k < n; k++) f[k] = in.readFloat();
        a.set(f);
      }
    }
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
