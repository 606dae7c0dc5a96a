package org.harvestsed.engine.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.state.Layout;

/**
 * Read-only tables of a spec that the kernels index (the Java reference reads the same arrays from
 * {@link Layout} and {@link EnvSpec}). Each becomes a {@code __global const} kernel argument.
 */
enum Table {
  /** [C] uchar: a fresh episode's padded grid. */
  INITIAL_GRID("uchar"),
  /** [sites] int: padded cell of each apple site. */
  SITES("int"),
  /** [spawns] int: padded cell of each spawn point. */
  SPAWNS("int"),
  /** [4] int: index delta one cell ahead per orientation. */
  FWD_STEP("int"),
  /** [4] int: index delta one cell to the right per orientation. */
  RIGHT_STEP("int"),
  /** [components + 1] int: start of each patch in COMP_MEMBERS. */
  COMP_START("int"),
  /** [sites] int: sites grouped by patch. */
  COMP_MEMBERS("int"),
  /** [C] int: site index of each padded cell, -1 where it is not an apple site. */
  SITE_OF_CELL("int"),
  /** [sites + 1] int: start of each site's neighbour sites in SITE_NEIGHBOURS. */
  SITE_NEIGHBOUR_START("int"),
  /** [..] int: the sites in each site's regrowth neighbourhood. */
  SITE_NEIGHBOURS("int"),
  /** [len] float: regrowth probability per min(k, len - 1). */
  PROB("float"),
  /** [B] float: bracket lower cutoffs. */
  CUTOFFS("float");

  final String ctype;

  Table(String ctype) {
    this.ctype = ctype;
  }

  /** The table's contents for a layout, as a native-order direct buffer (at least 4 bytes). */
  ByteBuffer contents(Layout l) {
    return switch (this) {
      case INITIAL_GRID -> {
        ByteBuffer b = direct(l.cells);
        l.writeInitialGrid(b, 0);
        yield b;
      }
      case SITES -> ints(l.sites);
      case SPAWNS -> ints(l.spawns);
      case FWD_STEP -> ints(l.fwdStep);
      case RIGHT_STEP -> ints(l.rightStep);
      case COMP_START -> ints(l.compStart);
      case COMP_MEMBERS -> ints(l.compMembers);
      case SITE_OF_CELL -> ints(l.siteOfCell);
      case SITE_NEIGHBOUR_START -> ints(l.siteNeighbourStart);
      case SITE_NEIGHBOURS -> ints(l.siteNeighbours);
      case PROB -> floats(l.spec.regrowthProb());
      case CUTOFFS -> floats(l.spec.bracketCutoffs());
    };
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(Math.max(4, bytes)).order(ByteOrder.nativeOrder());
  }

  private static ByteBuffer ints(int[] v) {
    ByteBuffer b = direct(v.length * 4);
    b.asIntBuffer().put(v);
    return b;
  }

  private static ByteBuffer floats(float[] v) {
    ByteBuffer b = direct(v.length * 4);
    b.asFloatBuffer().put(v);
    return b;
  }
}
