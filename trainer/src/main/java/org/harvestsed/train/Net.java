package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An actor-critic network as a list of parameter tensors and a functional forward pass (CleanRL
 * style: everything the update touches is visible). Parameters are initialised from a seed
 * (uniform, PyTorch's fan-in scale; the policy head scaled by 0.01, as CleanRL's std=0.01).
 */
public abstract class Net implements AutoCloseable {
  protected final NDManager manager;
  protected final List<NDArray> params = new ArrayList<>();
  protected final List<String> names = new ArrayList<>();
  private final SplittableRandom init;

  protected Net(NDManager parent, long seed) {
    this.manager = parent.newSubManager();
    this.init = new SplittableRandom(seed);
  }

  /** A parameter of {@code shape} with fan-in {@code fanIn}, uniform in +-gain/sqrt(fanIn). */
  protected NDArray param(String name, Shape shape, long fanIn, double gain) {
    float[] v = new float[(int) shape.size()];
    double bound = gain / Math.sqrt(fanIn);
    for (int i = 0; i < v.length; i++) v[i] = (float) ((init.nextDouble() * 2 - 1) * bound);
    NDArray a = manager.create(v, shape);
    a.setRequiresGradient(true);
    params.add(a);
    names.add(name);
    return a;
  }

  protected NDArray zeros(String name, Shape shape) {
    NDArray a = manager.zeros(shape);
    a.setRequiresGradient(true);
    params.add(a);
    names.add(name);
    return a;
  }

  public List<NDArray> parameters() {
    return params;
  }

  /** Logits [B, ...] and values [B]. */
  public abstract NDList forward(NDList inputs);

  /**
   * Called after each backward pass through a {@link #forward} with autograd, before the gradients
   * are read: a network that computes part of its pass outside PyTorch's graph (PlayerNet's host
   * convolutions) computes its gradients there.
   */
  protected void afterBackward() {}

  /** The gradient of parameter {@code i} (in {@link #parameters()} order) after {@link #afterBackward}. */
  protected NDArray gradient(int i) {
    return params.get(i).getGradient();
  }

  public void save(DataOutputStream out) throws IOException {
    out.writeInt(params.size());
    for (int i = 0; i < params.size(); i++) {
      out.writeUTF(names.get(i));
      float[] v = params.get(i).toFloatArray();
      out.writeInt(v.length);
      for (float f : v) out.writeFloat(f);
    }
  }

  public void load(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != params.size()) throw new IOException("checkpoint has " + n + " tensors, the network " + params.size());
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      if (!name.equals(names.get(i))) throw new IOException("checkpoint tensor " + name + " where " + names.get(i) + " was expected");
      int len = in.readInt();
      if (len != params.get(i).size()) throw new IOException("checkpoint tensor " + name + " has " + len + " values, expected " + params.get(i).size());
      float[] v = new float[len];
      for (int k = 0; k < len; k++) v[k] = in.readFloat();
      params.get(i).set(v);
    }
  }

  /** Reads past one network written by {@link #save}; returns its number of tensors. */
  static int skip(DataInputStream in) throws IOException {
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      in.readUTF();
      in.skipNBytes(4L * in.readInt());
    }
    return n;
  }

  @Override
  public void close() {
    manager.close();
  }
}
