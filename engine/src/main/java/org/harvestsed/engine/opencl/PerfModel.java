package org.harvestsed.engine.opencl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.state.Layout;

/**
 * A performance model of the OpenCL step that counts what binds (issue 25; it replaces the
 * max(bandwidth, chain) of {@link AccessModel}, whose sector bytes it keeps as the memory traffic).
 * Its inputs per env-step, for each mapping and layout, are MEASURED on the real kernels:
 * instructions executed (summed over lanes, and per warp as its busiest lane's), barriers, and
 * global and local memory accesses of the busiest lane, from Oclgrind with the plugin
 * bench/lanes/lanes.cpp ({@code bench/inst-counts.sh} writes them to
 * {@code perf/inst-counts.csv}, a resource of this module: the model needs no Oclgrind).
 * <p>For one one-step launch of E envs on a {@link Device}:
 * <ul>
 *   <li>work-groups and warps: per env, 32 envs per warp (one warp per work-group); group, one
 *       work-group of 128 work-items (4 warps) per env; warp, one warp per env, e envs per work-group
 *       (as {@link OpenClBackend#warpShape}: the largest divisor of E up to 8 whose local state fits);</li>
 *   <li>resident work-groups per compute unit: the least of the device's work-group and warp limits,
 *       its local memory over the group's ({@link KernelSource.Shape#localBytes}), and its registers
 *       over the group's at an ASSUMED {@link Device#regsPerLane} registers per work-item;</li>
 *   <li>a compute unit runs its ceil(groups / CUs) groups in rounds of that many; a round takes the
 *       longest of: issue (the warps of the round on each scheduler, each issuing its warp-instructions
 *       at one per cycle), local memory (the round's warp accesses of local memory at
 *       {@link Device#localPerCycle} per cycle) and one warp's latency path (its warp-instructions at
 *       {@link Device#cyclesPerDependentInst} cycles, its global accesses at the global latency over
 *       {@link Device#globalInFlight} in flight, its local accesses at the local latency, its
 *       barriers at {@link Device#barrierCycles});</li>
 *   <li>memory: the sector bytes of {@link AccessModel} (no cache: an upper bound; on a CPU the
 *       elements' own bytes) against the device's bandwidth;</li>
 *   <li>the launch: {@link Device#launchS} per launch, added.</li>
 * </ul>
 * The binding limit is the largest of issue, local memory, latency path (times the rounds),
 * memory bandwidth and launch. On a CPU device ({@link Device#warpWidth} 1) every work-item is a
 * "warp" of one lane: the instructions are the lanes' sum, issued by {@link Device#schedulers}
 * per cycle per core.
 */
public final class PerfModel {
  private PerfModel() {}

  /**
   * The device the model runs on: compute units (SMs; CPU cores), warp schedulers per compute unit
   * (each issues one warp-instruction per cycle; on a CPU, the instructions per cycle of a core),
   * clock, lanes per warp, resident warps and work-groups per compute unit, local memory per
   * compute unit and per work-group, registers per compute unit and per work-item (assumed), memory
   * bandwidth, cycles per instruction of a warp alone (dependent issue), global and local access
   * latencies in cycles, global accesses a warp has in flight, local warp accesses per cycle per
   * compute unit, cycles per barrier, seconds per launch.
   */
  public record Device(String name, int computeUnits, double schedulers, double clockHz, int warpWidth, int maxWarps, int maxGroups,
      long localPerCu, long localPerGroup, long regsPerCu, int regsPerLane, double bytesPerS, double cyclesPerDependentInst,
      double globalLatency, double localLatency, double globalInFlight, double localPerCycle, double barrierCycles, double launchS) {
    /** Whether this is a CPU-like device: one lane per warp, no SIMT. */
    public boolean cpu() {
      return warpWidth == 1;
    }

    /** This device with another memory bandwidth (a measured one, say), named so. */
    public Device withBytesPerS(double bytesPerS, String why) {
      return new Device(name + ", " + why, computeUnits, schedulers, clockHz, warpWidth, maxWarps, maxGroups, localPerCu, localPerGroup, regsPerCu,
          regsPerLane, bytesPerS, cyclesPerDependentInst, globalLatency, localLatency, globalInFlight, localPerCycle, barrierCycles, launchS);
    }
  }

