package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.io.Trace;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 4: egocentric rotated windows, cell codes, the visible set V_i. */
class ObservationTest {
  static final String[] ROOM = {
      "WWWWWWW",
      "WA   AW",
      "W     W",
      "W A   W",
      "W   PPW",
      "WWWWWWW"};
  /** A small asymmetric view: 2 ahead, 1 behind, 1 left, 2 right (4 x 4, observer at row 2, col 1). */
  static final String VIEW = "view: {ahead: 2, behind: 1, left: 1, right: 2}";

  static TestWorld room() {
    TestWorld w = new TestWorld(TestWorld.yaml(2, ROOM, VIEW), 1, 3);
    w.place(0, 1, 3, 4, 0);
    return w;
  }

  @Test
  void windowFacingNorth() {
    try (TestWorld w = room()) {
      w.place(0, 0, 2, 2, 0);
      w.step(0, 0);
      assertThat(w.window(0, 0)).containsExactly(
          "WWWW",
          "A...",
          "....",
          ".A.P");
    }
  }

  @Test
  void windowFacingEast() {
    try (TestWorld w = room()) {
      w.place(0, 0, 2, 2, 1);
      w.step(0, 0);
      assertThat(w.window(0, 0)).containsExactly(
          "..P.",
          "....",
          "..A.",
          "A...");
    }
  }

  @Test
  void windowFacingSouth() {
    try (TestWorld w = room()) {
      w.place(0, 0, 2, 2, 2);
      w.step(0, 0);
      assertThat(w.window(0, 0)).containsExactly(
          "...W",
          ".A.W",
          "...W",
          "..AW");
    }
  }

  @Test
  void windowFacingWest() {
    try (TestWorld w = room()) {
      w.place(0, 0, 2, 2, 3);
      w.step(0, 0);
      assertThat(w.window(0, 0)).containsExactly(
          "WWWW",
          "..AW",
          "A..W",
          "...W");
    }
  }

