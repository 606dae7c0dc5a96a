package org.harvestsed.tornado;

import java.util.Locale;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.sim.Bookkeeper;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
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
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

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
 * The packing, the launch and the unpacking are {@link TornadoLaunch}'s (which tornado-check runs
 * on the JVM); this class runs the task graph.
 */
public final class TornadoBackend extends TornadoLaunch {
  private final TornadoDevices.Device device;
  private final int envs;
  /** Rebuilt after a host reset that follows a launch, so FIRST_EXECUTION uploads the new state. */
  private TornadoExecutionPlan plan;
  private TornadoExecutionResult last;

  public TornadoBackend(Layout layout, int envs, String deviceSelector, int hostThreads) {
    TornadoDevices.Device device = TornadoDevices.choose(deviceSelector);
    EnvState state = new EnvState(layout, envs);
    Packing pack = new Packing(state);
    checkMemory(pack, envs, device); // before the host's threads start
    super(state, pack, hostThreads);
    this.device = device;
    this.envs = envs;
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

  /** Runs the task graph: its first execution (FIRST_EXECUTION) uploads the state and the spec, every one the inputs and parameters. */
  @Override
  protected void execute(int steps, boolean many) {
    last = plan.execute();
  }

  /** DataRange: offset and size in elements (never 0 here: a size of 0 would mean the whole array). */
  @Override
  protected void transferToHost(Buf.Type t, long from, long to) {
    TornadoNativeArray a = switch (t) {
      case INT -> pack.ints;
      case FLOAT -> pack.floats;
      case BYTE -> pack.bytes;
      case SHORT -> throw new IllegalArgumentException("no packed array of shorts (OCC is widened into ints)");
    };
    last.transferToHost(new DataRange(a).withOffset(from).withSize(to - from));
  }

  @Override
  protected void transferStateToHost() {
    last.transferToHost(pack.ints, pack.floats, pack.bytes, pack.inputs);
  }

  /** A new plan: its first execution uploads the state the host reset wrote. */
  @Override
  protected void discardDeviceState() {
    closePlan();
    plan = newPlan();
    last = null;
  }

  @Override
  protected void closeDevice() {
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
