package org.harvestsed.engine.map;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed map: its size, the initial cell of every position (EMPTY, WALL or APPLE; every APPLE
 * is an apple site) and the spawn points, all unpadded, row-major. Immutable.
 */
public final class GameMap {
  public static final byte EMPTY = 0;
  public static final byte WALL = 1;
  public static final byte APPLE = 2;

  public final String name;
  public final int rows;
  public final int cols;
  private final byte[] cells;
  private final int[] spawnPoints; // row * cols + col, in reading order
  private final int appleSites;

  public GameMap(String name, int rows, int cols, byte[] cells, int[] spawnPoints) {
    if (cells.length != rows * cols) {
      throw new IllegalArgumentException("map " + name + ": " + cells.length + " cells for " + rows + "x" + cols);
    }
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.cells = cells.clone();
    this.spawnPoints = spawnPoints.clone();
    int n = 0;
    for (byte c : cells) if (c == APPLE) n++;
    this.appleSites = n;
  }

  /**
   * Parses rows of ASCII: {@code W} or {@code @} wall, {@code A} apple site, {@code P} or {@code Q}
   * spawn point on floor, space floor. All rows must have the same length.
   */
  public static GameMap parse(String name, List<String> lines) {
    int rows = lines.size();
    if (rows == 0) throw new IllegalArgumentException("map " + name + " has no rows");
    int cols = lines.get(0).length();
    byte[] cells = new byte[rows * cols];
    List<Integer> spawns = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      String line = lines.get(r);
      if (line.length() != cols) {
        throw new IllegalArgumentException("map " + name + ": row " + r + " has " + line.length()
            + " characters, row 0 has " + cols + "; all rows must have the same length");
      }
      for (int c = 0; c < cols; c++) {
        char ch = line.charAt(c);
        int i = r * cols + c;
        switch (ch) {
          case 'W', '@' -> cells[i] = WALL;
          case 'A' -> cells[i] = APPLE;
          case 'P', 'Q' -> { cells[i] = EMPTY; spawns.add(i); }
          case ' ' -> cells[i] = EMPTY;
          default -> throw new IllegalArgumentException("map " + name + ": unknown character '" + ch
              + "' at row " + r + ", col " + c + "; allowed: W or @ (wall), A (apple), P or Q (spawn), space (floor)");
        }
      }
    }
    return new GameMap(name, rows, cols, cells, spawns.stream().mapToInt(Integer::intValue).toArray());
  }

  public byte cell(int r, int c) {
    return cells[r * cols + c];
  }

  public byte[] cells() {
    return cells.clone();
  }

  public int[] spawnPoints() {
    return spawnPoints.clone();
  }

  public int spawnCount() {
    return spawnPoints.length;
  }

  public int appleSiteCount() {
    return appleSites;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GameMap m && m.name.equals(name) && m.rows == rows && m.cols == cols
        && java.util.Arrays.equals(m.cells, cells) && java.util.Arrays.equals(m.spawnPoints, spawnPoints);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(cells) * 31 + name.hashCode();
  }

  /** The map as ASCII rows (W, A, space; spawn points shown as P). */
  public List<String> toAscii() {
    List<String> out = new ArrayList<>();
    boolean[] spawn = new boolean[cells.length];
    for (int s : spawnPoints) spawn[s] = true;
    for (int r = 0; r < rows; r++) {
      StringBuilder sb = new StringBuilder(cols);
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        sb.append(cells[i] == WALL ? 'W' : cells[i] == APPLE ? 'A' : spawn[i] ? 'P' : ' ');
      }
      out.add(sb.toString());
    }
    return out;
  }
}
