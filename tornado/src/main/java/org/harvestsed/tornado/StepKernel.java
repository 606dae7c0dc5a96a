package org.harvestsed.tornado;

import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.sim.JavaBackend;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The step written in Java for TornadoVM to compile (one work-item per env, {@link KernelContext}):
 * the same phases in the same order as {@code JavaBackend.stepEnv} and {@code kernels/step.cl}, the
 * same Philox streams and the same float operations in the same order, so it is bit-identical to
 * the java reference. It is a second, independent implementation: it shares no code with either.
 *
 * <p>TornadoVM kernels take a bounded number of arrays and no objects, so the engine buffers are
 * packed by element type into three arrays ({@code ints}, {@code floats}, {@code bytes}); the spec
 * array {@code spec} holds every constant of the spec, the read-only tables, and where each buffer
 * starts ({@link Packing}). Every index below is {@code base(spec, SLOT, e) + element}. Phase
 * methods are named as in docs/RULES.md and the OpenCL kernels. Everything here runs on the device.
 *
 * <p>What TornadoVM 5.2 needs of this code (found while writing it): the kernel method must not
 * be called {@code step} (OpenCL C has a built-in {@code step()}; PoCL then finds no kernel and
 * crashes at the launch); Java's {@code >>>} on an int is emitted as an arithmetic {@code >>}, so
 * unsigned shifts of ints are written as {@code (x >> k) & mask}; the phases are called from the
 * root method, and the JVM runs with full inlining (tornado/jvm.args), because TornadoVM refuses
 * to inline callees of more than 600 graph nodes and a call left out of line to an array's
 * {@code set} fails to compile.
 */
public final class StepKernel {
  private StepKernel() {}

  // ---- codes shared with the engine (compile-time constants, inlined by javac) ----
  static final byte CELL_EMPTY = GameMap.EMPTY;
  static final byte CELL_WALL = GameMap.WALL;
  static final byte CELL_APPLE = GameMap.APPLE;
  static final byte CELL_NEW_APPLE = JavaBackend.NEW_APPLE;
  static final int FORWARD = EnvSpec.FORWARD;
  static final int BACKWARD = EnvSpec.BACKWARD;
  static final int STEP_LEFT = EnvSpec.STEP_LEFT;
  static final int STEP_RIGHT = EnvSpec.STEP_RIGHT;
  static final int TURN_LEFT = EnvSpec.TURN_LEFT;
  static final int TURN_RIGHT = EnvSpec.TURN_RIGHT;
  static final int ZAP = EnvSpec.ZAP;

  // ---- Philox4x32-10 (Salmon et al., SC'11) ----
  static final long M0 = 0xD2511F53L;
  static final long M1 = 0xCD9E8D57L;
  static final int W0 = 0x9E3779B9;
  static final int W1 = 0xBB67AE85;

  /** The four words of block (c0, c1, c2, c3) under key (k0, k1), written to ints[w .. w + 3] (the env's scratch). */
  static void philox(IntArray ints, int w, int c0, int c1, int c2, int c3, int k0, int k1) {
    int x0 = c0;
    int x1 = c1;
    int x2 = c2;
    int x3 = c3;
    int y0 = k0;
    int y1 = k1;
    for (int r = 0; r < 10; r++) {
      long p0 = M0 * (x0 & 0xFFFFFFFFL);
      long p1 = M1 * (x2 & 0xFFFFFFFFL);
      int n0 = ((int) (p1 >>> 32)) ^ x1 ^ y0;
      int n1 = (int) p1;
      int n2 = ((int) (p0 >>> 32)) ^ x3 ^ y1;
      int n3 = (int) p0;
      x0 = n0;
      x1 = n1;
      x2 = n2;
      x3 = n3;
      y0 = y0 + W0;
      y1 = y1 + W1;
    }
    ints.set(w, x0);
    ints.set(w + 1, x1);
    ints.set(w + 2, x2);
    ints.set(w + 3, x3);
  }

  /**
   * (x >>> 8) * 2^-24. Written with {@code >>} and a mask: TornadoVM 5.2 emits OpenCL's {@code >>}
   * (an arithmetic shift on int) for Java's {@code >>>} on an int, which gives negative numbers.
   */
  static float uniform01(int x) {
    return ((float) ((x >> 8) & 0xFFFFFF)) * 0x1.0p-24f;
  }

  /** (x * n) >>> 32, x unsigned */
  static int below(int x, int n) {
    return (int) (((x & 0xFFFFFFFFL) * (long) n) >>> 32);
  }

  /** Where buffer {@code slot} of env e starts in its packed array. */
  static int base(IntArray spec, int slot, int e) {
    return spec.get(Packing.BASE + slot) + e * spec.get(Packing.STRIDE + slot);
  }

