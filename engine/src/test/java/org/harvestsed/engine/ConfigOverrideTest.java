package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.harvestsed.engine.config.Choices;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.config.Transfer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One override syntax ({@code --set KEY=VALUE}, the shorthands, a sweep's set:): an override is
 * typed and validated exactly like the same key in the YAML, wins over the file, and an error
 * about it names the nearest known key and the override; the resolved config parses back to the
 * same config.
 */
class ConfigOverrideTest {
  static final Path QUICKSTART = Path.of("../configs/quickstart.yaml");

  static Config load(String... sets) {
    return Config.load(QUICKSTART, ConfigTree.Assignment.parseAll(List.of(sets)));
  }

  @Test
  void anOverrideWinsOverTheYamlAndIsTypedLikeIt() {
    Config base = Config.load(QUICKSTART);
    assertThat(base.run().envs()).isEqualTo(16);
    Config c = load("run.envs=3", "env.tax.brackets=[0, 2, 5]", "env.voting.social_choice=median", "run.transfer=copy");
    assertThat(c.run().envs()).isEqualTo(3);
    assertThat(c.env().bracketCutoffs()).containsExactly(0f, 2f, 5f);
    assertThat(c.env().socialChoice()).isEqualTo(SocialChoice.MEDIAN);
    assertThat(c.run().transfer()).isEqualTo(Transfer.COPY);
    assertThat(c.env().players()).isEqualTo(base.env().players()); // what is not overridden is the file's
    assertThat(load("run.envs=3", "run.envs=5").run().envs()).as("a later override wins").isEqualTo(5);
  }

  @Test
  void anUnknownKeyNamesTheNearestKnownOneAndTheOverride() {
    assertThatThrownBy(() -> load("env.playrs=5")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("env.playrs: unknown key; did you mean env.players?").hasMessageContaining("(from --set env.playrs=5)");
    assertThatThrownBy(() -> load("env.tax.perod=5")).hasMessageContaining("did you mean env.tax.period?");
    assertThatThrownBy(() -> load("trian.lr=0.1")).hasMessageStartingWith("trian: unknown key; did you mean train?");
    // the same message for the same mistake in a file
    assertThatThrownBy(() -> Config.parse("env: {playrs: 5}", "test")).hasMessageStartingWith("env.playrs: unknown key; did you mean env.players?");
  }

  @Test
  void aValueOfTheWrongTypeIsTheYamlsErrorNamingTheOverride() {
    assertThatThrownBy(() -> load("env.players=many")).isInstanceOf(ConfigException.class)
        .hasMessage("env.players: expected an integer, got \"many\" (from --set env.players=many)");
    assertThatThrownBy(() -> load("run.mapping=wave")).hasMessageContaining("run.mapping: 'wave' is unknown; allowed: [auto, env, group, warp]");
    assertThatThrownBy(() -> load("env.players=0")).hasMessageContaining("env.players: 0 is not allowed").hasMessageContaining("(from --set env.players=0)");
    assertThatThrownBy(() -> load("env.map.name=x")).hasMessageContaining("env.map: is a value (custom), not a section of keys");
    assertThatThrownBy(() -> ConfigTree.Assignment.parse("train.lr")).hasMessageContaining("expected KEY=VALUE");
    assertThatThrownBy(() -> ConfigTree.Assignment.parse("train lr=1")).hasMessageContaining("is not a key path");
  }

  @Test
  void aShorthandIsAnOverrideOfItsKey() {
    List<ConfigTree.Assignment> o = new java.util.ArrayList<>();
    ConfigTree.Assignment.shorthand(o, "--seed", "run.seed", 7L);
    ConfigTree.Assignment.shorthand(o, "--envs", "run.envs", null); // not given: nothing set
    ConfigTree.Assignment.shorthand(o, "--transfer", "run.transfer", "pinned");
    assertThat(o).hasSize(2);
    assertThatThrownBy(() -> Config.load(QUICKSTART, o)).hasMessage("run.transfer: 'pinned' is unknown; allowed: [auto, copy] (from --transfer pinned)");
    assertThat(Config.load(QUICKSTART, o.subList(0, 1)).run().seed()).isEqualTo(7);
  }

  @Test
  void theResolvedConfigHasEveryKeyReadAndParsesBackToTheSameConfig(@TempDir Path dir) throws Exception {
    Config c = load("run.envs=3", "env.tax.period=10");
    Map<String, Object> r = c.resolved();
    @SuppressWarnings("unchecked") Map<String, Object> env = (Map<String, Object>) r.get("env");
    @SuppressWarnings("unchecked") Map<String, Object> tax = (Map<String, Object>) env.get("tax");
    assertThat(tax).containsEntry("period", 10).containsEntry("divergence_limit", Double.POSITIVE_INFINITY); // a default too
    assertThat(env).containsKeys("map", "ascii", "players", "view", "regrowth", "zap", "episode_length", "voting", "types");
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, c.resolvedYaml("resolved\nfor the test"));
    assertThat(Files.readString(f)).startsWith("# resolved\n# for the test\nenv:\n");
    Config back = Config.load(f);
    assertThat(back.env()).isEqualTo(c.env());
    assertThat(back.run()).isEqualTo(c.run());
    assertThat(back.resolved()).isEqualTo(r);
  }

  @Test
  void aPersonaTableIsResolvedInlineSoARunDirectoryNeedsNoCsv(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("p.csv"), "sigma,beta\n0.25,1\n1,0.5\n");
    Path cfg = dir.resolve("c.yaml");
    Files.writeString(cfg, "env: {types: {table: p.csv}}\n");
    Config c = Config.load(cfg);
    Path other = Files.createDirectory(dir.resolve("run"));
    Files.writeString(other.resolve("config.yaml"), c.resolvedYaml("x"));
    assertThat(Config.load(other.resolve("config.yaml")).env()).isEqualTo(c.env());
  }

  @Test
  void oneEnumParserForEveryChoice() {
    assertThat(Choices.parse(Mapping.class, "run.mapping", " Group ")).isEqualTo(Mapping.GROUP);
    assertThat(Choices.labels(Transfer.class)).containsExactly("auto", "copy");
    assertThatThrownBy(() -> Choices.parse(SocialChoice.class, "--social-choice", "vote"))
        .hasMessage("--social-choice: 'vote' is unknown; allowed: [mean, median, majority]");
  }
}
