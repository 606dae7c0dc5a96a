package org.harvestsed.tornado;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.rng.Rng;
import org.harvestsed.engine.sim.SpecConstant;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * How the engine buffers are laid out for the TornadoVM kernel ({@link StepKernel}). A TornadoVM
 * task takes at most 15 arguments and no objects, so the 45 buffers of {@link Buf} are packed by
 * element type, and within a type by {@link Role} (the outputs last, region by region), into three arrays: {@code ints} (OCC's shorts widened into it), {@code floats} and {@code bytes}. Buffer
 * {@code b} (slot {@code b.ordinal()}) of env {@code e} starts at
 * {@code spec[BASE + slot] + e * spec[STRIDE + slot]} of its array. {@code spec} also holds every
 * int constant of {@link SpecConstant} (at its index, named {@code K_*}), the same list the OpenCL
 * kernels' header is written from, and the read-only int tables (sites, spawn points, steps,
 * patches, site neighbours); {@code fspec} the float constants and tables; {@code params} and
 * {@code fparams} what changes from launch to launch (key, random actions, steps, cap). The inputs
 * (ACTIONS, PENDING_LEVELS) live in a fourth array, {@code inputs}, the only one that goes to the
 * device at every launch; the state arrays stay there.
 *
 * <p>The host copies between these arrays and the {@link EnvState} buffers (a bulk memory copy per
 * buffer): TornadoVM arrays carry a header, so they cannot wrap the engine's buffers in place.
 */
final class Packing {
  // ---- slots: one per Buf, numbered as Buf.ordinal() (PackingTest checks every name), then the kernel's own ----
  static final int GRID = 0, OCC = 1, POS = 2, DIR = 3, COOLDOWN = 4, REMOVED = 5;
  static final int ZAP_FLAGS = 6, EATEN = 7, NEARBY = 8, PERIOD_INCOME = 9, PERIOD_END_INCOME = 10, ROUND_APPLES = 11;
  static final int SIGMA = 12, BETA = 13, ORDER = 14, PENDING_LEVELS = 15, RATES = 16, TAX = 17;
  static final int LUMP = 18, R_EXT = 19, R_INT = 20, T = 21, TICK = 22, ETA = 23;
  static final int REVENUE = 24, RATE_SUM = 25, ROUND_END_APPLES = 26, ROUND_END_ETA = 27, ROUND_END_REVENUE = 28, ROUND_END_RATE_SUM = 29;
  static final int ROUND_END_LEFT = 30, ROUND_END_LOST = 31, ACTIONS = 32, OBS = 33, OBS_SCALARS = 34, REWARD = 35;
  static final int DONE = 36, FINAL_OBS = 37, FINAL_SCALARS = 38, FINAL_GRID = 39, FINAL_POS = 40, FINAL_DIR = 41;
  static final int PRINCIPAL_REWARD = 42, SITE_APPLES = 43, PERIOD_START_APPLES = 44;
  /** [env, 4] int: the Philox block a phase is drawing from (the kernel's scratch). */
  static final int SCRATCH = 45;
  /** [C] byte, shared by all envs (stride 0): a fresh episode's padded grid. */
  static final int INITIAL_GRID = 46;
  static final int SLOTS = 47;