  // ------------------------------------------------------------------ entry point

  /**
   * {@code params[STEPS]} steps of env {@code ctx.globalIdx} (1 for a single step; more for a
   * multi-step launch of scripted players, which the host ends at a period end at the latest).
   * One step is the phases of {@code org.harvestsed.engine.sim.Phase} in order (docs/RULES.md section 3), as in
   * {@code JavaBackend.stepEnv}; a test in tornado-check fails when a phase is missing here or out of order. They
   * are called from here, not from a stepEnv method: TornadoVM refuses to inline a callee of more
   * than 600 graph nodes, and the root method has no such limit.
   */
  public static void harvestStep(KernelContext ctx, IntArray ints, FloatArray floats, ByteArray bytes, IntArray inputs, IntArray spec,
      FloatArray fspec, IntArray params, FloatArray fparams) {
    int e = ctx.globalIdx;
    if (e < spec.get(Packing.K_ENVS)) {
      int steps = params.get(Packing.P_STEPS);
      int taxPeriod = spec.get(Packing.K_TAX_PERIOD);
      int roundSteps = spec.get(Packing.K_ROUND_STEPS);
      int episodeLength = spec.get(Packing.K_EPISODE_LENGTH);
      int zap = spec.get(Packing.K_ZAP);
      int k0 = params.get(Packing.P_K0);
      int k1 = params.get(Packing.P_K1);
      int random = params.get(Packing.P_RANDOM);
      for (int k = 0; k < steps; k++) {
        int t0 = ints.get(base(spec, Packing.T, e));
        int tk = ints.get(base(spec, Packing.TICK, e));
        if (random != 0) drawRandomActions(inputs, ints, spec, e, tk, k0, k1);
        if (t0 % taxPeriod == 0) periodStart(inputs, ints, floats, spec, fspec, fparams, e);
        if (zap != 0) respawn(ints, spec, e, tk, k0, k1);
        turns(inputs, ints, spec, e);
        moves(inputs, ints, bytes, spec, e, tk, k0, k1);
        if (zap != 0) zaps(inputs, ints, bytes, spec, e);
        consumption(ints, bytes, spec, e);
        regrowth(ints, bytes, spec, fspec, e, tk, k0, k1);
        observeWindows(ints, bytes, spec, e, 1);
        int periodEnd = (t0 + 1) % taxPeriod == 0 ? 1 : 0;
        income(ints, spec, e);
        taxes(ints, floats, spec, fspec, e, periodEnd);
        rewards(ints, floats, spec, fspec, e);
        clock(ints, spec, e, t0, tk, periodEnd);
        if ((tk + 1) % roundSteps == 0) roundEnd(ints, floats, bytes, spec, e, (tk + 1) / roundSteps, k0, k1);
        observeScalars(ints, floats, spec, e);
        if (t0 + 1 == episodeLength) {
          keepFinal(ints, floats, bytes, spec, e);
          resetEpisode(ints, bytes, spec, e, tk + 1, k0, k1);
          observeWindows(ints, bytes, spec, e, 0); // the step's outputs (eaten, nearby, rewards) stay the old episode's
          observeScalars(ints, floats, spec, e);
        } else {
          bytes.set(base(spec, Packing.DONE, e), (byte) 0);
        }
        if (periodEnd != 0) countApples(ints, bytes, spec, e);
      }
    }
  }

  /** This step's apples into the period income and the round's apples. */
  static void income(IntArray ints, IntArray spec, int e) {
    int n = spec.get(Packing.K_N);
    int eaten = base(spec, Packing.EATEN, e);
    int income = base(spec, Packing.PERIOD_INCOME, e);
    int roundApples = base(spec, Packing.ROUND_APPLES, e);
    for (int i = 0; i < n; i++) {
      int a = ints.get(eaten + i);
      ints.set(income + i, ints.get(income + i) + a);
      ints.set(roundApples + i, ints.get(roundApples + i) + a);
    }
  }

  /** The clock moves on; at a period's end its incomes are kept for the principals and restart. */
  static void clock(IntArray ints, IntArray spec, int e, int t0, int tk, int periodEnd) {
    int n = spec.get(Packing.K_N);
    ints.set(base(spec, Packing.T, e), t0 + 1);
    ints.set(base(spec, Packing.TICK, e), tk + 1);
    if (periodEnd == 1) {
      int income = base(spec, Packing.PERIOD_INCOME, e);
      int endIncome = base(spec, Packing.PERIOD_END_INCOME, e);
      for (int i = 0; i < n; i++) {
        ints.set(endIncome + i, ints.get(income + i));
        ints.set(income + i, 0);
      }
    }
  }

