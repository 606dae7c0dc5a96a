package org.harvestsed.engine.opencl;

import static org.jocl.CL.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.harvestsed.engine.Parity;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.state.Layout;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * {@code gpu-check}: one command that says whether the OpenCL kernels are right on a device and
 * how fast they are (docs/GPU.md). Five stages, each under its own time limit, each writing its
 * results into {@code report.json} and {@code report.txt} as they come ({@link GpuCheckReport}):
 * the device's facts; the programs' build logs and compiled binaries; parity with the java
 * reference after every step ({@link Parity}) for every mapping and transfer path; throughput
 * over sizes, mappings, work-group sizes and launch lengths; the device's copy bandwidths. A
 * device that is not a GPU is refused unless {@code --allow-cpu}, so a missing vendor driver
 * cannot pass as a GPU run. Exit 0: every stage ran to its end and every parity run was
 * bit-identical; 1: a stage failed, was cut by its limit or broke; 2: bad arguments, no OpenCL
 * device, or a refused device.
 */
public final class GpuCheck {
  static final String USAGE = "usage: gpu-check --out DIR [--device INDEX|NAME] [--allow-cpu] [--short]"
      + " [--stages device,build,parity,throughput,bandwidth] [--budget STAGE=SECONDS,...] [--total SECONDS]\n"
      + "       gpu-check --verify DIR [--require-gpu]   (checks a report's fields; exit 1 naming what is missing)";

  /** The stages, in the order they run. */
  static final List<String> STAGES = List.of("device", "build", "parity", "throughput", "bandwidth");

  /**
   * Seconds per stage on a GPU, from the projections (docs/GPU.md, "Budget"); the whole run
   * stays under {@link #TOTAL_S}.
   */
  static final Map<String, Double> BUDGET = budgets(10, 35, 150, 185, 20);
  /** The dry run's limits (--short, a CPU device such as PoCL on 2 cores): generous, the settings are small. */
  static final Map<String, Double> SHORT_BUDGET = budgets(20, 180, 240, 240, 30);
  /** The whole run's limit in seconds: 7 minutes, inside a lent machine's 8 minutes per command. */
  static final double TOTAL_S = 420;

