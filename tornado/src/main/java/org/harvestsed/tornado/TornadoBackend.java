package org.harvestsed.tornado;

import java.util.Locale;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.Bookkeeper;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

/**
 * The step compiled by TornadoVM from Java ({@link StepKernel}), one work-item per env,
 * bit-identical to {@link JavaBackend}. One task graph with one task ({@code harvest.step}) runs
 * both single steps and multi-step launches ({@code params[P_STEPS]}).
 *
 * <p>Data flow per launch: the host's inputs (actions, pending rate levels) are copied into the
 * packed arrays ({@link Packing}); TornadoVM copies the packed state to the device, runs the task
 * and copies it back; the host copies every buffer back into the {@link EnvState} buffers and runs
 * the welfare bookkeeping ({@link Bookkeeper}). (The OpenCL backend's copy path moves only the IO
 * buffers, docs/DESIGN-transfers.md; this backend still moves the whole packed state both ways.)
 * The spec and its tables go to the device once. reset(seed) runs the java reference on the host.
 */
public final class TornadoBackend implements Backend {
  private final EnvState state;
  private final JavaBackend host;
  private final Bookkeeper book;
  private final Bookkeeper.Scratch scratch;
  private final Packing pack;
  private final TornadoDevices.Device device;
  private final TornadoExecutionPlan plan;
  private boolean closed;

  public TornadoBackend(Layout layout, int envs, String deviceSelector, int hostThreads) {
    this.device = TornadoDevices.choose(deviceSelector);
    this.state = new EnvState(layout, envs);
    this.pack = new Packing(state);
    checkMemory(pack, envs, device);
    this.host = new JavaBackend(state, hostThreads);
    this.book = host.bookkeeper();
    this.scratch = new Bookkeeper.Scratch(layout);
    KernelContext context = new KernelContext();
    TaskGraph graph = new TaskGraph("harvest")
        .transferToDevice(DataTransferMode.FIRST_EXECUTION, pack.spec, pack.fspec)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, pack.ints, pack.floats, pack.bytes, pack.params, pack.fparams)
        .task("step", StepKernel::harvestStep, context, pack.ints, pack.floats, pack.bytes, pack.spec, pack.fspec, pack.params, pack.fparams)
        .transferToHost(DataTransferMode.EVERY_EXECUTION, pack.ints, pack.floats, pack.bytes);
    ImmutableTaskGraph snapshot = graph.snapshot();
    // one env per work-item, LOCAL work-items per group (the global size rounded up to a multiple of
    // it; the kernel skips work-items past the last env)
    int local = localSize(envs);
    WorkerGrid1D grid = new WorkerGrid1D((envs + local - 1) / local * local);
    grid.setLocalWork(local, 1, 1);
    GridScheduler scheduler = new GridScheduler("harvest.step", grid);
    TornadoExecutionPlan p = new TornadoExecutionPlan(snapshot).withGridScheduler(scheduler).withDevice(device.device());
    if (device.device().getTornadoVMBackend() == TornadoVMBackendType.OPENCL) p = p.withCompilerFlags(TornadoVMBackendType.OPENCL, TornadoDevices.OPENCL_FLAGS);
    this.plan = p;
  }

  /**
   * Work-items per group: {@code harvest.tornado.local} if set, else 64 (two 32-wide warps, a
   * wavefront on AMD), capped at the envs so a small run is one group.
   */
  static int localSize(int envs) {
    int want = Integer.getInteger("harvest.tornado.local", 64);
    if (want < 1) throw new ConfigException("harvest.tornado.local " + want + " must be at least 1");
    return Math.min(want, envs);
  }

  /** Refuses, before anything goes to the device, a size it cannot hold, naming the most envs that fit. */
  static void checkMemory(Packing p, int envs, TornadoDevices.Device d) {
    long need = p.deviceBytes();
    long global = d.device().getMaxGlobalMemory();
    long maxAlloc = d.device().getMaxAllocMemory();
    if (need > global * 0.9 || p.largestArrayBytes() > maxAlloc) {
      long fit = (long) Math.min(envs * (global * 0.9 / need), envs * ((double) maxAlloc / p.largestArrayBytes()));
      throw new ConfigException(String.format(Locale.ROOT,
          "%d envs need %.2f GiB on %s (largest array %.2f GiB), which has %.2f GiB of global memory and allocates at most %.2f GiB at once;"
              + " at most about %d envs fit with this map", envs, need / 1073741824.0, d.device().getDeviceName(),
          p.largestArrayBytes() / 1073741824.0, global / 1073741824.0, maxAlloc / 1073741824.0, fit));
    }
  }

  /** The device this backend runs on, as {@code ./harvest devices} lists it. */
  public String device() {
    return device.describe();
  }

  @Override
  public String name() {
    return "tornado";
  }

  @Override
  public EnvState state() {
    return state;
  }

  @Override
  public Bookkeeper bookkeeper() {
    return book;
  }

  @Override
  public void reset(long seed) {
    host.reset(seed); // the reference reset, on the host buffers
    pack.afterHostReset(seed);
  }

  @Override
  public void step(boolean randomActions, float cap) {
    launch(randomActions, cap, 1);
  }

  @Override
  public void stepMany(int n, boolean randomActions, float cap) {
    launch(randomActions, cap, n);
  }

  private void launch(boolean randomActions, float cap, int steps) {
    pack.beforeLaunch(randomActions, cap, steps);
    plan.execute();
    pack.downloadAll();
    for (int e = 0; e < state.envs; e++) book.afterStep(e, scratch);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    host.close();
    try {
      plan.close();
    } catch (Exception e) {
      throw new IllegalStateException("TornadoVM could not free the device memory: " + e.getMessage(), e);
    }
  }
}
