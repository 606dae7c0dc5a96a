package org.harvestsed.tornado;

import java.util.Locale;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.Bookkeeper;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Role;
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

/**
 * The step compiled by TornadoVM from Java ({@link StepKernel}), one work-item per env,
 * bit-identical to {@link JavaBackend}. One task graph with one task ({@code harvest.step}) runs
 * both single steps and multi-step launches ({@code params[P_STEPS]}).
 *
 * <p>Data flow per launch: the host's inputs (actions, pending rate levels) are copied into the
 * packed inputs array ({@link Packing}); TornadoVM copies it to the device, runs the task and copies
 * back only the output regions the launch ended (the arrays are packed by role, the
 * outputs last: one range per array), which the host unpacks into the {@link EnvState} buffers; the
 * welfare bookkeeping ({@link Bookkeeper}) runs after launches that end a period, the rest of the
 * state comes back only on demand ({@link #fetchState}). The state stays on the device between
 * launches; per launch only the inputs array (actions and pending levels, always both: TornadoVM
 * moves whole arrays) and the parameters go up. A host reset after a launch builds a new execution
 * plan, whose first execution uploads the new state (docs/DESIGN-transfers.md).
 * The spec and its tables go to the device once. reset(seed) runs the java reference on the host.
 */
public final class TornadoBackend implements Backend {
  private final EnvState state;
  private final JavaBackend host;
  private final Bookkeeper book;
  private final Bookkeeper.Scratch scratch;
  private final Packing pack;
  private final TornadoDevices.Device device;
  private final int envs;
  /** Rebuilt after a host reset that follows a launch, so FIRST_EXECUTION uploads the new state. */
  private TornadoExecutionPlan plan;
  private boolean executed;
  private final uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray[] arrays;
  private final Buf.Type[] types = {Buf.Type.INT, Buf.Type.FLOAT, Buf.Type.BYTE};
  private TornadoExecutionResult last;
  private long ticks, bytesToDevice, bytesFromDevice;
  private boolean actionsDrawn, closed;

  public TornadoBackend(Layout layout, int envs, String deviceSelector, int hostThreads) {
    this.device = TornadoDevices.choose(deviceSelector);
    this.state = new EnvState(layout, envs);
    this.pack = new Packing(state);
    checkMemory(pack, envs, device);
    this.host = new JavaBackend(state, hostThreads);
    this.book = host.bookkeeper();
    this.scratch = new Bookkeeper.Scratch(layout);
    this.envs = envs;
    this.arrays = new uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray[] {pack.ints, pack.floats, pack.bytes};
    this.plan = newPlan();
  }

  /**
   * The task graph: the state arrays go to the device at the plan's first execution and stay there
   * (by role: everything but the inputs); the inputs (actions, pending levels) and the launch's
   * parameters at every execution; nothing comes back unless asked for (UNDER_DEMAND: the output
   * regions after a launch, everything on fetchState).
   */
  private TornadoExecutionPlan newPlan() {
    KernelContext context = new KernelContext();
    TaskGraph graph = new TaskGraph("harvest")
        .transferToDevice(DataTransferMode.FIRST_EXECUTION, pack.spec, pack.fspec, pack.ints, pack.floats, pack.bytes)
        .transferToDevice(DataTransferMode.EVERY_EXECUTION, pack.inputs, pack.params, pack.fparams)
        .task("step", StepKernel::harvestStep, context, pack.ints, pack.floats, pack.bytes, pack.inputs, pack.spec, pack.fspec, pack.params,
            pack.fparams)
        .transferToHost(DataTransferMode.UNDER_DEMAND, pack.ints, pack.floats, pack.bytes, pack.inputs);
    ImmutableTaskGraph snapshot = graph.snapshot();
    // one env per work-item, LOCAL work-items per group (the global size rounded up to a multiple of
    // it; the kernel skips work-items past the last env)
    int local = localSize(envs);
    WorkerGrid1D grid = new WorkerGrid1D((envs + local - 1) / local * local);
    grid.setLocalWork(local, 1, 1);
    GridScheduler scheduler = new GridScheduler("harvest.step", grid);
    TornadoExecutionPlan p = new TornadoExecutionPlan(snapshot).withGridScheduler(scheduler).withDevice(device.device());
    if (device.device().getTornadoVMBackend() == TornadoVMBackendType.OPENCL) p = p.withCompilerFlags(TornadoVMBackendType.OPENCL, TornadoDevices.OPENCL_FLAGS);
    executed = false;
    return p;
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
    ticks = 0;
    actionsDrawn = false;
    last = null;
    if (executed) { // the device holds the old state: a new plan uploads the new one at its first execution
      closePlan();
      plan = newPlan();
    }
  }

  @Override
  public void step(boolean randomActions, float cap) {
    launch(randomActions, cap, 1);
  }

  @Override
  public void stepMany(int n, boolean randomActions, float cap) {
    launch(randomActions, cap, n);
  }

  /**
   * Up: the inputs array (actions, pending levels) and the parameters; the state stays on the
   * device. Down: only the output regions the launch ended ({@link Role#lastRegion}),
   * one range of each array (the arrays are packed by role, outputs last), on demand.
   */
  private void launch(boolean randomActions, float cap, int steps) {
    pack.beforeLaunch(randomActions, cap, steps);
    if (!executed) { // FIRST_EXECUTION: the state and the spec go up once per plan
      for (var a : new uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray[] {pack.ints, pack.floats, pack.bytes, pack.spec, pack.fspec}) {
        bytesToDevice += a.getNumBytesWithoutHeader();
      }
    }
    last = plan.execute();
    executed = true;
    for (var a : new uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray[] {pack.inputs, pack.params, pack.fparams}) {
      bytesToDevice += a.getNumBytesWithoutHeader();
    }
    Role through = Role.lastRegion(state.layout.spec, ticks + steps - 1);
    ticks += steps;
    actionsDrawn = randomActions;
    for (int k = 0; k < arrays.length; k++) {
      long from = pack.outputStart(types[k]), to = pack.outputEnd(types[k], through);
      if (to > from) { // DataRange: offset and size in elements; a size of 0 would mean the whole array
        last.transferToHost(new DataRange(arrays[k]).withOffset(from).withSize(to - from));
        bytesFromDevice += (to - from) * types[k].bytes;
      }
    }
    pack.downloadOutputs(through);
    book.afterLaunch(through != Role.STEP, scratch);
  }

  @Override
  public void fetchState() {
    if (last == null) return; // nothing ran since the host reset: the host buffers are current
    last.transferToHost(pack.ints, pack.floats, pack.bytes, pack.inputs);
    for (var a : arrays) bytesFromDevice += a.getNumBytesWithoutHeader();
    bytesFromDevice += pack.inputs.getNumBytesWithoutHeader();
    pack.downloadState(actionsDrawn);
  }

  @Override
  public String transfer() {
    return "copy";
  }

  @Override
  public long bytesToDevice() {
    return bytesToDevice;
  }

  @Override
  public long bytesFromDevice() {
    return bytesFromDevice;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    host.close();
    closePlan();
  }

  private void closePlan() {
    try {
      plan.close();
    } catch (Exception e) {
      throw new IllegalStateException("TornadoVM could not free the device memory: " + e.getMessage(), e);
    }
  }
}
