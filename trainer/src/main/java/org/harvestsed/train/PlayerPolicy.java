package org.harvestsed.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.state.Buf;

/**
 * The players' shared policy acting on a VecEnv (CleanRL's get_action_and_value), on the
 * learner's device: one forward pass over every player of every env, one categorical sample per
 * player (inverse CDF of the softmax against one uniform per player from the caller's counter-based
 * stream, {@link #draw}: no draw comes from PyTorch's generator), and only the action ids go to
 * the engine's action buffer. Rollout collection ({@link Rollout}) and evaluation ({@link
 * Evaluator}) both act through it.
 *
 * <p>The engine's buffers are wrapped once as CPU tensors (no copy). With the learner on the CPU
 * the network reads them in place, and the sample is drawn in place too ({@link #sampleOnHost}):
 * the log-softmax is read through a direct view of its tensor's memory, so a step costs the forward
 * pass and a log-softmax, not a dozen more small tensor ops and copies (each with DJL's per-call
 * overhead). On a GPU ({@link #sample}) the same rule runs as tensor ops there, the uniforms
 * crossing with one copy of 4 bytes per player, and {@link #onDevice} copies an input into a device
 * tensor allocated once (one transfer). The two samplers implement one rule: a = the first j with
 * cdf_j &gt; u, where cdf is the running sum of exp(log-softmax) in float; where rounding leaves
 * every cdf_j &lt;= u, the last action whose probability is positive in float (never an action of
 * probability 0, whose log-probability would be -inf). {@code SamplersAgreeTest} keeps them in step.
 */
public final class PlayerPolicy implements AutoCloseable {
  private final PlayerNet net;
  private final NDManager learner, wrappers;
  private final HostCopies copies;
  private final boolean gpu, onHost;
  private final int m, actions;
  private final long[] mBound;
  /** The engine's buffers as CPU tensors: [m, view] codes, [m, F] features, their final-observation twins, [m, 1] int32 action ids, [m] rewards, [envs] dones. */
  final NDArray obs, feats, finalObs, finalFeats, actionIds, rewards, dones;
  private final NDArray obsScratch, featsScratch;
  private final IntBuffer actionIdsBuffer;
  /** One uniform per player for the next sample ({@link #draw}): a direct buffer, wrapped as [m, 1] on the CPU, copied to the learner's device on a GPU. */
  private final FloatBuffer uniforms;
  private final NDArray uniformsHost, uniformsDevice, actionIndex;

  PlayerPolicy(PlayerNet net, VecEnv env, NDManager learner, HostCopies copies) {
    this(net, env, learner, copies, !learner.getDevice().isGpu());
  }

  /** {@code onHost}: sample in place on the CPU ({@link #sampleOnHost}), else with tensor ops ({@link #sample}; tests force it on the CPU). */
  PlayerPolicy(PlayerNet net, VecEnv env, NDManager learner, HostCopies copies, boolean onHost) {
    this.net = net;
    this.learner = learner;
    this.copies = copies;
    gpu = learner.getDevice().isGpu();
    if (onHost && gpu) throw new IllegalArgumentException("sampling on the host needs a CPU learner");
    this.onHost = onHost;
    m = env.envs() * env.players();
    int view = env.spec().obsCells(), f = env.spec().scalars();
    actions = env.spec().actions();
    mBound = new long[] {m};
    wrappers = NDManager.newBaseManager(Device.cpu());
    var s = env.state();
    obs = wrappers.create(s.raw(Buf.OBS), new Shape(m, view), DataType.UINT8);
    feats = wrappers.create(s.raw(Buf.OBS_SCALARS), new Shape(m, f), DataType.FLOAT32);
    finalObs = wrappers.create(s.raw(Buf.FINAL_OBS), new Shape(m, view), DataType.UINT8);
    finalFeats = wrappers.create(s.raw(Buf.FINAL_SCALARS), new Shape(m, f), DataType.FLOAT32);
    actionIds = wrappers.create(s.raw(Buf.ACTIONS), new Shape(m, 1), DataType.INT32);
    rewards = wrappers.create(s.raw(Buf.REWARD), new Shape(m), DataType.FLOAT32);
    dones = wrappers.create(s.raw(Buf.DONE), new Shape(env.envs()), DataType.UINT8);
    actionIdsBuffer = env.actions();
    obsScratch = gpu ? learner.create(new Shape(m, view), DataType.UINT8) : null;
    featsScratch = gpu ? learner.create(new Shape(m, f), DataType.FLOAT32) : null;
    ByteBuffer ub = ByteBuffer.allocateDirect(4 * m).order(ByteOrder.nativeOrder());
    uniforms = ub.asFloatBuffer();
    uniformsHost = wrappers.create(ub, new Shape(m, 1), DataType.FLOAT32);
    uniformsDevice = gpu ? learner.create(new Shape(m, 1), DataType.FLOAT32) : uniformsHost;
    // also where this policy samples on the host: the rollout takes the tensor path for a storage over 2 GB (Rollout)
    actionIndex = learner.arange(0, actions, 1, DataType.INT64).reshape(1, actions);
  }

  /** The uniforms of the next sample: values 0..m-1 of {@code draws} at {@code tick} (player k of the VecEnv takes value k). */
  void draw(Draws draws, long tick) {
    draws.uniforms(tick, uniforms, m);
  }

