package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.principal.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curriculum's cap (docs/RULES.md section 9, issue 23): phase 1 at cap 0, or at cap 1 with
 * random rates (train.phase1_rates: random, so the players learn what a rate does before the
 * principal acts); phase 2 from 0.1 to 1, or at 1 from its first step (cap_anneal_steps 0: a
 * fine-tune, a positive control).
 */
class CurriculumTest {
  static final String RUN = "env: {" + TinyGame.MAP + ", episode_length: 40, tax: {period: 10}, voting: {round_periods: 4}}\n"
      + "run: {envs: 4, seed: 3}\n"
      + "train: {total_steps: 256, num_steps: 16, num_minibatches: 2, update_epochs: 1, phase1_steps: %d, cap_anneal_steps: %d,"
      + " principal_batch: 8, checkpoint_every: 100%s}\n";

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  private static Config config(long phase1, long anneal, String extra) {
    return Config.parse(String.format(RUN, phase1, anneal, extra), "t");
  }

  @Test
  void aFinetuneRunsAtFullCapFromItsFirstStep(@TempDir Path dir) {
    Config c = config(128, 64, "");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()).forFinetune(128), dir.resolve("ft"))) {
      assertThat(t.phase()).isEqualTo(2);
      assertThat(t.cap()).as("a fine-tune's first step").isEqualTo(1f);
      t.useBaseline(Principal.parse("flat:1", c.env()));
      t.start();
      t.step();
      FloatBuffer rates = t.env().state().floats(Buf.RATES);
      for (int k = 0; k < 4 * c.env().brackets(); k++) assertThat(rates.get(k)).as("rate %d in force in the first iteration", k).isEqualTo(1f);
    }
    Config annealed = config(0, 64, "");
    try (Trainer t = new Trainer(annealed, TrainConfig.parse(annealed.train()), dir.resolve("a"))) {
      assertThat(t.cap()).as("an annealed phase 2 starts at 0.1").isEqualTo(0.1f);
    }
  }

  /** A fine-tune takes the run's networks only: it starts its envs afresh, even with another number of envs than the run's. */
  @Test
  void aFinetuneStartsAfreshFromTheRunsNetworks(@TempDir Path dir) throws Exception {
    Config c = config(64, 64, "");
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir.resolve("run"))) {
      t.run();
    }
    Config two = Config.parse(String.format(RUN, 64, 64, "").replace("envs: 4", "envs: 2"), "t");
    try (Trainer f = org.harvestsed.eval.Evaluation.finetuned(dir.resolve("run"), two, TrainConfig.parse(two.train()).forFinetune(64),
        "flat:1", dir.resolve("ft"))) {
      assertThat(f.iteration()).as("64 steps of 2 envs x 16 steps").isEqualTo(2);
      assertThat(f.globalStep()).isEqualTo(64);
    }
  }

  @Test
  void phase1WithRandomRatesShowsThePlayersRatesAtCap1(@TempDir Path dir) {
    Config none = config(128, 64, "");
    try (Trainer t = new Trainer(none, TrainConfig.parse(none.train()), dir.resolve("none"))) {
      assertThat(t.cap()).isZero();
      t.start();
      t.step();
      FloatBuffer rates = t.env().state().floats(Buf.RATES);
      for (int k = 0; k < 4 * none.env().brackets(); k++) assertThat(rates.get(k)).isZero();
    }
    Config random = config(256, 64, ", phase1_rates: random");
    try (Trainer t = new Trainer(random, TrainConfig.parse(random.train()), dir.resolve("random"))) {
      assertThat(t.cap()).isEqualTo(1f);
      t.start();
      Set<Float> seen = new HashSet<>();
      for (int i = 0; i < 2; i++) { // 32 steps: 4 periods of 4 envs
        t.step();
        FloatBuffer rates = t.env().state().floats(Buf.RATES);
        for (int k = 0; k < 4 * random.env().brackets(); k++) seen.add(rates.get(k));
      }
      assertThat(seen).as("rates drawn over levels, envs and periods").hasSizeGreaterThan(4);
      assertThat(t.iteration()).isEqualTo(2);
      assertThat(t.phase()).isEqualTo(1);
    }
    assertThatThrownBy(() -> TrainConfig.parse(Config.parse("train: {phase1_rates: sometimes}", "t").train()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.phase1_rates: 'sometimes' is unknown; allowed: [none, random]");
  }
}
