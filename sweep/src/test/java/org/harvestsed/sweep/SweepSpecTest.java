package org.harvestsed.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep specs: how axes expand into runs, and each kind of bad input named with its fix. */
class SweepSpecTest {
  static final String BASE = """
      env: {players: 4, episode_length: 40, tax: {period: 10, brackets: [0, 1, 3], levels: 5}, voting: {round_periods: 4}}
      run: {envs: 2, seed: 1, backend: java, principal: free_market}
      train: {total_steps: 256, num_steps: 16, num_minibatches: 2, update_epochs: 1, phase1_steps: 128, cap_anneal_steps: 64,
              principal_batch: 8, checkpoint_every: 1000, torch_threads: 1}
      """;

  static Path spec(Path dir, String body) throws Exception {
    Files.writeString(dir.resolve("base.yaml"), BASE);
    Path f = dir.resolve("spec.yaml");
    Files.writeString(f, "base: base.yaml\n" + body);
    return f;
  }

  @Test
  void axesExpandIntoTrainAndFinetuneRunsWithTheirOwnDirectories(@TempDir Path dir) throws Exception {
    SweepSpec s = SweepSpec.load(spec(dir, """
        set: {train.total_steps: 512}
        axes:
          seed: [1, 2, 3]
          principal: [free_market, flat:0.5, learned]
          social_choice: [mean, median]
          train.lr: [0.001, 0.0005]
        finetune: {steps: 64}
        evaluate: {seeds: 2, learned: [mode]}
        """));
    assertThat(s.trainRuns()).hasSize(3 * 2);
    assertThat(s.finetuneRuns()).hasSize(3 * 2 * 3 * 2);
    List<String> ids = new java.util.ArrayList<>();
    s.trainRuns().forEach(r -> ids.add(r.id()));
    s.finetuneRuns().forEach(r -> ids.add(r.id()));
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
    RunSpec t = s.trainRuns().get(1);
    Config c = Config.parse(t.configYaml(), "t");
    assertThat(c.run().seed()).isEqualTo(t.seed());
    assertThat(c.train().get("total_steps").asLong()).isEqualTo(512);
    assertThat(c.train().get("lr").asDouble()).isIn(0.001, 0.0005);
    assertThat(t.axes()).startsWith("train.lr=");
    RunSpec f = s.finetuneRunsOf(t.id()).stream().filter(r -> r.principal().equals("learned") && r.socialChoice().equals("median"))
        .findFirst().orElseThrow();
    assertThat(Config.parse(f.configYaml(), "f").env().socialChoice().key()).isEqualTo("median");
    assertThat(f.learnedModes()).containsExactly("mode");
    assertThat(f.finetuneSteps()).isEqualTo(64);
    assertThat(f.evalSeeds()).isEqualTo(2);
    assertThat(s.primaryOutcome()).isEqualTo("objective");
  }

  @Test
  void theShippedSpecLoadsWithTenSeeds() {
    SweepSpec s = SweepSpec.load(Path.of("../configs/sweeps/principals.yaml"));
    assertThat(s.trainRuns()).hasSizeGreaterThanOrEqualTo(10);
    assertThat(s.principals()).contains("free_market", "flat:0.25", "flat:0.5", "flat:0.75", "flat:1", "saez", "learned");
    assertThat(s.primaryOutcome()).isEqualTo("objective");
  }

