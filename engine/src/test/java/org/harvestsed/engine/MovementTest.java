package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 2: actions, and the sequential move resolution in a random order. */
class MovementTest {
  static final String[] ROOM = {
      "WWWWWWW",
      "WP    W",
      "W     W",
      "W     W",
      "W    PW",
      "WWWWWWW"};
  /** No walls: the map's edge is the only boundary. */
  static final String[] OPEN = {
      "P  ",
      "   ",
      "  P"};

  static TestWorld world(int players, String[] rows, long seed) {
    return new TestWorld(TestWorld.yaml(players, rows), 1, seed);
  }

  @Test
  void eachMoveIsRelativeToOrientation() {
    // expected (dr, dc) per orientation o (N, E, S, W) and action FORWARD, BACKWARD, STEP_LEFT, STEP_RIGHT
    int[][][] expected = {
        {{-1, 0}, {1, 0}, {0, -1}, {0, 1}},   // N
        {{0, 1}, {0, -1}, {-1, 0}, {1, 0}},   // E
        {{1, 0}, {-1, 0}, {0, 1}, {0, -1}},   // S
        {{0, -1}, {0, 1}, {1, 0}, {-1, 0}}};  // W
    try (TestWorld w = world(1, ROOM, 1)) {
      for (int o = 0; o < 4; o++) {
        for (int a = 1; a <= 4; a++) {
          w.place(0, 0, 2, 3, o);
          w.step(a);
          assertThat(new int[] {w.row(0, 0) - 2, w.col(0, 0) - 3}).as("orientation %d action %d", o, a).containsExactly(expected[o][a - 1]);
          assertThat(w.dir(0, 0)).as("moving does not turn").isEqualTo(o);
        }
      }
    }
  }

  @Test
  void turningChangesOnlyOrientation() {
    try (TestWorld w = world(1, ROOM, 1)) {
      w.place(0, 0, 2, 3, 0);
      w.step(5); // TURN_LEFT: (o + 3) mod 4
      assertThat(w.dir(0, 0)).isEqualTo(3);
      w.step(5);
      assertThat(w.dir(0, 0)).isEqualTo(2);
      w.step(6); // TURN_RIGHT: (o + 1) mod 4
      w.step(6);
      w.step(6);
      assertThat(w.dir(0, 0)).isEqualTo(1);
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(2, 3);
      w.step(0); // NOOP
      assertThat(w.dir(0, 0)).isEqualTo(1);
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(2, 3);
    }
  }

  @Test
  void moveIntoWallIsBlocked() {
    try (TestWorld w = world(1, ROOM, 1)) {
      w.place(0, 0, 1, 1, 0); // facing the north wall
      w.step(1);
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(1, 1);
      w.step(3); // STEP_LEFT while facing N = west: wall
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(1, 1);
      w.step(2); // BACKWARD = south: free
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(2, 1);
    }
  }

  @Test
  void moveOffTheMapIsBlocked() {
    try (TestWorld w = world(1, OPEN, 1)) {
      for (int o = 0; o < 4; o++) {
        int r = o == 0 ? 0 : o == 2 ? 2 : 1;
        int c = o == 3 ? 0 : o == 1 ? 2 : 1;
        w.place(0, 0, r, c, o);
        w.step(1);
        assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).as("facing %d at the edge", o).containsExactly(r, c);
      }
    }
  }

  @Test
  void moveIntoOccupiedCellIsBlocked() {
    try (TestWorld w = world(2, ROOM, 1)) {
      w.place(0, 0, 2, 2, 1); // facing east, at the player 1
      w.place(0, 1, 2, 3, 0);
      w.step(1, 0);
      assertThat(new int[] {w.row(0, 0), w.col(0, 0)}).containsExactly(2, 2);
      assertThat(new int[] {w.row(0, 1), w.col(0, 1)}).containsExactly(2, 3);
    }
  }

  @Test
  void twoPlayersRacingForOneCellExactlyOneWinsAndBothCanWin() {
    Set<Integer> winners = new HashSet<>();
    for (long seed = 1; seed <= 60; seed++) {
      try (TestWorld w = world(2, ROOM, seed)) {
        w.place(0, 0, 2, 1, 1); // east, target (2,2)
        w.place(0, 1, 2, 3, 3); // west, target (2,2)
        w.step(1, 1);
        boolean moved0 = w.col(0, 0) == 2;
        boolean moved1 = w.col(0, 1) == 2;
        assertThat(moved0 ^ moved1).as("exactly one enters the cell, seed %d", seed).isTrue();
        int winner = moved0 ? 0 : 1;
        assertThat(w.s.ints(Buf.ORDER).get(0)).as("the winner moved first in the step's order").isEqualTo(winner);
        winners.add(winner);
      }
    }
    assertThat(winners).as("the order is random: each player wins some races").containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void aFollowerMovesOnlyIfTheLeaderMovedBeforeIt() {
    Set<Boolean> outcomes = new HashSet<>();
    for (long seed = 1; seed <= 60; seed++) {
      try (TestWorld w = world(2, ROOM, seed)) {
        w.place(0, 0, 2, 1, 1); // follower
        w.place(0, 1, 2, 2, 1); // leader, both facing east
        w.step(1, 1);
        assertThat(w.col(0, 1)).isEqualTo(3);
        boolean leaderFirst = w.s.ints(Buf.ORDER).get(0) == 1;
        assertThat(w.col(0, 0)).as("seed %d", seed).isEqualTo(leaderFirst ? 2 : 1);
        outcomes.add(leaderFirst);
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void invalidActionIdIsAClearErrorAndChangesNothing() {
    try (TestWorld w = world(2, ROOM, 1)) {
      w.place(0, 0, 2, 2, 1);
      int tick = w.s.ints(Buf.TICK).get(0);
      assertThatThrownBy(() -> w.step(1, 7))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("action 7 of player 1 in env 0 is not a valid action id")
          .hasMessageContaining("6 TURN_RIGHT")
          .hasMessageContaining("ZAP) needs env.zap.enabled: true");
      assertThatThrownBy(() -> w.step(-1, 0)).hasMessageContaining("action -1 of player 0");
      assertThat(w.s.ints(Buf.TICK).get(0)).isEqualTo(tick);
      assertThat(w.col(0, 0)).isEqualTo(2);
    }
  }

  @Test
  void moveOrderIsAPermutationThatVariesFromStepToStep() {
    try (TestWorld w = new TestWorld(org.harvestsed.engine.config.Config.defaults().env(), 1, 5)) {
      Set<String> orders = new HashSet<>();
      for (int k = 0; k < 50; k++) {
        w.step(0, 0, 0, 0, 0, 0, 0);
        int[] o = new int[7];
        for (int i = 0; i < 7; i++) o[i] = w.s.ints(Buf.ORDER).get(i);
        assertThat(o).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
        orders.add(java.util.Arrays.toString(o));
      }
      assertThat(orders.size()).isGreaterThan(40);
    }
  }
}