  /** An episode's last step: DONE = 1, and its last observation and state are kept for the learner and the trace. */
  static void keepFinal(IntArray ints, FloatArray floats, ByteArray bytes, IntArray spec, int e) {
    bytes.set(base(spec, Packing.DONE, e), (byte) 1);
    int n = spec.get(Packing.K_N);
    int cells = spec.get(Packing.K_CELLS);
    int view = spec.get(Packing.K_VIEW);
    int scalars = spec.get(Packing.K_SCALARS);
    int obs = base(spec, Packing.OBS, e);
    int finalObs = base(spec, Packing.FINAL_OBS, e);
    for (int k = 0; k < n * view; k++) bytes.set(finalObs + k, bytes.get(obs + k));
    int obsScalars = base(spec, Packing.OBS_SCALARS, e);
    int finalScalars = base(spec, Packing.FINAL_SCALARS, e);
    for (int k = 0; k < n * scalars; k++) floats.set(finalScalars + k, floats.get(obsScalars + k));
    int grid = base(spec, Packing.GRID, e);
    int finalGrid = base(spec, Packing.FINAL_GRID, e);
    for (int c = 0; c < cells; c++) bytes.set(finalGrid + c, bytes.get(grid + c));
    int pos = base(spec, Packing.POS, e);
    int dir = base(spec, Packing.DIR, e);
    int finalPos = base(spec, Packing.FINAL_POS, e);
    int finalDir = base(spec, Packing.FINAL_DIR, e);
    for (int i = 0; i < n; i++) {
      ints.set(finalPos + i, ints.get(pos + i));
      ints.set(finalDir + i, ints.get(dir + i));
    }
  }

  /** Uniform actions from the POLICY stream: block (i / 4, tick, e, POLICY), word i mod 4. */
  static void drawRandomActions(IntArray inputs, IntArray ints, IntArray spec, int e, int tk, int k0, int k1) {
    int n = spec.get(Packing.K_N);
    int numActions = spec.get(Packing.K_NUM_ACTIONS);
    int purpose = spec.get(Packing.K_PURPOSE_POLICY);
    int w = base(spec, Packing.SCRATCH, e);
    int actions = base(spec, Packing.ACTIONS, e);
    for (int i = 0; i < n; i++) {
      if ((i & 3) == 0) philox(ints, w, i >> 2, tk, e, purpose, k0, k1);
      inputs.set(actions + i, below(ints.get(w + (i & 3)), numActions));
    }
  }

  // ------------------------------------------------------------------ phases

  /** Period start: pending levels take effect (divergence limit, then cap); RATE_SUM accumulates. */
  static void periodStart(IntArray inputs, IntArray ints, FloatArray floats, IntArray spec, FloatArray fspec, FloatArray fparams, int e) {
    int brackets = spec.get(Packing.K_BRACKETS);
    float levelsMinusOne = (float) (spec.get(Packing.K_RATE_LEVELS) - 1);
    int hasLimit = spec.get(Packing.K_HAS_DIVERGENCE_LIMIT);
    float delta = fspec.get(Packing.F_DIVERGENCE_LIMIT);
    float cap = fparams.get(0);
    int pending = base(spec, Packing.PENDING_LEVELS, e);
    int rates = base(spec, Packing.RATES, e);
    int rateSum = base(spec, Packing.RATE_SUM, e);
    for (int b = 0; b < brackets; b++) {
      float r = ((float) inputs.get(pending + b)) / levelsMinusOne;
      if (hasLimit != 0) {
        float old = floats.get(rates + b);
        float lo = old - delta;
        float hi = old + delta;
        if (r < lo) r = lo;
        if (r > hi) r = hi;
      }
      if (r > cap) r = cap;
      floats.set(rates + b, r);
      floats.set(rateSum + b, floats.get(rateSum + b) + r);
    }
  }

  /**
   * Puts player i on a uniformly random free spawn point by rejection: attempt a draws block
   * (i, tick, e, purpose | a << 8); word 0 picks the spawn point, word 1 >>> 30 the orientation.
   * Returns 0 (the player stays off the map) if no spawn point is free.
   */
  static int placeOnFreeSpawn(IntArray ints, IntArray spec, int e, int i, int tick, int purpose, int k0, int k1) {
    int occ = base(spec, Packing.OCC, e);
    int numSpawns = spec.get(Packing.K_NUM_SPAWNS);
    int spawns = spec.get(Packing.K_T_SPAWNS);
    int anyFree = 0;
    for (int k = 0; k < numSpawns; k++) {
      if (anyFree == 0 && ints.get(occ + spec.get(spawns + k)) < 0) anyFree = 1;
    }
    int placed = 0;
    if (anyFree == 1) {
      int w = base(spec, Packing.SCRATCH, e);
      int a = 0;
      while (placed == 0) {
        philox(ints, w, i, tick, e, purpose | (a << 8), k0, k1);
        int cell = spec.get(spawns + below(ints.get(w), numSpawns));
        if (ints.get(occ + cell) < 0) {
          ints.set(occ + cell, i);
          ints.set(base(spec, Packing.POS, e) + i, cell);
          ints.set(base(spec, Packing.DIR, e) + i, (ints.get(w + 1) >> 30) & 3); // w1 >>> 30 (see uniform01)
          placed = 1;
        }
        a++;
      }
    }
    return placed;
  }

