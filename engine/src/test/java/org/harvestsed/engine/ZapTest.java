package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 2, action 7: the optional zap beam, removal, respawn and cooldown. */
class ZapTest {
  static final String ZAP = "zap: {enabled: true, fire_cost: 0.5, hit_penalty: 2}";
  static final String[] ROOM = {
      "WWWWWWWWWW",
      "W        W",
      "W        W",
      "W        W",
      "WPPPP    W",
      "WWWWWWWWWW"};

  static TestWorld arranged(String[] rows) {
    TestWorld w = new TestWorld(TestWorld.yaml(4, rows, ZAP, "regrowth: {probabilities: [0, 0, 0, 0]}"), 1, 1);
    w.clearPlayers(0);
    w.place(0, 0, 2, 2, 1); // shooter, facing east
    return w;
  }

  @Test
  void beamHitsPlayersWithinLengthAndWidthOnly() {
    try (TestWorld w = arranged(ROOM)) {
      w.place(0, 1, 2, 4, 0); // 2 ahead, centre lane: hit
      w.place(0, 2, 3, 5, 0); // 3 ahead, right lane: hit
      w.place(0, 3, 2, 6, 0); // 4 ahead: out of range
      w.step(7, 0, 0, 0);
      assertThat(w.s.ints(Buf.ZAP_FLAGS).get(0)).as("shooter fired").isEqualTo(1);
      assertThat(w.pos(0, 1)).isEqualTo(-1);
      assertThat(w.pos(0, 2)).isEqualTo(-1);
      assertThat(w.pos(0, 3)).isNotEqualTo(-1);
      assertThat(w.f(Buf.R_EXT, 0, 0)).isEqualTo(-0.5f);
      assertThat(w.f(Buf.R_EXT, 0, 1)).isEqualTo(-2f);
      assertThat(w.f(Buf.R_EXT, 0, 3)).isEqualTo(0f);
    }
  }

  @Test
  void wallsStopTheBeam() {
    String[] walled = {
        "WWWWWWWWWW",
        "W        W",
        "W  W     W",
        "W        W",
        "WPPPP    W",
        "WWWWWWWWWW"};
    try (TestWorld w = arranged(walled)) {
      w.place(0, 1, 2, 4, 0); // behind the wall at (2,3): safe
      w.place(0, 2, 3, 4, 0); // right lane is open: hit
      w.place(0, 3, 1, 2, 0); // left lane (north of the shooter facing east), f = 0: not in the beam
      w.step(7, 0, 0, 0);
      assertThat(w.pos(0, 1)).isNotEqualTo(-1);
      assertThat(w.pos(0, 2)).isEqualTo(-1);
      assertThat(w.pos(0, 3)).isNotEqualTo(-1);
    }
  }

  @Test
  void aHitPlayerIsOffTheMapFor4StepsThenRespawnsOnAFreeSpawnPoint() {
    try (TestWorld w = arranged(ROOM)) {
      w.place(0, 1, 2, 3, 0);
      w.place(0, 2, 1, 8, 0);
      w.place(0, 3, 3, 8, 0);
      w.setCell(0, 2, 3, (byte) 0);
      w.step(7, 0, 0, 0); // step 1: hit
      for (int k = 2; k <= 4; k++) {
        assertThat(w.pos(0, 1)).as("still removed after step %d", k - 1).isEqualTo(-1);
        assertThat(String.join("", w.window(0, 1))).as("a removed player sees nothing").matches("W+");
        assertThat(w.window(0, 0)[8].charAt(5)).as("its old cell, one ahead of the shooter, shows no player").isEqualTo('.');
        w.step(0, 1, 0, 0); // its FORWARD is ignored
        assertThat(w.eaten(0, 1)).isZero();
      }
      assertThat(w.pos(0, 1)).as("off for 4 steps").isEqualTo(-1);
      w.step(0, 0, 0, 0); // step 5: back
      assertThat(w.pos(0, 1)).isNotEqualTo(-1);
      assertThat(w.row(0, 1)).as("on a spawn point").isEqualTo(4);
      assertThat(w.col(0, 1)).isBetween(1, 4);
      assertThat((int) w.s.shorts(Buf.OCC).get(w.pos(0, 1))).isEqualTo(1);
    }
  }

  @Test
  void cooldownIgnoresZapsForTwoStepsAfterFiring() {
    try (TestWorld w = arranged(ROOM)) {
      w.place(0, 1, 1, 8, 0);
      w.place(0, 2, 3, 8, 0);
      w.place(0, 3, 4, 8, 0);
      int[] fired = new int[5];
      for (int k = 0; k < 5; k++) {
        w.step(7, 0, 0, 0);
        fired[k] = w.s.ints(Buf.ZAP_FLAGS).get(0) & 1;
      }
      assertThat(fired).containsExactly(1, 0, 0, 1, 0);
    }
  }

  @Test
  void zapIsNotAnActionWhenDisabled() {
    try (TestWorld w = new TestWorld(TestWorld.yaml(4, ROOM), 1, 1)) {
      assertThat(w.env.spec().actions()).isEqualTo(7);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.step(7, 0, 0, 0)).hasMessageContaining("needs env.zap.enabled: true");
    }
  }
}