  private static Map<String, Double> budgets(double... s) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < STAGES.size(); i++) m.put(STAGES.get(i), s[i]);
    return m;
  }

  /** A map size of the throughput grid. */
  record Size(int players, int envs) {}

  /** What a run measures: the full settings, or the dry run's ({@code --short}). */
  record Settings(boolean isShort, List<Size> sizes, List<Integer> localSizes, int parityStepCap, int multiStepPeriods,
      double cellSeconds, double maxPeriodLaunchSeconds, int copyBytes, int transferBytes, int reps, List<Integer> registerCaps) {
    static final Settings FULL = new Settings(false, List.of(new Size(7, 4096), new Size(7, 65536), new Size(7000, 1), new Size(7000, 64)),
        List.of(32, 64, 128, 256), Integer.MAX_VALUE, 24, 0.4, 8, 256 << 20, 64 << 20, 10, List.of(64, 96, 128));
    /** Small sizes and the two ends of the work-group range: a CPU device compiles the group kernel once per work-group size. */
    static final Settings SHORT = new Settings(true, List.of(new Size(7, 64), new Size(7, 512), new Size(700, 1), new Size(700, 4)),
        List.of(32, 256), 100, 4, 0.1, 2, 8 << 20, 8 << 20, 3, List.of(64));
  }

  /**
   * The register caps' cells (docs/BENCHMARKS.md, "Measured on an NVIDIA H100"): the warp mapping on
   * the first size, one env per work-group, built with {@code -cl-nv-maxrregcount=N}. On the H100,
   * harvest_step_many took 168 registers per work-item (12 resident warps per SM), harvest_step 56
   * (32); whether a cap buys more resident warps than its spills cost is only measurable there.
   */
  static final Mapping CAP_MAPPING = Mapping.WARP;
  static final int CAP_LOCAL_SIZE = 32;
  /** NVIDIA's OpenCL compiler takes -cl-nv-maxrregcount where the device lists this extension. */
  static final String NV_COMPILER_OPTIONS = "cl_nv_compiler_options";

  /** Parsed command line. */
  record Options(Path out, String device, boolean allowCpu, Settings settings, List<String> stages, Map<String, Double> budget, double total) {}

  /** A bad command line: one message, exit 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String m) {
      super(m);
    }
  }

  public static void main(String[] args) {
    int code;
    try {
      if (Arrays.asList(args).contains("--help")) {
        System.out.println(USAGE);
        code = 0;
      } else if (args.length > 0 && args[0].equals("--verify")) {
        code = verifyMain(args);
      } else {
        code = run(parse(args));
      }
    } catch (UsageException e) {
      System.err.println("gpu-check: " + e.getMessage() + "\n" + USAGE);
      code = 2;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(code); // a stage abandoned in a driver call must not keep the JVM alive
  }

  static int verifyMain(String[] args) {
    if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--require-gpu"))) {
      throw new UsageException("--verify takes a report folder and optionally --require-gpu");
    }
    List<String> problems = GpuCheckReport.verify(Path.of(args[1]), args.length == 3);
    if (problems.isEmpty()) {
      System.out.println("gpu-check --verify: " + args[1] + " has every field (" + GpuCheckReport.JSON + ", " + GpuCheckReport.TEXT + ")");
      return 0;
    }
    System.err.println("gpu-check --verify: " + args[1] + " is incomplete:");
    for (String p : problems) System.err.println("  - " + p);
    return 1;
  }

  static Options parse(String[] args) {
    Path out = null;
    String device = "";
    boolean allowCpu = false, isShort = false;
    List<String> stages = STAGES;
    Map<String, Double> overrides = new LinkedHashMap<>();
    Double total = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--allow-cpu" -> allowCpu = true;
        case "--short" -> isShort = true;
        case "--out", "--device", "--stages", "--budget", "--total" -> {
          if (i + 1 >= args.length) throw new UsageException(a + " needs a value");
          String v = args[++i];
          switch (a) {
            case "--out" -> out = Path.of(v);
            case "--device" -> device = v;
            case "--stages" -> {
              stages = List.of(v.split(","));
              for (String s : stages) if (!STAGES.contains(s)) throw new UsageException("--stages: '" + s + "' is unknown; allowed: " + STAGES);
            }
            case "--budget" -> {
              for (String kv : v.split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2 || !STAGES.contains(p[0])) throw new UsageException("--budget: '" + kv + "' is not STAGE=SECONDS with STAGE one of " + STAGES);
                overrides.put(p[0], seconds("--budget " + p[0], p[1]));
              }
            }
            default -> total = seconds("--total", v);
          }
        }
        default -> throw new UsageException("unknown argument '" + a + "'");
      }
    }
    if (out == null) throw new UsageException("--out DIR is required (the folder the reports are written to)");
    Map<String, Double> budget = new LinkedHashMap<>(isShort ? SHORT_BUDGET : BUDGET);
    budget.putAll(overrides);
    // the whole run's limit: --total, else 7 minutes (or the stages' sum where --budget or --short asks for more)
    double sum = budget.values().stream().mapToDouble(Double::doubleValue).sum();
    double t = total != null ? total : isShort ? sum : Math.max(TOTAL_S, sum);
    return new Options(out, device, allowCpu, isShort ? Settings.SHORT : Settings.FULL, stages, budget, t);
  }

  private static double seconds(String what, String v) {
    try {
      double s = Double.parseDouble(v);
      if (s > 0 && Double.isFinite(s)) return s;
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new UsageException(what + ": '" + v + "' is not a positive number of seconds");
  }

  /** Runs the stages; returns the exit code. */
  static int run(Options o) {
    GpuCheckReport report;
    try {
      report = new GpuCheckReport(o.out(), o);
    } catch (IOException e) {
      System.err.println("gpu-check: cannot write to " + o.out() + ": " + e.getMessage());
      return 2;
    }
    System.out.println("gpu-check: writing " + o.out().resolve(GpuCheckReport.JSON) + " and " + GpuCheckReport.TEXT + " as each stage finishes");
    GpuCheck check = new GpuCheck(o, report);
    return check.runStages();
  }

  private final Options o;
  private final GpuCheckReport report;
  private final long start = System.nanoTime();
  /** The chosen device, once the device stage found it. */
  private Devices.Device device;

  private GpuCheck(Options o, GpuCheckReport report) {
    this.o = o;
    this.report = report;
  }

  private int runStages() {
    Thread hook = new Thread(() -> report.finish("interrupted", null));
    Runtime.getRuntime().addShutdownHook(hook);
    int code = 0;
    boolean deviceOk = true;
    for (String name : STAGES) {
      if (!o.stages().contains(name) && !name.equals("device")) continue;
      double left = o.total() - (System.nanoTime() - start) / 1e9;
      double budget = Math.min(o.budget().get(name), Math.max(0, left));
      if (!deviceOk) {
        report.skip(name, "no usable device (see the device stage)");
        continue;
      }
      if (budget <= 0) {
        report.skip(name, "the whole run's limit of " + o.total() + " s was reached");
        code = 1;
        continue;
      }
      GpuCheckReport.Stage st = report.begin(name, budget);
      System.out.printf(Locale.ROOT, "gpu-check: %s (limit %.0f s) ...%n", name, budget);
      String status = st.runWithin(body(name), graceSeconds(budget));
      System.out.printf(Locale.ROOT, "gpu-check: %s %s in %.1f s%n", name, status, st.elapsed());
      if (name.equals("device") && !status.equals("ok")) {
        deviceOk = false;
        code = 2;
      } else if (!status.equals("ok")) {
        code = Math.max(code, 1);
      }
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    String overall = code == 0 ? "complete" : code == 2 ? "refused" : "incomplete";
    report.finish(overall, code);
    System.out.println("gpu-check: " + overall + " (exit " + code + "); " + o.out().resolve(GpuCheckReport.TEXT));
    return code;
  }

  /** How long a stage may overrun its limit (finishing the unit of work in hand) before it is abandoned. */
  static double graceSeconds(double budget) {
    return Math.max(5, Math.min(30, budget * 0.15));
  }

  private GpuCheckReport.Body body(String name) {
    return switch (name) {
      case "device" -> this::deviceStage;
      case "build" -> this::buildStage;
      case "parity" -> this::parityStage;
      case "throughput" -> this::throughputStage;
      case "bandwidth" -> this::bandwidthStage;
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** The selector every engine call gets: the chosen device's index, so nothing can fall back to another device. */
  private String selector() {
    return Integer.toString(device.index());
  }

  // ---------------------------------------------------------------- device

  private void deviceStage(GpuCheckReport.Stage st) {
    st.activity("listing OpenCL platforms");
    List<Devices.Device> all;
    try {
      all = Devices.list();
    } catch (Devices.NoOpenClException e) {
      report.loader(loadedLibraries());
      throw new GpuCheckReport.Refusal(e.getMessage());
    }
    report.loader(loadedLibraries());
    ArrayNode seen = st.array("devices");
    for (Devices.Device d : all) st.add(seen, GpuCheckReport.obj().put("index", d.index()).put("platform", d.platformName()).put("name", d.name())
        .put("type", typeName(d.type())));
    Devices.Device d;
    try {
      d = Devices.choose(o.device());
    } catch (IllegalArgumentException e) {
      throw new GpuCheckReport.Refusal(e.getMessage().replace("./harvest devices", "the device list in this report"));
    }
    st.put("chosen", facts(d));
    if (!d.isGpu() && !o.allowCpu()) {
      throw new GpuCheckReport.Refusal("device [" + d.index() + "] '" + d.name() + "' (" + d.platformName() + ") is a " + typeName(d.type())
          + " device, not a GPU: refused, so that a missing NVIDIA driver or ICD file cannot pass as a GPU run. The platforms seen are"
          + " listed under 'devices'; pass --allow-cpu for a dry run on a CPU device");
    }
    device = d;
  }

  static String typeName(long type) {
    List<String> t = new ArrayList<>();
    if ((type & CL_DEVICE_TYPE_GPU) != 0) t.add("GPU");
    if ((type & CL_DEVICE_TYPE_CPU) != 0) t.add("CPU");
    if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) t.add("accelerator");
    if (t.isEmpty()) t.add("other (" + type + ")");
    return String.join("+", t);
  }

  /** The device's facts the risks depend on: limits, alignment, floating-point config, memory model, extensions. */
  static ObjectNode facts(Devices.Device d) {
    cl_device_id id = d.id();
    long fp = Devices.deviceLong(id, CL_DEVICE_SINGLE_FP_CONFIG);
    ObjectNode f = GpuCheckReport.obj().put("index", d.index()).put("name", d.name()).put("vendor", Devices.deviceString(id, CL_DEVICE_VENDOR))
        .put("driver", Devices.deviceString(id, CL_DRIVER_VERSION)).put("version", d.version())
        .put("opencl_c_version", Devices.deviceString(id, CL_DEVICE_OPENCL_C_VERSION)).put("platform", d.platformName())
        .put("platform_version", Devices.platformString(d.platform(), CL_PLATFORM_VERSION)).put("type", typeName(d.type()))
        .put("compute_units", d.computeUnits()).put("max_clock_mhz", Devices.deviceInt(id, CL_DEVICE_MAX_CLOCK_FREQUENCY))
        .put("global_mem_bytes", d.globalMem()).put("max_alloc_bytes", d.maxAlloc()).put("local_mem_bytes", d.localMem())
        .put("local_mem_type", Devices.deviceInt(id, CL_DEVICE_LOCAL_MEM_TYPE) == CL_LOCAL ? "local" : "global")
        .put("max_work_group_size", d.maxWorkGroupSize())
        .put("base_addr_align_bits", Devices.deviceInt(id, CL_DEVICE_MEM_BASE_ADDR_ALIGN)).put("host_unified", d.hostUnified())
        .put("mapping_auto", d.autoMapping().label());
    long[] items = new long[3];
    clGetDeviceInfo(id, CL_DEVICE_MAX_WORK_ITEM_SIZES, 3L * Sizeof.size_t, Pointer.to(items), null);
    ArrayNode wi = f.putArray("max_work_item_sizes");
    for (long v : items) wi.add(v);
    f.putObject("single_fp_config").put("correctly_rounded_divide_sqrt", (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0)
        .put("denorm", (fp & CL_FP_DENORM) != 0).put("fma", (fp & CL_FP_FMA) != 0).put("inf_nan", (fp & CL_FP_INF_NAN) != 0)
        .put("round_to_nearest", (fp & CL_FP_ROUND_TO_NEAREST) != 0).put("soft_float", (fp & CL_FP_SOFT_FLOAT) != 0);
    String ext = Devices.deviceString(id, CL_DEVICE_EXTENSIONS);
    ArrayNode e = f.putArray("extensions");
    for (String x : ext.trim().split("\\s+")) if (!x.isEmpty()) e.add(x);
    if (ext.contains("cl_nv_device_attribute_query")) { // cl_nv_device_attribute_query's names
      f.put("nv_compute_capability", Devices.deviceInt(id, 0x4000) + "." + Devices.deviceInt(id, 0x4001))
          .put("nv_registers_per_block", Devices.deviceInt(id, 0x4002)).put("nv_warp_size", Devices.deviceInt(id, 0x4003));
    }
    return f;
  }

  /** The OpenCL loader and vendor libraries this process has loaded (/proc/self/maps), and the loader's variables. */
  static ObjectNode loadedLibraries() {
    ObjectNode n = GpuCheckReport.obj().put("OCL_ICD_VENDORS", String.valueOf(System.getenv("OCL_ICD_VENDORS")))
        .put("LD_LIBRARY_PATH", String.valueOf(System.getenv("LD_LIBRARY_PATH")));
    ArrayNode libs = n.putArray("loaded_libraries");
    try {
      Files.readAllLines(Path.of("/proc/self/maps")).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.matches(".*/lib(OpenCL|nvidia-opencl|cuda|pocl|JOCL)[^/]*")).distinct().sorted().forEach(libs::add);
    } catch (IOException | RuntimeException e) {
      libs.add("(unknown: " + e.getMessage() + ")");
    }
    String vendors = System.getenv("OCL_ICD_VENDORS");
    Path dir = Path.of(vendors == null || vendors.isBlank() ? "/etc/OpenCL/vendors" : vendors);
    ObjectNode icd = n.putObject("icd_files");
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".icd")).sorted().toList()) icd.put(p.toString(), Files.readString(p).trim());
    } catch (IOException e) {
      icd.put(dir.toString(), "(cannot list: " + e.getMessage() + ")");
    }
    return n;
  }

  // ---------------------------------------------------------------- build

  /** The maps of the throughput grid: the default one and the generated one its larger player count needs. */
  private List<EnvSpec> maps() {
    List<EnvSpec> m = new ArrayList<>();
    for (Size s : o.settings().sizes()) {
      EnvSpec spec = spec(s.players());
      if (m.stream().noneMatch(x -> x.players() == spec.players())) m.add(spec);
    }
    return m;
  }

  static EnvSpec spec(int players) {
    return players == 7 ? Config.defaults().env() : Config.parse("env: {map: generated, players: " + players + "}", "gpu-check").env();
  }

  /** Every mapping the engine has, AUTO excepted (a new one is picked up here). */
  static List<Mapping> mappings() {
    return Arrays.stream(Mapping.values()).filter(m -> m != Mapping.AUTO).toList();
  }

  private void buildStage(GpuCheckReport.Stage st) throws IOException {
    cl_context_properties props = new cl_context_properties();
    props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
    cl_context ctx = clCreateContext(props, 1, new cl_device_id[] {device.id()}, null, null, null);
    boolean nvidia = device.platformName().toUpperCase(Locale.ROOT).contains("NVIDIA");
    String options = (OpenClBackend.buildOptions(device) + (nvidia ? " -cl-nv-verbose" : "")).trim();
    st.put("options", GpuCheckReport.text(options));
    ArrayNode programs = st.array("programs");
    int binaries = 0;
    try {
      List<String[]> todo = new ArrayList<>();
      for (EnvSpec spec : maps()) {
        Layout layout = new Layout(spec);
        for (Mapping m : mappings()) {
          KernelSource.Shape shape = OpenClBackend.shape(layout, device, m, OpenClBackend.Launch.of(m));
          todo.add(new String[] {spec.players() + "p-" + m.label() + (shape.localCells() ? "-localcells" : ""), KernelSource.build(layout, shape)});
        }
      }
      todo.add(new String[] {"bandwidth", KernelSource.resource("bandwidth.cl")});
      for (String[] t : todo) {
        if (st.timeUp()) {
          st.add(programs, GpuCheckReport.obj().put("name", t[0]).put("result", "not run").put("detail", "stage time limit"));
          st.cut();
          continue;
        }
        st.activity("building " + t[0]);
        long t0 = System.nanoTime();
        ObjectNode p = GpuCheckReport.obj().put("name", t[0]);
        cl_program prog;
        try {
          prog = OpenClBackend.build(ctx, device, t[1], options);
        } catch (KernelBuildException e) {
          st.add(programs, p.put("result", "error").put("detail", e.getMessage()));
          st.fail();
          continue;
        }
        try {
          p.put("result", "ok").put("build_seconds", (System.nanoTime() - t0) / 1e9).put("build_log", OpenClBackend.buildLog(prog, device.id()));
          kernels(prog, p.putArray("kernels"), p.get("build_log").asText());
          byte[] bin = binary(prog);
          ObjectNode b = p.putObject("binary").put("bytes", bin.length);
          if (isText(bin)) {
            String s = new String(bin, StandardCharsets.UTF_8);
            b.put("text", true).setAll(binaryCounts(s));
            if (binaries < 6) { // at most 6 binary files: a lent machine returns 8 files, the reports take 2
              String file = "binary-" + t[0] + ".txt";
              Files.writeString(o.out().resolve(file), s);
              b.put("file", file);
              binaries++;
            }
          } else {
            b.put("text", false);
          }
          // with the binary: a CPU device (PoCL) compiles only when the binary or a launch asks for it
          st.add(programs, p.put("seconds", (System.nanoTime() - t0) / 1e9));
        } finally {
          clReleaseProgram(prog);
        }
      }
    } finally {
      clReleaseContext(ctx);
    }
  }

  private void kernels(cl_program prog, ArrayNode out, String log) {
    int[] n = new int[1];
    clCreateKernelsInProgram(prog, 0, null, n);
    cl_kernel[] ks = new cl_kernel[n[0]];
    clCreateKernelsInProgram(prog, n[0], ks, null);
    Map<String, Integer> regs = registers(log);
    for (cl_kernel k : ks) {
      long[] size = new long[1];
      clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, 0, null, size);
      byte[] buf = new byte[(int) size[0]];
      clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, buf.length, Pointer.to(buf), null);
      String name = new String(buf, 0, Math.max(0, buf.length - 1), StandardCharsets.UTF_8);
      OpenClBackend.KernelLimit lim = OpenClBackend.kernelLimit(k, device);
      long[] priv = new long[1];
      clGetKernelWorkGroupInfo(k, device.id(), CL_KERNEL_PRIVATE_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(priv), null);
      ObjectNode kn = out.addObject().put("name", name).put("work_group_size", lim.workGroupSize())
          .put("preferred_multiple", lim.preferredMultiple()).put("local_mem_bytes", lim.localMem()).put("private_mem_bytes", priv[0]);
      if (regs.containsKey(name)) kn.put("registers", regs.get(name));
      clReleaseKernel(k);
    }
  }

  private byte[] binary(cl_program prog) {
    long[] size = new long[1];
    clGetProgramInfo(prog, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
    byte[] bin = new byte[(int) size[0]];
    if (bin.length > 0) clGetProgramInfo(prog, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[] {Pointer.to(bin)}), null);
    int end = bin.length;
    while (end > 0 && bin[end - 1] == 0) end--; // PTX comes NUL-terminated
    return Arrays.copyOf(bin, end);
  }

  static boolean isText(byte[] b) {
    if (b.length == 0) return false;
    for (int i = 0; i < Math.min(b.length, 1 << 16); i++) if (b[i] == 0) return false;
    return true;
  }

  private static final Pattern FMA = Pattern.compile("\\bfma\\.rn[.a-z]*\\.f32\\b|\\bmad\\.[a-z.]*f32\\b");
  private static final Pattern GLOBAL_FENCE = Pattern.compile("\\bmembar\\.(gl|sys)\\b|\\bfence\\.[a-z_.]*\\.(gpu|sys)\\b");
  private static final Pattern BARRIER = Pattern.compile("\\b(bar|barrier)\\.sync\\b|\\bbar\\.sync\\b");
  /** A single-precision multiply with no rounding modifier: PTX lets the code generator (ptxas) fuse it with an unrounded add. */
  private static final Pattern MUL_UNROUNDED = Pattern.compile("\\bmul(\\.ftz)?(\\.sat)?\\.f32\\b");
  /** A single-precision division that is not correctly rounded (div.approx, div.full). */
  private static final Pattern DIV_INEXACT = Pattern.compile("\\bdiv\\.(approx|full)[.a-z]*\\.f32\\b");

  /**
   * Counts in a text binary (PTX on NVIDIA): single-precision fused multiply-adds (contraction the
   * kernels forbid, #pragma OPENCL FP_CONTRACT OFF: any here is a finding); multiplies without a
   * rounding modifier (PTX ISA, "Floating-Point Instructions": mul/add sequences with no rounding
   * modifiers may be fused into fma by the code generator, after the PTX we read; with every mul
   * marked .rn none can be); divisions that are not correctly rounded; global-memory fences and
   * work-group barriers.
   */
  static ObjectNode binaryCounts(String s) {
    return GpuCheckReport.obj().put("fma_f32", count(FMA, s)).put("mul_f32_unrounded", count(MUL_UNROUNDED, s))
        .put("div_f32_inexact", count(DIV_INEXACT, s)).put("global_fences", count(GLOBAL_FENCE, s)).put("barriers", count(BARRIER, s));
  }

  private static int count(Pattern p, String s) {
    Matcher m = p.matcher(s);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  private static final Pattern ENTRY = Pattern.compile("(?:Compiling entry function|Function properties for) '?([A-Za-z_][A-Za-z0-9_]*)'?");
  private static final Pattern USED = Pattern.compile("Used (\\d+) registers");

  /** Registers per kernel from an NVIDIA -cl-nv-verbose build log (ptxas info lines); empty where the log has none. */
  static Map<String, Integer> registers(String log) {
    Map<String, Integer> r = new LinkedHashMap<>();
    String current = null;
    for (String line : log.split("\n")) {
      Matcher e = ENTRY.matcher(line);
      if (e.find()) current = e.group(1);
      Matcher u = USED.matcher(line);
      if (u.find() && current != null) r.put(current, Integer.parseInt(u.group(1)));
    }
    return r;
  }

  // ---------------------------------------------------------------- parity

  private void parityStage(GpuCheckReport.Stage st) {
    ArrayNode runs = st.array("runs");
    Settings s = o.settings();
    List<Runnable> todo = new ArrayList<>();
    for (Parity.Case c : Parity.CASES) {
      int steps = Math.min(c.steps(), s.parityStepCap());
      Parity.Case cc = new Parity.Case(c.name(), c.yaml(), c.envs(), steps, c.seed());
      for (Mapping m : mappings()) {
        for (Transfer t : Transfer.values()) {
          todo.add(() -> parityRun(st, runs, cc.name(), m, t, "step", cc.envs(), steps,
              (make, stop) -> Parity.check(cc.spec(), cc.envs(), steps, cc.seed(), make, stop)));
        }
      }
    }
    EnvSpec def = Config.defaults().env();
    int periods = s.multiStepPeriods();
    for (Mapping m : mappings()) {
      for (Transfer t : Transfer.values()) {
        todo.add(() -> parityRun(st, runs, "default map, one launch per period", m, t, "period", 64, periods * def.taxPeriod(),
            (make, stop) -> {
              Parity.checkMultiStep(def, 64, periods, 5, make, stop);
              return null;
            }));
      }
    }
    for (Runnable r : todo) r.run();
  }

  interface ParityBody {
    Parity.Result run(BiFunction<EnvSpec, Integer, VecEnv> make, java.util.function.BooleanSupplier stop);
  }

  private void parityRun(GpuCheckReport.Stage st, ArrayNode runs, String caseName, Mapping m, Transfer t, String launch, int envs, int steps,
      ParityBody body) {
    ObjectNode r = GpuCheckReport.obj().put("case", caseName).put("mapping", m.label()).put("transfer", t.label()).put("launch", launch)
        .put("envs", envs).put("steps", steps);
    if (st.timeUp()) {
      st.add(runs, r.put("result", "not run").put("detail", "stage time limit"));
      st.cut();
      return;
    }
    st.activity("parity " + caseName + ", " + m.label() + ", " + t.label());
    long t0 = System.nanoTime();
    BiFunction<EnvSpec, Integer, VecEnv> make = (spec, n) -> {
      VecEnv v = VecEnv.create(spec, n, "opencl", 0, selector(), t, OpenClBackend.Launch.of(m));
      r.put("path", v.transfer()).put("local_size", v.localSize());
      return v;
    };
    try {
      Parity.Result res = body.run(make, st::timeUp);
      r.put("result", "identical").put("steps_checked", steps);
      if (res != null) r.put("episode_ends", res.episodeEnds()).put("round_ends", res.roundEnds());
    } catch (Parity.Stopped e) {
      r.put("result", "stopped").put("steps_checked", e.stepsChecked).put("detail", "stage time limit; " + e.getMessage());
      st.cut();
    } catch (AssertionError e) {
      r.put("result", "differs").put("detail", e.getMessage());
      st.fail();
    } catch (RuntimeException e) {
      r.put("result", "error").put("detail", e.toString());
      st.fail();
    }
    st.add(runs, r.put("seconds", (System.nanoTime() - t0) / 1e9));
  }

  // ---------------------------------------------------------------- throughput

  private void throughputStage(GpuCheckReport.Stage st) {
    ArrayNode cells = st.array("cells");
    Settings s = o.settings();
    for (Size size : s.sizes()) {
      EnvSpec spec = spec(size.players());
      for (Mapping m : mappings()) {
        for (int ls : s.localSizes()) {
          ObjectNode base = GpuCheckReport.obj().put("players", size.players()).put("envs", size.envs()).put("mapping", m.label()).put("local_size", ls);
          if (st.timeUp()) {
            bothLaunches(st, cells, base, "not run", "stage time limit");
            st.cut();
            continue;
          }
          st.activity("throughput " + size.players() + " x " + size.envs() + ", " + m.label() + ", local " + ls);
          cell(st, cells, spec, size, m, ls, base, "");
        }
      }
    }
    Size first = s.sizes().get(0);
    boolean nv = Devices.deviceString(device.id(), CL_DEVICE_EXTENSIONS).contains(NV_COMPILER_OPTIONS);
    for (int cap : s.registerCaps()) {
      String options = "-cl-nv-maxrregcount=" + cap;
      ObjectNode base = GpuCheckReport.obj().put("players", first.players()).put("envs", first.envs()).put("mapping", CAP_MAPPING.label())
          .put("local_size", CAP_LOCAL_SIZE).put("register_cap", cap).put("build_options", options);
      if (!nv || st.timeUp()) {
        String why = !nv ? "the device does not list " + NV_COMPILER_OPTIONS + " (the cap is NVIDIA's compiler option)" : "stage time limit";
        bothLaunches(st, cells, base, nv ? "not run" : "skipped", why);
        if (nv) st.cut();
        continue;
      }
      st.activity("throughput " + first.players() + " x " + first.envs() + ", " + CAP_MAPPING.label() + ", local " + CAP_LOCAL_SIZE + ", " + options);
      cell(st, cells, spec(first.players()), first, CAP_MAPPING, CAP_LOCAL_SIZE, base, options);
    }
  }

  /** The cell of {@code base} for both launch lengths (one step, one tax period), not measured: its result and why. */
  private static void bothLaunches(GpuCheckReport.Stage st, ArrayNode cells, ObjectNode base, String result, String detail) {
    for (String launch : List.of("step", "period")) st.add(cells, base.deepCopy().put("launch", launch).put("result", result).put("detail", detail));
  }

  /**
   * One throughput cell: an engine of the size, mapping and local size, its kernels built with
   * {@code options} beside the engine's own, its queue profiling each launch (the device time of the
   * kernels alone, beside the wall time with the read-backs).
   */
  private void cell(GpuCheckReport.Stage st, ArrayNode cells, EnvSpec spec, Size size, Mapping m, int ls, ObjectNode base, String options) {
    VecEnv env;
    try {
      System.setProperty("harvest.opencl.profile", "true");
      System.setProperty("harvest.opencl.options", options);
      env = VecEnv.create(spec, size.envs(), "opencl", 0, selector(), Transfer.AUTO, new OpenClBackend.Launch(m, ls, null));
    } catch (ConfigException e) { // a size or work-group size the device refuses: a finding, not a failure
      bothLaunches(st, cells, base, "refused", e.getMessage());
      return;
    } catch (RuntimeException e) {
      bothLaunches(st, cells, base, "error", e.toString());
      st.fail();
      return;
    } finally {
      System.clearProperty("harvest.opencl.profile");
      System.clearProperty("harvest.opencl.options");
    }
    try (env) {
      env.reset(1);
      double perStep = measure(st, cells, env, base.deepCopy().put("launch", "step").put("path", env.transfer()), 1, Double.NaN);
      int period = spec.taxPeriod();
      measure(st, cells, env, base.deepCopy().put("launch", "period").put("path", env.transfer()), period, perStep);
    } catch (RuntimeException e) {
      st.add(cells, base.deepCopy().put("result", "error").put("detail", e.toString()));
      st.fail();
    }
  }

  /**
   * Launches of {@code steps} steps (one warm-up, then until the cell's time is spent, at least
   * one); skips launches projected from the one-step launch to take longer than the settings
   * allow. Returns the seconds per step measured.
   */
  private double measure(GpuCheckReport.Stage st, ArrayNode cells, VecEnv env, ObjectNode r, int steps, double secondsPerStep) {
    Settings s = o.settings();
    r.put("steps_per_launch", steps);
    if (!Double.isNaN(secondsPerStep) && secondsPerStep * steps > s.maxPeriodLaunchSeconds()) {
      st.add(cells, r.put("result", "skipped").put("detail", String.format(Locale.ROOT, "one launch would take ~%.1f s (from the one-step launch);"
          + " the limit per launch is %.0f s", secondsPerStep * steps, s.maxPeriodLaunchSeconds())));
      return secondsPerStep;
    }
    launch(env, steps); // warm-up: first touch, lazy allocations
    env.openCl().kernelSeconds(); // the warm-up's events, dropped
    long from0 = env.bytesFromDevice(), to0 = env.bytesToDevice();
    int launches = 0;
    long t0 = System.nanoTime();
    double elapsed;
    do {
      launch(env, steps);
      launches++;
      elapsed = (System.nanoTime() - t0) / 1e9;
    } while (elapsed < s.cellSeconds() && !st.timeUp());
    double kernel = env.openCl().kernelSeconds();
    long stepsDone = (long) launches * steps;
    double playerSteps = (double) stepsDone * env.envs() * env.players();
    st.add(cells, r.put("result", "ok").put("launches", launches).put("seconds", elapsed).put("player_steps_per_s", playerSteps / elapsed)
        .put("kernel_seconds", kernel).put("kernel_player_steps_per_s", kernel > 0 ? playerSteps / kernel : 0)
        .put("env_steps_per_s", (double) stepsDone * env.envs() / elapsed)
        .put("bytes_from_device_per_step", (env.bytesFromDevice() - from0) / (double) stepsDone)
        .put("bytes_to_device_per_step", (env.bytesToDevice() - to0) / (double) stepsDone));
    return elapsed / stepsDone;
  }

  private static void launch(VecEnv env, int steps) {
    if (steps == 1) env.stepRandom();
    else env.stepRandom(steps);
  }

  // ---------------------------------------------------------------- bandwidth

  private void bandwidthStage(GpuCheckReport.Stage st) {
    Settings s = o.settings();
    st.activity("device copy");
    st.put("device_copy", GpuCheckReport.obj().put("bytes", s.copyBytes()).put("reps", s.reps())
        .put("bytes_per_s", Bandwidth.device(selector(), s.copyBytes(), s.reps())).put("counts", "bytes read + bytes written"));
    st.activity("host-device transfers");
    double[] updown = Bandwidth.transfers(selector(), s.transferBytes(), s.reps());
    st.put("transfers", GpuCheckReport.obj().put("bytes", s.transferBytes()).put("reps", s.reps()).put("host_to_device_bytes_per_s", updown[0])
        .put("device_to_host_bytes_per_s", updown[1]).put("host_buffer", "pinned (CL_MEM_ALLOC_HOST_PTR), as the copy path's arena"));
  }
}
