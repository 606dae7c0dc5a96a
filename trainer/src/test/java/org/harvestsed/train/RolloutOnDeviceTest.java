package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts on the learner's device (issue 13): the same seed gives the same metrics.csv, the
 * per-iteration copies between the engine's buffers and the learner are counted, and a rollout
 * step allocates no Java heap in proportion to the number of players.
 */
class RolloutOnDeviceTest {
  /** Phase 1 for 2 iterations, then phase 2 (the principal acts and learns) for 2: 4 x 16 steps x 4 envs. */
  static final String RUN = "env: {" + TinyGame.MAP + ", episode_length: 40, tax: {period: 10}, voting: {round_periods: 4}}\n"
      + "run: {envs: 4, seed: %d}\n"
      + "train: {total_steps: 256, num_steps: 16, num_minibatches: 2, update_epochs: 2, phase1_steps: 128, cap_anneal_steps: 64,"
      + " principal_batch: 8, checkpoint_every: 100}\n";

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  static List<String> metricsWithoutWallClock(Path dir, long seed) throws Exception {
    return metricsWithoutWallClock(dir, seed, false);
  }

  /** {@code tensorPath}: the path a GPU learner takes (staged copies, tensor sampler), here on the CPU. */
  static List<String> metricsWithoutWallClock(Path dir, long seed, boolean tensorPath) throws Exception {
    Config c = Config.parse(String.format(RUN, seed), "t");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir, tensorPath)) {
      t.run();
    }
    List<Integer> clock = new ArrayList<>();
    for (String col : Metrics.WALL_CLOCK) clock.add(Metrics.COLUMNS.indexOf(col));
    return blank(Files.readAllLines(dir.resolve(Metrics.FILE)), clock);
  }

  /** metrics.csv lines with the given columns emptied in every row after the header (each row checked to have every column). */
  static List<String> blank(List<String> lines, List<Integer> columns) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      String[] v = lines.get(k).split(",", -1);
      assertThat(v).hasSize(Metrics.COLUMNS.size());
      if (k > 0) for (int i : columns) v[i] = "";
      out.add(String.join(",", v));
    }
    return out;
  }

  @Test
  void theSameSeedGivesTheSameMetrics(@TempDir Path dir) throws Exception {
    List<String> a = metricsWithoutWallClock(dir.resolve("a"), 5);
    List<String> b = metricsWithoutWallClock(dir.resolve("b"), 5);
    List<String> other = metricsWithoutWallClock(dir.resolve("c"), 6);
    assertThat(a).hasSize(1 + 4);
    assertThat(a.get(4).split(",")[Metrics.COLUMNS.indexOf("charts/phase")]).as("the run reaches phase 2").isEqualTo("2");
    assertThat(b).isEqualTo(a);
    assertThat(other.subList(1, 5)).as("another seed gives other metrics").isNotEqualTo(a.subList(1, 5));
  }

  @Test
  void theGpuPathGivesTheSameRunAsTheHostPath(@TempDir Path dir) throws Exception {
    List<String> host = metricsWithoutWallClock(dir.resolve("host"), 5, false);
    List<String> tensor = metricsWithoutWallClock(dir.resolve("tensor"), 5, true);
    // the counted copies differ by design (the staged path sends rewards and dones with the next
    // step's observation, plus one tail per rollout); every learning figure must be equal
    List<Integer> counted = List.of(Metrics.COLUMNS.indexOf("transfer/to_learner_bytes"));
    assertThat(blank(tensor, counted)).isEqualTo(blank(host, counted));
  }

  @Test
  void copiesBetweenEngineAndLearnerAreCountedPerIteration(@TempDir Path dir) throws Exception {
    Config c = Config.parse(String.format(RUN, 1), "t");
    TrainConfig tc = TrainConfig.parse(c.train());
    try (Trainer t = new Trainer(c, tc, dir)) {
      t.start();
      Metrics row = t.step(); // phase 1: no principal
      int envs = 4, players = 2, m = envs * players, view = c.env().obsCells(), f = c.env().scalars(), steps = 16;
      // per step: codes (1 B per cell), features (4 B each), rewards (4 B), dones (1 B per env) in; action ids (4 B) out
      // per update epoch (2) its minibatch order, 8 B per sample (drawn on the host: docs/RULES.md section 8)
      long in = (long) steps * (m * view + 4L * m * f + 4L * m + envs) + 2L * 8 * steps * m;
      // per minibatch its six loss figures, per update the summed gradient norm and the explained variance's two moments
      long out = (long) steps * 4 * m + 2L * 2 * 6 * 4 + 4 + 8;
      assertThat(Long.parseLong(row.get("transfer/to_learner_bytes"))).isEqualTo(in);
      assertThat(Long.parseLong(row.get("transfer/from_learner_bytes"))).isEqualTo(out);
      assertThat(row.get("transfer/env_to_device_bytes")).as("the java backend copies nothing").isEqualTo("0");
      assertThat(row.get("transfer/env_from_device_bytes")).isEqualTo("0");
      double share = Double.parseDouble(row.get("charts/rollout_fraction"));
      assertThat(share).isBetween(0.0, 1.0);
    }
    try (Trainer t = new Trainer(c, tc, dir.resolve("tensor"), true)) {
      t.start();
      Metrics row = t.step();
      int envs = 4, players = 2, m = envs * players, view = c.env().obsCells(), f = c.env().scalars(), steps = 16;
      long staged = m * view + envs + 4L * m * f + 4L * m; // one send per step: codes, dones, features, rewards
      long tail = envs + 4L * m;                            // the last step's dones and rewards
      long orders = 2L * 8 * steps * m;                     // per update epoch the minibatch order
      // (on a GPU, V(s_T) and V(final observation) add their inputs' copies, and each step the
      // players' uniforms, 4 B per player; on the CPU they are read in place)
      assertThat(Long.parseLong(row.get("transfer/to_learner_bytes"))).as("the GPU path's copies, on the CPU")
          .isEqualTo(steps * staged + tail + orders);
    }
  }

  @Test
  void thePrincipalsUpdatesAreTimedAsAPartOfTheRollout(@TempDir Path dir) throws Exception {
    Config c = Config.parse(String.format(RUN, 1), "t");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.start();
      long updatesBefore = 0;
      int phase2Rows = 0;
      for (int i = 0; i < 4; i++) {
        Metrics row = t.step();
        double principal = Double.parseDouble(row.get("charts/principal_update_s"));
        double rollout = Double.parseDouble(row.get("charts/rollout_s"));
        if (row.get("principal/updates").isEmpty()) { // a rollout of phase 1 (the row's phase is the next iteration's)
          assertThat(principal).as("phase 1: no principal learns").isZero();
          continue;
        }
        phase2Rows++;
        long updates = Long.parseLong(row.get("principal/updates"));
        // 16 steps x 4 envs = 1.6 periods per iteration; a batch of 8 = 2 periods of 4 envs
        if (updates > updatesBefore) assertThat(principal).as("iteration %d ran %d principal updates", i, updates - updatesBefore).isPositive();
        else assertThat(principal).isZero();
        assertThat(principal).isLessThanOrEqualTo(rollout);
        updatesBefore = updates;
      }
      assertThat(phase2Rows).isEqualTo(2);
      assertThat(updatesBefore).as("the principal learned in phase 2").isPositive();
    }
  }

  @Test
  void aRolloutStepAllocatesNoHeapInProportionToThePlayers() {
    long small = heapBytesPerStep(4), large = heapBytesPerStep(256);
    System.out.printf("heap bytes per rollout step: %d at 8 players, %d at 512 players%n", small, large);
    // 256 envs x 2 players: one heap copy of the codes alone would be 512 x 30 B = 15 KB per step
    assertThat(large - small).as("bytes per step at 512 players (%d) minus at 8 players (%d)", large, small).isLessThan(2_000);
  }

  /** Java heap bytes this thread allocates per rollout step (32 steps, no episode or round ends), after a warm-up collect. */
  static long heapBytesPerStep(int envs) {
    Config c = Config.parse("env: {" + TinyGame.MAP + ", episode_length: 100, tax: {period: 10}, voting: {round_periods: 10}}\n"
        + "run: {envs: " + envs + ", seed: 1}\n", "t");
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().threadId();
    HostCopies copies = new HostCopies();
    try (NDManager nd = NDManager.newBaseManager(ai.djl.Device.cpu());
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1);
         PlayerNet net = new PlayerNet(nd, c.env().obsRows(), c.env().obsCols(), c.env().scalars(), c.env().actions(), 1);
         PlayerPolicy policy = new PlayerPolicy(net, env, nd, copies);
         Rollout r = new Rollout(32, env, nd, copies)) {
      env.reset(1);
      r.collect(env, policy, null, new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.ACTION), 0);
      env.reset(2);
      long before = mx.getThreadAllocatedBytes(id);
      r.collect(env, policy, null, new org.harvestsed.engine.rng.Draws(1, org.harvestsed.engine.rng.Purpose.ACTION), 0);
      return (mx.getThreadAllocatedBytes(id) - before) / 32;
    }
  }
}
