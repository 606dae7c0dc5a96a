package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Objective;
import org.harvestsed.engine.config.SocialChoice;
import org.junit.jupiter.api.Test;

/**
 * Config validation: every rejected config names the key path and what is wrong or allowed;
 * the defaults are docs/RULES.md's (sections 1, 6, 7) and the shipped configs load.
 */
class ConfigTest {
  /** commons_harvest_open's spawn points: 2 Q + 18 + 20 + 22 P in the map's ASCII. */
  static final int OPEN_SPAWNS = 62;

  static Config parse(String yaml) {
    return Config.parse(yaml, "test");
  }

  /** Asserts the YAML is rejected with a ConfigException whose message contains every fragment. */
  static void rejects(String yaml, String... fragments) {
    AbstractThrowableAssert<?, ? extends Throwable> t =
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    for (String f : fragments) t.hasMessageContaining(f);
  }

  // ---- unknown keys ----

  @Test
  void theConfigPackageKnowsNoBackendImplementation() throws java.io.IOException {
    try (var files = java.nio.file.Files.list(Path.of("src/main/java/org/harvestsed/engine/config"))) {
      for (Path f : files.toList()) {
        String src = java.nio.file.Files.readString(f);
        assertThat(src).as(f.toString()).doesNotContain("org.harvestsed.engine.sim").doesNotContain("org.harvestsed.engine.opencl");
      }
    }
  }

  @Test
  void unknownTopLevelKeyIsRejected() {
    rejects("envs: 3\n", "envs: unknown key", "[env, run, train]");
  }

  @Test
  void unknownKeyUnderEnvIsRejected() {
    rejects("env: {player: 7}\n", "env.player: unknown key", "under env", "players");
  }

  @Test
  void unknownKeyUnderEnvTaxIsRejected() {
    rejects("env: {tax: {rates: [0, 1]}}\n", "env.tax.rates: unknown key", "under env.tax", "brackets", "levels");
  }

  @Test
  void unknownKeyUnderRunIsRejected() {
    rejects("run: {gpu: true}\n", "run.gpu: unknown key", "under run", "backend");
  }

  // ---- regrowth ----

  @Test
  void probabilityAboveOneIsRejected() {
    rejects("env: {regrowth: {probabilities: [0, 0.1, 1.5]}}\n", "env.regrowth.probabilities[2]", "1.5", "outside [0, 1]");
  }

  @Test
  void negativeProbabilityIsRejected() {
    rejects("env: {regrowth: {probabilities: [0, 0.1, -0.1]}}\n", "env.regrowth.probabilities[2]", "-0.1", "outside [0, 1]");
  }

  @Test
  void nonZeroFirstProbabilityIsRejected() {
    rejects("env: {regrowth: {probabilities: [0.001, 0.1]}}\n", "env.regrowth.probabilities[0]", "must be 0");
  }

  // ---- taxes ----

  @Test
  void nonIncreasingBracketCutoffIsRejected() {
    rejects("env: {tax: {brackets: [0, 10, 10]}}\n", "env.tax.brackets[2]", "strictly increasing");
  }

  @Test
  void decreasingBracketCutoffIsRejected() {
    rejects("env: {tax: {brackets: [0, 10, 5]}}\n", "env.tax.brackets[2]", "not greater than the previous cutoff");
  }

  @Test
  void firstBracketCutoffOtherThanZeroIsRejected() {
    rejects("env: {tax: {brackets: [1, 10, 20]}}\n", "env.tax.brackets[0]", "must be 0");
  }

  @Test
  void fewerThanTwoRateLevelsAreRejected() {
    rejects("env: {tax: {levels: 1}}\n", "env.tax.levels", "need 2 to 1001");
  }

  @Test
  void taxPeriodThatDoesNotDivideTheEpisodeIsRejected() {
    rejects("env: {episode_length: 1000, tax: {period: 30}}\n", "env.episode_length", "multiple of env.tax.period (30)");
  }

  @Test
  void negativeDivergenceLimitIsRejected() {
    rejects("env: {tax: {divergence_limit: -0.1}}\n", "env.tax.divergence_limit", "must be > 0");
  }

  @Test
  void divergenceLimitInfParsesAsInfinity() {
    EnvSpec spec = parse("env: {tax: {divergence_limit: .inf}}\n").env();
    assertThat(spec.divergenceLimit()).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(parse("env: {tax: {divergence_limit: 0.2}}\n").env().divergenceLimit()).isEqualTo(0.2f);
  }

  // ---- voting ----

  @Test
  void roundThatNeitherDividesNorIsAMultipleOfTheEpisodeIsRejected() {
    // 3 periods of 50 steps = 150 steps against an episode of 1000
    rejects("env: {voting: {round_periods: 3}}\n", "env.voting.round_periods", "150 steps", "neither divides nor is a multiple");
  }