  /** A new episode: the full apple map, every player on a random free spawn point, t = 0. */
  static void resetEpisode(IntArray ints, ByteArray bytes, IntArray spec, int e, int tick, int k0, int k1) {
    int cells = spec.get(Packing.K_CELLS);
    int n = spec.get(Packing.K_N);
    int grid = base(spec, Packing.GRID, e);
    int initial = base(spec, Packing.INITIAL_GRID, 0);
    int occ = base(spec, Packing.OCC, e);
    for (int c = 0; c < cells; c++) {
      bytes.set(grid + c, bytes.get(initial + c));
      ints.set(occ + c, -1);
    }
    // a full apple map: every site has all its neighbour sites' apples around it
    int numSites = spec.get(Packing.K_NUM_SITES);
    int counts = base(spec, Packing.SITE_APPLES, e);
    int start = spec.get(Packing.K_T_SITE_NEIGHBOUR_START);
    for (int site = 0; site < numSites; site++) {
      bytes.set(counts + site, (byte) (spec.get(start + site + 1) - spec.get(start + site)));
    }
    int pos = base(spec, Packing.POS, e);
    int cooldown = base(spec, Packing.COOLDOWN, e);
    int removed = base(spec, Packing.REMOVED, e);
    int income = base(spec, Packing.PERIOD_INCOME, e);
    for (int i = 0; i < n; i++) {
      ints.set(pos + i, -1);
      ints.set(cooldown + i, 0);
      ints.set(removed + i, 0);
      ints.set(income + i, 0);
    }
    int purpose = spec.get(Packing.K_PURPOSE_SPAWN);
    for (int i = 0; i < n; i++) placeOnFreeSpawn(ints, spec, e, i, tick, purpose, k0, k1);
    ints.set(base(spec, Packing.T, e), 0);
  }

  /** Removed players count down; at 0 they respawn (RESPAWN stream) or wait a step. Clears zap flags. */
  static void respawn(IntArray ints, IntArray spec, int e, int tk, int k0, int k1) {
    int n = spec.get(Packing.K_N);
    int flags = base(spec, Packing.ZAP_FLAGS, e);
    int removed = base(spec, Packing.REMOVED, e);
    int purpose = spec.get(Packing.K_PURPOSE_RESPAWN);
    for (int i = 0; i < n; i++) {
      ints.set(flags + i, 0);
      int r = ints.get(removed + i);
      if (r > 0) {
        r = r - 1;
        ints.set(removed + i, r);
        if (r == 0 && placeOnFreeSpawn(ints, spec, e, i, tk, purpose, k0, k1) == 0) ints.set(removed + i, 1);
      }
    }
  }

  /** TURN_LEFT: o = (o + 3) mod 4; TURN_RIGHT: o = (o + 1) mod 4. */
  static void turns(IntArray inputs, IntArray ints, IntArray spec, int e) {
    int n = spec.get(Packing.K_N);
    int pos = base(spec, Packing.POS, e);
    int dir = base(spec, Packing.DIR, e);
    int actions = base(spec, Packing.ACTIONS, e);
    for (int i = 0; i < n; i++) {
      if (ints.get(pos + i) >= 0) {
        int a = inputs.get(actions + i);
        if (a == TURN_LEFT) ints.set(dir + i, (ints.get(dir + i) + 3) & 3);
        else if (a == TURN_RIGHT) ints.set(dir + i, (ints.get(dir + i) + 1) & 3);
      }
    }
  }

