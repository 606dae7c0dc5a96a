package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained principal is a principal like the baselines: {@code --principal learned:RUN_DIR} in
 * simulate, trace and render; train writes players.csv and the report; {@code players} compares
 * runs of several training seeds.
 */
class LearnedPrincipalCliTest {
  static final String YAML = "env: {" + org.harvestsed.train.TinyGame.MAP + """
      , episode_length: 40, tax: {period: 10, brackets: [0, 1, 3]}, voting: {round_periods: 4}}
      run: {envs: 4, seed: 5}
      train: {total_steps: 768, num_steps: 32, num_minibatches: 2, update_epochs: 1, phase1_steps: 256, cap_anneal_steps: 256,
              principal_batch: 8, checkpoint_every: 100}
      """;

  @Test
  void aTrainedPrincipalRunsInSimulateTraceAndRenderAndPlayersComparesSeeds(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, YAML);
    for (int seed = 1; seed <= 2; seed++) {
      CliTest.Run r = CliTest.cli("train", "--config", cfg.toString(), "--seed", Integer.toString(seed), "--out", dir.resolve("run" + seed).toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("apples per round", "trained players", "random players");
      assertThat(Files.readString(dir.resolve("run" + seed + "/config.yaml"))).contains("seed: " + seed);
      for (String f : List.of("players.csv", "report.md", "learning.png", "losses.png", "entropy.png", "rates.png", "players_vs_random.png")) {
        assertThat(dir.resolve("run" + seed).resolve(f)).as(f).exists();
      }
    }
    String learned = "learned:" + dir.resolve("run1");
    CliTest.Run sim = CliTest.cli("simulate", "--config", cfg.toString(), "--principal", learned, "--steps", "80", "--json");
    assertThat(sim.code()).as(sim.err()).isZero();
    JsonNode rounds = CliTest.JSON.readTree(sim.out()).get("rounds");
    assertThat(rounds).hasSize(2);
    Path trace = dir.resolve("t.jsonl");
    assertThat(CliTest.cli("trace", "--config", cfg.toString(), "--principal", learned, "--envs", "2", "--steps", "20", "--out", trace.toString()).code()).isZero();
    assertThat(Files.readAllLines(trace)).hasSize(40);
    CliTest.Run render = CliTest.cli("render", "--config", cfg.toString(), "--principal", learned, "--steps", "20");
    assertThat(render.code()).as(render.err()).isZero();
    CliTest.Run players = CliTest.cli("players", "--runs", dir.resolve("run1") + "," + dir.resolve("run2"));
    assertThat(players.code()).as(players.err()).isZero();
    assertThat(players.out()).contains("over 2 training seeds", "difference trained - random", "95% interval");
    CliTest.Run bad = CliTest.cli("simulate", "--config", cfg.toString(), "--principal", "learned:" + dir.resolve("nothing"), "--steps", "10");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("no training run there");
  }
}
