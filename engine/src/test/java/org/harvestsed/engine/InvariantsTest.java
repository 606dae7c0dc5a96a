package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;

/**
 * Invariants of the state at every step under random action sequences, on several maps, zap on
 * and off, regrowth on and off: one player per cell, players never on walls, apples only on apple
 * sites, apples eaten = sum of a_i, round totals = eaten apples.
 */
class InvariantsTest {
  static final String[] MAPS = {"commons_harvest_open", "ssd_harvest", "generated"};

  @Property(tries = 24)
  void invariantsHoldAtEveryStep(@ForAll long seed, @ForAll boolean zap, @ForAll boolean regrow,
      @ForAll @IntRange(min = 0, max = 2) int mapIndex) {
    String map = MAPS[mapIndex];
    String yaml = "env:\n  map: " + map + "\n  players: " + (map.equals("generated") ? 40 : 7) + "\n"
        + (map.equals("generated") ? "  generated: {seed: 3}\n" : "")
        + "  zap: {enabled: " + zap + "}\n  episode_length: 100\n  tax: {period: 10}\n  voting: {round_periods: 5}\n"
        + (regrow ? "" : "  regrowth: {probabilities: [0, 0, 0, 0]}\n");
    int envs = 3;
    try (TestWorld w = new TestWorld(Config.parse(yaml, "p").env(), envs, seed)) {
      int n = w.n;
      int na = w.env.spec().actions();
      Set<Integer> sites = new HashSet<>();
      for (int s : w.l.sites) sites.add(s);
      SplittableRandom rnd = new SplittableRandom(seed);
      int[] actions = new int[envs * n];
      long[] roundSum = new long[envs * n];
      for (int step = 0; step < 160; step++) {
        int[] applesBefore = new int[envs];
        for (int e = 0; e < envs; e++) applesBefore[e] = w.apples(e);
        for (int k = 0; k < actions.length; k++) actions[k] = rnd.nextInt(na);
        w.env.step(actions);
        for (int e = 0; e < envs; e++) {
          int onMap = 0;
          int eaten = 0;
          for (int i = 0; i < n; i++) {
            int p = w.pos(e, i);
            int a = w.eaten(e, i);
            assertThat(a).isBetween(0, 1);
            eaten += a;
            roundSum[e * n + i] += a;
            if (p < 0) {
              assertThat(a).as("a removed player eats nothing").isZero();
              continue;
            }
            onMap++;
            assertThat((int) w.s.shorts(Buf.OCC).get(e * w.l.cells + p)).as("occupancy agrees with position").isEqualTo(i);
            assertThat(w.s.bytes(Buf.GRID).get(e * w.l.cells + p)).as("never on a wall").isNotEqualTo(GameMap.WALL);
          }
          int occupied = 0;
          for (int c = 0; c < w.l.cells; c++) {
            if (w.s.shorts(Buf.OCC).get(e * w.l.cells + c) >= 0) occupied++;
            if (w.s.bytes(Buf.GRID).get(e * w.l.cells + c) == GameMap.APPLE) {
              assertThat(sites).as("apples only on apple sites").contains(c);
            }
          }
          assertThat(occupied).as("one player per cell").isEqualTo(onMap);
          for (int k = 0; k < w.l.sites.length; k++) {
            int around = 0;
            for (int d : w.l.neighbourhood) {
              if (w.s.bytes(Buf.GRID).get(e * w.l.cells + w.l.sites[k] + d) == GameMap.APPLE) around++;
            }
            assertThat(w.s.bytes(Buf.SITE_APPLES).get(e * w.l.sites.length + k) & 0xFF)
                .as("SITE_APPLES of site %d = apples in its neighbourhood", k).isEqualTo(around);
          }
          boolean done = w.env.dones().get(e) != 0;
          if (!done) {
            int regrown = w.apples(e) - (applesBefore[e] - eaten);
            if (regrow) assertThat(regrown).as("apples after = before - eaten + regrown").isGreaterThanOrEqualTo(0);
            else assertThat(regrown).as("no regrowth: apples after = before - sum a_i").isZero();
          }
        }
        if (w.env.roundEnded()) {
          var m = w.env.lastRoundMetrics();
          for (int e = 0; e < envs; e++) {
            long total = 0;
            for (int i = 0; i < n; i++) total += roundSum[e * n + i];
            assertThat(m[e].productivity()).as("round productivity = apples eaten in the round").isEqualTo((double) total);
          }
          java.util.Arrays.fill(roundSum, 0);
        }
      }
    }
  }

  /** A generated map with 7,000 players steps, and keeps one player per cell. */
  @net.jqwik.api.Example
  void sevenThousandPlayersOnOneMap() {
    String yaml = "env:\n  map: generated\n  players: 7000\n  generated: {seed: 1}\n";
    try (TestWorld w = new TestWorld(Config.parse(yaml, "p").env(), 1, 1)) {
      assertThat(w.l.rows).isGreaterThan(500);
      int total = 0;
      for (int k = 0; k < 5; k++) {
        w.env.stepRandom();
        Set<Integer> cells = new HashSet<>();
        for (int i = 0; i < 7000; i++) {
          int p = w.pos(0, i);
          assertThat(cells.add(p)).isTrue();
          assertThat((int) w.s.shorts(Buf.OCC).get(p)).isEqualTo(i);
          total += w.eaten(0, i);
        }
      }
      assertThat(total).as("players standing next to patches eat").isPositive();
    }
  }
}