  /**
   * Samples every player's action on {@code codes} [m, view] and {@code features} [m, F] (on the
   * learner's device) into the engine's action buffer. Returns the action ids (int64) and their
   * log-probabilities, [m, 1], and V(s), [m], on the learner's device, in the caller's scope.
   */
  NDList sample(NDArray codes, NDArray features) {
    NDList out = net.forward(new NDList(codes, features));
    NDArray logp = out.get(0).logSoftmax(-1);
    NDArray p = logp.exp();
    NDArray cdf = p.cumSum(1);
    NDArray u = onDevice(uniformsHost, uniformsDevice);
    // the first action whose cumulative probability exceeds u; where rounding leaves every sum at or
    // under u, the last action of positive probability (the count is never above it otherwise)
    NDArray lastPositive = p.gt(0f).toType(DataType.INT64, false).mul(actionIndex).max(new int[] {1}, true);
    NDArray a = cdf.lte(u).sum(new int[] {1}, true).minimum(lastPositive);
    NDArray lp = logp.gather(a, 1);
    Copy.all(actionIds, mBound, a);
    copies.out(m * 4L);
    return new NDList(a, lp, out.get(1));
  }

  /** Whether this policy samples in place on the CPU ({@link #sampleOnHost}) rather than with tensor ops ({@link #sample}). */
  boolean samplesOnHost() {
    return onHost;
  }

  /**
   * The CPU learner's sampler: samples every player's action on {@code codes} [m, view] and
   * {@code features} [m, F] with the uniforms of the last {@link #draw} into the engine's action
   * buffer; where {@code ids} is not null, also
   * writes the ids, their log-probabilities and V(s) at index {@code at..at+m-1} of {@code ids},
   * {@code logps}, {@code values} (the rollout storage's views). Tensors in the caller's scope.
   */
  void sampleOnHost(NDArray codes, NDArray features, LongBuffer ids, FloatBuffer logps, FloatBuffer values, int at) {
    NDList out = net.forward(new NDList(codes, features));
    NDArray logp = out.get(0).logSoftmax(-1);
    FloatBuffer lp = view(logp).asFloatBuffer(), uv = uniforms;
    FloatBuffer v = ids == null ? null : view(out.get(1)).asFloatBuffer();
    IntBuffer engine = actionIdsBuffer;
    for (int k = 0, off = 0; k < m; k++, off += actions) {
      float x = uv.get(k), cdf = 0f;
      int a = 0, lastPositive = 0;
      for (int j = 0; j < actions; j++) {
        float p = (float) Math.exp(lp.get(off + j));
        cdf += p;
        if (cdf <= x) a++;
        if (p > 0f) lastPositive = j;
      }
      if (a > lastPositive) a = lastPositive; // rounding left every sum at or under u
      engine.put(k, a);
      if (ids != null) {
        ids.put(at + k, a);
        logps.put(at + k, lp.get(off + a));
        values.put(at + k, v.get(k));
      }
    }
    copies.out(m * 4L);
  }

  /** The memory of a contiguous CPU tensor as a native-order direct buffer (no copy). */
  static ByteBuffer view(NDArray a) {
    return JniUtils.getByteBuffer((PtNDArray) a, true);
  }

  /** Samples every player's action on the env's current observation into its action buffer, with the uniforms of {@code draws} at {@code tick} (evaluation). */
  void act(Draws draws, long tick) {
    draw(draws, tick);
    try (NDScope scope = new NDScope()) {
      if (onHost) sampleOnHost(obs, feats, null, null, null, 0);
      else sample(onDevice(obs, obsScratch), onDevice(feats, featsScratch));
    }
  }

  /** V of {@code codes}, {@code features} on the learner's device: [m], in the caller's scope. */
  NDArray values(NDArray codes, NDArray features) {
    return net.forward(new NDList(codes, features)).get(1);
  }

  /** The current observation's codes on the learner's device (wrapped on the CPU, one copy on a GPU). */
  NDArray obsOnDevice() {
    return onDevice(obs, obsScratch);
  }

  NDArray featsOnDevice() {
    return onDevice(feats, featsScratch);
  }

  /** The final observation's codes on the learner's device (valid where an episode just ended). */
  NDArray finalObsOnDevice() {
    return onDevice(finalObs, obsScratch);
  }

  NDArray finalFeatsOnDevice() {
    return onDevice(finalFeats, featsScratch);
  }

  private NDArray onDevice(NDArray host, NDArray scratch) {
    if (!gpu) return host;
    Copy.all(scratch, mBound, host);
    copies.in(host);
    return scratch;
  }

  @Override
  public void close() {
    wrappers.close();
    if (obsScratch != null) {
      obsScratch.close();
      featsScratch.close();
      uniformsDevice.close();
    }
    actionIndex.close();
  }

  /** Copies a float tensor into {@code out} (DJL's buffers are big-endian until ordered). */
  static void copy(NDArray a, float[] out) {
    a.toByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(out, 0, (int) a.size());
  }

  /**
   * Inverse-CDF sample of the categorical {@code p[off, off + k)} at uniform {@code u} (the
   * principal samples on the host): the first i whose running sum exceeds u; where rounding leaves
   * every sum at or under u, the last i of positive probability.
   */
  static int sample(float u, float[] p, int off, int k) {
    float acc = 0f;
    int lastPositive = 0;
    for (int i = 0; i < k; i++) {
      acc += p[off + i];
      if (u < acc) return i;
      if (p[off + i] > 0f) lastPositive = i;
    }
    return lastPositive;
  }
}