  @Test
  void outsideTheMapReadsAsWall() {
    String[] open = {
        "A  P",
        "    ",
        "  A "};
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, open, VIEW), 1, 3)) {
      w.place(0, 0, 1, 0, 1); // west edge, facing east
      w.step(0);
      assertThat(w.window(0, 0)).containsExactly(
          "..AW",
          "...W",
          "A..W",
          "WWWW");
    }
  }

  @Test
  void aPlayerHidesTheAppleUnderItAndTheObserverSeesItsOwnCell() {
    String[] rows = {
        "WWWWWWW",
        "WAA   W",
        "W     W",
        "W  PP W",
        "WWWWWWW"};
    // regrowth certain for k >= 1, under players: player 0 eats (1,1), which regrows under it at once
    String yaml = TestWorld.yaml(2, rows, VIEW, "regrowth: {probabilities: [0, 1, 1, 1], under_players: true}");
    try (TestWorld w = new TestWorld(yaml, 1, 3)) {
      w.place(0, 0, 1, 1, 2); // on the apple at (1,1), facing south
      w.place(0, 1, 2, 2, 0); // facing north: (1,1) is one ahead, one left
      w.step(0, 0);
      assertThat(w.eaten(0, 0)).isEqualTo(1);
      assertThat(w.cell(0, 1, 1)).as("regrown under player 0").isEqualTo((byte) 2);
      assertThat(w.window(0, 0)[2].charAt(1)).as("the observer sees the apple under itself").isEqualTo('A');
      assertThat(w.window(0, 1)[1]).as("player 1 sees player 0, not the apple under it").isEqualTo("PA..");
    }
  }

  @Test
  void defaultWindowIs11By11WithTheObserverAtRow9Col5() {
    try (TestWorld w = new TestWorld(Config.defaults().env(), 1, 3)) {
      w.clearPlayers(0);
      w.place(0, 0, 12, 11, 0);
      w.place(0, 1, 11, 11, 0); // one ahead
      w.place(0, 2, 13, 11, 0); // one behind
      w.place(0, 3, 12, 10, 0); // one left
      w.place(0, 4, 12, 12, 0); // one right
      w.place(0, 5, 3, 11, 0);  // nine ahead
      w.place(0, 6, 12, 16, 0); // five right
      w.step(0, 0, 0, 0, 0, 0, 0);
      String[] win = w.window(0, 0);
      assertThat(win).hasSize(11);
      assertThat(win[0]).hasSize(11);
      assertThat(win[8].charAt(5)).isEqualTo('P');
      assertThat(win[10].charAt(5)).isEqualTo('P');
      assertThat(win[9].charAt(4)).isEqualTo('P');
      assertThat(win[9].charAt(6)).isEqualTo('P');
      assertThat(win[0].charAt(5)).isEqualTo('P');
      assertThat(win[9].charAt(10)).isEqualTo('P');
      assertThat(win[9].charAt(5)).isEqualTo('.');
      long players = String.join("", win).chars().filter(ch -> ch == 'P').count();
      assertThat(players).isEqualTo(6);
    }
  }

  @Test
  void visibleSetAndNearbyApples() {
    String[] room3 = {
        "WWWWWWW",
        "WA   AW",
        "W     W",
        "W A A W",
        "W  PPPW",
        "WWWWWWW"};
    try (TestWorld w = new TestWorld(TestWorld.yaml(3, room3, VIEW), 1, 3)) {
      // player 0 at (2,2) facing N sees (3,4)? No: (3,4) is f=-1, l=2: inside. Player 2 at (1,5): f=1, l=3: outside.
      w.place(0, 0, 2, 2, 0);
      w.place(0, 1, 3, 4, 0);
      w.place(0, 2, 1, 5, 0);
      w.setCell(0, 3, 4, (byte) 2); // player 1 eats this step (an apple site)
      w.setCell(0, 1, 5, (byte) 2); // player 2 eats this step (apple site already)
      w.step(0, 0, 0);
      assertThat(w.eaten(0, 1)).isEqualTo(1);
      assertThat(w.eaten(0, 2)).isEqualTo(1);
      int[] pos = new int[3];
      int[] dir = new int[3];
      for (int i = 0; i < 3; i++) {
        pos[i] = w.pos(0, i);
        dir[i] = w.dir(0, i);
      }
      assertThat(Trace.visible(w.l, pos, dir, 0)).containsExactly(1);
      assertThat(w.s.ints(Buf.NEARBY).get(0)).as("sum of a_j over V_0").isEqualTo(1);
      // player 1 at (3,4) facing N: sees (2,2)? f=1, l=-2: outside (left 1). (1,5): f=2, l=1: inside.
      assertThat(Trace.visible(w.l, pos, dir, 1)).containsExactly(2);
      assertThat(w.s.ints(Buf.NEARBY).get(1)).isEqualTo(1);
      // player 2 at (1,5) facing N: (2,2) f=-1, l=-3 outside; (3,4) f=-2 outside.
      assertThat(Trace.visible(w.l, pos, dir, 2)).isEmpty();
      assertThat(w.s.ints(Buf.NEARBY).get(2)).isEqualTo(0);
    }
  }

  @Test
  void visibleGeometryAgreesWithTheWindowScanOnTheDefaultMap() {
    try (TestWorld w = new TestWorld(Config.defaults().env(), 4, 11)) {
      for (int k = 0; k < 300; k++) {
        w.env.stepRandom();
        for (int e = 0; e < 4; e++) {
          int[] pos = new int[7];
          int[] dir = new int[7];
          for (int i = 0; i < 7; i++) {
            pos[i] = w.pos(e, i);
            dir[i] = w.dir(e, i);
          }
          for (int i = 0; i < 7; i++) {
            List<Integer> v = Trace.visible(w.l, pos, dir, i);
            int sum = 0;
            for (int j : v) sum += w.eaten(e, j);
            long shown = String.join("", w.window(e, i)).chars().filter(ch -> ch == 'P').count();
            assertThat(shown).as("players drawn in the window = |V_i|").isEqualTo(v.size());
            assertThat(w.s.ints(Buf.NEARBY).get(e * 7 + i)).isEqualTo(sum);
          }
        }
      }
    }
  }

  /**
   * With more players than cells in the box an eater can be seen from, NEARBY is counted by
   * visiting the players around each eater; it must still be the sum of a_j over V_i.
   */
  @Test
  void nearbyCountedAroundEatersOnACrowdedMapAgreesWithTheVisibleSet() {
    String yaml = "env:\n  map: generated\n  players: 500\n  generated: {seed: 5}\n";
    try (TestWorld w = new TestWorld(Config.parse(yaml, "test").env(), 2, 13)) {
      int n = w.n;
      int[] pos = new int[n];
      int[] dir = new int[n];
      long eaters = 0;
      for (int k = 0; k < 40; k++) {
        w.env.stepRandom();
        for (int e = 0; e < 2; e++) {
          for (int i = 0; i < n; i++) {
            pos[i] = w.pos(e, i);
            dir[i] = w.dir(e, i);
            eaters += w.eaten(e, i);
          }
          for (int i = 0; i < n; i++) {
            int sum = 0;
            if (pos[i] >= 0) for (int j : Trace.visible(w.l, pos, dir, i)) sum += w.eaten(e, j);
            assertThat(w.s.ints(Buf.NEARBY).get(e * n + i)).as("NEARBY of player %d, env %d, step %d", i, e, k).isEqualTo(sum);
          }
        }
      }
      assertThat(eaters).as("the case has eaters to count").isGreaterThan(50);
    }
  }
}
