package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.map.GameMap;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 3, steps 5 and 6: consumption and synchronous regrowth. */
class RegrowthTest {
  @Test
  void aPlayerOnAnAppleEatsIt() {
    String[] rows = {
        "WWWWW",
        "WPA W",
        "WWWWW"};
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, rows), 1, 1)) {
      w.place(0, 0, 1, 1, 1);
      w.step(1); // onto the apple
      assertThat(w.eaten(0, 0)).isEqualTo(1);
      assertThat(w.cell(0, 1, 2)).isEqualTo(GameMap.EMPTY);
      w.step(1); // onto floor
      assertThat(w.eaten(0, 0)).isEqualTo(0);
    }
  }

  @Test
  void aSiteWithNoAppleNearbyNeverRegrows() {
    // a lone site: after it is eaten, k = 0 forever, even with P = 1 for every k >= 1
    String[] rows = {
        "WWWWWWWW",
        "WPA    W",
        "W      W",
        "W     PW",
        "WWWWWWWW"};
    // a long episode, so no auto-reset restores the map during the test
    String yaml = TestWorld.yaml(1, rows, "regrowth: {probabilities: [0, 1, 1, 1]}", "episode_length: 5000");
    try (TestWorld w = new TestWorld(yaml, 8, 1)) {
      for (int e = 0; e < 8; e++) w.place(e, 0, 1, 1, 1);
      w.step(1);
      w.step(2); // step back off the site
      for (int k = 0; k < 2000; k++) {
        w.step(0);
        for (int e = 0; e < 8; e++) assertThat(w.cell(e, 1, 2)).as("env %d step %d", e, k).isEqualTo(GameMap.EMPTY);
      }
    }
  }

  @Test
  void regrowthIsSynchronousNewApplesDoNotCountThisStep() {
    // sites at cols 2, 3, 5 of row 1 (radius 2 neighbourhood): col 5 sees col 3 (distance 2) but not col 2.
    // Player eats col 3; with P = 1 for k >= 1, col 3 regrows at once (k = 1 from col 2) but col 5
    // must not regrow in the same step: it read k = 0 on the post-consumption grid.
    String[] rows = {
        "WWWWWWWWW",
        "W AA A PW",
        "W       W",
        "WWWWWWWWW"};
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, rows, "regrowth: {probabilities: [0, 1, 1, 1]}"), 1, 1)) {
      w.setCell(0, 1, 5, GameMap.EMPTY);
      w.place(0, 0, 2, 3, 0);
      w.step(1); // onto (1,3): eats it; it regrows under the player (Melting Pot rule)
      assertThat(w.eaten(0, 0)).isEqualTo(1);
      assertThat(w.cell(0, 1, 3)).isEqualTo(GameMap.APPLE);
      assertThat(w.cell(0, 1, 5)).as("k was 0 when regrowth read the grid").isEqualTo(GameMap.EMPTY);
      w.step(2); // off it: (1,3) is eaten again? No: the player left before consumption; it stays an apple
      assertThat(w.cell(0, 1, 5)).as("next step k = 1").isEqualTo(GameMap.APPLE);
    }
  }

  @Test
  void noRegrowthUnderAPlayerWithTheSsdRule() {
    String[] rows = {
        "WWWWWWW",
        "W AA PW",
        "W     W",
        "WWWWWWW"};
    String ssd = "regrowth: {probabilities: [0, 1, 1, 1], radius_sq: 2, under_players: false}";
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, rows, ssd), 1, 1)) {
      w.place(0, 0, 2, 3, 0);
      w.step(1); // eats (1,3); it would regrow with certainty, but a player stands there
      assertThat(w.eaten(0, 0)).isEqualTo(1);
      for (int k = 0; k < 20; k++) {
        w.step(0);
        assertThat(w.cell(0, 1, 3)).isEqualTo(GameMap.EMPTY);
        assertThat(w.eaten(0, 0)).isEqualTo(0);
      }
      w.step(2); // leaves: regrows in that same step
      assertThat(w.cell(0, 1, 3)).isEqualTo(GameMap.APPLE);
    }
  }

  @Test
  void regrowthUnderAPlayerIsEatenAtItsNextConsumption() {
    String[] rows = {
        "WWWWWWW",
        "W AA PW",
        "W     W",
        "WWWWWWW"};
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, rows, "regrowth: {probabilities: [0, 1, 1, 1]}"), 1, 1)) {
      w.place(0, 0, 2, 3, 0);
      w.step(1);
      assertThat(w.eaten(0, 0)).isEqualTo(1);
      assertThat(w.cell(0, 1, 3)).isEqualTo(GameMap.APPLE);
      w.step(0); // still there: eats the regrown apple, which regrows again
      assertThat(w.eaten(0, 0)).isEqualTo(1);
    }
  }

  /**
   * Frequency of regrowth for k = 1, 2, 3 and 4 (which uses P[3]) apples nearby, over many envs
   * and steps: the count must lie within 5 standard deviations of the binomial mean.
   */
  @Test
  void regrowthFrequencyMatchesTheTableForEachK() {
    // The centre site (2,4) has k apples among its 12 neighbours; nobody moves or eats.
    String[][] maps = {
        {"WWWWWWWWW", "W       W", "W  AA   W", "W       W", "W      PW", "WWWWWWWWW"},
        {"WWWWWWWWW", "W   A   W", "W  AA   W", "W       W", "W      PW", "WWWWWWWWW"},
        {"WWWWWWWWW", "W   A   W", "W  AAA  W", "W       W", "W      PW", "WWWWWWWWW"},
        {"WWWWWWWWW", "W   A   W", "W  AAA  W", "W   A   W", "W      PW", "WWWWWWWWW"}};
    float[] p = {0f, 0.0025f, 0.005f, 0.025f};
    int envs = 256;
    int steps = 400;
    for (int m = 0; m < maps.length; m++) {
      int k = m + 1;
      try (TestWorld w = new TestWorld(TestWorld.yaml(1, maps[m]), envs, 100 + m)) {
        assertRegrowthRate(w, envs, steps, p[Math.min(k, 3)], "k = " + k);
      }
    }
  }

  @Test
  void ssdTableFrequency() {
    String[] rows = {"WWWWWWWW", "W      W", "W  AA  W", "W     PW", "WWWWWWWW"};
    int envs = 256;
    int steps = 200;
    try (TestWorld w = new TestWorld(TestWorld.yaml(1, rows, "regrowth: {probabilities: [0, 0.005, 0.02, 0.05], radius_sq: 2, under_players: false}"), envs, 9)) {
      assertRegrowthRate(w, envs, steps, 0.005, "SSD k = 1");
    }
  }

  /**
   * Empties site (2,4) before each step and counts how often it regrows: the count must lie
   * within 5 standard deviations of the binomial mean for probability q.
   */
  static void assertRegrowthRate(TestWorld w, int envs, int steps, double q, String what) {
    long regrown = 0;
    for (int s = 0; s < steps; s++) {
      for (int e = 0; e < envs; e++) w.setCell(e, 2, 4, GameMap.EMPTY);
      w.step(0);
      for (int e = 0; e < envs; e++) if (w.cell(e, 2, 4) == GameMap.APPLE) regrown++;
    }
    double trials = (double) envs * steps;
    double mean = trials * q;
    double sd = Math.sqrt(trials * q * (1 - q));
    assertThat((double) regrown).as("%s: %d regrown in %.0f trials, P = %s", what, regrown, trials, q)
        .isBetween(mean - 5 * sd, mean + 5 * sd);
  }
}
