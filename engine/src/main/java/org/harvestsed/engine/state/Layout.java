package org.harvestsed.engine.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;

/**
 * The padded grid geometry derived once from a spec. The grid of every env is stored with a
 * border of {@link #pad} WALL cells around the map, so view windows, beams, moves and regrowth
 * neighbourhoods never need bounds checks: "outside the map" reads as WALL, as docs/RULES.md asks.
 * <pre>
 *   padded cell index = (row + pad) * pw + (col + pad),   pw = cols + 2 pad,  ph = rows + 2 pad
 *   orientation o: N=0, E=1, S=2, W=3;  fwdStep[o] / rightStep[o] = index delta of one cell
 *   N: fwd (-1,0) right (0,+1)   E: fwd (0,+1) right (+1,0)   S: fwd (+1,0) right (0,-1)   W: fwd (0,-1) right (-1,0)
 * </pre>
 */
public final class Layout {
  public final EnvSpec spec;
  public final int rows, cols, pad, pw, ph, cells;
  public final int players;
  /** Padded grid of a fresh episode: map cells, WALL border. */
  private final byte[] initialGrid;
  /** Padded indices of the apple sites, in reading order (site s draws regrowth value s). */
  public final int[] sites;
  /** Padded indices of the spawn points, in reading order. */
  public final int[] spawns;
  /** Index deltas of the regrowth neighbourhood (dr^2 + dc^2 <= radius_sq, self excluded). */
  public final int[] neighbourhood;
  /** Connected component of each site (sites within the neighbourhood of each other are linked). */
  public final int[] siteComponent;
  public final int components;
  /** Sites grouped by component: members of component c are compMembers[compStart[c] .. compStart[c+1]). */
  public final int[] compStart;
  public final int[] compMembers;

  /** The apples on the sites of component (patch) c in the grid of one env starting at {@code gridOff}: 0 = the patch is lost. */
  public int applesInPatch(java.nio.ByteBuffer grid, int gridOff, int c) {
    int alive = 0;
    for (int k = compStart[c]; k < compStart[c + 1]; k++) {
      if (grid.get(gridOff + sites[compMembers[k]]) == GameMap.APPLE) alive++;
    }
    return alive;
  }
  /** Site index of each padded cell, -1 where the cell is not an apple site. */
  public final int[] siteOfCell;
  /**
   * The sites in each site's regrowth neighbourhood: those of site s are
   * siteNeighbours[siteNeighbourStart[s] .. siteNeighbourStart[s+1]). Apples grow only on sites, so
   * the apples around site s are the apples on these sites; in a fresh episode every site holds
   * one, so site s starts with siteNeighbourStart[s+1] - siteNeighbourStart[s] apples around it.
   */
  public final int[] siteNeighbourStart;
  public final int[] siteNeighbours;
  public final int[] fwdStep = new int[4];
  public final int[] rightStep = new int[4];