  /**
   * NVIDIA H100 SXM5 (docs/BENCHMARKS.md, "Projected on an NVIDIA H100", cites each figure): 132 SMs
   * of 4 sub-partitions (one warp scheduler each), 1.755 GHz (the lower of the boost clocks reported;
   * SXM5 boosts to 1.98 GHz), 64 warps and 32 blocks per SM, 228 KB shared memory per SM (OpenCL
   * exposes 48 KiB per work-group), 65,536 registers per SM, 3.35 TB/s HBM3. Assumed: 64 registers
   * per work-item, 4 cycles per dependent instruction, 260 cycles per global access (an L2 hit:
   * 4,096 envs' state, 37 MB, fits the 50 MB L2), 4 global accesses in flight per warp, 30 cycles per
   * local access, 1 local warp access per cycle per SM, 24 cycles per barrier, 4 us per launch.
   */
  public static final Device H100 = new Device("NVIDIA H100 SXM5", 132, 4, 1.755e9, 32, 64, 32, 228 * 1024, 48 * 1024, 65536, 64,
      3.35e12, 4, 260, 30, 4, 1, 24, 4e-6);

  /**
   * This project's CPU under PoCL 3.1 (docs/BENCHMARKS.md): 2 cores at 2.6 GHz, each work-item run in
   * turn by a core. Assumed: 2 LLVM instructions per cycle per core (the counts are LLVM IR; x86 folds
   * some, splits others), 100 cycles per barrier per work-item (PoCL ends and restarts the
   * work-item loop of the region at a barrier), 30 us per launch; memory latency hidden by the
   * out-of-order core and its caches (the default map's state at 1,024 envs, 9 MB, is mostly cache).
   */
  public static final Device POCL_2_CORES = new Device("PoCL 3.1 on 2 cores (this machine)", 2, 2, 2.6e9, 1, 1 << 20, 1, 2L << 20,
      2L << 20, Long.MAX_VALUE, 0, 20e9, 0, 0, 0, 1, Double.MAX_VALUE, 100, 30e-6);

  /** One row of perf/inst-counts.csv: per env-step, one layout, mapping and phase left out (or none). */
  public record Counts(String layout, String mapping, int localSize, String skip, double laneInsts, double warpInsts, double barriers,
      double laneGlobal, double warpGlobal, double laneLocal, double warpLocal) {
    /** Every count of this and the same count of {@code o} through {@code f}, as row {@code skip} of this layout and mapping. */
    Counts with(String skip, Counts o, java.util.function.DoubleBinaryOperator f) {
      return new Counts(layout, mapping, localSize, skip, f.applyAsDouble(laneInsts, o.laneInsts), f.applyAsDouble(warpInsts, o.warpInsts),
          f.applyAsDouble(barriers, o.barriers), f.applyAsDouble(laneGlobal, o.laneGlobal), f.applyAsDouble(warpGlobal, o.warpGlobal),
          f.applyAsDouble(laneLocal, o.laneLocal), f.applyAsDouble(warpLocal, o.warpLocal));
    }
  }

  /** The measured counts, by layout, mapping and skip ("layout/mapping/skip"). */
  static final Map<String, Counts> COUNTS = load();

  /**
   * The phases the counts separate, each as the full step less the step with it compiled out. The
   * differences overlap and do not sum to the step: leaving a phase out changes what later phases
   * see (no moves: the players stand, eat less, fewer sites regrow), and a warp's busiest lane can
   * differ by phase. (The random actions' draw is not separated: leaving it out leaves the players
   * without moves.)
   */
  public static final List<String> PHASES = List.of("moves", "regrowth", "observe", "rewards");