  // ---- spec: the int constants of SpecConstant, each at its index() (the K_ names are SpecConstant's,
  // javac constants for the kernel; SpecConstantsTest checks each against the table), then the
  // kernel's own (envs, where each int table starts, where the bracket cutoffs start in fspec), then
  // per-slot bases and strides, then the int tables ----
  static final int K_N = 0, K_CELLS = 1, K_BRACKETS = 2, K_VIEW_AHEAD = 3, K_VIEW_LEFT = 4;
  static final int K_OBS_ROWS = 5, K_OBS_COLS = 6, K_VIEW = 7, K_SCALARS = 8, K_NUM_ACTIONS = 9;
  static final int K_TAX_PERIOD = 10, K_EPISODE_LENGTH = 11, K_ROUND_STEPS = 12, K_RATE_LEVELS = 13, K_HAS_DIVERGENCE_LIMIT = 14;
  static final int K_ZAP = 15, K_ZAP_LENGTH = 16, K_ZAP_HALF_WIDTH = 17, K_ZAP_REMOVAL = 18, K_ZAP_COOLDOWN = 19;
  static final int K_REGROW_UNDER_PLAYERS = 20, K_NUM_PROB = 21, K_NUM_SITES = 22, K_NUM_SPAWNS = 23;
  static final int K_NUM_COMPONENTS = 24, K_MAJORITY = 25;
  // 26-36: the cell and action codes (the kernel has them as javac constants of its own)
  static final int K_PURPOSE_SPAWN = 37, K_PURPOSE_MOVE_ORDER = 38, K_PURPOSE_REGROWTH = 39, K_PURPOSE_RESPAWN = 40;
  static final int K_PURPOSE_POLICY = 41, K_PURPOSE_VOTE = 42;
  /** The first index after SpecConstant's int constants (SpecConstant.INTS). */
  static final int K_OWN = 43;
  static final int K_ENVS = K_OWN, K_T_SITES = K_OWN + 1, K_T_SPAWNS = K_OWN + 2, K_T_FWD_STEP = K_OWN + 3, K_T_RIGHT_STEP = K_OWN + 4;
  static final int K_T_COMP_START = K_OWN + 5, K_T_COMP_MEMBERS = K_OWN + 6, K_F_CUTOFFS = K_OWN + 7, K_T_SITE_OF_CELL = K_OWN + 8;
  static final int K_T_SITE_NEIGHBOUR_START = K_OWN + 9, K_T_SITE_NEIGHBOURS = K_OWN + 10;
  static final int BASE = 64;
  static final int STRIDE = BASE + SLOTS;
  static final int TABLES = STRIDE + SLOTS;

  // ---- fspec: the float constants of SpecConstant at their index(), then the regrowth probabilities, then the bracket cutoffs ----
  static final int F_DIVERGENCE_LIMIT = 0, F_ZAP_FIRE_COST = 1, F_ZAP_HIT_PENALTY = 2;
  /** The first index after SpecConstant's float constants (SpecConstant.FLOATS). */
  static final int F_PROB = 3;

  // ---- params ----
  static final int P_K0 = 0, P_K1 = 1, P_RANDOM = 2, P_STEPS = 3, PARAMS = 4;

  final IntArray ints;
  /** ACTIONS and PENDING_LEVELS (Role.INPUT): the only array uploaded at every launch. */
  final IntArray inputs;
  final FloatArray floats;
  final ByteArray bytes;
  final IntArray spec;
  final FloatArray fspec;
  final IntArray params = new IntArray(PARAMS);
  final FloatArray fparams = new FloatArray(1);
  private final MemorySegment intData, floatData, byteData, inputData;
  private final int[] base = new int[SLOTS];
  private final long[] outputStart = new long[Buf.Type.values().length];
  private final long[][] outputEnd = new long[Role.values().length][Buf.Type.values().length];
  private final Map<Buf, MemorySegment> hostSegments = new EnumMap<>(Buf.class);