  @Test
  void roundsThatDivideOrAreMultiplesOfTheEpisodeAreAccepted() {
    assertThat(parse("env: {voting: {round_periods: 4}}\n").env().roundSteps()).isEqualTo(200);
    assertThat(parse("env: {voting: {round_periods: 40}}\n").env().roundSteps()).isEqualTo(2000);
  }

  @Test
  void unknownSocialChoiceListsTheAllowedValues() {
    rejects("env: {voting: {social_choice: plurality}}\n", "env.voting.social_choice", "'plurality' is unknown",
        "[mean, median, majority]");
  }

  @Test
  void unknownObjectiveListsTheAllowedValues() {
    rejects("env: {voting: {objective: rawls}}\n", "env.voting.objective", "'rawls' is unknown",
        "[paper, utilitarian, egalitarian, nash, eq_x_prod]");
  }

  // ---- players and maps ----

  @Test
  void morePlayersThanSpawnPointsAreRejected() {
    assertThat(parse("env: {players: " + OPEN_SPAWNS + "}\n").env().players()).isEqualTo(OPEN_SPAWNS);
    rejects("env: {players: " + (OPEN_SPAWNS + 1) + "}\n", "env.players", OPEN_SPAWNS + 1 + " players do not fit",
        "commons_harvest_open", "has " + OPEN_SPAWNS + " spawn points");
  }

  @Test
  void morePlayersThanTheOccupancyLayerCanIndexAreRejected() {
    rejects("env: {map: generated, players: 32768}\n", "env.players", "32768 players are more than one map can hold (32767",
        "at most 32767 players per map");
  }

  @Test
  void zeroPlayersAreRejected() {
    rejects("env: {players: 0}\n", "env.players", "at least 1");
  }

  @Test
  void unknownMapNameIsRejected() {
    rejects("env: {map: harvest_closed}\n", "env.map", "'harvest_closed' is unknown", "commons_harvest_open", "ssd_harvest",
        "generated", "custom");
  }

  @Test
  void customMapWithoutAsciiIsRejected() {
    rejects("env: {map: custom}\n", "env.ascii", "env.map: custom needs env.ascii");
  }

  @Test
  void customMapWithRaggedRowsIsRejected() {
    rejects("""
        env:
          map: custom
          players: 1
          ascii: ["WWWW", "WP W", "WWW"]
        """, "env.ascii", "row 2 has 3 characters", "same length");
  }

  @Test
  void customMapWithUnknownCharacterIsRejected() {
    rejects("""
        env:
          map: custom
          players: 1
          ascii: ["WWWW", "WPXW", "WWWW"]
        """, "env.ascii", "unknown character 'X'", "row 1, col 2", "allowed");
  }

  @Test
  void asciiWithAPresetMapIsRejected() {
    rejects("env: {map: ssd_harvest, ascii: [\"WPW\"]}\n", "env.ascii", "only used with env.map: custom");
  }

  @Test
  void generatedKeysWithAPresetMapAreRejected() {
    rejects("env: {map: ssd_harvest, generated: {seed: 3}}\n", "env.generated", "only used with env.map: generated",
        "ssd_harvest");
  }

  @Test
  void generatedKeysWithACustomMapAreRejected() {
    rejects("""
        env:
          map: custom
          players: 1
          ascii: ["WWW", "WPW", "WWW"]
          generated: {rows: 10, cols: 10}
        """, "env.generated", "only used with env.map: generated");
  }

  @Test
  void generatedDensityOutsideZeroOneIsRejected() {
    rejects("env: {map: generated, generated: {density: 1.2}}\n", "env.generated.density", "outside [0, 1]");
  }

  // ---- types ----

  @Test
  void stringWhereAnIntegerIsExpectedIsRejected() {
    rejects("env: {players: seven}\n", "env.players", "expected an integer", "\"seven\"");
  }

  @Test
  void fractionWhereAnIntegerIsExpectedIsRejected() {
    rejects("env: {tax: {period: 50.5}}\n", "env.tax.period", "expected an integer");
  }

  @Test
  void numberWhereAListIsExpectedIsRejected() {
    rejects("env: {tax: {brackets: 10}}\n", "env.tax.brackets", "expected a list of numbers", "got 10");
  }

  @Test
  void stringInsideANumberListIsRejected() {
    rejects("env: {regrowth: {probabilities: [0, high]}}\n", "env.regrowth.probabilities[1]", "expected a number");
  }

  @Test
  void scalarWhereASectionIsExpectedIsRejected() {
    rejects("env: 7\n", "env", "expected a mapping");
  }