  private static Map<String, Counts> load() {
    Map<String, Counts> m = new LinkedHashMap<>();
    try (InputStream in = PerfModel.class.getResourceAsStream("/perf/inst-counts.csv")) {
      if (in == null) throw new IllegalStateException("perf/inst-counts.csv is missing from the engine jar (bench/inst-counts.sh writes it)");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#") || line.startsWith("layout,") || line.isBlank()) continue;
        String[] f = line.split(",");
        Counts c = new Counts(f[0], f[1], Integer.parseInt(f[2]), f[3], d(f[5]), d(f[6]), d(f[7]), d(f[8]), d(f[9]), d(f[10]), d(f[11]));
        m.put(c.layout() + "/" + c.mapping() + "/" + c.skip(), c);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read perf/inst-counts.csv: " + e.getMessage(), e);
    }
    return m;
  }

  private static double d(String s) {
    return Double.parseDouble(s);
  }

  /** The measured layouts, by name (bench/inst-counts.sh, InstCountRun): the default map and a generated map of 7,000 players. */
  static Layout layout(String name) {
    return switch (name) {
      case "default" -> Layouts.DEFAULT;
      case "generated7000" -> Layouts.BIG.layout;
      default -> throw new IllegalArgumentException("no measured layout " + name);
    };
  }

  /** The layouts, built when first used (the 7,000-player map only where it is asked for). */
  private static final class Layouts {
    static final Layout DEFAULT = new Layout(Config.defaults().env());

    private static final class BIG {
      static final Layout layout = new Layout(Config.parse("env: {map: generated, players: 7000, generated: {seed: 4}}", "generated7000").env());
    }
  }

  /** The players of the measured layouts. */
  private static int players(String name) {
    return name.equals("generated7000") ? 7000 : Layouts.DEFAULT.players;
  }

  /**
   * The counts of a step of {@code l} in mapping {@code m} (skip: a phase left out, or "none"): the
   * measured layout of the nearest player count, scaled by players (the step's work is mostly per
   * player; exact on the two measured layouts).
   */
  public static Counts counts(Layout l, Mapping m, String skip) {
    String ref = reference(l);
    Counts c = COUNTS.get(ref + "/" + m.label() + "/" + skip);
    if (c == null) throw new IllegalStateException("perf/inst-counts.csv has no row " + ref + "/" + m.label() + "/" + skip);
    double s = (double) l.players / players(ref);
    if (s == 1) return c;
    return c.with(c.skip(), c, (x, unused) -> x * s);
  }

  /**
   * The counts of one step of a launch of {@code stepsPerLaunch} steps. Where the measured layout and
   * mapping have a "steps2" row (the step run as launches of 2 steps, counts per launch), a one-step
   * launch's counts c1 and a two-step launch's c2 split into what each step does (c2 - c1) and what a
   * launch does once (2 c1 - c2: the cells' copies into __local memory and back, the argument set-up),
   * and each step carries 1 / stepsPerLaunch of the latter. Without such a row, or for one step per
   * launch, the one-step counts.
   */
  public static Counts perStep(Layout l, Mapping m, int stepsPerLaunch) {
    Counts one = counts(l, m, "none");
    if (stepsPerLaunch == 1 || !COUNTS.containsKey(reference(l) + "/" + m.label() + "/steps2")) return one;
    Counts two = counts(l, m, "steps2");
    double s = stepsPerLaunch;
    return one.with("steps" + stepsPerLaunch, two, (c1, c2) -> (c2 - c1) + (2 * c1 - c2) / s);
  }

  /** The measured layout whose counts stand for {@code l}'s: the one of the nearest player count. */
  private static String reference(Layout l) {
    return l.players >= 700 ? "generated7000" : "default";
  }