  Packing(EnvState state) {
    Layout l = state.layout;
    int envs = state.envs;
    EnvSpec s = l.spec;
    for (Buf b : Buf.values()) hostSegments.put(b, MemorySegment.ofBuffer(state.raw(b)));
    long[] size = new long[Buf.Type.values().length];
    int[] stride = new int[SLOTS];
    // by role as well as by type: in each array what stays on the device first (state, the host's
    // own, inputs, the kernel's scratch and initial grid), then the outputs region by region in
    // Role.OUTPUTS order, so a launch reads one range of each array (outputStart/outputEnd)
    long inputSize = 0;
    for (Buf b : Buf.values()) {
      if (b.role != Role.INPUT) continue; // the inputs have their own array, uploaded at every launch
      base[b.ordinal()] = (int) inputSize;
      stride[b.ordinal()] = (int) b.perEnv(l);
      inputSize += b.perEnv(l) * envs;
    }
    for (Buf b : Buf.values()) if (!isOutput(b) && b.role != Role.INPUT) place(b, l, envs, size, stride);
    base[SCRATCH] = (int) Math.min(size[Buf.Type.INT.ordinal()], Integer.MAX_VALUE);
    stride[SCRATCH] = 4;
    size[Buf.Type.INT.ordinal()] += 4L * envs;
    base[INITIAL_GRID] = (int) Math.min(size[Buf.Type.BYTE.ordinal()], Integer.MAX_VALUE);
    stride[INITIAL_GRID] = 0;
    size[Buf.Type.BYTE.ordinal()] += l.cells;
    for (Buf.Type t : Buf.Type.values()) outputStart[t.ordinal()] = size[t.ordinal()];
    for (Role r : Role.OUTPUTS) {
      for (Buf b : Buf.values()) if (b.role == r) place(b, l, envs, size, stride);
      for (Buf.Type t : Buf.Type.values()) outputEnd[r.ordinal()][t.ordinal()] = size[t.ordinal()];
    }
    for (Buf.Type t : Buf.Type.values()) {
      if (size[t.ordinal()] > MAX_ELEMENTS) {
        long perEnv = 0;
        for (Buf b : Buf.values()) if (packType(b) == t) perEnv += b.perEnv(l);
        if (t == Buf.Type.INT) perEnv += 4;
        throw new ConfigException(String.format(Locale.ROOT,
            "tornado backend: %d envs need %d %s elements in one packed array, over the %d a TornadoVM array can index;"
                + " use at most %d envs with this map (or the opencl backend)", envs, size[t.ordinal()],
            t.name().toLowerCase(Locale.ROOT), MAX_ELEMENTS, (MAX_ELEMENTS - l.cells) / perEnv));
      }
    }
    ints = new IntArray((int) size[Buf.Type.INT.ordinal()]);
    floats = new FloatArray((int) Math.max(1, size[Buf.Type.FLOAT.ordinal()]));
    bytes = new ByteArray((int) size[Buf.Type.BYTE.ordinal()]);
    if (inputSize > MAX_ELEMENTS) {
      throw new ConfigException("tornado backend: " + envs + " envs need " + inputSize + " input elements, over the " + MAX_ELEMENTS
          + " a TornadoVM array can index; use fewer envs (or the opencl backend)");
    }
    inputs = new IntArray((int) inputSize);
    inputData = inputs.getSegment();
    intData = ints.getSegment();
    floatData = floats.getSegment();
    byteData = bytes.getSegment();
    MemorySegment.copy(MemorySegment.ofArray(l.initialGrid()), 0, byteData, base[INITIAL_GRID], l.cells);

    int[][] tables = {l.sites, l.spawns, l.fwdStep, l.rightStep, l.compStart, l.compMembers, l.siteOfCell,
        l.siteNeighbourStart, l.siteNeighbours};
    int[] tableKeys = {K_T_SITES, K_T_SPAWNS, K_T_FWD_STEP, K_T_RIGHT_STEP, K_T_COMP_START, K_T_COMP_MEMBERS,
        K_T_SITE_OF_CELL, K_T_SITE_NEIGHBOUR_START, K_T_SITE_NEIGHBOURS};
    int specSize = TABLES;
    for (int[] t : tables) specSize += t.length;
    spec = new IntArray(specSize);
    int at = TABLES;
    for (int k = 0; k < tables.length; k++) {
      spec.set(tableKeys[k], at);
      for (int v : tables[k]) spec.set(at++, v);
    }
    for (int k = 0; k < SLOTS; k++) {
      spec.set(BASE + k, base[k]);
      spec.set(STRIDE + k, stride[k]);
    }
    for (SpecConstant c : SpecConstant.values()) if (!c.isFloat()) spec.set(c.index(), c.intValue(l));
    spec.set(K_ENVS, envs);

    float[] prob = s.regrowthProb();
    float[] cutoffs = s.bracketCutoffs();
    fspec = new FloatArray(F_PROB + prob.length + cutoffs.length);
    for (SpecConstant c : SpecConstant.values()) if (c.isFloat()) fspec.set(c.index(), c.floatValue(l));
    for (int k = 0; k < prob.length; k++) fspec.set(F_PROB + k, prob[k]);
    spec.set(K_F_CUTOFFS, F_PROB + prob.length);
    for (int k = 0; k < cutoffs.length; k++) fspec.set(F_PROB + prob.length + k, cutoffs[k]);
  }

  private void place(Buf b, Layout l, int envs, long[] size, int[] stride) {
    int t = packType(b).ordinal();
    base[b.ordinal()] = (int) Math.min(size[t], Integer.MAX_VALUE);
    stride[b.ordinal()] = (int) b.perEnv(l);
    size[t] += b.perEnv(l) * envs;
  }

  static boolean isOutput(Buf b) {
    return java.util.Arrays.asList(Role.OUTPUTS).contains(b.role);
  }

  /** First element of the outputs in the array of type {@code t} (the STEP region's start). */
  long outputStart(Buf.Type t) {
    return outputStart[t.ordinal()];
  }

