package org.harvestsed.engine;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * Test fixture: a VecEnv on a small custom map whose state a test can arrange directly
 * (players' cells and orientations, cells, types), then step with chosen actions.
 */
final class TestWorld implements AutoCloseable {
  final VecEnv env;
  final EnvState s;
  final Layout l;
  final int n;

  TestWorld(String yaml, int envs, long seed) {
    this(Config.parse(yaml, "test").env(), envs, seed);
  }

  TestWorld(EnvSpec spec, int envs, long seed) {
    env = VecEnv.create(spec, envs, "java", 1);
    env.reset(seed);
    s = env.state();
    l = s.layout;
    n = spec.players();
  }

  /** YAML for a custom map with {@code players} players and extra env keys (indented two spaces each). */
  static String yaml(int players, String[] rows, String... extra) {
    StringBuilder sb = new StringBuilder("env:\n  map: custom\n  players: " + players + "\n  ascii:\n");
    for (String r : rows) sb.append("    - \"").append(r).append("\"\n");
    for (String x : extra) sb.append("  ").append(x).append('\n');
    return sb.toString();
  }

  /** Removes every player from the map (they stay off until placed). */
  void clearPlayers(int e) {
    for (int i = 0; i < n; i++) {
      int p = pos(e, i);
      if (p >= 0) s.shorts(Buf.OCC).put(e * l.cells + p, (short) -1);
      s.ints(Buf.POS).put(e * n + i, -1);
    }
  }

  /** Puts player i of env e on (r, c) facing dir (0 N, 1 E, 2 S, 3 W). */
  void place(int e, int i, int r, int c, int dir) {
    int old = pos(e, i);
    if (old >= 0) s.shorts(Buf.OCC).put(e * l.cells + old, (short) -1);
    int p = l.index(r, c);
    if (s.shorts(Buf.OCC).get(e * l.cells + p) >= 0) throw new IllegalStateException("cell taken");
    s.shorts(Buf.OCC).put(e * l.cells + p, (short) i);
    s.ints(Buf.POS).put(e * n + i, p);
    s.ints(Buf.DIR).put(e * n + i, dir);
  }

  int pos(int e, int i) {
    return s.ints(Buf.POS).get(e * n + i);
  }

  int row(int e, int i) {
    return l.rowOf(pos(e, i));
  }

  int col(int e, int i) {
    return l.colOf(pos(e, i));
  }

  int dir(int e, int i) {
    return s.ints(Buf.DIR).get(e * n + i);
  }

  byte cell(int e, int r, int c) {
    return s.bytes(Buf.GRID).get(e * l.cells + l.index(r, c));
  }

  /** Writes one cell of GRID (apples only on apple sites, as in the game) and recounts SITE_APPLES. */
  void setCell(int e, int r, int c, byte v) {
    if (v == GameMap.APPLE && l.siteOfCell[l.index(r, c)] < 0) {
      throw new IllegalArgumentException("(" + r + "," + c + ") is not an apple site: apples grow only on sites");
    }
    s.bytes(Buf.GRID).put(e * l.cells + l.index(r, c), v);
    org.harvestsed.engine.sim.JavaBackend.recountSiteApples(s, e);
  }

  void setTypes(int e, float[] sigma, float[] beta) {
    for (int i = 0; i < n; i++) {
      s.floats(Buf.SIGMA).put(e * n + i, sigma[i]);
      s.floats(Buf.BETA).put(e * n + i, beta[i]);
    }
  }

  /** Steps every env with the same per-player actions. */
  void step(int... perPlayer) {
    IntBuffer a = env.actions();
    for (int e = 0; e < env.envs(); e++) for (int i = 0; i < n; i++) a.put(e * n + i, perPlayer[i]);
    env.step();
  }

  int eaten(int e, int i) {
    return s.ints(Buf.EATEN).get(e * n + i);
  }

  float f(Buf b, int e, int i) {
    FloatBuffer fb = s.floats(b);
    return fb.get(e * n + i);
  }

  /** Player i's window as rows of characters: . EMPTY, W wall/outside, A apple, P player. */
  String[] window(int e, int i) {
    EnvSpec sp = env.spec();
    ByteBuffer obs = s.bytes(Buf.OBS);
    String[] out = new String[sp.obsRows()];
    int base = (e * n + i) * sp.obsCells();
    for (int r = 0; r < sp.obsRows(); r++) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < sp.obsCols(); c++) {
        byte v = obs.get(base + r * sp.obsCols() + c);
        sb.append(switch (v) {
          case 0 -> '.';
          case 1 -> 'W';
          case 2 -> 'A';
          case 3 -> 'P';
          default -> '?';
        });
      }
      out[r] = sb.toString();
    }
    return out;
  }

  int apples(int e) {
    int k = 0;
    for (int r = 0; r < l.rows; r++) for (int c = 0; c < l.cols; c++) if (cell(e, r, c) == GameMap.APPLE) k++;
    return k;
  }

  @Override
  public void close() {
    env.close();
  }
}