  public Layout(EnvSpec spec) {
    this.spec = spec;
    GameMap m = spec.map();
    rows = m.rows;
    cols = m.cols;
    int radius = (int) Math.ceil(Math.sqrt(spec.regrowthRadiusSq()));
    pad = Math.max(1, max(spec.viewAhead(), spec.viewBehind(), spec.viewLeft(), spec.viewRight(),
        spec.zap() ? spec.zapLength() : 0, spec.zap() ? spec.zapHalfWidth() : 0, radius));
    pw = cols + 2 * pad;
    ph = rows + 2 * pad;
    if ((long) pw * ph > Integer.MAX_VALUE / 8) throw new IllegalArgumentException("map too large: " + rows + "x" + cols);
    cells = pw * ph;
    players = spec.players();
    initialGrid = new byte[cells];
    java.util.Arrays.fill(initialGrid, GameMap.WALL);
    List<Integer> siteList = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        byte v = m.cell(r, c);
        initialGrid[index(r, c)] = v;
        if (v == GameMap.APPLE) siteList.add(index(r, c));
      }
    }
    sites = siteList.stream().mapToInt(Integer::intValue).toArray();
    int[] sp = m.spawnPoints();
    spawns = new int[sp.length];
    for (int i = 0; i < sp.length; i++) spawns[i] = index(sp[i] / cols, sp[i] % cols);
    List<Integer> nb = new ArrayList<>();
    for (int dr = -radius; dr <= radius; dr++) {
      for (int dc = -radius; dc <= radius; dc++) {
        if ((dr != 0 || dc != 0) && dr * dr + dc * dc <= spec.regrowthRadiusSq()) nb.add(dr * pw + dc);
      }
    }
    neighbourhood = nb.stream().mapToInt(Integer::intValue).toArray();
    int[][] dirs = {{-1, 0}, {0, 1}, {1, 0}, {0, -1}};
    for (int o = 0; o < 4; o++) {
      fwdStep[o] = dirs[o][0] * pw + dirs[o][1];
      int[] right = dirs[(o + 1) & 3];
      rightStep[o] = right[0] * pw + right[1];
    }
    siteOfCell = new int[cells];
    java.util.Arrays.fill(siteOfCell, -1);
    for (int k = 0; k < sites.length; k++) siteOfCell[sites[k]] = k;
    siteNeighbourStart = new int[sites.length + 1];
    List<Integer> around = new ArrayList<>();
    for (int k = 0; k < sites.length; k++) {
      for (int d : neighbourhood) {
        int t = siteOfCell[sites[k] + d];
        if (t >= 0) around.add(t);
      }
      siteNeighbourStart[k + 1] = around.size();
    }
    siteNeighbours = around.stream().mapToInt(Integer::intValue).toArray();
    siteComponent = new int[sites.length];
    components = labelComponents();
    compStart = new int[components + 1];
    for (int c : siteComponent) compStart[c + 1]++;
    for (int c = 0; c < components; c++) compStart[c + 1] += compStart[c];
    compMembers = new int[sites.length];
    int[] fill = compStart.clone();
    for (int s = 0; s < sites.length; s++) compMembers[fill[siteComponent[s]]++] = s;
  }

  private static int max(int... v) {
    int m = 0;
    for (int x : v) m = Math.max(m, x);
    return m;
  }

  public int index(int row, int col) {
    return (row + pad) * pw + (col + pad);
  }

  public int rowOf(int index) {
    return index / pw - pad;
  }

  public int colOf(int index) {
    return index % pw - pad;
  }

  // row and column deltas of fwd and right per orientation (N, E, S, W), as in the class comment
  private static final int[] FWD_R = {-1, 0, 1, 0}, FWD_C = {0, 1, 0, -1};
  private static final int[] RIGHT_R = {0, 1, 0, -1}, RIGHT_C = {1, 0, -1, 0};

  /**
   * Whether the window of a player at padded cell p facing o holds padded cell q: q = p + f fwd +
   * l right with -behind &lt;= f &lt;= ahead and -left &lt;= l &lt;= right (the visible set V_i of
   * a player is the other players on the map at cells it sees).
   */
  public boolean sees(int p, int o, int q) {
    int dr = q / pw - p / pw;
    int dc = q % pw - p % pw;
    int f = dr * FWD_R[o] + dc * FWD_C[o];
    int side = dr * RIGHT_R[o] + dc * RIGHT_C[o];
    return f >= -spec.viewBehind() && f <= spec.viewAhead() && side >= -spec.viewLeft() && side <= spec.viewRight();
  }

  /** The farthest a window reaches from its observer along a row or a column: max(ahead, behind, left, right). */
  public int viewReach() {
    return Math.max(Math.max(spec.viewAhead(), spec.viewBehind()), Math.max(spec.viewLeft(), spec.viewRight()));
  }

  /** A fresh episode's padded grid (a copy). */
  public byte[] initialGrid() {
    return initialGrid.clone();
  }

  /** Writes a fresh episode's padded grid into {@code dst} at {@code offset} (no allocation). */
  public void writeInitialGrid(java.nio.ByteBuffer dst, int offset) {
    dst.put(offset, initialGrid);
  }

  private int labelComponents() {
    java.util.Arrays.fill(siteComponent, -1);
    int comp = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int s = 0; s < sites.length; s++) {
      if (siteComponent[s] >= 0) continue;
      siteComponent[s] = comp;
      queue.add(s);
      while (!queue.isEmpty()) {
        int cur = queue.poll();
        for (int k = siteNeighbourStart[cur]; k < siteNeighbourStart[cur + 1]; k++) {
          int n = siteNeighbours[k];
          if (siteComponent[n] < 0) {
            siteComponent[n] = comp;
            queue.add(n);
          }
        }
      }
      comp++;
    }
    return comp;
  }
}