  /** Warp-instructions per env-step of each phase of {@link #PHASES}: the full step less the step without it. */
  public static Map<String, Double> phaseWarpInsts(Layout l, Mapping m) {
    Counts all = counts(l, m, "none");
    Map<String, Double> out = new LinkedHashMap<>();
    for (String p : PHASES) out.put(p, all.warpInsts() - counts(l, m, p).warpInsts());
    return out;
  }

  /** What limits a launch. */
  public enum Limit { ISSUE, LOCAL_MEMORY, LATENCY, MEMORY_BANDWIDTH, LAUNCH }

  /**
   * A projected one-step launch: the launch's shape, the per-warp counts, the time each limit
   * alone would take, the total and what binds.
   */
  public record Projection(Mapping mapping, int envsPerGroup, long groups, int warpsPerGroup, int residentGroups, int rounds,
      double warpInsts, double warpGlobal, double warpLocal, double barriers, double issueS, double localS, double latencyS,
      double memoryS, double launchS, double stepS, Limit binds, double playerStepsPerS) {}

  /** The projection of a one-step launch of {@code envs} envs of {@code l} in mapping {@code m} on {@code d}, shaped as the backend shapes it. */
  public static Projection project(Device d, Layout l, int envs, Mapping m) {
    return project(d, l, envs, m, 0, 0, 1);
  }

