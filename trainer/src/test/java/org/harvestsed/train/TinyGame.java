package org.harvestsed.train;

/** The tests' tiny game: a 5x7 room, one apple patch in a corner, two players, a 5x6 window. */
public final class TinyGame {
  private TinyGame() {}

  /** The env keys of the map, players and view, in YAML flow style: {@code "env: {" + MAP + ", ...}"}. */
  public static final String MAP = "map: custom, players: 2, "
      + "ascii: [\"WWWWWWWWW\", \"WP     AW\", \"W     AAW\", \"W    AAAW\", \"W     AAW\", \"W      PW\", \"WWWWWWWWW\"], "
      + "view: {ahead: 3, behind: 1, left: 2, right: 2}";
}
