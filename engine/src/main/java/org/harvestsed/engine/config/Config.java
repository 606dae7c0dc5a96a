package org.harvestsed.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.map.Generated;
import org.harvestsed.engine.map.Presets;

/**
 * A YAML experiment config: {@code env:} binds to {@link EnvSpec}, {@code run:} to
 * {@link RunSettings}. Unknown keys and bad values are errors naming the key path and what is
 * allowed. Every key is optional; the defaults are docs/RULES.md's (and the preset's, for the map's
 * regrowth rule).
 */
public record Config(EnvSpec env, RunSettings run, Section train) {

  public Config(EnvSpec env, RunSettings run) {
    this(env, run, new Section("train", null, new LinkedHashMap<>()));
  }

  public static Config load(Path file) {
    return load(file, List.of());
  }

  /**
   * The config in {@code file} with {@code sets} applied to its keys in order (command-line
   * overrides: a later one wins), then parsed like any YAML; an error about an overridden key
   * names the override.
   */
  public static Config load(Path file, List<ConfigTree.Assignment> sets) {
    Map<String, Object> tree = ConfigTree.with(ConfigTree.readFile(file, "config file", "configs/quickstart.yaml"), sets);
    try {
      return parse(tree, file.toString(), file.toAbsolutePath().getParent());
    } catch (ConfigException e) {
      throw ConfigTree.Assignment.explain(e, sets);
    }
  }

  /** A config from YAML text; a persona table's CSV path (env.types.table) is relative to the working directory. */
  public static Config parse(String yaml, String source) {
    return parse(yaml, source, Path.of("").toAbsolutePath());
  }

  /** A config from YAML text read from {@code source}; relative paths in it are relative to {@code base}. */
  public static Config parse(String yaml, String source, Path base) {
    return parse(ConfigTree.read(yaml, source), source, base);
  }