  /**
   * The projection of {@code envs} envs of {@code l} in mapping {@code m} on {@code d}, per step.
   * localSize: the work-group size (0: as the backend chooses with local size 0; per env, the warp
   * width); regsPerLane: the kernel's registers per work-item (0: the device's assumed
   * {@link Device#regsPerLane}); stepsPerLaunch: the steps one launch runs (the launch's cost, its
   * once-per-launch instructions and accesses ({@link #perStep}) and its once-per-launch memory
   * traffic are shared by them). The group mapping's counts were measured at 128 work-items per env: at another size the
   * env's warp-instructions and accesses are taken as the same, spread over its warps (an
   * assumption: its loops over the cells and the players do not shrink with fewer lanes).
   */
  public static Projection project(Device d, Layout l, int envs, Mapping m, int localSize, int regsPerLane, int stepsPerLaunch) {
    if (m == Mapping.AUTO) throw new IllegalArgumentException("a mapping, not auto");
    if (localSize < 0 || regsPerLane < 0 || stepsPerLaunch < 1) throw new IllegalArgumentException("local size and registers >= 0, steps per launch >= 1");
    Counts c = perStep(l, m, stepsPerLaunch);
    int w = d.warpWidth();
    // the launch's shape
    int e = 1, lanesPerGroup;
    long groups;
    KernelSource.Shape shape;
    switch (m) {
      case ENV -> {
        lanesPerGroup = localSize > 0 ? localSize : w == 1 ? 1 : w;
        groups = (envs + lanesPerGroup - 1) / lanesPerGroup;
        shape = KernelSource.Shape.PER_ENV;
      }
      case GROUP -> {
        lanesPerGroup = localSize > 0 ? localSize : 128;
        groups = envs;
        shape = new KernelSource.Shape(true, lanesPerGroup, new KernelSource.Shape(true, lanesPerGroup, true).localBytes(l) <= d.localPerGroup());
      }
      default -> {
        long perEnv = KernelSource.Shape.localBytesPerEnv(l, true, true, KernelSource.WARP_SIZE);
        boolean local = perEnv <= d.localPerGroup();
        long perEnvUsed = KernelSource.Shape.localBytesPerEnv(l, true, local, KernelSource.WARP_SIZE);
        e = localSize > 0 ? localSize / KernelSource.WARP_SIZE
            : OpenClBackend.warpEnvs(d.cpu(), envs, Long.MAX_VALUE, d.localPerGroup(), perEnvUsed);
        if (e < 1 || envs % e != 0) throw new IllegalArgumentException("the warp mapping's local size " + localSize + " does not divide " + envs + " envs in warps");
        lanesPerGroup = KernelSource.WARP_SIZE * e;
        groups = envs / e;
        shape = KernelSource.Shape.warp(e, local);
      }
    }
    int regs = regsPerLane > 0 ? regsPerLane : d.regsPerLane();
    // per warp: a warp of the per-env mapping holds up to 32 envs (each lane the whole step: its count is the env's);
    // a CPU "warp" is one work-item (the lanes' sum spread over the env's work-items)
    int warpsPerGroup = w == 1 ? lanesPerGroup : (lanesPerGroup + w - 1) / w;
    double warpInsts, warpGlobal, warpLocal;
    if (w == 1) {
      double perItem = m == Mapping.ENV ? 1 : (double) lanesPerGroup / e;
      warpInsts = c.laneInsts() / perItem;
      warpGlobal = c.laneGlobal() / perItem;
      warpLocal = c.laneLocal() / perItem;
    } else if (m == Mapping.ENV) {
      warpInsts = c.warpInsts();
      warpGlobal = c.warpGlobal();
      warpLocal = c.warpLocal();
    } else {
      double warpsPerEnv = m == Mapping.GROUP ? Math.ceil((double) lanesPerGroup / w) : 1;
      warpInsts = c.warpInsts() / warpsPerEnv;
      warpGlobal = c.warpGlobal() / warpsPerEnv;
      warpLocal = c.warpLocal() / warpsPerEnv;
    }
    double barriers = c.barriers();
    // resident groups per compute unit
    long localBytes = shape.group() ? shape.localBytes(l) : 0;
    long byWarps = d.maxWarps() / warpsPerGroup;
    long byLocal = localBytes == 0 ? Long.MAX_VALUE : d.localPerCu() / localBytes;
    long byRegs = regs == 0 ? Long.MAX_VALUE : d.regsPerCu() / ((long) regs * lanesPerGroup);
    int resident = (int) Math.max(1, Math.min(Math.min(d.maxGroups(), byWarps), Math.min(byLocal, byRegs)));
    long perCu = (groups + d.computeUnits() - 1) / d.computeUnits();
    int r = (int) Math.min(resident, perCu);
    int rounds = (int) ((perCu + r - 1) / r);
    double clock = d.clockHz();
    long warpsInRound = (long) r * warpsPerGroup;
    double perScheduler = d.cpu() ? warpsInRound / d.schedulers() : Math.ceil(warpsInRound / d.schedulers());
    // a CPU core runs the round's work-items in turn and pays each barrier once per work-item (no latency path:
    // the out-of-order core and its caches hide it); a GPU warp pays its barriers on its own path
    double issue = rounds * (perScheduler * warpInsts + (d.cpu() ? barriers * d.barrierCycles() * perScheduler : 0)) / clock;
    double localT = d.cpu() ? 0 : rounds * warpsInRound * warpLocal / d.localPerCycle() / clock;
    double path = d.cpu() ? 0 : rounds * (warpInsts * d.cyclesPerDependentInst() + warpGlobal * d.globalLatency() / d.globalInFlight()
        + warpLocal * d.localLatency() + barriers * d.barrierCycles()) / clock;
    // a GPU moves whole 32-byte sectors per warp access; a CPU core reads its own env's bytes through its caches: their own bytes
    double bytes = AccessModel.bytesPerPlayerStep(AccessModel.rows(l, m, shape.localCells(), stepsPerLaunch), l)[d.cpu() ? 1 : 0] * l.players * envs;
    double memory = bytes / d.bytesPerS();
    double compute = Math.max(Math.max(issue, localT), path);
    double launch = d.launchS() / stepsPerLaunch;
    double step = Math.max(compute, memory) + launch;
    Limit binds;
    if (launch >= Math.max(compute, memory)) binds = Limit.LAUNCH;
    else if (memory >= compute) binds = Limit.MEMORY_BANDWIDTH;
    else if (path >= issue && path >= localT) binds = Limit.LATENCY;
    else binds = issue >= localT ? Limit.ISSUE : Limit.LOCAL_MEMORY;
    return new Projection(m, e, groups, warpsPerGroup, r, rounds, warpInsts, warpGlobal, warpLocal, barriers, issue, localT, path, memory,
        launch, step, binds, (double) envs * l.players / step);
  }

