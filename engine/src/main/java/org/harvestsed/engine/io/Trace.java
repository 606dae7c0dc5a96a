package org.harvestsed.engine.io;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * One JSON line per env per step (`./harvest trace`; docs/USAGE.md, "Commands"), with this schema:
 * {@code {"env","t","period","round","grid","pos","dir","actions","eaten","visible","rates","tax",
 * "lump","r_ext","r_int","reward","sigma","beta","eta","done"}}. {@code t}, {@code period},
 * {@code round} locate the step just taken; {@code grid}, {@code pos}, {@code dir} are the state
 * after it (for a step that ended the episode: the episode's final state, before the auto-reset);
 * a removed player's position is {@code null}. Floats are printed with {@link Float#toString},
 * which round-trips exactly. {@code visible} is computed here from positions and orientations by
 * plain geometry ({@link Layout#sees}), independently of the windows the engine renders.
 */
public final class Trace {
  private final VecEnv env;
  private final EnvSpec spec;
  private final Layout l;
  private final EnvState s;

  public Trace(VecEnv env) {
    this.env = env;
    this.spec = env.spec();
    this.s = env.state();
    this.l = s.layout;
  }

  /** Step index within the episode and RNG tick of every env, to read before a step. */
  public record Before(int t, int tick) {}

  public Before before(int e) {
    return new Before(s.ints(Buf.T).get(e), s.ints(Buf.TICK).get(e));
  }

  /** The line for env {@code e} after a step that started at {@code b}. */
  public String line(int e, Before b) {
    int n = spec.players();
    boolean done = s.bytes(Buf.DONE).get(e) != 0;
    ByteBuffer grid = s.bytes(done ? Buf.FINAL_GRID : Buf.GRID);
    IntBuffer pos = s.ints(done ? Buf.FINAL_POS : Buf.POS);
    IntBuffer dir = s.ints(done ? Buf.FINAL_DIR : Buf.DIR);
    StringBuilder sb = new StringBuilder(4096);
    sb.append("{\"env\":").append(e)
        .append(",\"t\":").append(b.t())
        .append(",\"period\":").append(b.t() / spec.taxPeriod())
        .append(",\"round\":").append(b.tick() / spec.roundSteps());
    sb.append(",\"grid\":[");
    for (int r = 0; r < l.rows; r++) {
      sb.append(r == 0 ? "\"" : ",\"");
      for (int c = 0; c < l.cols; c++) {
        byte v = grid.get(e * l.cells + l.index(r, c));
        sb.append(v == GameMap.WALL ? 'W' : v == GameMap.APPLE ? 'A' : ' ');
      }
      sb.append('"');
    }
    sb.append("],\"pos\":[");
    int[] p = new int[n];
    int[] d = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = pos.get(e * n + i);
      d[i] = dir.get(e * n + i);
      if (i > 0) sb.append(',');
      if (p[i] < 0) sb.append("null");
      else sb.append('[').append(l.rowOf(p[i])).append(',').append(l.colOf(p[i])).append(']');
    }
    sb.append(']');
    ints(sb, "dir", d);
    ints(sb, "actions", s.ints(Buf.ACTIONS), e * n, n);
    ints(sb, "eaten", s.ints(Buf.EATEN), e * n, n);
    sb.append(",\"visible\":[");
    for (int i = 0; i < n; i++) {
      if (i > 0) sb.append(',');
      sb.append('[');
      List<Integer> v = visible(l, p, d, i);
      for (int k = 0; k < v.size(); k++) sb.append(k == 0 ? "" : ",").append(v.get(k));
      sb.append(']');
    }
    sb.append(']');
    floats(sb, "rates", s.floats(Buf.RATES), e * spec.brackets(), spec.brackets());
    floats(sb, "tax", s.floats(Buf.TAX), e * n, n);
    floats(sb, "lump", s.floats(Buf.LUMP), e * n, n);
    floats(sb, "r_ext", s.floats(Buf.R_EXT), e * n, n);
    floats(sb, "r_int", s.floats(Buf.R_INT), e * n, n);
    floats(sb, "reward", s.floats(Buf.REWARD), e * n, n);
    floats(sb, "sigma", s.floats(Buf.SIGMA), e * n, n);
    floats(sb, "beta", s.floats(Buf.BETA), e * n, n);
    sb.append(",\"eta\":").append(Float.toString(s.floats(Buf.ETA).get(e)));
    sb.append(",\"done\":").append(done).append('}');
    return sb.toString();
  }

  /**
   * V_i: the other players on the map whose cell lies in player i's window, by geometry: with
   * (dr, dc) from i to j, f = dr fwd_r + dc fwd_c, l = dr right_r + dc right_c; visible iff
   * -behind <= f <= ahead and -left <= l <= right. Ascending player index. Empty if i is removed.
   */
  public static List<Integer> visible(Layout l, int[] pos, int[] dir, int i) {
    List<Integer> out = new ArrayList<>();
    if (pos[i] < 0) return out;
    for (int j = 0; j < pos.length; j++) {
      if (j != i && pos[j] >= 0 && l.sees(pos[i], dir[i], pos[j])) out.add(j);
    }
    return out;
  }

  private static void ints(StringBuilder sb, String key, int[] v) {
    sb.append(",\"").append(key).append("\":[");
    for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(v[i]);
    sb.append(']');
  }

  private static void ints(StringBuilder sb, String key, IntBuffer b, int off, int len) {
    sb.append(",\"").append(key).append("\":[");
    for (int i = 0; i < len; i++) sb.append(i == 0 ? "" : ",").append(b.get(off + i));
    sb.append(']');
  }

  private static void floats(StringBuilder sb, String key, FloatBuffer b, int off, int len) {
    sb.append(",\"").append(key).append("\":[");
    for (int i = 0; i < len; i++) sb.append(i == 0 ? "" : ",").append(Float.toString(b.get(off + i)));
    sb.append(']');
  }
}
