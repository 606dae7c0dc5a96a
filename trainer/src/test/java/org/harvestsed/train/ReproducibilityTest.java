package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is a function of its config and seed alone (issue 22, docs/RULES.md section 8): resumed
 * after a stop at any iteration it writes the metrics.csv of the run never stopped; two runs at
 * once in one JVM give what each gives alone; the env workers' count does not change it.
 */
class ReproducibilityTest {
  /**
   * 7 iterations of 16 steps x 4 envs: phase 1 for 3, phase 2 (the principal acting, learning
   * every 2 periods) for 4; 40-step episodes and 10-step periods, so iterations end mid-episode and
   * mid-period, with the principal's batch half full.
   */
  static final String RUN = "env: {" + TinyGame.MAP + ", episode_length: 40, tax: {period: 10}, voting: {round_periods: 4}}\n"
      + "run: {envs: 4, seed: %d, threads: %d}\n"
      + "train: {total_steps: 448, num_steps: 16, num_minibatches: 2, update_epochs: 2, phase1_steps: 192, cap_anneal_steps: 64,"
      + " principal_batch: 8, checkpoint_every: 100}\n";

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  private static Config config(long seed, int threads) {
    return Config.parse(String.format(RUN, seed, threads), "t");
  }

  /**
   * The run in {@code dir}, stopped after iteration {@code stopAfter} (0: never; a stop asked for
   * during iteration k, as SIGTERM does, takes effect after it) and resumed by a new trainer; its
   * metrics without clock columns.
   */
  private static List<String> run(Path dir, Config c, int stopAfter, boolean tensorPath) throws Exception {
    TrainConfig tc = TrainConfig.parse(c.train());
    try (Trainer t = new Trainer(c, tc, dir, tensorPath)) {
      if (stopAfter > 0) t.onProgress(msg -> {
        if (t.iteration() == stopAfter - 1) t.requestStop(); // after the progress of iteration k - 1: during iteration k
      });
      boolean finished = t.run();
      assertThat(finished).isEqualTo(stopAfter == 0);
    }
    if (stopAfter > 0) {
      try (Trainer t = new Trainer(c, tc, dir, tensorPath)) {
        t.resume(dir);
        assertThat(t.iteration()).isEqualTo(stopAfter);
        assertThat(t.run()).isTrue();
      }
    }
    return withoutClock(dir);
  }

  static List<String> withoutClock(Path dir) throws Exception {
    List<Integer> clock = new ArrayList<>();
    for (String col : Metrics.WALL_CLOCK) clock.add(Metrics.COLUMNS.indexOf(col));
    return RolloutOnDeviceTest.blank(Files.readAllLines(dir.resolve(Metrics.FILE)), clock);
  }

  @Test
  void aRunStoppedInPhase1OrPhase2AndResumedWritesTheMetricsOfTheRunNeverStopped(@TempDir Path dir) throws Exception {
    Config c = config(5, 1);
    List<String> never = run(dir.resolve("never"), c, 0, false);
    assertThat(never).hasSize(1 + 7);
    assertThat(never.get(7).split(",")[Metrics.COLUMNS.indexOf("charts/phase")]).isEqualTo("2");
    assertThat(never.get(7).split(",")[Metrics.COLUMNS.indexOf("principal/updates")]).as("the principal learned").isNotIn("", "0");
    assertThat(run(dir.resolve("phase1"), c, 2, false)).as("stopped in phase 1").isEqualTo(never);
    assertThat(run(dir.resolve("phase2"), c, 5, false)).as("stopped in phase 2, mid-episode and mid-period").isEqualTo(never);
  }

  @Test
  void theLearnerDevicePathResumesAsIfNeverStoppedToo(@TempDir Path dir) throws Exception {
    Config c = config(5, 1);
    List<String> never = run(dir.resolve("never"), c, 0, true);
    assertThat(run(dir.resolve("stopped"), c, 5, true)).isEqualTo(never);
  }

  @Test
  void twoRunsAtOnceInOneJvmGiveWhatEachGivesAlone(@TempDir Path dir) throws Exception {
    List<String> alone5 = run(dir.resolve("alone5"), config(5, 1), 0, false);
    List<String> alone6 = run(dir.resolve("alone6"), config(6, 1), 0, false);
    assertThat(alone6).isNotEqualTo(alone5);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<String>> a = pool.submit(() -> run(dir.resolve("together5"), config(5, 1), 0, false));
      Future<List<String>> b = pool.submit(() -> run(dir.resolve("together6"), config(6, 1), 0, false));
      assertThat(a.get()).isEqualTo(alone5);
      assertThat(b.get()).isEqualTo(alone6);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theNumberOfEnvWorkersDoesNotChangeTheRun(@TempDir Path dir) throws Exception {
    assertThat(run(dir.resolve("two"), config(7, 2), 0, false)).isEqualTo(run(dir.resolve("one"), config(7, 1), 0, false));
  }
}
