package org.harvestsed.engine.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.sim.Phase;
import org.harvestsed.engine.sim.PhaseAccesses;
import org.harvestsed.engine.sim.PhaseAccesses.Access;
import org.harvestsed.engine.sim.PhaseAccesses.Spread;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;

/**
 * A memory-access model of the OpenCL step on a GPU with 32-lane warps and 32-byte sectors, so
 * the mappings' shape is checked by numbers on a machine without a GPU; {@link PerfModel} takes its
 * sector bytes as the step's memory traffic. For each access of each phase (the list of
 * {@link PhaseAccesses}, which {@code StepTraffic} counts too): how many elements one env-step
 * touches, which lanes of a warp touch them together, and, from the kernels' index formulas (below,
 * each citing its kernel; the geometry from {@link Layout}), how many sectors one warp access
 * touches. No cache is modelled: the sector bytes are what the load/store units move, an upper
 * bound on what memory must deliver.
 * <ul>
 *   <li>per-env mapping: lane l is env l, every lane at the same element of its env;</li>
 *   <li>group mapping: the lanes are consecutive work-items of env e's group, at consecutive
 *       elements of the phase's loop (i = LID + k LSZ; the observation pass: the slots of a pass
 *       of windows, {@link #observationLanes}), or a single lane where the phase is
 *       sequential (ONE); with the env's cells in __local memory, only the launch's load and store
 *       of GRID and OCC reach global memory.</li>
 * </ul>
 */
public final class AccessModel {
  private AccessModel() {}

  public static final int WARP = 32;
  public static final int SECTOR = 32;

  /**
   * A modelled access in one mapping: its phase's label ({@link Access#label}), elements per
   * env-step (period, round, episode and launch accesses amortised), lanes and sectors per warp
   * access, and whether it reaches global memory.
   */
  public record Row(String phase, Buf buf, boolean write, double elements, double lanes, int sectors, boolean global) {
    /** Sectors times 32 bytes for each warp access; per env-step. */
    public double sectorBytes() {
      return global ? elements / lanes * sectors * SECTOR : 0;
    }

    /** Bytes the elements themselves hold; per env-step. */
    public double usefulBytes() {
      return global ? elements * buf.type.bytes : 0;
    }
  }

  /**
   * The model of one mapping: each access with the sectors one warp access touches (the worst over
   * the first 64 envs and, in the group mapping, the warps of the group) and its sector bytes.
   */
  public static List<Row> rows(Layout l, Mapping m, boolean localCells, int stepsPerLaunch) {
    if (m == Mapping.AUTO) throw new IllegalArgumentException("a mapping, not auto");
    boolean group = m != Mapping.ENV; // the warp mapping's lanes are an env's 32 work-items, as a group's first warp
    List<Row> out = new ArrayList<>();
    boolean stagePlayers = m == Mapping.WARP && localCells; // KernelSource: STAGE_PLAYERS
    for (Access a : PhaseAccesses.of(l)) { // the group spread is also the warp mapping's, but for the staged players below
      Spread s = group ? a.group() : a.env();
      if (s == null) continue; // an access of the other mapping
      double elements = a.perStep(l.spec, stepsPerLaunch);
      if (stagePlayers && a.phase() == Phase.OBSERVE_WINDOWS && s == Spread.OBS_BYTES && (a.buf() == Buf.POS || a.buf() == Buf.DIR)) {
        // observe.cl, STAGE_PLAYERS: each player's POS and DIR read once into __local slots, not once per observation byte
        s = Spread.PLAYERS;
        elements /= l.spec.obsCells();
      }
      boolean cell = a.buf() == Buf.GRID || a.buf() == Buf.OCC;
      // the warp mapping with local state also keeps SITE_APPLES in local memory (loaded and stored with the cells)
      boolean local = cell || (m == Mapping.WARP && a.buf() == Buf.SITE_APPLES);
      boolean launch = a.every() == PhaseAccesses.Every.LAUNCH;
      if (launch && !(localCells && local)) continue; // no load/store of what stays in global memory
      boolean global = launch || !(group && localCells && local);
      double lanes = s == Spread.SEQUENTIAL ? 1 : WARP;
      if (group && a.phase() == Phase.OBSERVE_WINDOWS && s == Spread.OBS_BYTES) {
        lanes = observationLanes(l.spec.obsCells(), m == Mapping.WARP ? WARP : GROUP_ITEMS);
      }
      out.add(new Row(a.label(), a.buf(), a.write(), elements, lanes, worstSectors(l, a.buf(), s, group), global));
    }
    return out;
  }

  /** The group mapping's work-items per env the model assumes (PerfModel's counts of it were measured at 128). */
  static final int GROUP_ITEMS = 128;

  /**
   * Active lanes per warp access of observe.cl's observation pass on {@code workItems} work-items per
   * env: a pass of PPP windows fills PPP * VIEW slots (PPP = workItems / VIEW, at least 1), in warps
   * of 32; the mean over a pass's warp accesses (11x11 windows: 121 slots in 4 warp accesses, 30.25
   * lanes).
   */
  static double observationLanes(int view, int workItems) {
    int ppp = Math.max(1, workItems / view);
    int slots = ppp * view;
    return (double) slots / ((slots + WARP - 1) / WARP);
  }

  /** Global-memory bytes per player-step: sector bytes (what the load/store units move) and the elements' own bytes. */
  public static double[] bytesPerPlayerStep(List<Row> rows, Layout l) {
    double sector = 0, useful = 0;
    for (Row r : rows) {
      sector += r.sectorBytes();
      useful += r.usefulBytes();
    }
    return new double[] {sector / l.players, useful / l.players};
  }