  /** The step's move order (Fisher-Yates, value i of MOVE_ORDER picks j in [0, i]), then sequential moves. */
  static void moves(IntArray inputs, IntArray ints, ByteArray bytes, IntArray spec, int e, int tk, int k0, int k1) {
    int n = spec.get(Packing.K_N);
    int order = base(spec, Packing.ORDER, e);
    int w = base(spec, Packing.SCRATCH, e);
    int purpose = spec.get(Packing.K_PURPOSE_MOVE_ORDER);
    for (int i = 0; i < n; i++) ints.set(order + i, i);
    int cached = -1;
    for (int i = n - 1; i >= 1; i--) {
      if ((i >> 2) != cached) {
        cached = i >> 2;
        philox(ints, w, cached, tk, e, purpose, k0, k1);
      }
      int j = below(ints.get(w + (i & 3)), i + 1);
      int tmp = ints.get(order + i);
      ints.set(order + i, ints.get(order + j));
      ints.set(order + j, tmp);
    }
    int pos = base(spec, Packing.POS, e);
    int dir = base(spec, Packing.DIR, e);
    int actions = base(spec, Packing.ACTIONS, e);
    int grid = base(spec, Packing.GRID, e);
    int occ = base(spec, Packing.OCC, e);
    int fwd = spec.get(Packing.K_T_FWD_STEP);
    for (int k = 0; k < n; k++) {
      int i = ints.get(order + k);
      int p = ints.get(pos + i);
      int a = inputs.get(actions + i);
      if (p >= 0 && a >= FORWARD && a <= STEP_RIGHT) {
        int o = ints.get(dir + i);
        int md = (o + 1) & 3; // STEP_RIGHT
        if (a == FORWARD) md = o;
        else if (a == BACKWARD) md = (o + 2) & 3;
        else if (a == STEP_LEFT) md = (o + 3) & 3;
        int q = p + spec.get(fwd + md);
        if (bytes.get(grid + q) != CELL_WALL && ints.get(occ + q) < 0) {
          ints.set(occ + p, -1);
          ints.set(occ + q, i);
          ints.set(pos + i, q);
        }
      }
    }
  }

  /** Simultaneous zaps on post-move positions; hit players leave the map for the removal time. */
  static void zaps(IntArray inputs, IntArray ints, ByteArray bytes, IntArray spec, int e) {
    int n = spec.get(Packing.K_N);
    int pos = base(spec, Packing.POS, e);
    int dir = base(spec, Packing.DIR, e);
    int cooldown = base(spec, Packing.COOLDOWN, e);
    int actions = base(spec, Packing.ACTIONS, e);
    int flags = base(spec, Packing.ZAP_FLAGS, e);
    int removed = base(spec, Packing.REMOVED, e);
    int grid = base(spec, Packing.GRID, e);
    int occ = base(spec, Packing.OCC, e);
    int fwd = spec.get(Packing.K_T_FWD_STEP);
    int right = spec.get(Packing.K_T_RIGHT_STEP);
    int halfWidth = spec.get(Packing.K_ZAP_HALF_WIDTH);
    int length = spec.get(Packing.K_ZAP_LENGTH);
    for (int i = 0; i < n; i++) {
      int p = ints.get(pos + i);
      if (p >= 0) {
        int cd = ints.get(cooldown + i);
        if (cd > 0) {
          ints.set(cooldown + i, cd - 1);
        } else if (inputs.get(actions + i) == ZAP) {
          ints.set(cooldown + i, spec.get(Packing.K_ZAP_COOLDOWN));
          ints.set(flags + i, ints.get(flags + i) | 1);
          int o = ints.get(dir + i);
          int fs = spec.get(fwd + o);
          int rs = spec.get(right + o);
          for (int lane = -halfWidth; lane <= halfWidth; lane++) {
            int blocked = 0;
            for (int f = 1; f <= length; f++) {
              int q = p + f * fs + lane * rs;
              if (blocked == 0 && bytes.get(grid + q) == CELL_WALL) blocked = 1;
              if (blocked == 0) {
                int j = ints.get(occ + q);
                if (j >= 0 && j != i) ints.set(flags + j, ints.get(flags + j) | 2);
              }
            }
          }
        }
      }
    }
    int removal = spec.get(Packing.K_ZAP_REMOVAL);
    for (int j = 0; j < n; j++) {
      if ((ints.get(flags + j) & 2) != 0) {
        ints.set(occ + ints.get(pos + j), -1);
        ints.set(pos + j, -1);
        ints.set(removed + j, removal);
      }
    }
  }

  /** SITE_APPLES of every site around site {@code site} grows by {@code delta} (an apple appeared or went there). */
  static void addAround(ByteArray bytes, IntArray spec, int e, int site, int delta) {
    int counts = base(spec, Packing.SITE_APPLES, e);
    int start = spec.get(Packing.K_T_SITE_NEIGHBOUR_START);
    int around = spec.get(Packing.K_T_SITE_NEIGHBOURS);
    int from = spec.get(start + site);
    int to = spec.get(start + site + 1);
    for (int k = from; k < to; k++) {
      int t = counts + spec.get(around + k);
      bytes.set(t, (byte) (bytes.get(t) + delta));
    }
  }

