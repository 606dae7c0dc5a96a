package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;

/** docs/RULES.md section 3, step 10: time-limit truncation and auto-reset keeping the final observation. */
class EpisodeTest {
  static Config cfg(int episode) {
    return Config.parse("env: {episode_length: " + episode + ", tax: {period: 4}, voting: {round_periods: 2}}\n", "t");
  }

  @Test
  void doneExactlyAtTheEpisodeLengthThenTheEnvStartsAnew() {
    try (TestWorld w = new TestWorld(cfg(16).env(), 2, 3)) {
      for (int k = 1; k <= 40; k++) {
        w.env.stepRandom();
        boolean expect = k % 16 == 0;
        for (int e = 0; e < 2; e++) assertThat(w.env.dones().get(e) != 0).as("step %d", k).isEqualTo(expect);
        if (expect) {
          for (int e = 0; e < 2; e++) {
            assertThat(w.s.ints(Buf.T).get(e)).isZero();
            assertThat(w.apples(e)).as("full apple map").isEqualTo(64);
            for (int i = 0; i < 7; i++) assertThat(w.s.ints(Buf.PERIOD_INCOME).get(e * 7 + i)).isZero();
          }
        }
      }
    }
  }

  /**
   * The final observation equals the observation the same simulation gives when its episode is
   * longer (no reset at that step): same seed, same streams, so the states agree up to the end.
   */
  @Test
  void finalObservationIsTheLastStateOfTheOldEpisode() {
    try (TestWorld shortEp = new TestWorld(cfg(16).env(), 3, 5);
         TestWorld longEp = new TestWorld(cfg(32).env(), 3, 5)) {
      for (int k = 0; k < 16; k++) {
        shortEp.env.stepRandom();
        longEp.env.stepRandom();
      }
      assertThat(shortEp.env.dones().get(0)).isEqualTo((byte) 1);
      assertThat(longEp.env.dones().get(0)).isEqualTo((byte) 0);
      assertThat(bytes(shortEp.env.finalObs())).isEqualTo(bytes(longEp.env.obs()));
      assertThat(floats(shortEp.s.floats(Buf.FINAL_SCALARS))).isEqualTo(floats(longEp.s.floats(Buf.OBS_SCALARS)));
      assertThat(bytes(shortEp.s.bytes(Buf.FINAL_GRID))).isEqualTo(bytes(longEp.s.bytes(Buf.GRID)));
      assertThat(bytes(shortEp.env.obs())).as("the new episode's first observation differs").isNotEqualTo(bytes(longEp.env.obs()));
      assertThat(floats(shortEp.env.rewards())).as("rewards of the last step are the old episode's").isEqualTo(floats(longEp.env.rewards()));
    }
  }

  @Test
  void typesStayFixedAcrossEpisodes() {
    try (TestWorld w = new TestWorld(cfg(8).env(), 2, 5)) {
      float[] before = floats(w.s.floats(Buf.SIGMA));
      for (int k = 0; k < 20; k++) w.env.stepRandom();
      assertThat(floats(w.s.floats(Buf.SIGMA))).isEqualTo(before);
    }
  }

  @Test
  void spawnPointsAreDistinctAndOnSpawnCells() {
    try (TestWorld w = new TestWorld(Config.defaults().env(), 64, 9)) {
      java.util.Set<Integer> spawns = new java.util.HashSet<>();
      for (int s : w.l.spawns) spawns.add(s);
      for (int e = 0; e < 64; e++) {
        java.util.Set<Integer> cells = new java.util.HashSet<>();
        for (int i = 0; i < 7; i++) {
          assertThat(spawns).contains(w.pos(e, i));
          assertThat(cells.add(w.pos(e, i))).isTrue();
          assertThat(w.cell(e, w.row(e, i), w.col(e, i))).isEqualTo(GameMap.EMPTY);
        }
      }
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.capacity()];
    b.get(0, out);
    return out;
  }

  static float[] floats(java.nio.FloatBuffer b) {
    float[] out = new float[b.capacity()];
    b.get(0, out);
    return out;
  }
}
