package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training at large N (issue 24): one training iteration with 1,000 players on one generated map
 * (the population study's map family) runs on the CPU, and its update sees every player's samples.
 */
class LargePopulationTest {
  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void oneIterationAtAThousandPlayersPerEnv(@TempDir Path dir) throws Exception {
    Config c = Config.parse("""
        env:
          map: generated
          players: 1000
          view: {ahead: 5, behind: 1, left: 3, right: 3}
          regrowth: {probabilities: [0, 0.01, 0.02, 0.05]}
          episode_length: 600
          tax: {period: 50, brackets: [0, 2, 5], levels: 5}
          voting: {round_periods: 12}
          types: {beta: 1}
        run: {envs: 1, seed: 1, principal: free_market}
        train: {total_steps: 8, num_steps: 8, num_minibatches: 4, update_epochs: 1, phase1_steps: 8, torch_threads: 1, checkpoint_every: 1000}
        """, "t");
    assertThat(c.env().players()).isEqualTo(1000);
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.run();
      assertThat(t.globalStep()).isEqualTo(8);
    }
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    assertThat(lines).hasSize(2);
    String[] head = lines.get(0).split(","), row = lines.get(1).split(",", -1);
    int loss = java.util.Arrays.asList(head).indexOf("losses/value_loss");
    assertThat(loss).isNotNegative();
    assertThat(Double.parseDouble(row[loss])).as("a finite value loss over 8,000 samples").isFinite();
  }
}