  /** Each player on the map standing on an APPLE eats it; the sites around it count one apple less. */
  static void consumption(IntArray ints, ByteArray bytes, IntArray spec, int e) {
    int n = spec.get(Packing.K_N);
    int pos = base(spec, Packing.POS, e);
    int eaten = base(spec, Packing.EATEN, e);
    int grid = base(spec, Packing.GRID, e);
    for (int i = 0; i < n; i++) {
      int p = ints.get(pos + i);
      int a = 0;
      if (p >= 0 && bytes.get(grid + p) == CELL_APPLE) {
        bytes.set(grid + p, CELL_EMPTY);
        addAround(bytes, spec, e, spec.get(spec.get(Packing.K_T_SITE_OF_CELL) + p), -1);
        a = 1;
      }
      ints.set(eaten + i, a);
    }
  }

  /**
   * Synchronous regrowth: decide every site on the post-consumption state, then apply. k is
   * SITE_APPLES (kept up to date by consumption and the apply pass). The sites that draw take
   * values 0, 1, 2, ... of the step's REGROWTH stream in site order.
   */
  static void regrowth(IntArray ints, ByteArray bytes, IntArray spec, FloatArray fspec, int e, int tk, int k0, int k1) {
    int grid = base(spec, Packing.GRID, e);
    int occ = base(spec, Packing.OCC, e);
    int counts = base(spec, Packing.SITE_APPLES, e);
    int w = base(spec, Packing.SCRATCH, e);
    int numSites = spec.get(Packing.K_NUM_SITES);
    int sites = spec.get(Packing.K_T_SITES);
    int kMax = spec.get(Packing.K_NUM_PROB) - 1;
    int underPlayers = spec.get(Packing.K_REGROW_UNDER_PLAYERS);
    int purpose = spec.get(Packing.K_PURPOSE_REGROWTH);
    int drawn = 0; // the m-th site that draws uses word m & 3 of block m >> 2, as in JavaBackend.regrowth
    int any = 0;
    for (int site = 0; site < numSites; site++) {
      int q = spec.get(sites + site);
      int k = bytes.get(counts + site) & 0xFF;
      int candidate = bytes.get(grid + q) == CELL_EMPTY ? 1 : 0;
      if (k == 0) candidate = 0;
      if (underPlayers == 0 && ints.get(occ + q) >= 0) candidate = 0;
      if (candidate == 1) {
        if (k > kMax) k = kMax;
        if ((drawn & 3) == 0) philox(ints, w, drawn >> 2, tk, e, purpose, k0, k1);
        if (uniform01(ints.get(w + (drawn & 3))) < fspec.get(Packing.F_PROB + k)) {
          bytes.set(grid + q, CELL_NEW_APPLE);
          any = 1;
        }
        drawn++;
      }
    }
    if (any != 0) {
      for (int site = 0; site < numSites; site++) {
        int q = spec.get(sites + site);
        if (bytes.get(grid + q) == CELL_NEW_APPLE) {
          bytes.set(grid + q, CELL_APPLE);
          addAround(bytes, spec, e, site, 1);
        }
      }
    }
  }

  /**
   * Egocentric windows: cell (r, c) shows pos + (ahead - r) fwd + (c - left) right; codes 0 EMPTY,
   * 1 WALL/outside, 2 APPLE, 3 another player; a removed player sees all 1. With countNearby,
   * NEARBY = sum of a_j over the other players j in the window.
   */
  static void observeWindows(IntArray ints, ByteArray bytes, IntArray spec, int e, int countNearby) {
    int n = spec.get(Packing.K_N);
    int view = spec.get(Packing.K_VIEW);
    int rows = spec.get(Packing.K_OBS_ROWS);
    int cols = spec.get(Packing.K_OBS_COLS);
    int ahead = spec.get(Packing.K_VIEW_AHEAD);
    int left = spec.get(Packing.K_VIEW_LEFT);
    int fwd = spec.get(Packing.K_T_FWD_STEP);
    int right = spec.get(Packing.K_T_RIGHT_STEP);
    int pos = base(spec, Packing.POS, e);
    int dir = base(spec, Packing.DIR, e);
    int occ = base(spec, Packing.OCC, e);
    int grid = base(spec, Packing.GRID, e);
    int eaten = base(spec, Packing.EATEN, e);
    int nearby = base(spec, Packing.NEARBY, e);
    int obs = base(spec, Packing.OBS, e);
    for (int i = 0; i < n; i++) {
      int out = obs + i * view;
      int p = ints.get(pos + i);
      if (p < 0) {
        for (int k = 0; k < view; k++) bytes.set(out + k, CELL_WALL);
        if (countNearby != 0) ints.set(nearby + i, 0);
      } else {
        int o = ints.get(dir + i);
        int fs = spec.get(fwd + o);
        int rs = spec.get(right + o);
        int rowStart = p + ahead * fs - left * rs;
        int sum = 0;
        for (int r = 0; r < rows; r++) {
          int q = rowStart - r * fs;
          for (int c = 0; c < cols; c++) {
            int j = ints.get(occ + q);
            byte code;
            if (j >= 0 && j != i) {
              code = 3;
              sum = sum + ints.get(eaten + j);
            } else {
              code = bytes.get(grid + q);
            }
            bytes.set(out + r * cols + c, code);
            q = q + rs;
          }
        }
        if (countNearby != 0) ints.set(nearby + i, sum);
      }
    }
  }