  /** A bundle axis changes several keys together (players and envs), and finetune.steps_per_env scales each run's budget with its envs. */
  @Test
  void aBundleAxisSetsItsKeysTogether(@TempDir Path dir) throws Exception {
    SweepSpec s = SweepSpec.load(spec(dir, """
        axes:
          seed: [1, 2]
          principal: [free_market, flat:1]
          size: [{env.players: 2, run.envs: 4}, {env.players: 4, run.envs: 2}]
        finetune: {steps_per_env: 100, from: scratch}
        """));
    assertThat(s.finetuneRuns()).hasSize(2 * 2 * 2);
    RunSpec small = s.finetuneRuns().stream().filter(r -> r.axes().equals("env.players=2, run.envs=4")).findFirst().orElseThrow();
    assertThat(small.id()).isEqualTo("seed-1_env.players-2_run.envs-4+free_market+mean");
    org.harvestsed.engine.config.Config c = org.harvestsed.engine.config.Config.parse(small.configYaml(), "t");
    assertThat(c.env().players()).isEqualTo(2);
    assertThat(c.run().envs()).isEqualTo(4);
    assertThat(small.finetuneSteps()).as("100 steps per env x 4 envs").isEqualTo(400);
    RunSpec big = s.finetuneRuns().stream().filter(r -> r.axes().equals("env.players=4, run.envs=2")).findFirst().orElseThrow();
    assertThat(big.finetuneSteps()).isEqualTo(200);
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market], size: [{run.seed: 2}]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("axes.size.run.seed");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market]}\nfinetune: {steps: 10, steps_per_env: 5}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.steps_per_env").hasMessageContaining("not both");
  }

  /** The population study of issue 24: N x envs = 256 at every size, 36,000 steps per env, the commons game on generated maps. */
  @Test
  void theShippedAgentsSpecKeepsExperiencePerPlayerEqual() {
    SweepSpec s = SweepSpec.load(Path.of("../configs/sweeps/agents.yaml"));
    assertThat(s.finetuneRuns()).hasSize(5 * 2 * 3);
    for (RunSpec r : s.finetuneRuns()) {
      org.harvestsed.engine.config.Config c = org.harvestsed.engine.config.Config.parse(r.configYaml(), r.id());
      assertThat(c.env().players() * c.run().envs()).as(r.id()).isEqualTo(256);
      assertThat(r.finetuneSteps()).as(r.id()).isEqualTo(36_000L * c.run().envs());
      assertThat(c.env().map().name).startsWith("generated(");
      assertThat(c.env().episodeLength()).isEqualTo(600);
    }
    SweepSpec large = SweepSpec.load(Path.of("../configs/sweeps/agents-large.yaml"));
    assertThat(large.finetuneRuns()).hasSize(2 * 2 * 3).allMatch(r -> r.finetuneSteps() == 36_000L);
  }

  /** The commons experiments of issue 23 load, with the settings their result pages describe. */
  @Test
  void theShippedCommonsSpecsLoad() {
    SweepSpec p = SweepSpec.load(Path.of("../configs/sweeps/principals-commons.yaml"));
    assertThat(p.trainRuns()).hasSize(10);
    assertThat(p.principals()).containsExactly("free_market", "flat:0.25", "flat:0.5", "flat:0.75", "flat:1", "saez", "learned");
    assertThat(p.finetuneRuns()).allMatch(r -> r.finetune().tolerance() > 0 && r.finetune().minSteps() > 0 && !r.fromScratch());
    SweepSpec v2 = SweepSpec.load(Path.of("../configs/sweeps/principals-commons-v2.yaml"));
    assertThat(v2.trainRuns()).extracting(RunSpec::configYaml).isEqualTo(p.trainRuns().stream().map(RunSpec::configYaml).toList());
    assertThat(v2.finetuneRuns()).allMatch(r -> r.finetune().minSteps() == 300_000 && r.finetuneSteps() == 600_000);
    SweepSpec post = SweepSpec.load(Path.of("../configs/sweeps/post-tax-control.yaml"));
    assertThat(post.finetuneRuns()).allMatch(r -> r.finetuneSteps() == 0);
    assertThat(post.trainRuns().get(0).configYaml()).contains("objective_income: post_tax").contains("objective: egalitarian");
    SweepSpec phase1 = SweepSpec.load(Path.of("../configs/sweeps/phase1-response.yaml"));
    assertThat(phase1.trainRuns().get(0).configYaml()).contains("phase1_rates: random");
    assertThat(phase1.finetuneRuns()).allMatch(r -> r.finetuneSteps() == 0);
  }

  /** finetune.from: scratch (a positive control): no training runs, every run trains players from scratch under a baseline. */
  @Test
  void theShippedPositiveControlTrainsFromScratchUnderBaselinesOnly(@TempDir Path dir) throws Exception {
    SweepSpec s = SweepSpec.load(Path.of("../configs/sweeps/positive-control.yaml"));
    assertThat(s.fromScratch()).isTrue();
    assertThat(s.trainRuns()).isEmpty();
    assertThat(s.finetuneRuns()).hasSize(5 * 2).allMatch(RunSpec::fromScratch).allMatch(r -> r.trainId().isEmpty());
    assertThat(s.principals()).containsExactly("free_market", "flat:1");
    assertThat(s.primaryOutcome()).isEqualTo("productivity");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market, learned]}\nfinetune: {from: scratch}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.from").hasMessageContaining("needs a training run");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market]}\nfinetune: {from: yesterday}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.from").hasMessageContaining("allowed: phase1, scratch");
  }

  @Test
  void anUnknownAxisKeyIsNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market], learning_rate: [0.1]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("axes.learning_rate").hasMessageContaining("unknown axis")
        .hasMessageContaining("train.lr");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market], train.learning_rate: [0.1]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.learning_rate").hasMessageContaining("unknown key");
  }

  /** The command line's --set joins the spec's set: (after it: it wins), with the same key paths, checks and suggestions. */
  @Test
  void theCommandLinesSetIsAddedToTheSpecsSet(@TempDir Path dir) throws Exception {
    Path f = spec(dir, "set: {train.total_steps: 512, train.lr: 0.001}\naxes: {seed: [1], principal: [free_market]}\n");
    SweepSpec s = SweepSpec.load(f, org.harvestsed.engine.config.ConfigTree.Assignment.parseAll(List.of("train.lr=0.0005", "env.tax.levels=11")));
    Config c = Config.parse(s.trainRuns().getFirst().configYaml(), "t");
    assertThat(c.train().get("total_steps").asLong()).isEqualTo(512);
    assertThat(c.train().get("lr").asDouble()).as("--set after set:").isEqualTo(0.0005);
    assertThat(c.env().rateLevels()).isEqualTo(11);
    assertThatThrownBy(() -> SweepSpec.load(f, org.harvestsed.engine.config.ConfigTree.Assignment.parseAll(List.of("train.lrr=1"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.lrr: unknown key; did you mean train.lr?");
    assertThatThrownBy(() -> SweepSpec.load(f, org.harvestsed.engine.config.ConfigTree.Assignment.parseAll(List.of("run.seed=4"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--set run.seed=4").hasMessageContaining("use the seed axis");
  }

  @Test
  void aValueOfTheWrongTypeIsNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market], train.total_steps: [ten]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("train.total_steps").hasMessageContaining("expected an integer");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [one], principal: [free_market]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("axes.seed").hasMessageContaining("integer");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market, flat:0.3]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flat:0.3").hasMessageContaining("levels");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market]}\nfinetune: {steps: -5}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.steps");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market]}\nfinetune: {steps: 0, from: scratch}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.steps").hasMessageContaining("from: phase1");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market]}\nfinetune: {steps: 0, tolerance: 1}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("finetune.tolerance");
  }

  @Test
  void twoRunsNeverShareADirectory(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1, 1], principal: [free_market]}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("share the directory runs/seed-1");
  }

  @Test
  void otherMistakesAreNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [learned]}\n")))
        .hasMessageContaining("reference").hasMessageContaining("free_market");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "primary_outcome: happiness\naxes: {seed: [1], principal: [free_market]}\n")))
        .hasMessageContaining("primary_outcome").hasMessageContaining("objective");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {principal: [free_market]}\n"))).hasMessageContaining("axes.seed");
    assertThatThrownBy(() -> SweepSpec.load(spec(dir, "axes: {seed: [1], principal: [free_market], social_choice: [best]}\n")))
        .hasMessageContaining("best").hasMessageContaining("median");
    assertThatThrownBy(() -> SweepSpec.load(dir.resolve("missing.yaml"))).hasMessageContaining("does not exist");
  }
}
