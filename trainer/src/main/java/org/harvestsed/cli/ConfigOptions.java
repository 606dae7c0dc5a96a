package org.harvestsed.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.train.TrainConfig;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code --set KEY=VALUE}: the experiment config with command-line
 * overrides of any {@code env.}, {@code run.} or {@code train.} key, typed and validated exactly
 * like the same key in the YAML (an unknown key is an error naming the nearest known one). A
 * command's shorthands ({@code --seed}, {@code --envs}, ...) are {@code --set}s of their keys,
 * applied after the {@code --set}s.
 */
final class ConfigOptions {
  @Option(names = "--config", required = true, description = "YAML experiment config, e.g. configs/quickstart.yaml")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, typed and checked like the YAML, e.g. "
      + "--set train.lr=0.001 --set env.tax.period=25 (repeatable; any env., run. or train. key; later wins, shorthands such as --seed last)")
  List<String> sets;

  /** Every override of this command line: the --sets, then {@code shorthands}. */
  List<ConfigTree.Assignment> overrides(List<ConfigTree.Assignment> shorthands) {
    List<ConfigTree.Assignment> all = new ArrayList<>(ConfigTree.Assignment.parseAll(sets));
    all.addAll(shorthands);
    return all;
  }

  /** The config with the overrides applied; its {@code train:} section is checked too (every command, not only train). */
  Config load(List<ConfigTree.Assignment> shorthands) {
    return load(config, overrides(shorthands));
  }

  /** {@code file} with {@code overrides}, train section checked: the one way a command reads a config. */
  static Config load(Path file, List<ConfigTree.Assignment> overrides) {
    Config c = Config.load(file, overrides);
    try {
      TrainConfig.parse(c.train());
    } catch (ConfigException e) {
      throw ConfigTree.Assignment.explain(e, overrides);
    }
    return c;
  }

  /** Whether any --set was given. */
  boolean anySet() {
    return sets != null && !sets.isEmpty();
  }
}
