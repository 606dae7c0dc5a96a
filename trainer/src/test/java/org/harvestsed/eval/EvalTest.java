package org.harvestsed.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Confidence intervals on known samples; two identical principals show no significant difference. */
class EvalTest {
  @Test
  void confidenceIntervalOnKnownSamples() {
    // mean 5, sd sqrt(2.5) = 1.5811, n = 5, t(4) = 2.776: half-width 2.776 * 1.5811 / sqrt(5) = 1.9630
    Stats.Interval i = Stats.interval(new double[] {3, 4, 5, 6, 7});
    assertThat(i.mean()).isEqualTo(5.0);
    assertThat(i.halfWidth()).isCloseTo(1.9630, within(1e-3));
    assertThat(i.excludesZero()).isTrue();
    assertThat(Stats.interval(new double[] {-1, 1, -2, 2}).excludesZero()).isFalse();
    assertThat(Stats.interval(new double[] {4}).halfWidth()).isNaN();
    Stats.Interval d = Stats.pairedDifference(new double[] {5, 6, 7}, new double[] {4, 5, 6});
    assertThat(d.mean()).isEqualTo(1.0);
    assertThat(d.halfWidth()).isEqualTo(0.0);
    assertThat(Stats.t975(1)).isEqualTo(12.706);
    assertThat(Stats.t975(30)).isEqualTo(2.042);
  }

  @Test
  void principalListsKeepTheFixedRatesTogether() {
    assertThat(Evaluation.splitPrincipals("learned,free_market,fixed:0,0.6,1,saez", 3))
        .containsExactly("learned", "free_market", "fixed:0,0.6,1", "saez");
    assertThat(Evaluation.splitPrincipals("fixed:0.1,0.25,0.37,flat:0.3", 3)).containsExactly("fixed:0.1,0.25,0.37", "flat:0.3");
  }

  @Test
  void twoIdenticalPrincipalsShowNoSignificantDifference(@TempDir Path dir) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    String yaml = "env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 5}}\n"
        + "run: {envs: 4, seed: 3}\n"
        + "train: {total_steps: 512, num_steps: 32, num_minibatches: 2, update_epochs: 1, phase1_steps: 256, cap_anneal_steps: 64, principal_batch: 8}\n";
    Files.writeString(dir.resolve("config.yaml"), yaml);
    Config c = Config.parse(yaml, "t");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      t.run();
    }
    assertThat(dir.resolve("checkpoint-phase1.bin")).exists();
    Map<String, Evaluation.PrincipalResult> r = Evaluation.run(dir, List.of("free_market", "flat:0", "fixed:0,0.6,1", "learned@mode"), 3, 256,
        SocialChoice.MEAN, s -> {});
    double[] a = r.get("free_market").metric(RoundMetrics::objective);
    double[] b = r.get("flat:0").metric(RoundMetrics::objective);
    assertThat(Stats.pairedDifference(a, b).excludesZero()).as("free_market and flat:0 are the same principal").isFalse();
    assertThat(a).isEqualTo(b);
    assertThat(r.get("fixed:0,0.6,1").rounds().get(0).ratesPerPeriod().get(0)).containsExactly(0f, 0.6f, 1f);
    String table = EvalReport.table(r);
    assertThat(table).contains("| free_market |", "| flat:0 |", "| fixed:0,0.6,1 |", "| learned@mode |", "Δ objective vs free_market");
    EvalReport.write(dir.resolve("eval"), "test", Map.of("mean", r), "test");
    assertThat(Files.readAllLines(dir.resolve("eval/evaluation.csv"))).hasSize(1 + 4 * 3);
    assertThat(dir.resolve("eval/rates.png")).exists();
  }
}