  /** Float features: sigma, beta, rates[B], (t mod period) / period, period income, eta. */
  static void observeScalars(IntArray ints, FloatArray floats, IntArray spec, int e) {
    int n = spec.get(Packing.K_N);
    int brackets = spec.get(Packing.K_BRACKETS);
    int scalars = spec.get(Packing.K_SCALARS);
    int taxPeriod = spec.get(Packing.K_TAX_PERIOD);
    float frac = ((float) (ints.get(base(spec, Packing.T, e)) % taxPeriod)) / ((float) taxPeriod);
    float eta = floats.get(base(spec, Packing.ETA, e));
    int sigma = base(spec, Packing.SIGMA, e);
    int beta = base(spec, Packing.BETA, e);
    int rates = base(spec, Packing.RATES, e);
    int income = base(spec, Packing.PERIOD_INCOME, e);
    int out = base(spec, Packing.OBS_SCALARS, e);
    for (int i = 0; i < n; i++) {
      int k = out + i * scalars;
      floats.set(k, floats.get(sigma + i));
      floats.set(k + 1, floats.get(beta + i));
      for (int b = 0; b < brackets; b++) floats.set(k + 2 + b, floats.get(rates + b));
      floats.set(k + 2 + brackets, frac);
      floats.set(k + 3 + brackets, (float) ints.get(income + i));
      floats.set(k + 4 + brackets, eta);
    }
  }

  /** The part of income w inside bracket b. */
  static float amountIn(IntArray spec, FloatArray fspec, float w, int b) {
    int brackets = spec.get(Packing.K_BRACKETS);
    int cutoffs = spec.get(Packing.K_F_CUTOFFS);
    float lo = fspec.get(cutoffs + b);
    float result = 0.0f;
    if (w > lo) result = w - lo;
    if (b != brackets - 1) {
      float hi = fspec.get(cutoffs + b + 1);
      if (w > hi) result = hi - lo;
    }
    return result;
  }

  /** At a period's last step: tax_i = T(w_i); lump_i = (sum tax) / n - tax_i; revenue += sum tax. Other steps: TAX = LUMP = 0. */
  static void taxes(IntArray ints, FloatArray floats, IntArray spec, FloatArray fspec, int e, int periodEnd) {
    int n = spec.get(Packing.K_N);
    int brackets = spec.get(Packing.K_BRACKETS);
    int income = base(spec, Packing.PERIOD_INCOME, e);
    int rates = base(spec, Packing.RATES, e);
    int tax = base(spec, Packing.TAX, e);
    int lump = base(spec, Packing.LUMP, e);
    int revenue = base(spec, Packing.REVENUE, e);
    if (periodEnd == 1) {
      float sum = 0.0f;
      for (int i = 0; i < n; i++) {
        float w = (float) ints.get(income + i);
        float t = 0.0f;
        for (int b = 0; b < brackets; b++) t = t + floats.get(rates + b) * amountIn(spec, fspec, w, b);
        floats.set(tax + i, t);
        sum = sum + t;
      }
      float mean = sum / ((float) n);
      for (int i = 0; i < n; i++) floats.set(lump + i, mean - floats.get(tax + i));
      floats.set(revenue, floats.get(revenue) + sum);
    } else {
      for (int i = 0; i < n; i++) {
        floats.set(tax + i, 0.0f);
        floats.set(lump + i, 0.0f);
      }
    }
  }