  @Test
  void nonBooleanFlagIsRejected() {
    rejects("env: {zap: {enabled: maybe}}\n", "env.zap.enabled", "expected true or false");
  }

  // ---- run ----

  @Test
  void zeroEnvsAreRejected() {
    rejects("run: {envs: 0}\n", "run.envs", "at least 1");
  }

  @Test
  void unknownBackendListsTheAllowedValues() {
    rejects("run: {backend: cuda}\n", "run.backend", "'cuda' is unknown", "[java, opencl, tornado]");
  }

  // ---- files ----

  @Test
  void missingFileIsRejected() {
    assertThatThrownBy(() -> Config.load(Path.of("no/such/config.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no/such/config.yaml")
        .hasMessageContaining("does not exist");
  }

  @Test
  void invalidYamlIsRejected() {
    assertThatThrownBy(() -> Config.parse("env: {players: [7\n", "broken.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.yaml")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void quickstartConfigLoads() {
    // the quickstart is a small game PPO learns on 2 cores (issue 14); the paper's game is paper.yaml
    Config quick = Config.load(Path.of("../configs/quickstart.yaml"));
    assertThat(quick.env().players()).isEqualTo(4);
    assertThat(quick.env().obsCells()).isEqualTo(7 * 7);
    assertThat(quick.run().envs()).isEqualTo(16);
  }

  @Test
  void paperConfigLoadsWithGameDefaults() {
    // every key written out at its default value, divergence_limit as .inf
    Config paper = Config.load(Path.of("../configs/paper.yaml"));
    assertThat(paper.env().toString()).isEqualTo(Config.defaults().env().toString());
    assertThat(paper.run().envs()).isEqualTo(4096);
  }

  @Test
  void quotedInfDivergenceLimitParsesAsInfinity() {
    assertThat(parse("env: {tax: {divergence_limit: \".inf\"}}\n").env().divergenceLimit()).isEqualTo(Float.POSITIVE_INFINITY);
  }

  // ---- defaults ----

  @Test
  void defaultsAreGameMd() {
    EnvSpec s = Config.defaults().env();
    assertThat(s.map().name).isEqualTo("commons_harvest_open");
    assertThat(s.players()).isEqualTo(7);
    assertThat(new int[] {s.viewAhead(), s.viewBehind(), s.viewLeft(), s.viewRight()}).containsExactly(9, 1, 5, 5);
    assertThat(s.regrowthProb()).containsExactly(0f, 0.0025f, 0.005f, 0.025f);
    assertThat(s.regrowthRadiusSq()).isEqualTo(4);
    assertThat(s.regrowUnderPlayers()).isTrue();
    assertThat(s.zap()).isFalse();
    assertThat(s.actions()).isEqualTo(7);
    assertThat(new int[] {s.zapLength(), s.zapHalfWidth(), s.zapRemoval(), s.zapCooldown()}).containsExactly(3, 1, 4, 2);
    assertThat(new float[] {s.zapFireCost(), s.zapHitPenalty()}).containsExactly(0f, 0f);
    assertThat(s.episodeLength()).isEqualTo(1000);
    assertThat(s.taxPeriod()).isEqualTo(50);
    assertThat(s.bracketCutoffs()).containsExactly(0f, 10f, 20f);
    assertThat(s.rateLevels()).isEqualTo(11);
    assertThat(s.rateOfLevel(1)).isEqualTo(0.1f);
    assertThat(s.divergenceLimit()).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(s.roundPeriods()).isEqualTo(20);
    assertThat(s.roundSteps()).isEqualTo(s.episodeLength());
    assertThat(s.socialChoice()).isEqualTo(SocialChoice.MEAN);
    assertThat(s.objective()).isEqualTo(Objective.PAPER);
    assertThat(Config.defaults().run().backend()).isEqualTo("java");
  }

  @Test
  void ssdHarvestSwitchesTheRegrowthDefaults() {
    EnvSpec s = parse("env: {map: ssd_harvest}\n").env();
    assertThat(s.regrowthProb()).containsExactly(0f, 0.005f, 0.02f, 0.05f);
    assertThat(s.regrowthRadiusSq()).isEqualTo(2);
    assertThat(s.regrowUnderPlayers()).isFalse();
  }

  @Test
  void ssdHarvestRegrowthDefaultsGiveWayToExplicitValues() {
    EnvSpec s = parse("""
        env:
          map: ssd_harvest
          regrowth: {probabilities: [0, 0.5], radius_sq: 4, under_players: true}
        """).env();
    assertThat(s.regrowthProb()).containsExactly(0f, 0.5f);
    assertThat(s.regrowthRadiusSq()).isEqualTo(4);
    assertThat(s.regrowUnderPlayers()).isTrue();
  }
}
