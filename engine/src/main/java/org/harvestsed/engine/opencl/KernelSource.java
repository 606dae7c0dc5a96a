package org.harvestsed.engine.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.harvestsed.engine.sim.Phase;
import org.harvestsed.engine.sim.SpecConstant;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;

/**
 * The program the OpenCL backend builds: a header generated from the spec (the mapping's shape,
 * every constant of {@link SpecConstant}, the State struct with one pointer per {@link Buf} and per
 * {@link Table}, the kernel argument lists), then the files of {@code kernels/} in the step's phase
 * order ({@link Phase}). No rule constant is written twice: the kernels only use names defined here,
 * and the TornadoVM kernel's constants are written from the same {@link SpecConstant} list.
 */
public final class KernelSource {
  private KernelSource() {}

  /**
   * The files of kernels/, in the order they are concatenated: the shared helpers (Philox, the
   * group-mapping primitives, the spawn-point draw that respawns and resets both use), then each
   * phase's file in the order of {@link Phase}, then the step functions and the kernels of the three
   * mappings that call the phases.
   */
  static final List<String> FILES = files();

  private static List<String> files() {
    List<String> f = new java.util.ArrayList<>(List.of("common.h", "spawn.cl"));
    for (String phase : Phase.kernelFiles()) if (!f.contains(phase)) f.add(phase);
    f.add("step.cl");
    f.add("step_group.cl");
    return List.copyOf(f);
  }

  /** Phases the diagnostic property harvest.opencl.skip may compile out. */
  static final List<String> SKIPPABLE = List.of("moves", "regrowth", "observe", "rewards", "actions");

  /** The work-items of one env in the warp mapping: one sub-group (warp) of an NVIDIA GPU. */
  public static final int WARP_SIZE = 32;

  /**
   * How the program maps the step onto the device (kernels/common.h): {@code group} one work-group
   * per env (else one work-item per env), with work-groups of at most {@code groupMax} work-items,
   * the env's grid and occupancy in {@code __local} memory if {@code localCells}; {@code warp}:
   * {@link #WARP_SIZE} work-items per env and {@code envsPerGroup} envs per work-group (groupMax is
   * then {@link #WARP_SIZE}), with the env's SITE_APPLES counts and its players' move state in
   * {@code __local} memory too if {@code localCells}.
   */
  public record Shape(boolean group, int groupMax, boolean localCells, boolean warp, int envsPerGroup) {
    /** The per-env mapping. */
    public static final Shape PER_ENV = new Shape(false, 1, false);

    /** The per-env or group mapping. */
    public Shape(boolean group, int groupMax, boolean localCells) {
      this(group, groupMax, localCells, false, 1);
    }

    /** The warp mapping with {@code envsPerGroup} envs per work-group. */
    public static Shape warp(int envsPerGroup, boolean localCells) {
      return new Shape(true, WARP_SIZE, localCells, true, envsPerGroup);
    }

    public Shape {
      if (groupMax < 1 || (!group && (groupMax != 1 || localCells || warp)) || envsPerGroup < 1 || (!warp && envsPerGroup != 1)
          || (warp && groupMax != WARP_SIZE)) {
        throw new IllegalArgumentException("shape " + group + " " + groupMax + " " + localCells + " " + warp + " " + envsPerGroup);
      }
    }

    /** The work-items of a work-group the program is launched with in the warp mapping. */
    public int warpGroupSize() {
      return WARP_SIZE * envsPerGroup;
    }

    /** Bytes of __local memory the group or warp kernel declares (for all its envs). */
    public long localBytes(Layout l) {
      return envsPerGroup * localBytesPerEnv(l, warp, localCells, groupMax);
    }

    /**
     * One env's __local bytes: grid (uchar) and occupancy (short) if local, {@code Shared} (its sum,
     * its scan slots and the shared Philox words of a regrowth round), and in the warp mapping with
     * local cells the int counts per site and the staged players (4 ints each, and the MOVE_ORDER words).
     */
    public static long localBytesPerEnv(Layout l, boolean warp, boolean localCells, int groupMax) {
      long shared = 4L + 4L * groupMax + 16L * (groupMax / 4 + 2);
      long cells = localCells ? 3L * l.cells : 0L;
      long staged = warp && localCells ? 4L * Math.max(1, l.sites.length) + 16L * l.players + 4L * ((l.players + 3) / 4 * 4) : 0L;
      return shared + cells + staged;
    }
  }

  /** The per-env program. */
  public static String build(Layout l) {
    return build(l, Shape.PER_ENV);
  }

  public static String build(Layout l, Shape shape) {
    StringBuilder sb = new StringBuilder(header(l, shape));
    for (String f : FILES) {
      sb.append("\n/* ---- ").append(f).append(" ---- */\n");
      sb.append(resource(f));
    }
    return sb.toString();
  }

