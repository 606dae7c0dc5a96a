package org.harvestsed.engine.map;

import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;

/**
 * The {@code generated} preset for scaling studies: a walled rectangle with diamond-shaped apple
 * patches (the shape of the default map's patches: |dr| + |dc| <= 2, 13 sites) placed at seeded
 * random centres until the apple-site density is reached; every other floor cell is a spawn point.
 * With rows = cols = 0 the size follows the player count so the floor area per player equals the
 * default map's (352 floor cells for 7 players).
 */
public final class Generated {
  private Generated() {}

  /** Floor cells of commons_harvest_open (16 x 22 inside the walls) per its 7 players. */
  public static final double AREA_PER_PLAYER = 16.0 * 22.0 / 7.0;
  /** Apple-site density of commons_harvest_open: 64 sites on 352 floor cells. */
  public static final double DEFAULT_DENSITY = 64.0 / 352.0;

  /** Side of the square map (walls included) that gives {@code players} the default area each. */
  public static int autoSide(int players) {
    return (int) Math.ceil(Math.sqrt(players * AREA_PER_PLAYER)) + 2;
  }

  public static GameMap build(int rows, int cols, int players, double density, long seed) {
    if (rows == 0 && cols == 0) {
      rows = autoSide(players);
      cols = rows;
    }
    byte[] cells = new byte[rows * cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        boolean border = r == 0 || c == 0 || r == rows - 1 || c == cols - 1;
        cells[r * cols + c] = border ? GameMap.WALL : GameMap.EMPTY;
      }
    }
    int inner = (rows - 2) * (cols - 2);
    long target = Math.round(density * inner);
    int k0 = (int) seed;
    int k1 = (int) (seed >>> 32);
    int sites = 0;
    // Each attempt draws a centre; bounded so a density near 1 cannot loop forever.
    long maxAttempts = 64L * inner + 1024;
    for (int a = 0; sites < target && a < maxAttempts; a++) {
      int cr = 1 + Philox.below(Philox.word(a, 0, 0, Purpose.MAP.code, k0, k1, 0), rows - 2);
      int cc = 1 + Philox.below(Philox.word(a, 0, 0, Purpose.MAP.code, k0, k1, 1), cols - 2);
      for (int dr = -2; dr <= 2 && sites < target; dr++) {
        for (int dc = -2; dc <= 2 && sites < target; dc++) {
          if (Math.abs(dr) + Math.abs(dc) > 2) continue;
          int r = cr + dr;
          int c = cc + dc;
          if (r < 1 || c < 1 || r > rows - 2 || c > cols - 2) continue;
          int i = r * cols + c;
          if (cells[i] == GameMap.EMPTY) {
            cells[i] = GameMap.APPLE;
            sites++;
          }
        }
      }
    }
    int spawnCount = 0;
    for (byte b : cells) if (b == GameMap.EMPTY) spawnCount++;
    int[] spawns = new int[spawnCount];
    int s = 0;
    for (int i = 0; i < cells.length; i++) if (cells[i] == GameMap.EMPTY) spawns[s++] = i;
    String name = "generated(" + rows + "x" + cols + ", players=" + players + ", density=" + density + ", seed=" + seed + ")";
    return new GameMap(name, rows, cols, cells, spawns);
  }
}
