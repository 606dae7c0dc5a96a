package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --set KEY=VALUE} on every command that reads a config: any env., run. or train. key,
 * typed and checked like the YAML, winning over the file; a training run's config.yaml is the
 * resolved config (overrides and defaults), which parses back to the run's config.
 */
class SetOptionCliTest {
  static final String Q = CliTest.QUICKSTART.toString();

  @Test
  void anUnknownOrMistypedKeyIsOneClearErrorInEveryCommand(@TempDir Path dir) throws Exception {
    String[][] commands = {
        {"simulate", "--config", Q, "--steps", "10"},
        {"trace", "--config", Q, "--steps", "1", "--out", dir.resolve("t.jsonl").toString()},
        {"render", "--config", Q, "--steps", "1"},
        {"scale", "--config", Q, "--players", "4", "--envs", "1", "--out", dir.resolve("s").toString()},
        {"train", "--config", Q, "--out", dir.resolve("r").toString()}};
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 2);
      args[c.length] = "--set";
      args[c.length + 1] = "train.lrr=0.1";
      CliTest.Run r = CliTest.cli(args);
      assertThat(r.code()).as(c[0] + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(c[0]).contains("train.lrr: unknown key; did you mean train.lr?").contains("(from --set train.lrr=0.1)");
      args[c.length + 1] = "train.num_steps=1.5";
      r = CliTest.cli(args);
      assertThat(r.code()).as(c[0]).isEqualTo(2);
      assertThat(r.err()).as(c[0]).contains("train.num_steps: expected an integer, got 1.5 (from --set train.num_steps=1.5)");
    }
    assertThat(dir.resolve("r")).doesNotExist();
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.copy(CliTest.QUICKSTART, run.resolve("config.yaml"));
    CliTest.Run r = CliTest.cli("evaluate", "--run", run.toString(), "--set", "env.taxx.period=5");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("env.taxx: unknown key; did you mean env.tax?");
  }

  @Test
  void anOverrideWinsOverTheFileAndAShorthandIsOne() throws Exception {
    CliTest.Run r = CliTest.cli("simulate", "--config", Q, "--set", "run.envs=3", "--set", "env.tax.period=10", "--steps", "100", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(CliTest.JSON.readTree(r.out()).get("envs").asInt()).isEqualTo(3);
    assertThat(CliTest.JSON.readTree(r.out()).get("rounds")).hasSize(1); // a round of 10 periods of 10 steps (of 20 steps: no round in 100 steps)
    r = CliTest.cli("simulate", "--config", Q, "--set", "run.envs=3", "--envs", "2", "--steps", "20", "--json");
    assertThat(CliTest.JSON.readTree(r.out()).get("envs").asInt()).as("the shorthand comes after --set").isEqualTo(2);
  }

  @Test
  void aTrainingRunsConfigYamlIsTheResolvedConfig(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, LearnedPrincipalCliTest.YAML);
    Path run = dir.resolve("run");
    CliTest.Run r = CliTest.cli("train", "--config", cfg.toString(), "--out", run.toString(), "--set", "train.lr=0.002", "--seed", "9");
    assertThat(r.code()).as(r.err()).isZero();
    String yaml = Files.readString(run.resolve("config.yaml"));
    assertThat(yaml).startsWith("# resolved config of " + cfg + " with --set train.lr=0.002, --seed 9\n");
    Config c = Config.load(run.resolve("config.yaml"));
    TrainConfig tc = TrainConfig.parse(c.train());
    assertThat(tc.lr()).isEqualTo(0.002f);
    assertThat(c.run().seed()).isEqualTo(9);
    assertThat(tc.gaeLambda()).as("a default is written too").isEqualTo(0.95f);
    assertThat(yaml).contains("gae_lambda: 0.95").contains("divergence_limit: .inf");
    CliTest.Run resume = CliTest.cli("train", "--config", cfg.toString(), "--resume", run.toString(), "--set", "train.lr=0.1");
    assertThat(resume.code()).isEqualTo(2);
    assertThat(resume.err()).contains("--set train.lr=0.1 cannot change a resumed run");
  }
}