  /** One past the last element of the outputs up to region {@code through} in the array of type {@code t}. */
  long outputEnd(Buf.Type t, Role through) {
    return outputEnd[through.ordinal()][t.ordinal()];
  }

  /** Packed arrays -> host buffers: the output regions a launch that ended {@code through} reads back. */
  void downloadOutputs(Role through) {
    for (Buf b : ALL) if (b.role.readUpTo(through)) download(b);
  }

  /**
   * Packed arrays -> host buffers: everything but what the host owns (PENDING_LEVELS,
   * PRINCIPAL_REWARD, and ACTIONS unless the last launch drew them): Backend.fetchState.
   */
  void downloadState(boolean actionsDrawn) {
    for (Buf b : ALL) {
      if (b == Buf.PENDING_LEVELS || b.role == Role.HOST || (b == Buf.ACTIONS && !actionsDrawn)) continue;
      download(b);
    }
  }

  /** The most elements one packed array may hold (int-indexed, with room for TornadoVM's header). */
  static final long MAX_ELEMENTS = Integer.MAX_VALUE - 64L;

  /** Bytes of the arrays that live on the device. */
  long deviceBytes() {
    return ints.getNumBytesOfSegmentWithHeader() + floats.getNumBytesOfSegmentWithHeader() + bytes.getNumBytesOfSegmentWithHeader()
        + inputs.getNumBytesOfSegmentWithHeader()
        + spec.getNumBytesOfSegmentWithHeader() + fspec.getNumBytesOfSegmentWithHeader();
  }

  /** The largest single array on the device, in bytes. */
  long largestArrayBytes() {
    return Math.max(ints.getNumBytesOfSegmentWithHeader(), Math.max(floats.getNumBytesOfSegmentWithHeader(), bytes.getNumBytesOfSegmentWithHeader()));
  }

  /**
   * The packed array a buffer lives in: its own type's, except that SHORT buffers (OCC) are
   * widened into the int array, so the kernel reads them with the int array's get and the task
   * keeps its three data arrays.
   */
  static Buf.Type packType(Buf b) {
    return b.type == Buf.Type.SHORT ? Buf.Type.INT : b.type;
  }

  private MemorySegment data(Buf b) {
    if (b.role == Role.INPUT) return inputData;
    return switch (packType(b)) {
      case INT, SHORT -> intData;
      case FLOAT -> floatData;
      case BYTE -> byteData;
    };
  }

  /** Host buffer -> packed array. */
  void upload(Buf b) {
    MemorySegment h = hostSegments.get(b);
    long at = (long) base[b.ordinal()] * packType(b).bytes;
    if (b.type == Buf.Type.SHORT) {
      for (long k = 0, count = h.byteSize() / 2; k < count; k++) {
        intData.set(ValueLayout.JAVA_INT_UNALIGNED, at + 4 * k, h.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k));
      }
      return;
    }
    MemorySegment.copy(h, 0, data(b), at, h.byteSize());
  }

  /** Packed array -> host buffer. */
  void download(Buf b) {
    MemorySegment h = hostSegments.get(b);
    long at = (long) base[b.ordinal()] * packType(b).bytes;
    if (b.type == Buf.Type.SHORT) {
      for (long k = 0, count = h.byteSize() / 2; k < count; k++) {
        h.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * k, (short) intData.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4 * k));
      }
      return;
    }
    MemorySegment.copy(data(b), at, h, 0, h.byteSize());
  }

  /** After the reference reset on the host buffers: the run's key into params, every buffer into the packed arrays. */
  void afterHostReset(long seed) {
    params.set(P_K0, Rng.k0(seed));
    params.set(P_K1, Rng.k1(seed));
    uploadAll();
  }

  /** Before a launch: its parameters, and the host's inputs (actions, pending rate levels), into the packed arrays. */
  void beforeLaunch(boolean randomActions, float cap, int steps) {
    params.set(P_RANDOM, randomActions ? 1 : 0);
    params.set(P_STEPS, steps);
    fparams.set(0, cap);
    upload(Buf.ACTIONS);
    upload(Buf.PENDING_LEVELS);
  }

  /** Buf.values() clones its array at every call; the launch path reads this one. */
  private static final Buf[] ALL = Buf.values();

  void uploadAll() {
    for (Buf b : ALL) upload(b);
  }

  void downloadAll() {
    for (Buf b : ALL) download(b);
  }
}