  /** A config from a tree of {@link ConfigTree#read}; relative paths in it are relative to {@code base}. */
  public static Config parse(Map<String, Object> tree, String source, Path base) {
    JsonNode root;
    try {
      root = new ObjectMapper().valueToTree(tree);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage());
    }
    Section top = new Section("", root, new LinkedHashMap<>());
    top.allow("env", "run", "train");
    return new Config(parseEnv(top.section("env"), base), parseRun(top.section("run")), top.section("train"));
  }

  /**
   * The resolved config: every key read so far (by this parse, and by whoever parsed its
   * {@code train} section since, e.g. TrainConfig) with the value it took, defaults included, as a
   * tree that parses back to the same config. A run's config.yaml.
   */
  public Map<String, Object> resolved() {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (var e : train.used.entrySet()) ConfigTree.put(tree, e.getKey(), e.getValue());
    return tree;
  }

  /** {@link #resolved} as YAML under a comment {@code header} (one line per line of it). */
  public String resolvedYaml(String header) {
    StringBuilder sb = new StringBuilder();
    for (String line : header.split("\n")) sb.append("# ").append(line).append('\n');
    return sb.append(ConfigTree.dump(resolved())).toString();
  }

  /** The defaults of docs/RULES.md on the default map. */
  public static Config defaults() {
    return parse("{}", "defaults");
  }

  private static EnvSpec parseEnv(Section s, Path base) {
    s.allow("map", "ascii", "generated", "players", "view", "regrowth", "zap", "episode_length", "tax", "voting", "types");
    String mapName = s.string("map", "commons_harvest_open");
    int players = s.integer("players", 7);
    GameMap map;
    Section gen = s.section("generated");
    gen.allow("rows", "cols", "density", "seed");
    JsonNode ascii = s.get("ascii");
    if (ascii != null && !mapName.equals("custom")) throw ConfigException.at("env.ascii", "is only used with env.map: custom (map is " + mapName + ")");
    if (mapName.equals("custom")) {
      if (ascii == null || !ascii.isArray() || ascii.isEmpty()) {
        throw ConfigException.at("env.ascii", "env.map: custom needs env.ascii, a list of equal-length rows of W (wall), A (apple), P (spawn), space (floor)");
      }
      java.util.List<String> rows = new java.util.ArrayList<>();
      for (int i = 0; i < ascii.size(); i++) {
        if (!ascii.get(i).isTextual()) throw ConfigException.at("env.ascii[" + i + "]", "expected a string row, got " + ascii.get(i));
        rows.add(ascii.get(i).textValue());
      }
      s.record("ascii", rows);
      try {
        map = GameMap.parse("custom", rows);
      } catch (IllegalArgumentException e) {
        throw ConfigException.at("env.ascii", e.getMessage());
      }
      if (!gen.isEmpty()) throw ConfigException.at("env.generated", "is only used with env.map: generated (map is custom)");
    } else if (mapName.equals("generated")) {
      int rows = gen.integer("rows", 0);
      int cols = gen.integer("cols", 0);
      if ((rows == 0) != (cols == 0)) throw ConfigException.at("env.generated", "give both rows and cols, or neither (size from players)");
      if (rows != 0 && (rows < 3 || cols < 3)) throw ConfigException.at("env.generated.rows", rows + "x" + cols + " is too small; need at least 3x3");
      if ((long) rows * cols > 64L * 1024 * 1024) throw ConfigException.at("env.generated.rows", rows + "x" + cols + " is over 64M cells");
      double density = gen.number("density", Generated.DEFAULT_DENSITY);
      if (!(density >= 0 && density <= 1)) throw ConfigException.at("env.generated.density", density + " is outside [0, 1]");
      map = Generated.build(rows, cols, players, density, gen.longValue("seed", 0));
    } else {
      if (!gen.isEmpty()) throw ConfigException.at("env.generated", "is only used with env.map: generated (map is " + mapName + ")");
      map = Presets.byName(mapName);
      if (map == null) throw ConfigException.at("env.map", "'" + mapName + "' is unknown; allowed: " + Presets.NAMES + " or custom (with env.ascii)");
    }
    boolean ssd = mapName.equals("ssd_harvest");

    Section view = s.section("view");
    view.allow("ahead", "behind", "left", "right");
    Section rg = s.section("regrowth");
    rg.allow("probabilities", "radius_sq", "under_players");
    float[] defaultP = ssd ? new float[] {0f, 0.005f, 0.02f, 0.05f} : new float[] {0f, 0.0025f, 0.005f, 0.025f};
    Section zap = s.section("zap");
    zap.allow("enabled", "length", "half_width", "removal_steps", "cooldown", "fire_cost", "hit_penalty");
    Section tax = s.section("tax");
    tax.allow("period", "brackets", "levels", "divergence_limit");
    Section voting = s.section("voting");
    voting.allow("round_periods", "social_choice", "objective", "objective_income");
    return new EnvSpec(map, players,
        view.integer("ahead", 9), view.integer("behind", 1), view.integer("left", 5), view.integer("right", 5),
        rg.floats("probabilities", defaultP), rg.integer("radius_sq", ssd ? 2 : 4), rg.bool("under_players", !ssd),
        zap.bool("enabled", false), zap.integer("length", 3), zap.integer("half_width", 1),
        zap.integer("removal_steps", 4), zap.integer("cooldown", 2),
        (float) zap.number("fire_cost", 0), (float) zap.number("hit_penalty", 0),
        s.integer("episode_length", 1000), tax.integer("period", 50),
        tax.floats("brackets", new float[] {0f, 10f, 20f}), tax.integer("levels", 11),
        (float) tax.number("divergence_limit", Double.POSITIVE_INFINITY),
        voting.integer("round_periods", 20),
        voting.choice("social_choice", SocialChoice.class, SocialChoice.MEAN),
        voting.choice("objective", Objective.class, Objective.PAPER),
        voting.choice("objective_income", ObjectiveIncome.class, ObjectiveIncome.PRE_TAX), Types.parse(s.section("types"), base));
  }

  private static RunSettings parseRun(Section s) {
    s.allow("envs", "seed", "backend", "threads", "principal", "device", "transfer", "mapping", "local_size");
    JsonNode dev = s.get("device");
    String device = dev == null ? "" : dev.isIntegralNumber() ? dev.asText() : s.string("device", "");
    s.record("device", device);
    return new RunSettings(s.integer("envs", 16), s.longValue("seed", 1), s.string("backend", "java"),
        s.integer("threads", 0), s.string("principal", "free_market"), device, s.choice("transfer", Transfer.class, Transfer.AUTO),
        s.choice("mapping", Mapping.class, Mapping.AUTO), s.integer("local_size", 0));
  }

  /**
   * A mapping in the YAML with its key path, for messages; typed getters with defaults. Every
   * getter records the key with the value it returned (the default where the key is absent) in a
   * table shared by the whole config: {@link Config#resolved}.
   */
  public static final class Section {
    private final String path;
    private final JsonNode node;
    private final Map<String, Object> used;

    Section(String path, JsonNode node, Map<String, Object> used) {
      if (node != null && !node.isMissingNode() && !node.isNull() && !node.isObject()) {
        throw ConfigException.at(path.isEmpty() ? "(top level)" : path, "expected a mapping of keys, got " + describe(node));
      }
      this.path = path;
      this.node = node;
      this.used = used;
    }

    public String path() {
      return path;
    }

    public boolean isEmpty() {
      return node == null || node.isMissingNode() || node.isNull() || node.isEmpty();
    }

    public String key(String k) {
      return path.isEmpty() ? k : path + "." + k;
    }

    /** Records that key {@code k} took {@code value} (for keys read with {@link #get}; the typed getters record themselves). */
    public void record(String k, Object value) {
      used.put(key(k), value);
    }

    /** Every key present must be one of {@code keys}; an unknown one is an error naming the nearest allowed key. */
    public void allow(String... keys) {
      if (isEmpty()) return;
      Set<String> allowed = new TreeSet<>(Arrays.asList(keys));
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw ConfigException.at(key(k), "unknown key; did you mean " + key(nearest(k, allowed)) + "? allowed keys"
              + (path.isEmpty() ? "" : " under " + path) + ": " + allowed);
        }
      }
    }

    public JsonNode get(String k) {
      if (isEmpty()) return null;
      JsonNode v = node.get(k);
      return v == null || v.isNull() ? null : v;
    }

    public Section section(String k) {
      return new Section(key(k), get(k), used);
    }

    public int integer(String k, int def) {
      JsonNode v = get(k);
      if (v != null && (!v.isIntegralNumber() || !v.canConvertToInt())) throw ConfigException.at(key(k), "expected an integer, got " + describe(v));
      int x = v == null ? def : v.intValue();
      record(k, x);
      return x;
    }

    public long longValue(String k, long def) {
      JsonNode v = get(k);
      if (v != null && (!v.isIntegralNumber() || !v.canConvertToLong())) throw ConfigException.at(key(k), "expected an integer, got " + describe(v));
      long x = v == null ? def : v.longValue();
      record(k, x);
      return x;
    }

    public double number(String k, double def) {
      double x = numberOrThrow(k, def);
      record(k, x);
      return x;
    }

    private double numberOrThrow(String k, double def) {
      JsonNode v = get(k);
      if (v == null) return def;
      if (v.isNumber()) return v.doubleValue();
      if (v.isTextual()) { // YAML .inf / .nan arrive as text
        String t = v.textValue().trim().toLowerCase(Locale.ROOT);
        if (t.equals(".inf") || t.equals("+.inf") || t.equals("inf")) return Double.POSITIVE_INFINITY;
      }
      throw ConfigException.at(key(k), "expected a number, got " + describe(v));
    }

    public boolean bool(String k, boolean def) {
      JsonNode v = get(k);
      if (v != null && !v.isBoolean()) throw ConfigException.at(key(k), "expected true or false, got " + describe(v));
      boolean x = v == null ? def : v.booleanValue();
      record(k, x);
      return x;
    }

    public String string(String k, String def) {
      JsonNode v = get(k);
      if (v != null && !v.isTextual()) throw ConfigException.at(key(k), "expected a string, got " + describe(v));
      String x = v == null ? def : v.textValue();
      if (x != null) record(k, x);
      return x;
    }

    public float[] floats(String k, float[] def) {
      JsonNode v = get(k);
      float[] out = def;
      if (v != null) {
        if (!v.isArray()) throw ConfigException.at(key(k), "expected a list of numbers, got " + describe(v));
        out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
          JsonNode e = v.get(i);
          if (!e.isNumber()) throw ConfigException.at(key(k) + "[" + i + "]", "expected a number, got " + describe(e));
          out[i] = e.floatValue();
        }
      }
      record(k, floatList(out));
      return out;
    }

    public <E extends Enum<E>> E choice(String k, Class<E> type, E def) {
      JsonNode v = get(k);
      if (v != null && !v.isTextual()) throw ConfigException.at(key(k), "expected one of " + Choices.labels(type) + ", got " + describe(v));
      E x = v == null ? def : Choices.parse(type, key(k), v.textValue());
      record(k, Choices.label(x));
      return x;
    }

    /** Floats as the decimals that print them (0.0025f as 0.0025, not 0.0024999999441206455), which read back to the same floats. */
    public static List<Double> floatList(float[] xs) {
      List<Double> out = new java.util.ArrayList<>();
      for (float x : xs) out.add(Double.valueOf(Float.toString(x)));
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Section s && s.path.equals(path) && java.util.Objects.equals(s.node, node);
    }

    @Override
    public int hashCode() {
      return path.hashCode();
    }

    @Override
    public String toString() {
      return "Section[" + path + "=" + node + "]";
    }

    private static String describe(JsonNode v) {
      return v.isTextual() ? "\"" + v.textValue() + "\"" : v.toString();
    }

    /** The allowed key with the smallest edit distance to {@code k} (ties: the first in order). */
    static String nearest(String k, Set<String> allowed) {
      String best = null;
      int bestD = Integer.MAX_VALUE;
      for (String a : allowed) {
        int d = editDistance(k, a);
        if (d < bestD) {
          bestD = d;
          best = a;
        }
      }
      return best;
    }

    private static int editDistance(String a, String b) {
      int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) prev[j] = j;
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }
  }
}
