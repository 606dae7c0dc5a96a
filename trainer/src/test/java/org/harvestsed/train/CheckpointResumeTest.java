package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints round-trip exactly; resume continues the counters; bad train configs are refused. */
class CheckpointResumeTest {
  static final String TINY = "env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 5}}\n"
      + "run: {envs: 4, seed: 3}\n"
      + "train: {total_steps: %d, num_steps: 16, num_minibatches: 2, update_epochs: 1, phase1_steps: 64, cap_anneal_steps: 64, principal_batch: 8, checkpoint_every: 1}\n";

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void checkpointRoundTripsNetworksOptimizersAndTheRunsStateExactly(@TempDir Path dir) throws Exception {
    Config c = Config.parse(String.format(TINY, 192), "t");
    TrainConfig tc = TrainConfig.parse(c.train());
    try (Trainer a = new Trainer(c, tc, dir.resolve("a"))) {
      a.run(); // 3 iterations: the optimizers have state, the principal acted in phase 2
      try (Trainer b = new Trainer(c, tc, dir.resolve("b"))) {
        b.resume(dir.resolve("a"));
        assertThat(b.iteration()).isEqualTo(3);
        assertThat(b.globalStep()).isEqualTo(192);
        List<NDArray> mine = a.players().parameters();
        for (int i = 0; i < mine.size(); i++) assertThat(b.players().parameters().get(i).toFloatArray()).isEqualTo(mine.get(i).toFloatArray());
        assertThat(b.principalUpdates()).isEqualTo(a.principalUpdates()).isPositive();
        // saving what was loaded (networks, optimizers, pending transitions, env state) gives the same bytes
        b.checkpoint();
        assertThat(Files.readAllBytes(dir.resolve("b/checkpoint.bin"))).isEqualTo(Files.readAllBytes(dir.resolve("a/checkpoint.bin")));
      }
    }
  }

  @Test
  void resumeContinuesTheCounters(@TempDir Path dir) throws Exception {
    Config first = Config.parse(String.format(TINY, 128), "t");
    try (Trainer a = new Trainer(first, TrainConfig.parse(first.train()), dir)) {
      a.run();
    }
    Config more = Config.parse(String.format(TINY, 256), "t");
    try (Trainer b = new Trainer(more, TrainConfig.parse(more.train()), dir)) {
      b.resume(dir);
      assertThat(b.iteration()).isEqualTo(2);
      assertThat(b.globalStep()).isEqualTo(128);
      b.run();
      assertThat(b.iteration()).isEqualTo(4);
      assertThat(b.globalStep()).isEqualTo(256);
    }
    List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
    assertThat(csv).hasSize(5); // one header, 4 iterations
    assertThat(csv.get(3)).startsWith("3,192,");
    assertThat(csv.get(0)).contains("losses/approx_kl", "losses/clipfrac", "losses/entropy", "losses/explained_variance", "charts/SPS");
  }

  /**
   * A run killed (kill -9) after logging an iteration but before checkpointing it resumes from the
   * checkpoint's iteration: metrics.csv keeps every iteration exactly once.
   */
  @Test
  void resumeDropsTheRowsLoggedAfterTheCheckpoint(@TempDir Path dir) throws Exception {
    Config first = Config.parse(String.format(TINY.replace("checkpoint_every: 1", "checkpoint_every: 2"), 192), "t");
    Path saved = dir.resolve("checkpoint-at-2.bin");
    try (Trainer a = new Trainer(first, TrainConfig.parse(first.train()), dir.resolve("run"))) {
      a.onProgress(msg -> {
        try {
          if (a.iteration() == 2) Files.copy(dir.resolve("run/checkpoint.bin"), saved);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      a.run(); // iterations 1..3; checkpoints after 2 and (the end) 3
    }
    // as if killed after logging iteration 3 and before its checkpoint: the checkpoint is iteration 2's
    Files.copy(saved, dir.resolve("run/checkpoint.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.readAllLines(dir.resolve("run/metrics.csv"))).hasSize(4);
    Config more = Config.parse(String.format(TINY, 256), "t");
    try (Trainer b = new Trainer(more, TrainConfig.parse(more.train()), dir.resolve("run"))) {
      b.resume(dir.resolve("run"));
      assertThat(b.iteration()).isEqualTo(2);
      b.run();
    }
    List<String> csv = Files.readAllLines(dir.resolve("run/metrics.csv"));
    List<String> iterations = csv.subList(1, csv.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList();
    assertThat(iterations).containsExactly("1", "2", "3", "4");
  }

  @Test
  void resumeWithoutACheckpointIsAClearError(@TempDir Path dir) {
    Config c = Config.parse(String.format(TINY, 128), "t");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      assertThatThrownBy(() -> t.resume(dir)).hasMessageContaining("no checkpoint in " + dir);
    }
  }

  @Test
  void badTrainConfigsAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> TrainConfig.parse(Config.parse("train: {lerning_rate: 0.1}", "t").train()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.lerning_rate: unknown key");
    assertThatThrownBy(() -> TrainConfig.parse(Config.parse("train: {lr: -0.001}", "t").train()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.lr: -0.001 must be a positive number");
    Config c = Config.parse("run: {envs: 1}\ntrain: {num_steps: 2, num_minibatches: 100}", "t");
    TrainConfig tc = TrainConfig.parse(c.train());
    assertThatThrownBy(() -> tc.validateSizes(1, 7)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("train.num_minibatches: 100 minibatches do not fit in a batch of 14 samples");
    assertThatThrownBy(() -> TrainConfig.parse(Config.parse("train: {gamma: 1.5}", "t").train())).hasMessageContaining("train.gamma: 1.5 is outside [0, 1]");
  }
}
