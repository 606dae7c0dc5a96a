package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.harvestsed.engine.config.Config;
import org.harvestsed.eval.Stats;
import org.harvestsed.principal.Principal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Positive control (c) of issue 14, an experiment of several quickstart trainings (minutes, so
 * tagged and left out of the default test run; run it with
 * {@code ./mvnw -pl trainer -am verify -Dtrainer.excludedGroups=none -Dgroups=experiment -Dsurefire.failIfNoSpecifiedTests=false}):
 * with every trust at 1, a flat tax of 1 pays every player the mean of the period's incomes (a
 * shared payoff), so players trained under it should sustain more apples per round than players
 * trained with no tax. Arms: the quickstart game with beta = 1, players trained for the
 * quickstart's total_steps either with no tax (phase 1 throughout) or under flat:1 from the start
 * (cap 1 from the first step); apples per round of the trained players on 3 evaluation rounds; one training seed per
 * pair, paired by seed ({@code -Dseeds=N}, default 2).
 */
@Tag("experiment")
class SharedPayoffExperimentTest {
  static {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void underASharedPayoffTrainedPlayersSustainMoreApplesThanWithNoTax(@TempDir Path dir) throws Exception {
    String yaml = Files.readString(Path.of("../configs/quickstart.yaml")).replace("env:\n", "env:\n  types: {beta: 1}\n"); // every trust 1
    int seeds = Integer.getInteger("seeds", 2);
    double[] noTax = new double[seeds], shared = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      noTax[s] = arm(yaml.replace("phase1_steps: 300000", "phase1_steps: 100000000"), null, s + 1, dir.resolve("none" + s));
      shared[s] = arm(yaml.replace("phase1_steps: 300000", "phase1_steps: 0").replace("cap_anneal_steps: 150000", "cap_anneal_steps: 0"),
          "flat:1", s + 1, dir.resolve("flat" + s));
      System.out.printf(Locale.ROOT, "shared payoff control, seed %d: apples per round, no tax %.2f, flat tax 1 %.2f%n", s + 1, noTax[s], shared[s]);
    }
    Stats.Interval d = Stats.pairedDifference(shared, noTax);
    System.out.printf(Locale.ROOT, "shared payoff control: flat 1 - no tax = %.2f apples per round, 95%% interval [%.2f, %.2f] over %d seeds%n",
        d.mean(), d.lo(), d.hi(), seeds);
    assertThat(d.mean()).as("apples per round, flat tax 1 minus no tax (beta = 1)").isGreaterThan(0);
  }

  private static double arm(String yaml, String principal, long seed, Path dir) throws Exception {
    java.util.Map<String, Object> tree = org.harvestsed.engine.config.ConfigTree.read(yaml, "quickstart");
    org.harvestsed.engine.config.ConfigTree.put(tree, "run.seed", seed);
    Config c = Config.parse(tree, "quickstart", Path.of(""));
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      if (principal != null) t.useBaseline(Principal.parse(principal, c.env()));
      t.run();
      return PlayersVsRandom.mean(PlayersVsRandom.measure(t, 3).trained());
    }
  }
}