  static String resource(String name) {
    try (InputStream in = KernelSource.class.getResourceAsStream("/kernels/" + name)) {
      if (in == null) throw new IllegalStateException("kernel source kernels/" + name + " is missing from the engine jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read kernels/" + name + ": " + e.getMessage(), e);
    }
  }

  /** The generated header (spec.h) of the per-env program. */
  static String header(Layout l) {
    return header(l, Shape.PER_ENV);
  }

  /** The generated header (spec.h). */
  static String header(Layout l, Shape shape) {
    StringBuilder h = new StringBuilder("/* spec.h: generated from the EnvSpec by KernelSource.java */\n");
    def(h, "GROUP", shape.group() ? 1 : 0);
    def(h, "WARP", shape.warp() ? 1 : 0);
    def(h, "WARP_SIZE", WARP_SIZE);
    def(h, "ENVS_PER_GROUP", shape.envsPerGroup());
    def(h, "GROUP_MAX", shape.groupMax());
    def(h, "LOCAL_CELLS", shape.localCells() ? 1 : 0);
    h.append("#define CELL_SPACE ").append(shape.localCells() ? "__local" : "__global").append('\n');
    boolean localState = shape.warp() && shape.localCells();
    def(h, "LOCAL_COUNTS", localState ? 1 : 0);
    def(h, "STAGE_PLAYERS", localState ? 1 : 0);
    h.append("#define COUNT_SPACE ").append(localState ? "__local" : "__global").append('\n');
    h.append("#define COUNT_T ").append(localState ? "int" : "uchar").append('\n');
    // test only (OclgrindTest): a group kernel with one barrier left out, which Oclgrind must report
    def(h, "TEST_RACE", Boolean.getBoolean("harvest.opencl.test-race") ? 1 : 0);
    for (SpecConstant c : SpecConstant.values()) h.append("#define ").append(c.name()).append(' ').append(literal(c, l)).append('\n');
    // Diagnosis only (the roofline study): -Dharvest.opencl.skip=regrowth,observe,... compiles those
    // phases out, so their cost can be measured. The results then differ from the reference.
    for (String phase : SKIPPABLE) {
      boolean skip = java.util.Arrays.asList(System.getProperty("harvest.opencl.skip", "").split(",")).contains(phase);
      def(h, "SKIP_" + phase.toUpperCase(java.util.Locale.ROOT), skip ? 1 : 0);
    }
    // State: one pointer per engine buffer and per table
    h.append("typedef struct {\n");
    for (Buf b : Buf.values()) h.append("  __global ").append(ctype(b)).append("* ").append(b.name()).append(";\n");
    for (Table t : Table.values()) h.append("  __global const ").append(t.ctype).append("* ").append(t.name()).append(";\n");
    h.append("  CELL_SPACE uchar* grid; /* env e's grid and occupancy, where the step works on them */\n");
    h.append("  CELL_SPACE short* occ;\n");
    h.append("  COUNT_SPACE COUNT_T* counts; /* env e's SITE_APPLES, where the step works on them */\n");
    h.append("} State;\n");
    h.append("#define STATE_ARGS ");
    for (Buf b : Buf.values()) h.append(b.ordinal() == 0 ? "" : ", ").append("__global ").append(ctype(b)).append("* ").append(b.name()).append('_');
    h.append('\n').append("#define TABLE_ARGS ");
    for (Table t : Table.values()) h.append(t.ordinal() == 0 ? "" : ", ").append("__global const ").append(t.ctype).append("* ").append(t.name()).append('_');
    h.append('\n').append("#define STATE_INIT(st) ");
    for (Buf b : Buf.values()) h.append("st.").append(b.name()).append(" = ").append(b.name()).append("_; ");
    for (Table t : Table.values()) h.append("st.").append(t.name()).append(" = ").append(t.name()).append("_; ");
    h.append('\n');
    return h.toString();
  }

  static String ctype(Buf b) {
    return switch (b.type) {
      case BYTE -> "uchar";
      case SHORT -> "short";
      case INT -> "int";
      case FLOAT -> "float";
    };
  }

  /** The C literal of a spec constant's value. */
  static String literal(SpecConstant c, Layout l) {
    return switch (c.kind) {
      case INT -> String.valueOf(c.intValue(l));
      case UINT -> c.intValue(l) + "u";
      case FLOAT -> hex(c.floatValue(l));
    };
  }

  private static void def(StringBuilder h, String name, int value) {
    h.append("#define ").append(name).append(' ').append(value).append('\n');
  }

  /** An exact float literal: C99 hex float. */
  static String hex(float f) {
    if (!Float.isFinite(f)) throw new IllegalArgumentException("not finite: " + f);
    return "(" + Float.toHexString(f) + "f)";
  }
}
