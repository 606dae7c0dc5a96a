package org.harvestsed.engine.opencl;

import static org.jocl.CL.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.config.RunSettings;
import org.harvestsed.engine.rng.Rng;
import org.harvestsed.engine.sim.Bookkeeper;
import org.harvestsed.engine.sim.DeviceBackend;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_buffer_region;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The step as OpenCL kernels (kernels/*.cl), bit-identical to {@link JavaBackend}, in one of two
 * mappings ({@link Mapping}): one work-item per env (CPU devices) or one work-group per env (GPUs
 * and accelerators), with an explicit work-group size from the device ({@link #localSize}). The
 * host keeps the same {@link EnvState} buffers as the java backend.
 * Two ways to share them with the device (docs/DESIGN-transfers.md):
 * <ul>
 *   <li>zero-copy, on host-unified devices (PoCL, integrated GPUs) unless the copy path is asked
 *       for: device buffers are created over the host buffers ({@code CL_MEM_USE_HOST_PTR}); the
 *       host unmaps them before a launch and maps them after, so nothing is copied (checked: the
 *       mapped address is the host buffer's).</li>
 *   <li>copy, on other devices or with {@code transfer = copy}: the state stays on the device
 *       between launches; per launch the host uploads the actions (unless drawn on the device) and
 *       the pending rate levels only after the principal set them, and reads back, in one
 *       transfer into a pinned arena ({@code CL_MEM_ALLOC_HOST_PTR}, mapped once, whose slices
 *       are the IO buffers of {@link #state()}), only what the caller consumes: the step's
 *       outputs, plus the period-end, round-end and episode-end snapshots at the launches that
 *       end those ({@link Role}). Every other host buffer is stale until {@link #fetchState()}.</li>
 * </ul>
 * reset(seed) runs the java reference on the host buffers (uploading them on the copy path); the
 * welfare bookkeeping runs on the host after a launch that ended a tax period ({@link Bookkeeper}):
 * the launch skeleton of every device backend ({@link DeviceBackend}).
 */
public final class OpenClBackend extends DeviceBackend {
  private final Devices.Device device;
  private final cl_context context;
  private final cl_command_queue queue;
  private final cl_program program;
  private final cl_kernel stepKernel, stepManyKernel;
  private final Map<Buf, cl_mem> mems;
  private final Map<Table, cl_mem> tables = new EnumMap<>(Table.class);
  private final Map<Buf, ByteBuffer> mapped;
  private final boolean zeroCopy;
  // ---- copy path (null / unused on the zero-copy path) ----
  private final IoArena io;
  /** The device's IO buffer (the IO buffers are sub-buffers of it) and the pinned host arena (mapped once). */
  private final cl_mem ioMem, pinnedMem;
  private final ByteBuffer arena;
  private final Pointer arenaPtr;
  private boolean pendingDirty;
  /** Whether the host maps/unmaps the shared buffers around each launch (see {@link #mapPolicy}). */
  private final boolean mapEachLaunch;
  private final long[] local;
  private final Mapping mapping;
  private final KernelSource.Shape shape;
  private final long[] global = new long[1];
  private final int[] k0 = new int[1], k1 = new int[1], random = new int[1], steps = new int[1];
  private final float[] cap = new float[1];
  private final Pointer k0p = Pointer.to(k0), k1p = Pointer.to(k1), randomp = Pointer.to(random), stepsp = Pointer.to(steps),
      capp = Pointer.to(cap);
  private final int scalarArgs;
  /**
   * The launches' events where the queue profiles (property {@code harvest.opencl.profile=true} at
   * construction; the GPU check's throughput cells): {@link #kernelSeconds} sums their device time.
   * Null where it does not.
   */
  private final List<cl_event> launches;

  /**
   * How the step is launched: the mapping ({@code AUTO}: by device type), the work-group size (0:
   * chosen from the device), and, for the group mapping, whether the env's cells go to
   * {@code __local} memory (null: where they fit the device's local memory).
   */
  public record Launch(Mapping mapping, int localSize, Boolean localCells) {
    public Launch {
      if (localSize < 0) throw new ConfigException("local size " + localSize + " must be >= 0 (0 = chosen from the device)");
    }

    /** The mapping chosen for the device; the work-group size from the device (or -Dharvest.opencl.local). */
    public static Launch of(Mapping m) {
      return new Launch(m, Integer.getInteger("harvest.opencl.local", 0), null);
    }

    /** A run's mapping and work-group size (run.mapping, run.local_size; 0 falls back to {@link #of(Mapping)}). */
    public static Launch of(RunSettings r) {
      return r.localSize() > 0 ? new Launch(r.mapping(), r.localSize(), null) : of(r.mapping());
    }
  }

  /** The default work-group size of the group mapping (before the device's limits). */
  static final int GROUP_TARGET = 128;
  /** The largest work-group the group program is built for (its Shared scratch). */
  static final int GROUP_MAX = 256;

  public OpenClBackend(Layout layout, int envs, String deviceSelector, int hostThreads) {
    this(layout, envs, deviceSelector, hostThreads, Transfer.AUTO, Launch.of(Mapping.AUTO));
  }

  /**
   * @param transfer auto (zero-copy on a host-unified device, else copy) or copy
   *                 (the discrete-device path on any device: how CI runs it on PoCL)
   * @param launch   the mapping and work-group size
   */
  public OpenClBackend(Layout layout, int envs, String deviceSelector, int hostThreads, Transfer transfer, Launch launch) {
    // before super(): the device, its program and the host buffers it shares (the base's reference
    // backend works on them); the fields are assigned after it
    boolean forceCopy = transfer == Transfer.COPY;
    Devices.Device device = Devices.choose(deviceSelector);
    checkMemory(layout, envs, device);
    Mapping mapping = launch.mapping() == Mapping.AUTO ? device.autoMapping(layout, envs) : launch.mapping();
    KernelSource.Shape wanted = shape(layout, device, mapping, launch, envs);
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
    cl_context context = clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    boolean profile = Boolean.getBoolean("harvest.opencl.profile");
    cl_command_queue queue = createQueue(context, device.id(), profile);
    cl_program prog = build(context, device, KernelSource.build(layout, wanted));
    cl_kernel one = clCreateKernel(prog, "harvest_step", null);
    cl_kernel many = clCreateKernel(prog, "harvest_step_many", null);
    while (wanted.localCells() && launch.localCells() == null
        && Math.max(kernelLimit(one, device).localMem(), kernelLimit(many, device).localMem()) > device.localMem()) {
      // the compiler allots more __local memory than the estimate (e.g. it counts both kernels'
      // arrays): fewer envs per work-group (warp, where the launch lets it choose), else the cells
      // stay in global memory
      clReleaseKernel(one);
      clReleaseKernel(many);
      clReleaseProgram(prog);
      int fewer = wanted.warp() && launch.localSize() == 0 ? largestDivisor(envs, wanted.envsPerGroup() - 1) : 0;
      wanted = fewer > 0 ? KernelSource.Shape.warp(fewer, true)
          : wanted.warp() ? KernelSource.Shape.warp(wanted.envsPerGroup(), false) : new KernelSource.Shape(true, wanted.groupMax(), false);
      prog = build(context, device, KernelSource.build(layout, wanted));
      one = clCreateKernel(prog, "harvest_step", null);
      many = clCreateKernel(prog, "harvest_step_many", null);
    }
    int ls;
    try {
      ls = localSize(device, launch.localSize(), wanted, kernelLimit(one, device), kernelLimit(many, device));
    } catch (RuntimeException e) {
      clReleaseKernel(one);
      clReleaseKernel(many);
      clReleaseProgram(prog);
      clReleaseCommandQueue(queue);
      clReleaseContext(context);
      throw e;
    }
    Map<Buf, cl_mem> mems = new EnumMap<>(Buf.class);
    Map<Buf, ByteBuffer> mapped = new EnumMap<>(Buf.class);
    EnvState st = null;
    if (device.hostUnified() && !forceCopy) {
      st = new EnvState(layout, envs);
      for (Buf b : Buf.values()) {
        ByteBuffer hb = st.raw(b);
        mems.put(b, clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, hb.capacity(), Pointer.to(hb), null));
      }
      if (!mapAllAndCheck(queue, mems, mapped, st)) { // the device copies after all: take the copy path
        unmapAll(queue, mems, mapped);
        for (cl_mem m : mems.values()) clReleaseMemObject(m);
        mems.clear();
        st = null;
      }
    }
    boolean zeroCopy = st != null;
    IoArena io = null;
    cl_mem ioMem = null, pinnedMem = null;
    ByteBuffer arena = null;
    if (!zeroCopy) {
      long align = Math.max(64, Devices.deviceInt(device.id(), CL_DEVICE_MEM_BASE_ADDR_ALIGN) / 8);
      io = new IoArena(layout, envs, align);
      ioMem = clCreateBuffer(context, CL_MEM_READ_WRITE, io.bytes, null, null);
      pinnedMem = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, io.bytes, null, null);
      arena = clEnqueueMapBuffer(queue, pinnedMem, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, io.bytes, 0, null, null, null)
          .order(java.nio.ByteOrder.nativeOrder());
      for (int i = 0, size = arena.capacity(); i < size; i++) arena.put(i, (byte) 0); // as fresh direct buffers are
      IoArena a = io;
      ByteBuffer whole = arena;
      st = new EnvState(layout, envs, b -> a.holds(b)
          ? whole.slice((int) a.offset(b), (int) a.size(b)).order(java.nio.ByteOrder.nativeOrder()) : null);
      for (Buf b : Buf.values()) {
        long size = st.raw(b).capacity();
        mems.put(b, io.holds(b)
            ? clCreateSubBuffer(ioMem, CL_MEM_READ_WRITE, CL_BUFFER_CREATE_TYPE_REGION, new cl_buffer_region(io.offset(b), size), null)
            : clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null));
      }
    }
    super(st, hostThreads);
    this.device = device;
    this.mapping = mapping;
    this.shape = wanted;
    this.context = context;
    this.queue = queue;
    this.launches = profile ? new ArrayList<>() : null;
    this.program = prog;
    this.stepKernel = one;
    this.stepManyKernel = many;
    this.local = new long[] {ls};
    this.mems = mems;
    this.mapped = mapped;
    this.zeroCopy = zeroCopy;
    this.io = io;
    this.ioMem = ioMem;
    this.pinnedMem = pinnedMem;
    this.arena = arena;
    this.arenaPtr = arena == null ? null : Pointer.to(arena);
    for (Table t : Table.values()) {
      ByteBuffer c = t.contents(layout);
      tables.put(t, clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, c.capacity(), Pointer.to(c), null));
    }
    mapEachLaunch = zeroCopy && mapPolicy(device);
    if (zeroCopy && !mapEachLaunch) unmapAll();
    int arg = 0;
    for (cl_kernel k : new cl_kernel[] {stepKernel, stepManyKernel}) {
      arg = 0;
      for (Buf b : Buf.values()) clSetKernelArg(k, arg++, Sizeof.cl_mem, Pointer.to(mems.get(b)));
      for (Table t : Table.values()) clSetKernelArg(k, arg++, Sizeof.cl_mem, Pointer.to(tables.get(t)));
      clSetKernelArg(k, arg, Sizeof.cl_int, Pointer.to(new int[] {envs}));
    }
    scalarArgs = arg + 1;
    global[0] = wanted.warp() ? (long) envs * KernelSource.WARP_SIZE : wanted.group() ? (long) envs * ls : (envs + ls - 1L) / ls * ls;
  }

  /** What the device allows a kernel: its CL_KERNEL_WORK_GROUP_SIZE, preferred multiple and __local bytes. */
  record KernelLimit(long workGroupSize, long preferredMultiple, long localMem) {}

  static KernelLimit kernelLimit(cl_kernel k, Devices.Device d) {
    return new KernelLimit(kernelLong(k, d, CL_KERNEL_WORK_GROUP_SIZE), kernelLong(k, d, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE),
        kernelLong(k, d, CL_KERNEL_LOCAL_MEM_SIZE));
  }

  private static long kernelLong(cl_kernel k, Devices.Device d, int param) {
    long[] v = new long[1];
    clGetKernelWorkGroupInfo(k, d.id(), param, Sizeof.size_t, Pointer.to(v), null);
    return v[0];
  }

  /**
   * The program's shape: per env; or per group, built for work-groups up to the requested size
   * (else {@link #GROUP_MAX}, within the device's), with the env's cells in __local memory where
   * they fit the device's local memory (or where asked; a size or placement the device refuses
   * is a {@link ConfigException} naming its limit).
   */
  static KernelSource.Shape shape(Layout layout, Devices.Device d, Mapping m, Launch launch) {
    return shape(layout, d, m, launch, 1);
  }

  /** The most envs per work-group the warp mapping takes by itself on a CPU device (8 warps: 256 work-items). */
  static final int WARP_ENVS_MAX = 8;

  /**
   * The envs per work-group the warp mapping takes by itself (local size 0): the largest divisor of
   * envs up to {@link #WARP_ENVS_MAX} on a CPU device, 1 on a GPU, within the device's work-group
   * limit / 32 and the envs whose local state fits its local memory. One env per work-group on a GPU:
   * measured on an NVIDIA H100 (docs/BENCHMARKS.md, "Measured on an NVIDIA H100"), 1 env per
   * work-group was the fastest or within 1% of it at 7 x 4,096 and 7 x 65,536 for one-step and
   * 50-step launches, 8 envs 6-41% slower: harvest_step_many takes 168 registers per work-item, so a
   * work-group of 8 warps (43 k registers) fits once in an SM's 65,536, where 12 one-warp groups do; at
   * one step per launch (56 registers) the two are even. On a CPU device (PoCL) a work-group is a loop
   * over its work-items, and fewer, larger groups cost less to start.
   */
  static int warpEnvs(boolean cpu, int envs, long devMaxWorkGroup, long localMem, long localPerEnv) {
    long byMemory = Math.max(1, localMem / localPerEnv);
    return largestDivisor(envs, (int) Math.min(Math.min(cpu ? WARP_ENVS_MAX : 1, devMaxWorkGroup / KernelSource.WARP_SIZE), byMemory));
  }

  /** The largest divisor of envs that is at most max (0 if max < 1). */
  static int largestDivisor(int envs, int max) {
    for (int k = Math.min(max, envs); k >= 1; k--) if (envs % k == 0) return k;
    return 0;
  }

  /**
   * {@link #shape(Layout, Devices.Device, Mapping, Launch)} for {@code envs} envs. The warp mapping:
   * envs per work-group E = the requested local size / 32 (which must divide envs), else
   * {@link #warpEnvs} (a divisor of envs, so every work-group is full and its envs reach the same
   * barriers); the env's cells, counts and move state in __local memory where one env's fit.
   */
  static KernelSource.Shape shape(Layout layout, Devices.Device d, Mapping m, Launch launch, int envs) {
    if (m == Mapping.WARP) return warpShape(layout, d, launch, envs);
    if (m == Mapping.ENV) {
      if (Boolean.TRUE.equals(launch.localCells())) throw new ConfigException("__local cells are a choice of the group mapping; use --mapping group");
      return KernelSource.Shape.PER_ENV;
    }
    long devMax = d.maxWorkGroupSize();
    if (launch.localSize() > devMax) throw tooLarge(launch.localSize(), d, "CL_DEVICE_MAX_WORK_GROUP_SIZE", devMax);
    int groupMax = launch.localSize() > 0 ? launch.localSize() : (int) Math.min(GROUP_MAX, devMax);
    KernelSource.Shape local = new KernelSource.Shape(true, groupMax, true);
    boolean fits = local.localBytes(layout) <= d.localMem();
    if (Boolean.TRUE.equals(launch.localCells()) && !fits) {
      throw new ConfigException(String.format(Locale.ROOT, "the map's grid and occupancy need %d bytes of __local memory; %s has"
          + " CL_DEVICE_LOCAL_MEM_SIZE = %d; let the group mapping keep them in global memory", local.localBytes(layout), d.name(), d.localMem()));
    }
    boolean useLocal = launch.localCells() == null ? fits : launch.localCells();
    return new KernelSource.Shape(true, groupMax, useLocal);
  }

  static KernelSource.Shape warpShape(Layout layout, Devices.Device d, Launch launch, int envs) {
    int w = KernelSource.WARP_SIZE;
    long devMax = d.maxWorkGroupSize();
    long perEnvLocal = KernelSource.Shape.localBytesPerEnv(layout, true, true, w);
    boolean fits = perEnvLocal <= d.localMem();
    if (Boolean.TRUE.equals(launch.localCells()) && !fits) {
      throw new ConfigException(String.format(Locale.ROOT, "the warp mapping's local state of one env (grid, occupancy, counts, players) needs %d bytes"
          + " of __local memory; %s has CL_DEVICE_LOCAL_MEM_SIZE = %d; let the warp mapping keep it in global memory", perEnvLocal, d.name(), d.localMem()));
    }
    boolean useLocal = launch.localCells() == null ? fits : launch.localCells();
    long perEnv = KernelSource.Shape.localBytesPerEnv(layout, true, useLocal, w);
    int e;
    if (launch.localSize() > 0) {
      if (launch.localSize() % w != 0) {
        throw new ConfigException("the warp mapping's local size is " + w + " work-items per env times the envs per work-group; " + launch.localSize()
            + " is not a multiple of " + w);
      }
      if (launch.localSize() > devMax) throw tooLarge(launch.localSize(), d, "CL_DEVICE_MAX_WORK_GROUP_SIZE", devMax);
      e = launch.localSize() / w;
      if (envs % e != 0) {
        throw new ConfigException("the warp mapping's local size " + launch.localSize() + " puts " + e + " envs in a work-group, which does not divide "
            + envs + " envs; use a local size of " + w + " times a divisor of the envs, or 0 to let the engine choose");
      }
      if (e * perEnv > d.localMem()) {
        throw new ConfigException(String.format(Locale.ROOT, "%d envs per work-group need %d bytes of __local memory; %s has CL_DEVICE_LOCAL_MEM_SIZE = %d",
            e, e * perEnv, d.name(), d.localMem()));
      }
    } else {
      e = warpEnvs(d.isCpu(), envs, devMax, d.localMem(), perEnv);
      if (e < 1) throw tooLarge(w, d, "CL_DEVICE_MAX_WORK_GROUP_SIZE", devMax);
    }
    return KernelSource.Shape.warp(e, useLocal);
  }

  /**
   * The work-group size: the requested one if the device takes it, else (0) from the device: per
   * env its preferred multiple; per group {@link #GROUP_TARGET} rounded down to a multiple of it,
   * within CL_KERNEL_WORK_GROUP_SIZE.
   */
  static int localSize(Devices.Device d, int requested, KernelSource.Shape shape, KernelLimit... kernels) {
    if (shape.warp()) requested = shape.warpGroupSize(); // fixed by the program: 32 work-items per env, E envs
    long max = Math.min(d.maxWorkGroupSize(), shape.group() && !shape.warp() ? shape.groupMax() : Long.MAX_VALUE);
    long multiple = 1;
    String which = "CL_DEVICE_MAX_WORK_GROUP_SIZE";
    for (KernelLimit k : kernels) {
      if (k.workGroupSize() < max) {
        max = k.workGroupSize();
        which = "CL_KERNEL_WORK_GROUP_SIZE";
      }
      multiple = Math.max(multiple, k.preferredMultiple());
      if (k.localMem() > d.localMem()) {
        throw new ConfigException(String.format(Locale.ROOT, "the step kernel needs %d bytes of __local memory; %s has CL_DEVICE_LOCAL_MEM_SIZE = %d",
            k.localMem(), d.name(), d.localMem()));
      }
    }
    if (requested > 0) {
      if (requested > max) throw tooLarge(requested, d, which, max);
      return requested;
    }
    long target = shape.group() ? GROUP_TARGET : multiple;
    long size = Math.min(target, max) / multiple * multiple;
    return (int) Math.max(1, size == 0 ? Math.min(target, max) : size);
  }

  private static ConfigException tooLarge(long requested, Devices.Device d, String limit, long max) {
    return new ConfigException(String.format(Locale.ROOT, "local size %d is more than %s can take: %s = %d for the step kernel;"
        + " use a local size of at most %d, or 0 to let the engine choose", requested, d.name(), limit, max, max));
  }

  /** The mapping this backend launches (never AUTO). */
  public Mapping mapping() {
    return mapping;
  }

  /** The work-group size of each launch. */
  public int localSize() {
    return (int) local[0];
  }

  /** Whether the group or warp mapping keeps the env's grid and occupancy in __local memory. */
  public boolean localCells() {
    return shape.localCells();
  }

  /** The envs one work-group steps: E in the warp mapping, else 1. */
  public int envsPerGroup() {
    return shape.envsPerGroup();
  }

  /**
   * Map/unmap around every launch is what the OpenCL spec asks for host access to a
   * CL_MEM_USE_HOST_PTR buffer. On a CPU device whose mapped address is the host buffer itself
   * (checked at start) the device computes in that very memory, and clFinish orders the accesses,
   * so the engine skips the per-launch map calls there (about 3 ms per launch on PoCL with 2
   * cores); the parity suite checks the result bit for bit. Property
   * {@code harvest.opencl.map=always|never|auto} overrides (auto: skip on CPU devices).
   */
  static boolean mapPolicy(Devices.Device d) {
    String p = System.getProperty("harvest.opencl.map", "auto");
    return switch (p) {
      case "always" -> true;
      case "never" -> false;
      default -> (d.type() & CL_DEVICE_TYPE_CPU) == 0;
    };
  }

  /** Whether the host reads the device's buffers in place (no copies). */
  public boolean zeroCopy() {
    return zeroCopy;
  }

  @Override
  public String transfer() {
    return zeroCopy ? "zero-copy" : "copy";
  }

  /** The bytes of the IO arena (copy path; 0 on the zero-copy path): what one launch reads back at most, plus the inputs. */
  public long ioArenaBytes() {
    return io == null ? 0 : io.bytes;
  }

  public Devices.Device device() {
    return device;
  }

  /**
   * Refuses, before allocating anything, a size the device cannot hold, naming the most envs
   * that fit.
   */
  static void checkMemory(Layout layout, int envs, Devices.Device d) {
    long perEnv = EnvState.bytesPerEnv(layout);
    long largestPerEnv = 0;
    for (Buf b : Buf.values()) largestPerEnv = Math.max(largestPerEnv, b.bytesPerEnv(layout));
    long fitGlobal = (long) (d.globalMem() * 0.9) / perEnv;
    long fitAlloc = d.maxAlloc() / largestPerEnv;
    long fit = Math.min(fitGlobal, fitAlloc);
    if (envs > fit) {
      throw new ConfigException(String.format(Locale.ROOT,
          "%d envs need %.2f GiB on %s, which has %.2f GiB of global memory (largest buffer %.2f GiB); at most %d envs fit with this map",
          envs, (double) perEnv * envs / 1073741824.0, d.name(), d.globalMem() / 1073741824.0, d.maxAlloc() / 1073741824.0, fit));
    }
  }

  @SuppressWarnings("deprecation")
  private static cl_command_queue createQueue(cl_context ctx, cl_device_id d, boolean profile) {
    return clCreateCommandQueue(ctx, d, profile ? CL_QUEUE_PROFILING_ENABLE : 0, null);
  }

  /**
   * The build options: correctly rounded float division where the device offers it (parity needs
   * it; elsewhere kernels/common.h div_rn rounds the quotient itself), which property
   * {@code harvest.opencl.divide=fixup} turns off to test that path; then property
   * {@code harvest.opencl.options}, appended as given (diagnosis: the GPU check's register caps,
   * {@code -cl-nv-maxrregcount=N}).
   */
  static String buildOptions(Devices.Device d) {
    boolean cr = d.correctlyRoundedDivide() && !"fixup".equals(System.getProperty("harvest.opencl.divide"));
    String base = cr ? "-cl-fp32-correctly-rounded-divide-sqrt -DCORRECTLY_ROUNDED_DIVIDE=1" : "-DCORRECTLY_ROUNDED_DIVIDE=0";
    String extra = System.getProperty("harvest.opencl.options", "").strip();
    return extra.isEmpty() ? base : base + " " + extra;
  }

  /**
   * The device time of the launches since the last call (each launch's CL_PROFILING_COMMAND_END less
   * its START, summed), in seconds; waits for them. Only where the queue profiles
   * ({@code harvest.opencl.profile=true} when this backend was made), else an error.
   */
  public double kernelSeconds() {
    if (launches == null) throw new IllegalStateException("this backend's queue does not profile: set harvest.opencl.profile=true before making it");
    clFinish(queue);
    long[] start = new long[1], end = new long[1];
    long ns = 0;
    for (cl_event e : launches) {
      clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
      clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
      ns += end[0] - start[0];
      clReleaseEvent(e);
    }
    launches.clear();
    return ns / 1e9;
  }

  /** Builds the program; a compile error surfaces with the compiler's build log. */
  static cl_program build(cl_context ctx, Devices.Device d, String source) {
    return build(ctx, d, source, buildOptions(d));
  }

  /** {@link #build(cl_context, Devices.Device, String)} with explicit compiler options (the GPU check adds the vendor's verbose flag). */
  static cl_program build(cl_context ctx, Devices.Device d, String source, String options) {
    cl_program p = clCreateProgramWithSource(ctx, 1, new String[] {source}, null, null);
    try {
      clBuildProgram(p, 1, new cl_device_id[] {d.id()}, options, null, null);
    } catch (CLException e) {
      String log = buildLog(p, d.id());
      clReleaseProgram(p);
      throw new KernelBuildException(d.name(), log.isBlank() ? e.getMessage() : log);
    }
    return p;
  }

  /** The built program as the device gives it (CL_PROGRAM_BINARIES; PoCL: LLVM bitcode), for checks of the compiled code (FpContractionTest). */
  static byte[] binary(cl_program p) {
    long[] size = new long[1];
    clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
    byte[] bin = new byte[(int) size[0]];
    clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bin)), null);
    return bin;
  }

  /** {@link #binary(cl_program)} of this backend's program. */
  byte[] programBinary() {
    return binary(program);
  }

  static String buildLog(cl_program p, cl_device_id d) {
    long[] size = new long[1];
    clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, null, size);
    byte[] buf = new byte[(int) size[0]];
    clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
    return new String(buf, 0, Math.max(0, buf.length - 1));
  }

  /** Maps every buffer; whether each mapped address is the host buffer's (so the device computes in host memory). */
  private static boolean mapAllAndCheck(cl_command_queue queue, Map<Buf, cl_mem> mems, Map<Buf, ByteBuffer> mapped, EnvState st) {
    boolean same = true;
    for (Buf b : Buf.values()) {
      ByteBuffer hb = st.raw(b);
      ByteBuffer m = clEnqueueMapBuffer(queue, mems.get(b), CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, hb.capacity(), 0, null, null, null);
      mapped.put(b, m);
      same &= MemorySegment.ofBuffer(m).address() == MemorySegment.ofBuffer(hb).address();
    }
    return same;
  }

  private void mapAll() {
    for (Buf b : Buf.values()) {
      mapped.put(b, clEnqueueMapBuffer(queue, mems.get(b), CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0,
          state().raw(b).capacity(), 0, null, null, null));
    }
  }

  private void unmapAll() {
    unmapAll(queue, mems, mapped);
  }

  private static void unmapAll(cl_command_queue queue, Map<Buf, cl_mem> mems, Map<Buf, ByteBuffer> mapped) {
    for (Buf b : Buf.values()) {
      ByteBuffer m = mapped.remove(b);
      if (m != null) clEnqueueUnmapMemObject(queue, mems.get(b), m, 0, null, null);
    }
  }

  /** Copy path: host buffer -> device buffer, counted. */
  private void upload(Buf b) {
    ByteBuffer hb = state().raw(b);
    clEnqueueWriteBuffer(queue, mems.get(b), CL_FALSE, 0, hb.capacity(), Pointer.to(hb), 0, null, null);
    countToDevice(hb.capacity());
  }

  /** Copy path: one IO buffer from the pinned arena to the device, counted. */
  private void uploadIo(Buf b) {
    clEnqueueWriteBuffer(queue, ioMem, CL_FALSE, io.offset(b), io.size(b), arenaPtr.withByteOffset(io.offset(b)), 0, null, null);
    countToDevice(io.size(b));
  }

  /** Copy path: the IO range [from, to) from the device into the pinned arena in one transfer, counted. */
  private void readIo(long from, long to) {
    clEnqueueReadBuffer(queue, ioMem, CL_TRUE, from, to - from, arenaPtr.withByteOffset(from), 0, null, null);
    countFromDevice(to - from);
  }

  /**
   * Copy path: reads back every buffer the host does not keep current (state, and IO buffers
   * outside the last launch's regions), except what the host owns: PENDING_LEVELS (the principal's,
   * uploaded before the next launch), PRINCIPAL_REWARD (the bookkeeping's) and ACTIONS unless the
   * last launch drew them on the device. Nothing on the zero-copy path.
   */
  @Override
  protected void downloadState(boolean actionsDrawn) {
    if (zeroCopy) return;
    for (Buf b : Buf.values()) {
      if (b == Buf.PENDING_LEVELS || b.role == Role.HOST || (b == Buf.ACTIONS && !actionsDrawn)) continue;
      ByteBuffer hb = state().raw(b);
      clEnqueueReadBuffer(queue, mems.get(b), CL_FALSE, 0, hb.capacity(), Pointer.to(hb), 0, null, null);
      countFromDevice(hb.capacity());
    }
    clFinish(queue);
  }

  @Override
  public void pendingLevelsSet() {
    pendingDirty = true;
  }

  @Override
  public String name() {
    return "opencl";
  }

  @Override
  public void restore(long seed) {
    restoreHostState(seed);
  }

  /** The host buffers are the state now (after a reset or a restore): the run's key; uploaded on the copy path. */
  @Override
  protected void takeHostState(long seed) {
    k0[0] = Rng.k0(seed);
    k1[0] = Rng.k1(seed);
    if (zeroCopy) return;
    for (Buf b : Buf.values()) upload(b);
    clFinish(queue);
    pendingDirty = false;
  }

  /**
   * The launch's parameters; the host hands the shared buffers to the device (zero-copy, mapping
   * each launch) or uploads the actions (unless drawn on the device) and, only after the principal
   * set them, the pending rate levels (copy path).
   */
  @Override
  protected void uploadInputs(boolean randomActions, float capValue, int n) {
    random[0] = randomActions ? 1 : 0;
    cap[0] = capValue;
    steps[0] = n;
    if (mapEachLaunch) {
      unmapAll();
    } else if (!zeroCopy) {
      if (!randomActions) uploadIo(Buf.ACTIONS);
      if (pendingDirty) uploadIo(Buf.PENDING_LEVELS);
      pendingDirty = false;
    }
  }

  /** harvest_step, or harvest_step_many for stepMany (with its step count), over every env. */
  @Override
  protected void execute(int n, boolean many) {
    cl_kernel k = many ? stepManyKernel : stepKernel;
    int a = scalarArgs;
    clSetKernelArg(k, a, Sizeof.cl_uint, k0p);
    clSetKernelArg(k, a + 1, Sizeof.cl_uint, k1p);
    clSetKernelArg(k, a + 2, Sizeof.cl_float, capp);
    clSetKernelArg(k, a + 3, Sizeof.cl_int, randomp);
    if (many) clSetKernelArg(k, a + 4, Sizeof.cl_int, stepsp);
    cl_event e = launches == null ? null : new cl_event();
    clEnqueueNDRangeKernel(queue, k, 1, null, global, local, 0, null, e);
    if (e != null) launches.add(e);
  }

  /**
   * Zero-copy: the host takes the buffers back (mapping them, or waiting for the launch where it
   * skips the map calls). Copy path: the IO range from the STEP region's start to the end of
   * region {@code through}, in one transfer.
   */
  @Override
  protected void downloadOutputs(Role through) {
    if (mapEachLaunch) {
      mapAll();
    } else if (zeroCopy) {
      clFinish(queue);
    } else {
      readIo(io.start(Role.STEP), io.end(through));
    }
  }

  @Override
  protected void closeDevice() {
    if (mapEachLaunch) unmapAll();
    if (arena != null) clEnqueueUnmapMemObject(queue, pinnedMem, arena, 0, null, null);
    clFinish(queue);
    if (launches != null) kernelSeconds(); // releases the events
    for (cl_mem m : mems.values()) clReleaseMemObject(m); // sub-buffers before their parent
    if (ioMem != null) clReleaseMemObject(ioMem);
    if (pinnedMem != null) clReleaseMemObject(pinnedMem);
    for (cl_mem m : tables.values()) clReleaseMemObject(m);
    clReleaseKernel(stepKernel);
    clReleaseKernel(stepManyKernel);
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    clReleaseContext(context);
  }
}
