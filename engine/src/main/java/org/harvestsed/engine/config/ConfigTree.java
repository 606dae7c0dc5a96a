package org.harvestsed.engine.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The one YAML reader of experiment configs and sweep specs, and the one override syntax: a
 * dotted key path such as {@code train.lr} set to a value read as YAML reads it. {@code --set
 * KEY=VALUE} on the command line, the shorthands ({@code --seed}, {@code --envs}, ...), a sweep
 * spec's {@code set:} and its {@code env.}/{@code train.} axes all go through {@link #put}; the
 * result is then parsed by {@link Config} like any YAML file, so an override is typed and
 * validated exactly as the same key in a file.
 */
public final class ConfigTree {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");

  private ConfigTree() {}

  /** A YAML mapping from text; {@code source} names it in messages. Duplicate keys are errors; empty text is an empty mapping. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(String yaml, String source) {
    Object tree;
    try {
      // SnakeYAML reads YAML 1.1 scalars such as .inf, which Jackson's YAML parser rejects
      LoaderOptions opts = new LoaderOptions();
      opts.setAllowDuplicateKeys(false);
      tree = new Yaml(new SafeConstructor(opts)).load(yaml);
    } catch (YAMLException | IllegalArgumentException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage());
    }
    if (tree == null) return new LinkedHashMap<>();
    if (!(tree instanceof Map<?, ?> m)) throw new ConfigException(source + ": (top level): expected a mapping of keys, got " + tree);
    return (Map<String, Object>) m;
  }

  /** {@link #read} of a file; {@code what} names it ("config file", "sweep spec"), {@code example} an existing one. */
  public static Map<String, Object> readFile(Path file, String what, String example) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(what + " " + file + " does not exist; pass an existing YAML file, e.g. " + example);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage());
    }
    return read(text, what.equals("config file") ? file.toString() : what + " " + file);
  }

  /** A value as YAML reads it: {@code 0.001} a number, {@code true} a boolean, {@code [0, 10]} a list, {@code beta(2, 5)} a string. */
  public static Object value(String text) {
    try {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      return text; // not YAML on its own (e.g. "a: b: c"): the text itself, which the key's parser judges
    }
  }

  /**
   * Sets the dotted key {@code dotted} of {@code root} to {@code value}, creating the sections on
   * the way; a section that is a value in the tree (e.g. {@code env.map.x} where env.map is a
   * name) is an error naming it. A null value ({@code ~} in YAML) takes the key out, so its default
   * applies (e.g. a sweep's {@code set: {env.ascii: ~}} on a base with a custom map).
   */
  @SuppressWarnings("unchecked")
  public static void put(Map<String, Object> root, String dotted, Object value) {
    if (!KEY.matcher(dotted).matches()) {
      throw new ConfigException("'" + dotted + "' is not a key path; write section.key, e.g. train.lr or env.tax.period");
    }
    String[] parts = dotted.split("\\.");
    Map<String, Object> m = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = m.get(parts[i]);
      if (next == null) {
        next = new LinkedHashMap<String, Object>();
        m.put(parts[i], next);
      } else if (!(next instanceof Map<?, ?>)) {
        String at = String.join(".", java.util.Arrays.copyOf(parts, i + 1));
        throw ConfigException.at(at, "is a value (" + next + "), not a section of keys; cannot set " + dotted);
      }
      m = (Map<String, Object>) next;
    }
    if (value == null) m.remove(parts[parts.length - 1]);
    else m.put(parts[parts.length - 1], value);
  }

  /** A deep copy of a tree's mappings (lists and scalars are shared: nothing here changes them). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : m.entrySet()) out.put(e.getKey(), e.getValue() instanceof Map<?, ?> sub ? copy((Map<String, Object>) sub) : e.getValue());
    return out;
  }

  /** The tree as block-style YAML. */
  public static String dump(Map<String, Object> tree) {
    DumperOptions d = new DumperOptions();
    d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(d).dump(tree);
  }

  /** A copy of {@code tree} with the assignments applied in order (a later one wins). */
  public static Map<String, Object> with(Map<String, Object> tree, List<Assignment> sets) {
    Map<String, Object> out = copy(tree);
    for (Assignment a : sets) {
      try {
        put(out, a.key(), a.value());
      } catch (ConfigException e) {
        throw a.explain(e);
      }
    }
    return out;
  }

  /**
   * One override: {@code key} set to {@code value}, given on the command line as {@code origin}
   * (e.g. {@code --set train.lr=0.001} or {@code --seed 3}), which errors about the key name.
   */
  public record Assignment(String key, Object value, String origin) {
    /** {@code KEY=VALUE} of {@code --set}; the value is read as YAML ({@link #value}). */
    public static Assignment parse(String text) {
      int eq = text.indexOf('=');
      if (eq < 1) {
        throw new ConfigException("--set " + text + ": expected KEY=VALUE with a dotted key, e.g. --set train.lr=0.001 or --set env.players=5");
      }
      String key = text.substring(0, eq).trim();
      if (!KEY.matcher(key).matches()) {
        throw new ConfigException("--set " + text + ": '" + key + "' is not a key path; write section.key, e.g. train.lr or env.tax.period");
      }
      return new Assignment(key, ConfigTree.value(text.substring(eq + 1)), "--set " + text);
    }

    /** Every {@code --set} of a command, in order (none: empty). */
    public static List<Assignment> parseAll(List<String> texts) {
      List<Assignment> out = new ArrayList<>();
      if (texts != null) for (String t : texts) out.add(parse(t));
      return out;
    }

    /** A shorthand option: {@code option value} sets {@code key} (null value: the option was not given, nothing set). */
    public static void shorthand(List<Assignment> into, String option, String key, Object value) {
      if (value != null) into.add(new Assignment(key, value, option + " " + value));
    }

    /** The error {@code e} with this assignment named when it is about this key ("... (from --set train.lr=x)"). */
    public ConfigException explain(ConfigException e) {
      String m = e.getMessage();
      if (m.startsWith(key + ":") || m.startsWith(key + "[") || m.startsWith(key + ".") || m.contains("'" + key + "'")) {
        return new ConfigException(m + " (from " + origin + ")");
      }
      return e;
    }

    /** {@link #explain} by the last of {@code sets} that the error is about. */
    public static ConfigException explain(ConfigException e, List<Assignment> sets) {
      for (int i = sets.size() - 1; i >= 0; i--) {
        ConfigException x = sets.get(i).explain(e);
        if (x != e) return x;
      }
      return e;
    }
  }
}
