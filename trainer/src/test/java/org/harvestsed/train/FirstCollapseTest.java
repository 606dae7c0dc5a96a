package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** The step at which a patch first holds no apple (issue 24): per env, kept once found; an env whose patches live stays -1. */
class FirstCollapseTest {
  @Test
  void thePatchWhoseLastAppleGoesIsFoundAtThatStep() {
    Config c = Config.parse("""
        env:
          map: custom
          players: 2
          ascii: ["WWWWWWWWW", "WA AP A W", "WAA P AAW", "WWWWWWWWW"]
          episode_length: 100
          tax: {period: 10}
          voting: {round_periods: 10}
        """, "t");
    try (VecEnv env = VecEnv.create(c.env(), 3, "java", 1)) {
      env.reset(1);
      Layout l = env.state().layout;
      assertThat(l.components).as("two patches: the left three sites and the right three").isEqualTo(2);
      int[] collapse = {-1, -1, -1};
      Evaluator.firstCollapse(env, collapse, 5);
      assertThat(collapse).as("every patch full").containsExactly(-1, -1, -1);
      ByteBuffer grid = env.state().bytes(Buf.GRID);
      int c0 = 0;
      for (int k = l.compStart[c0]; k < l.compStart[c0 + 1] - 1; k++) grid.put(l.cells + l.sites[l.compMembers[k]], GameMap.EMPTY);
      Evaluator.firstCollapse(env, collapse, 6);
      assertThat(collapse).as("env 1's patch keeps one apple").containsExactly(-1, -1, -1);
      grid.put(l.cells + l.sites[l.compMembers[l.compStart[c0 + 1] - 1]], GameMap.EMPTY);
      Evaluator.firstCollapse(env, collapse, 7);
      assertThat(collapse).containsExactly(-1, 7, -1);
      for (int k = l.compStart[1]; k < l.compStart[2]; k++) grid.put(2 * l.cells + l.sites[l.compMembers[k]], GameMap.EMPTY);
      Evaluator.firstCollapse(env, collapse, 9);
      assertThat(collapse).as("the first collapse is kept").containsExactly(-1, 7, 9);
    }
  }
}