  /** The most sectors one warp access of {@code buf} spread as {@code s} touches. */
  static int worstSectors(Layout l, Buf buf, Spread s, boolean group) {
    int size = buf.type.bytes;
    if (s == Spread.SEQUENTIAL) return sectors(new long[] {0}, size);
    int worst = 0;
    long[] addr = new long[WARP];
    for (int e = 0; e < 64; e++) {
      // group: the warps of the group over the access's elements (the first few suffice: the pattern repeats)
      for (int w = 0; w < (group ? 8 : 1); w++) {
        for (int o = 0; o < 4; o++) {
          for (int lane = 0; lane < WARP; lane++) addr[lane] = byteOf(l, buf, s, group, group ? e : lane, group ? w * WARP + lane : 0, o);
          worst = Math.max(worst, sectors(addr, size));
        }
      }
    }
    return worst;
  }

  /**
   * The byte offset in {@code buf} of element k of env e's loop, by the kernels' index formulas;
   * o is the orientation of the players whose windows are read.
   */
  static long byteOf(Layout l, Buf buf, Spread s, boolean group, int e, int k, int o) {
    int n = l.players, view = l.spec.obsCells(), f = l.spec.scalars();
    long pb = (long) e * n, len = buf.perEnv(l);
    return buf.type.bytes * switch (s) {
      // s->X[pb + i] (every per-player loop; per bracket, e * BRACKETS + b; keep_final's FINAL_SCALARS[sb + k]), i = k
      case PLAYERS -> e * len + Math.min(k, len - 1);
      // s->T[e], s->RATES[e * BRACKETS + b] inside a per-player loop: every lane of env e at the same element
      case ENV_ELEMENT -> e * len;
      // observe.cl: obs = s->OBS + pb * VIEW; obs[k] (group) / out[r * OBS_COLS + c], out = obs + i * VIEW (per env, k = 0);
      // the player's POS and DIR behind byte k; final.cl copies OBS to FINAL_OBS in the same order
      case OBS_BYTES -> buf.dim == Buf.Dim.OBS ? pb * view + Math.min(k, n * view - 1) : pb + Math.min(k, n * view - 1) / view;
      // s->grid[q] = GRID[e * CELLS + q], q = window_cell(pos, o, r, c) of byte k of player i's window
      case WINDOW_CELLS -> (long) e * l.cells + windowCell(l, centre(l), o, k % view);
      // regrowth.cl: q = sites[site], site = base + LID; SITE_APPLES[e * NUM_SITES + site]
      case SITES -> l.sites.length == 0 ? 0 : buf == Buf.SITE_APPLES ? (long) e * l.sites.length + Math.min(k, l.sites.length - 1)
          : (long) e * l.cells + l.sites[Math.min(k, l.sites.length - 1)];
      // step_group.cl: GRID[g + c], c = LID + k LSZ (and final.cl, reset.cl)
      case CELLS -> (long) e * l.cells + Math.min(k, l.cells - 1);
      // observe.cl observe_scalars: OBS_SCALARS[(pb + i) * SCALARS + j], lane = player i
      case SCALARS -> (pb + Math.min(k, n - 1)) * f;
      case SCATTERED -> (long) k * SECTOR / buf.type.bytes;
      case SEQUENTIAL -> 0;
    };
  }

  /** observe.cl window_cell: pos + (VIEW_AHEAD - r) fwd + (c - VIEW_LEFT) right, for cell index r * OBS_COLS + c. */
  static int windowCell(Layout l, int pos, int o, int cell) {
    int r = cell / l.spec.obsCols(), c = cell % l.spec.obsCols();
    return pos + (l.spec.viewAhead() - r) * l.fwdStep[o] + (c - l.spec.viewLeft()) * l.rightStep[o];
  }

  private static int centre(Layout l) {
    return (l.pad + l.rows / 2) * l.pw + l.pad + l.cols / 2;
  }

  /** The 32-byte sectors that accesses of {@code size} bytes at these byte offsets touch (sector-aligned buffers). */
  static int sectors(long[] addr, int size) {
    java.util.TreeSet<Long> s = new java.util.TreeSet<>();
    for (long a : addr) {
      for (long b = a / SECTOR; b <= (a + size - 1) / SECTOR; b++) s.add(b);
    }
    return s.size();
  }

  /** The rows as a Markdown table. */
  public static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder("| phase | buffer | lanes/access | sectors/warp access | sector B/env-step |\n|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %s%s | %.4g | %s | %.0f |%n", r.phase(), r.buf(), r.write() ? " w" : "", r.lanes(),
          r.global() ? String.valueOf(r.sectors()) : "local", r.sectorBytes()));
    }
    return sb.toString();
  }

  /**
   * Prints the model (docs/BENCHMARKS.md, "Projected on an NVIDIA H100"): the per-access tables of
   * the default map and of a 7,000-player map (the projections are {@link PerfModel}'s). Run: java -cp CLASSPATH org.harvestsed.engine.opencl.AccessModel
   */
  public static void main(String[] args) {
    Layout small = new Layout(org.harvestsed.engine.config.Config.defaults().env());
    System.out.println("default map, " + small.players + " players, per-env mapping:\n" + table(rows(small, Mapping.ENV, false, 1)));
    System.out.println("default map, group mapping, cells in __local memory:\n" + table(rows(small, Mapping.GROUP, true, 1)));
    Layout big = new Layout(org.harvestsed.engine.config.Config.parse(
        "env: {map: generated, players: 7000, generated: {seed: 4}}", "projection").env());
    System.out.println("generated map, 7000 players, group mapping, cells in global memory:\n" + table(rows(big, Mapping.GROUP, false, 1)));
  }
}