  /** r_int = sigma a + (1 - sigma) nearby; r_ext = a + lump - costs; r = beta r_ext + (1 - beta) r_int. */
  static void rewards(IntArray ints, FloatArray floats, IntArray spec, FloatArray fspec, int e) {
    int n = spec.get(Packing.K_N);
    int zap = spec.get(Packing.K_ZAP);
    float fireCost = fspec.get(Packing.F_ZAP_FIRE_COST);
    float hitPenalty = fspec.get(Packing.F_ZAP_HIT_PENALTY);
    int eaten = base(spec, Packing.EATEN, e);
    int nearby = base(spec, Packing.NEARBY, e);
    int flags = base(spec, Packing.ZAP_FLAGS, e);
    int sigma = base(spec, Packing.SIGMA, e);
    int beta = base(spec, Packing.BETA, e);
    int lump = base(spec, Packing.LUMP, e);
    int rInt = base(spec, Packing.R_INT, e);
    int rExt = base(spec, Packing.R_EXT, e);
    int reward = base(spec, Packing.REWARD, e);
    for (int i = 0; i < n; i++) {
      float a = (float) ints.get(eaten + i);
      float sg = floats.get(sigma + i);
      float bt = floats.get(beta + i);
      float ri = sg * a + (1.0f - sg) * ((float) ints.get(nearby + i));
      float re = a + floats.get(lump + i);
      if (zap != 0) {
        int f = ints.get(flags + i);
        if ((f & 1) != 0) re = re - fireCost;
        if ((f & 2) != 0) re = re - hitPenalty;
      }
      floats.set(rInt + i, ri);
      floats.set(rExt + i, re);
      floats.set(reward + i, bt * re + (1.0f - bt) * ri);
    }
  }

  /** PERIOD_START_APPLES = the apples on the map of env e (every apple stands on an apple site), the principal's next input. */
  static void countApples(IntArray ints, ByteArray bytes, IntArray spec, int e) {
    int grid = base(spec, Packing.GRID, e);
    int sites = spec.get(Packing.K_T_SITES);
    int numSites = spec.get(Packing.K_NUM_SITES);
    int apples = 0;
    for (int k = 0; k < numSites; k++) {
      if (bytes.get(grid + spec.get(sites + k)) == CELL_APPLE) apples++;
    }
    ints.set(base(spec, Packing.PERIOD_START_APPLES, e), apples);
  }

  /** A round's last step: snapshot for the host's metrics, then start round {@code next} (majority: a new vote). */
  static void roundEnd(IntArray ints, FloatArray floats, ByteArray bytes, IntArray spec, int e, int next, int k0, int k1) {
    int n = spec.get(Packing.K_N);
    int brackets = spec.get(Packing.K_BRACKETS);
    int roundApples = base(spec, Packing.ROUND_APPLES, e);
    int endApples = base(spec, Packing.ROUND_END_APPLES, e);
    for (int i = 0; i < n; i++) ints.set(endApples + i, ints.get(roundApples + i));
    int eta = base(spec, Packing.ETA, e);
    int revenue = base(spec, Packing.REVENUE, e);
    int rateSum = base(spec, Packing.RATE_SUM, e);
    floats.set(base(spec, Packing.ROUND_END_ETA, e), floats.get(eta));
    floats.set(base(spec, Packing.ROUND_END_REVENUE, e), floats.get(revenue));
    int endRateSum = base(spec, Packing.ROUND_END_RATE_SUM, e);
    for (int b = 0; b < brackets; b++) floats.set(endRateSum + b, floats.get(rateSum + b));
    int grid = base(spec, Packing.GRID, e);
    int compStart = spec.get(Packing.K_T_COMP_START);
    int compMembers = spec.get(Packing.K_T_COMP_MEMBERS);
    int sites = spec.get(Packing.K_T_SITES);
    int components = spec.get(Packing.K_NUM_COMPONENTS);
    int left = 0;
    int lost = 0;
    for (int c = 0; c < components; c++) {
      int alive = 0;
      int from = spec.get(compStart + c);
      int to = spec.get(compStart + c + 1);
      for (int k = from; k < to; k++) {
        if (bytes.get(grid + spec.get(sites + spec.get(compMembers + k))) == CELL_APPLE) alive++;
      }
      left = left + alive;
      if (alive == 0) lost = lost + (to - from);
    }
    ints.set(base(spec, Packing.ROUND_END_LEFT, e), left);
    ints.set(base(spec, Packing.ROUND_END_LOST, e), lost);
    if (spec.get(Packing.K_MAJORITY) != 0) {
      float sum = 0.0f;
      int w = base(spec, Packing.SCRATCH, e);
      int purpose = spec.get(Packing.K_PURPOSE_VOTE);
      for (int i = 0; i < n; i++) {
        philox(ints, w, i, next, e, purpose, k0, k1);
        sum = sum + uniform01(ints.get(w));
      }
      floats.set(eta, sum / ((float) n) > 0.5f ? 0.0f : 1.0f);
    }
    // the next round starts: its accumulators restart
    for (int i = 0; i < n; i++) ints.set(roundApples + i, 0);
    floats.set(revenue, 0.0f);
    for (int b = 0; b < brackets; b++) floats.set(rateSum + b, 0.0f);
  }
}