  /** The mapping the model projects fastest for {@code envs} envs of {@code l} on {@code d} (what run.mapping: auto picks). */
  public static Mapping best(Device d, Layout l, int envs) {
    Mapping best = Mapping.ENV;
    double top = -1;
    for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
      double v = project(d, l, envs, m).playerStepsPerS();
      if (v > top) {
        top = v;
        best = m;
      }
    }
    return best;
  }

  /**
   * The model's parameters for an OpenCL device: a CPU device as {@link #POCL_2_CORES} with its compute
   * units and clock; a GPU or accelerator as {@link #H100} with its compute units, clock and local memory
   * (what OpenCL does not report, schedulers, latencies and limits per compute unit, stays the H100's).
   */
  public static Device of(Devices.Device d) {
    double clock = d.clockMhz() > 0 ? d.clockMhz() * 1e6 : 0;
    if (d.isCpu()) {
      Device b = POCL_2_CORES;
      return new Device(d.name(), Math.max(1, d.computeUnits()), b.schedulers(), clock > 0 ? clock : b.clockHz(), 1, b.maxWarps(), b.maxGroups(),
          Math.max(1, d.localMem()), Math.max(1, d.localMem()), b.regsPerCu(), b.regsPerLane(), b.bytesPerS(), b.cyclesPerDependentInst(),
          b.globalLatency(), b.localLatency(), b.globalInFlight(), b.localPerCycle(), b.barrierCycles(), b.launchS());
    }
    Device b = H100;
    return new Device(d.name(), Math.max(1, d.computeUnits()), b.schedulers(), clock > 0 ? clock : b.clockHz(), b.warpWidth(), b.maxWarps(),
        b.maxGroups(), b.localPerCu(), d.localMem() > 0 ? Math.min(d.localMem(), b.localPerCu()) : b.localPerGroup(), b.regsPerCu(),
        b.regsPerLane(), b.bytesPerS(), b.cyclesPerDependentInst(), b.globalLatency(), b.localLatency(), b.globalInFlight(),
        b.localPerCycle(), b.barrierCycles(), b.launchS());
  }

  /** One projection as a Markdown row. */
  static String row(Layout l, int envs, Projection p) {
    return String.format(Locale.ROOT, "| %,d x %,d | %s%s | %,d x %d warps, %d resident, %d round%s | %.0f / %.0f / %.0f / %.1f |"
        + " %.1f / %.1f / %.1f / %.1f / %.1f | **%s** | %.3g |", l.players, envs, p.mapping().label(),
        p.mapping() == Mapping.WARP ? " (" + p.envsPerGroup() + " envs/group)" : "", p.groups(), p.warpsPerGroup(), p.residentGroups(),
        p.rounds(), p.rounds() == 1 ? "" : "s", p.warpInsts(), p.warpGlobal(), p.warpLocal(), p.barriers(), p.issueS() * 1e6,
        p.localS() * 1e6, p.latencyS() * 1e6, p.memoryS() * 1e6, p.launchS() * 1e6, p.binds().name().toLowerCase(Locale.ROOT).replace('_', ' '),
        p.playerStepsPerS());
  }

  /** The header of {@link #row}. */
  static final String HEADER = "| players x envs | mapping | work-groups x warps, resident per CU, rounds | per warp: insts / global / local"
      + " accesses / barriers | us: issue / local / latency path / memory / launch | binds | player-steps/s |\n|---|---|---|---|---|---|---:|";

  /** The phases' warp-instructions per env-step of both measured layouts in the three mappings, as Markdown. */
  static String phaseTable() {
    StringBuilder sb = new StringBuilder("| layout | mapping | lane-insts | warp-insts | active lanes |");
    for (String p : PHASES) sb.append(' ').append(p).append(" |");
    sb.append(" barriers | global acc. (busiest lane) |\n|---|---|---:|---:|---:|");
    for (int i = 0; i < PHASES.size(); i++) sb.append("---:|");
    sb.append("---:|---:|\n");
    for (String name : List.of("default", "generated7000")) {
      Layout l = layout(name);
      for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
        Counts c = counts(l, m, "none");
        sb.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.1f |", name, m.label(), c.laneInsts(), c.warpInsts(),
            c.laneInsts() / c.warpInsts()));
        for (double v : phaseWarpInsts(l, m).values()) sb.append(String.format(Locale.ROOT, " %,.0f |", v));
        sb.append(String.format(Locale.ROOT, " %.0f | %,.0f |%n", c.barriers(), c.warpGlobal()));
      }
    }
    return sb.toString();
  }

  /** The projections of docs/BENCHMARKS.md's cases on {@code d}. */
  static List<String> cases(Device d) {
    List<String> rows = new ArrayList<>();
    Layout small = layout("default"), big = layout("generated7000");
    Object[][] cs = {{small, 4096}, {small, 65536}, {big, 1}, {big, 64}};
    for (Object[] c : cs) {
      for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
        rows.add(row((Layout) c[0], (Integer) c[1], project(d, (Layout) c[0], (Integer) c[1], m)));
      }
    }
    return rows;
  }

  /**
   * The model against the throughput cells of a gpu-check report (docs/GPU.md; docs/BENCHMARKS.md,
   * "Measured on an NVIDIA H100"), as Markdown rows and a summary line per mapping. Per measured cell:
   * the device as {@link #H100} with the report's measured copy bandwidth; the cell's map, envs,
   * mapping, local size and steps per launch; the registers per work-item the device's compiler gave
   * the kernel the cell ran (harvest_step for one step per launch, harvest_step_many otherwise; from
   * the report's build stage); plus the cell's read-back per step at the report's measured
   * device-to-host rate, taken as not overlapping the kernel (the copy path reads after each launch).
   */
  static List<String> check(JsonNode report) {
    JsonNode stages = report.path("stages");
    double copy = stages.path("bandwidth").path("device_copy").path("bytes_per_s").asDouble(0);
    double d2h = stages.path("bandwidth").path("transfers").path("device_to_host_bytes_per_s").asDouble(0);
    if (copy <= 0 || d2h <= 0) throw new IllegalArgumentException("the report has no measured bandwidths (its bandwidth stage did not finish)");
    Device d = H100.withBytesPerS(copy, "measured copy bandwidth");
    Map<String, Integer> regs = new LinkedHashMap<>(); // "7p-warp/harvest_step" -> registers
    for (JsonNode prog : stages.path("build").path("programs")) {
      String name = prog.path("name").asText().replace("-localcells", "");
      for (JsonNode k : prog.path("kernels")) {
        if (k.has("registers")) regs.put(name + "/" + k.path("name").asText(), k.path("registers").asInt());
      }
    }
    List<String> rows = new ArrayList<>();
    rows.add("| players x envs | mapping | local size | steps per launch | registers | resident groups per SM x warps | kernel us per step (binds)"
        + " | launch + read-back us per step | model player-steps/s | measured | model / measured | kernel only: model / measured (ratio) |");
    rows.add("|---|---|---:|---:|---:|---|---|---|---:|---:|---:|---|");
    Map<Mapping, List<Double>> ratios = new LinkedHashMap<>(), kernelRatios = new LinkedHashMap<>();
    Map<Integer, Layout> layouts = new LinkedHashMap<>();
    for (JsonNode cell : stages.path("throughput").path("cells")) {
      if (!cell.path("result").asText().equals("ok")) continue;
      int players = cell.path("players").asInt(), envs = cell.path("envs").asInt(), ls = cell.path("local_size").asInt();
      int steps = cell.path("steps_per_launch").asInt(1);
      Mapping m = Mapping.valueOf(cell.path("mapping").asText().toUpperCase(Locale.ROOT));
      Layout l = layouts.computeIfAbsent(players, n -> new Layout(GpuCheck.spec(n)));
      Integer r = regs.get(players + "p-" + m.label() + "/" + (steps == 1 ? "harvest_step" : "harvest_step_many"));
      Projection p = project(d, l, envs, m, ls, r == null ? 0 : r, steps);
      double readBack = cell.path("bytes_from_device_per_step").asDouble() / d2h;
      double model = (double) envs * players / (p.stepS() + readBack);
      double measured = cell.path("player_steps_per_s").asDouble();
      ratios.computeIfAbsent(m, k -> new ArrayList<>()).add(model / measured);
      // the queue's profiled device time of the launches (reports since the kernel times were added): the kernel alone, no launch or read-back
      double kernelMeasured = cell.path("kernel_player_steps_per_s").asDouble(0);
      double kernelModel = (double) envs * players / (p.stepS() - p.launchS());
      String kernel = "not measured";
      if (kernelMeasured > 0) {
        kernelRatios.computeIfAbsent(m, k -> new ArrayList<>()).add(kernelModel / kernelMeasured);
        kernel = String.format(Locale.ROOT, "%.3g / %.3g (%.2f)", kernelModel, kernelMeasured, kernelModel / kernelMeasured);
      }
      rows.add(String.format(Locale.ROOT, "| %,d x %,d | %s | %d | %d | %s | %d x %d | %.1f (%s) | %.1f + %.1f | %.3g | %.3g | %.2f | %s |", players, envs,
          m.label(), ls, steps, r == null ? "64 (assumed)" : r.toString(), p.residentGroups(), p.warpsPerGroup(), (p.stepS() - p.launchS()) * 1e6,
          p.binds().name().toLowerCase(Locale.ROOT).replace('_', ' '), p.launchS() * 1e6, readBack * 1e6, model, measured, model / measured, kernel));
    }
    summary(rows, "model / measured", ratios);
    summary(rows, "kernel only, model / measured", kernelRatios);
    return rows;
  }

  /** Per mapping: the geometric mean, median and range of the ratios, one line each. */
  private static void summary(List<String> rows, String what, Map<Mapping, List<Double>> ratios) {
    for (Map.Entry<Mapping, List<Double>> en : ratios.entrySet()) {
      List<Double> v = new ArrayList<>(en.getValue());
      v.sort(null);
      double logSum = 0;
      for (double x : v) logSum += Math.log(x);
      rows.add(String.format(Locale.ROOT, "%s: %s over %d cells: geometric mean %.2f, median %.2f, range %.2f-%.2f", en.getKey().label(), what,
          v.size(), Math.exp(logSum / v.size()), v.get(v.size() / 2), v.get(0), v.get(v.size() - 1)));
    }
  }

  /**
   * Prints the measured counts per phase and the projections (docs/BENCHMARKS.md, "Projected on an
   * NVIDIA H100"; with argument {@code pocl}: this machine's CPU at 1,024 envs, the model's check on
   * PoCL; with {@code check REPORT.json}: the model against a gpu-check report's measured throughput).
   * Run: java -cp CLASSPATH org.harvestsed.engine.opencl.PerfModel [pocl | check REPORT.json]
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("check")) {
      if (args.length != 2) throw new IllegalArgumentException("usage: PerfModel check REPORT.json (a gpu-check report, docs/GPU.md)");
      check(new ObjectMapper().readTree(new File(args[1]))).forEach(System.out::println);
      return;
    }
    if (args.length > 0 && args[0].equals("pocl")) {
      System.out.println(HEADER);
      for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
        System.out.println(row(layout("default"), 1024, project(POCL_2_CORES, layout("default"), 1024, m)));
      }
      return;
    }
    System.out.println(phaseTable());
    System.out.println(HEADER);
    cases(H100).forEach(System.out::println);
  }
}
