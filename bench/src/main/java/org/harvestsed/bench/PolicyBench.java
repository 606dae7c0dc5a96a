package org.harvestsed.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.Adam;
import org.harvestsed.train.HostCopies;
import org.harvestsed.train.PlayerNet;
import org.harvestsed.train.PpoUpdate;
import org.harvestsed.train.TrainConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The players' network on DJL/PyTorch (CPU): the observation hand-off (a direct buffer of
 * [samples, 121] codes wrapped as an NDArray; wrapped and copied into a row of the rollout storage,
 * on the CPU and, where PyTorch sees one, on GPU 0; against copying it into a heap array and
 * creating from that), one policy forward, and one PPO minibatch update (forward, backward, Adam),
 * at 1024 and 4096 samples. Time per op.
 * <pre>  java -jar bench/target/benchmarks.jar PolicyBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true"})
@State(Scope.Benchmark)
public class PolicyBench {
  @Param({"1024", "4096"})
  public int samples;

  static final int VIEW = 121, FEATS = 8, ACTIONS = 7;
  private NDManager nd;
  private PlayerNet net;
  private Adam adam;
  private ByteBuffer codes;
  private ByteBuffer feats;
  private byte[] heap;
  private PpoUpdate.Batch batch;
  private TrainConfig tc;
  private SplittableRandom rnd;
  private NDArray slot, wrapped, gpuSlot;
  private ByteBuffer slotMem;
  private NDManager gpu;
  private static final long[] ROW0 = {0}, ROW1 = {1}, STEP = {1};

  @Setup(Level.Trial)
  public void setup() {
    System.setProperty("ai.djl.offline", "true");
    nd = NDManager.newBaseManager();
    net = new PlayerNet(nd, 11, 11, FEATS, ACTIONS, 1);
    adam = new Adam(net);
    rnd = new SplittableRandom(1);
    codes = ByteBuffer.allocateDirect(samples * VIEW).order(ByteOrder.nativeOrder());
    for (int i = 0; i < samples * VIEW; i++) codes.put(i, (byte) rnd.nextInt(4));
    feats = ByteBuffer.allocateDirect(samples * FEATS * 4).order(ByteOrder.nativeOrder());
    heap = new byte[samples * VIEW];
    tc = TrainConfig.parse(Config.parse("train: {update_epochs: 1}", "bench").train());
    float[] logp = new float[samples], val = new float[samples], adv = new float[samples], ret = new float[samples];
    int[] act = new int[samples];
    for (int i = 0; i < samples; i++) {
      logp[i] = (float) Math.log(1.0 / ACTIONS);
      adv[i] = (float) rnd.nextDouble(-1, 1);
      ret[i] = (float) rnd.nextDouble(-1, 1);
      act[i] = rnd.nextInt(ACTIONS);
    }
    batch = new PpoUpdate.Batch(new NDList(nd.create(codes, new Shape(samples, VIEW), DataType.UINT8).duplicate(),
        nd.create(feats, new Shape(samples, FEATS), DataType.FLOAT32).duplicate()), nd.create(act).toType(DataType.INT64, false),
        nd.create(logp), nd.create(val), nd.create(adv), nd.create(ret));
    slot = nd.zeros(new Shape(4, samples, VIEW), DataType.UINT8);
    wrapped = nd.create(codes, new Shape(samples, VIEW), DataType.UINT8);
    slotMem = JniUtils.getByteBuffer((PtNDArray) slot, true); // the storage's memory, no copy
    if (Engine.getInstance().getGpuCount() > 0) {
      gpu = NDManager.newBaseManager(Device.gpu(0));
      gpuSlot = gpu.zeros(new Shape(4, samples, VIEW), DataType.UINT8);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (gpu != null) gpu.close();
    adam.close();
    net.close();
    nd.close();
  }

  /** Wrap the engine's direct obs buffer as a tensor (no copy: what the CPU learner's forward reads). */
  @Benchmark
  public long handOffWrap() {
    try (NDScope s = new NDScope()) {
      return nd.create(codes, new Shape(samples, VIEW), DataType.UINT8).getShape().size();
    }
  }

  /** For comparison: copy the obs to a heap array, then create from it (a copy on each side). */
  @Benchmark
  public long handOffCopy() {
    codes.get(0, heap);
    try (NDScope s = new NDScope()) {
      return nd.create(ByteBuffer.wrap(heap), new Shape(samples, VIEW), DataType.UINT8).getShape().size();
    }
  }

  /**
   * The rollout's per-step hand-off (issue 13): the wrapped engine buffer copied into a row of the
   * rollout storage on the learner's device, here the CPU (a host copy; the same call is the one
   * PCIe copy when the storage is on a GPU, see {@link #handOffToGpuRow}).
   */
  @Benchmark
  public long handOffToStorageRow() {
    JniUtils.indexSet((PtNDArray) slot, (PtNDArray) wrapped, ROW0, ROW1, STEP);
    return slot.getShape().size();
  }

  /**
   * The CPU learner's per-step hand-off since the in-place rollout: the engine buffer copied into
   * row 0 of the storage through a direct view of the storage's memory (a memcpy, no tensor op).
   */
  @Benchmark
  public byte handOffToStorageView() {
    slotMem.put(0, codes, 0, samples * VIEW);
    return slotMem.get(samples * VIEW - 1);
  }

  /** As {@link #handOffToStorageRow} with the storage on GPU 0: one host-to-device copy (skipped without a GPU). */
  @Benchmark
  public long handOffToGpuRow() {
    if (gpuSlot == null) return 0;
    JniUtils.indexSet((PtNDArray) gpuSlot, (PtNDArray) wrapped, ROW0, ROW1, STEP);
    return gpuSlot.getShape().size();
  }

  @Benchmark
  public float forward() {
    try (NDScope s = new NDScope()) {
      NDList out = net.forward(new NDList(nd.create(codes, new Shape(samples, VIEW), DataType.UINT8),
          nd.create(feats, new Shape(samples, FEATS), DataType.FLOAT32)));
      return out.get(0).softmax(-1).toFloatArray()[0];
    }
  }

  private final org.harvestsed.engine.rng.Draws shuffle = new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.SHUFFLE);
  private long updates;

  /** One PPO minibatch update on all samples (1 epoch, 1 minibatch). */
  @Benchmark
  public float update() {
    return PpoUpdate.update(net, adam, batch, tc.players().withMinibatches(1), 1e-4f, nd, new HostCopies(), shuffle, updates++).policyLoss();
  }
}
