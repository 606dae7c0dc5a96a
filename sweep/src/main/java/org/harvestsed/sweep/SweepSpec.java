package org.harvestsed.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.harvestsed.engine.config.Choices;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.principal.Principal;
import org.harvestsed.train.TrainConfig;

/**
 * A sweep spec (docs/SWEEPS.md; e.g. configs/sweeps/principals.yaml):
 * <pre>
 * base: ../quickstart.yaml          # the experiment config, relative to the spec
 * primary_outcome: objective        # fixed before the sweep: objective | productivity | equality | eq_x_prod
 * reference: free_market            # paired differences are taken to this principal
 * set: {train.total_steps: 300000}  # settings of every run (dotted env./run./train. keys)
 * axes:
 *   seed: [1, 2, 3]                 # training seeds: one TRAIN run each (with each combination of env./train. axes)
 *   principal: [free_market, flat:0.5, saez, learned]   # one FINETUNE run per TRAIN run, principal, social choice
 *   social_choice: [mean]
 *   train.lr: [0.001, 0.0005]       # any env./train. key: more TRAIN runs
 * finetune: {steps: 32768}          # env steps of player training under each principal
 * finetune: {steps: 2000000, from: scratch}   # or players trained from scratch under each principal (a positive
 *                                   # control: baselines only, no TRAIN runs; default from: phase1, the phase-1 checkpoint)
 * finetune: {steps: 240000, tolerance: 2.0, min_steps: 96000}   # stop once apples per round stop moving (budget: steps)
 * finetune: {steps: 0}              # no fine-tune: each seed's phase-1 players evaluated as they are
 * evaluate: {seeds: 5, learned: [sampling, mode]}
 * </pre>
 * Loading checks everything a run would check (every combination's config, every principal), so
 * bad input fails before any run starts.
 */
public final class SweepSpec {
  /** Outcomes a spec may name as its primary outcome (result columns). */
  public static final List<String> OUTCOMES = List.of("objective", "productivity", "equality", "eq_x_prod", "sites_alive");

  private final Path file;
  private final String primaryOutcome, reference;
  private final List<Long> seeds;
  private final List<String> principals, socialChoices, learnedModes;
  private final LinkedHashMap<String, List<Object>> trainAxes;
  private final Map<String, Object> base;
  private final RunSpec.Finetune finetune;
  /** finetune.steps_per_env (0: finetune.steps for every run). */
  private final long stepsPerEnv;
  private final int evalSeeds;
  private final List<RunSpec> trainRuns = new ArrayList<>(), finetuneRuns = new ArrayList<>();

  private SweepSpec(Path file, Map<String, Object> base, String primaryOutcome, String reference, List<Long> seeds,
      List<String> principals, List<String> socialChoices, LinkedHashMap<String, List<Object>> trainAxes, RunSpec.Finetune finetune,
      long stepsPerEnv, int evalSeeds, List<String> learnedModes) {
    this.file = file;
    this.base = base;
    this.primaryOutcome = primaryOutcome;
    this.reference = reference;
    this.seeds = seeds;
    this.principals = principals;
    this.socialChoices = socialChoices;
    this.trainAxes = trainAxes;
    this.finetune = finetune;
    this.stepsPerEnv = stepsPerEnv;
    this.evalSeeds = evalSeeds;
    this.learnedModes = learnedModes;
    expand();
  }

  public Path file() {
    return file;
  }

  public String primaryOutcome() {
    return primaryOutcome;
  }

  public String reference() {
    return reference;
  }

  /** Whether the players of every FINETUNE run start from scratch (finetune.from: scratch) instead of a phase-1 checkpoint. */
  public boolean fromScratch() {
    return finetune.fromScratch();
  }

  public List<String> principals() {
    return principals;
  }

  public List<RunSpec> trainRuns() {
    return trainRuns;
  }

  public List<RunSpec> finetuneRuns() {
    return finetuneRuns;
  }

  /** The FINETUNE runs of one TRAIN run. */
  public List<RunSpec> finetuneRunsOf(String trainId) {
    return finetuneRuns.stream().filter(r -> r.trainId().equals(trainId)).toList();
  }

  public static SweepSpec load(Path file) {
    return load(file, List.of());
  }

  /** The spec in {@code file} with {@code sets} (the command line's --set) added to its set: after the spec's own. */
  public static SweepSpec load(Path file, List<ConfigTree.Assignment> sets) {
    return parse(ConfigTree.readFile(file, "sweep spec", "configs/sweeps/principals.yaml"), file, sets);
  }

  public static SweepSpec parse(String text, Path file) {
    return parse(ConfigTree.read(text, "sweep spec " + file), file, List.of());
  }

  @SuppressWarnings("unchecked")
  static SweepSpec parse(Map<String, Object> root, Path file, List<ConfigTree.Assignment> cliSets) {
    for (String k : root.keySet()) {
      if (!List.of("base", "primary_outcome", "reference", "set", "axes", "finetune", "evaluate").contains(k)) {
        throw err(file, k, "unknown key; allowed: base, primary_outcome, reference, set, axes, finetune, evaluate");
      }
    }
    if (!(root.get("base") instanceof String baseName)) throw err(file, "base", "expected the path of an experiment config, e.g. ../quickstart.yaml");
    Path basePath = (file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent()).resolve(baseName).normalize();
    Map<String, Object> base;
    try {
      base = ConfigTree.readFile(basePath, "config file", "../quickstart.yaml");
    } catch (ConfigException e) {
      throw err(file, "base", e.getMessage() + " (the path is relative to the spec)");
    }
    List<ConfigTree.Assignment> sets = new ArrayList<>();
    Object set = root.get("set");
    if (set != null) {
      if (!(set instanceof Map<?, ?> sm)) throw err(file, "set", "expected a mapping of dotted keys, e.g. {train.total_steps: 300000}");
      for (var e : ((Map<String, Object>) sm).entrySet()) sets.add(new ConfigTree.Assignment(String.valueOf(e.getKey()), e.getValue(), "set." + e.getKey()));
    }
    sets.addAll(cliSets);
    for (ConfigTree.Assignment a : sets) {
      if (!(a.key().startsWith("env.") || a.key().startsWith("run.") || a.key().startsWith("train.")) || a.key().equals("run.seed")) {
        throw err(file, a.origin(), "unknown key; set takes env.*, run.* (but run.seed: use the seed axis) and train.* keys");
      }
    }
    base = ConfigTree.with(base, sets);
    String primary = string(root, "primary_outcome", file, "objective");
    if (!OUTCOMES.contains(primary)) throw err(file, "primary_outcome", "'" + primary + "' is unknown; allowed: " + OUTCOMES);
    if (!(root.get("axes") instanceof Map<?, ?> am)) throw err(file, "axes", "expected a mapping of axes, e.g. {seed: [1, 2], principal: [free_market, learned]}");
    Map<String, Object> axes = (Map<String, Object>) am;
    List<Long> seeds = new ArrayList<>();
    List<String> principals = new ArrayList<>(), choices = new ArrayList<>();
    LinkedHashMap<String, List<Object>> trainAxes = new LinkedHashMap<>();
    for (var e : axes.entrySet()) {
      String k = String.valueOf(e.getKey());
      String where = "axes." + k;
      if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) throw err(file, where, "expected a non-empty list of values");
      switch (k) {
        case "seed" -> {
          for (Object v : values) {
            if (!(v instanceof Integer || v instanceof Long)) throw err(file, where, "expected integer seeds, got " + describe(v));
            seeds.add(((Number) v).longValue());
          }
        }
        case "principal" -> {
          for (Object v : values) {
            if (!(v instanceof String s)) throw err(file, where, "expected principal names such as free_market or flat:0.5, got " + describe(v));
            principals.add(s.trim());
          }
        }
        case "social_choice" -> {
          for (Object v : values) {
            if (!(v instanceof String s)) throw err(file, where, "expected mean, median or majority, got " + describe(v));
            try {
              choices.add(Choices.parse(SocialChoice.class, where, s).key());
            } catch (ConfigException x) {
              throw new ConfigException("sweep spec " + file + ": " + x.getMessage());
            }
          }
        }
        default -> {
          if (values.stream().allMatch(v -> v instanceof Map<?, ?>)) { // a bundle: keys that change together (e.g. players and envs)
            for (Object v : values) {
              Map<String, Object> b = (Map<String, Object>) v;
              if (b.isEmpty()) throw err(file, where, "a bundle needs at least one key, e.g. {env.players: 8, run.envs: 32}");
              for (String bk : b.keySet()) {
                if (!(bk.startsWith("env.") || bk.startsWith("run.") || bk.startsWith("train.")) || bk.equals("run.seed")) {
                  throw err(file, where + "." + bk, "unknown key; a bundle takes env.*, run.* (but run.seed: use the seed axis) and train.* keys");
                }
              }
            }
            trainAxes.put(k, new ArrayList<>(values));
            continue;
          }
          if (!(k.startsWith("env.") || k.startsWith("train."))) {
            throw err(file, where, "unknown axis; allowed: seed, principal, social_choice, any env.* or train.* key of the config (e.g. train.lr),"
                + " or a bundle: a name whose values are mappings of keys that change together, e.g. size: [{env.players: 4, run.envs: 64}]");
          }
          trainAxes.put(k, new ArrayList<>(values));
        }
      }
    }
    if (seeds.isEmpty()) throw err(file, "axes.seed", "missing; list the training seeds, e.g. seed: [1, 2, 3]");
    if (principals.isEmpty()) throw err(file, "axes.principal", "missing; list the principals, e.g. principal: [free_market, learned]");
    if (choices.isEmpty()) choices.add(null); // the base config's
    String reference = string(root, "reference", file, "free_market");
    if (!principals.contains(reference)) throw err(file, "reference", "'" + reference + "' is not on the principal axis " + principals);
    Map<String, Object> ft = section(root, "finetune", file, "steps", "steps_per_env", "from", "tolerance", "min_steps");
    long stepsPerEnv = integer(ft, "steps_per_env", file, "finetune.steps_per_env", 0);
    if (stepsPerEnv > 0 && ft.containsKey("steps")) {
      throw err(file, "finetune.steps_per_env", "give finetune.steps (the same budget for every run) or steps_per_env (that many per env of each run), not both");
    }
    // steps: 0 evaluates each seed's phase-1 players as they are, untrained under the principal (e.g. do they respond to rates?)
    long steps = Integer.valueOf(0).equals(ft.get("steps")) ? 0 : integer(ft, "steps", file, "finetune.steps", 32768);
    String from = string(ft, "from", file, "phase1");
    if (steps == 0 && from.equals("scratch")) throw err(file, "finetune.steps", "0 (no training) needs from: phase1: players from scratch are untrained");
    if (!from.equals("phase1") && !from.equals("scratch")) throw err(file, "finetune.from", "'" + from + "' is unknown; allowed: phase1, scratch");
    if (from.equals("scratch") && principals.contains("learned")) {
      throw err(file, "finetune.from", "scratch trains players under baselines only; the learned principal needs a training run (from: phase1)");
    }
    Object tol = ft.getOrDefault("tolerance", 0);
    if (!(tol instanceof Number tn) || !(tn.doubleValue() >= 0)) {
      throw err(file, "finetune.tolerance", "expected apples per round >= 0 (0: every run uses the whole budget), got " + describe(tol));
    }
    long minSteps = integer(ft, "min_steps", file, "finetune.min_steps", 0);
    if (steps == 0 && tn.doubleValue() > 0) throw err(file, "finetune.tolerance", "a convergence rule needs training: finetune.steps is 0");
    RunSpec.Finetune finetune = new RunSpec.Finetune(steps, from.equals("scratch"), tn.doubleValue(), minSteps);
    Map<String, Object> ev = section(root, "evaluate", file, "seeds", "learned");
    long evalSeeds = integer(ev, "seeds", file, "evaluate.seeds", 5);
    if (evalSeeds > 1000) throw err(file, "evaluate.seeds", evalSeeds + " is more than 1000");
    List<String> modes = new ArrayList<>();
    Object lm = ev.getOrDefault("learned", List.of("sampling", "mode"));
    if (!(lm instanceof List<?> ll) || ll.isEmpty()) throw err(file, "evaluate.learned", "expected a list of sampling and/or mode");
    for (Object v : (List<?>) lm) {
      if (!"sampling".equals(v) && !"mode".equals(v)) throw err(file, "evaluate.learned", describe(v) + " is unknown; allowed: sampling, mode");
      modes.add((String) v);
    }
    SweepSpec s = new SweepSpec(file, base, primary, reference, seeds, principals, choices, trainAxes, finetune, stepsPerEnv, (int) evalSeeds, modes);
    s.validate();
    return s;
  }

  /** Builds the runs: TRAIN per (env./train. axis combination, seed); FINETUNE per TRAIN run, principal, social choice. */
  private void expand() {
    List<Map<String, Object>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (var axis : trainAxes.entrySet()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> c : combos) {
        for (Object v : axis.getValue()) {
          Map<String, Object> m = new LinkedHashMap<>(c);
          m.put(axis.getKey(), v);
          next.add(m);
        }
      }
      combos = next;
    }
    Set<String> ids = new HashSet<>();
    for (Map<String, Object> combo : combos) {
      StringBuilder axes = new StringBuilder(), tag = new StringBuilder();
      Map<String, Object> settings = new LinkedHashMap<>(); // the combination as dotted keys, bundles flattened
      for (var e : combo.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> b) settings.putAll((Map<String, Object>) b);
        else settings.put(e.getKey(), e.getValue());
      }
      for (var e : settings.entrySet()) {
        axes.append(axes.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        tag.append('_').append(e.getKey()).append('-').append(e.getValue());
      }
      for (long seed : seeds) {
        Map<String, Object> cfg = ConfigTree.copy(base);
        for (var e : settings.entrySet()) ConfigTree.put(cfg, e.getKey(), e.getValue());
        ConfigTree.put(cfg, "run.seed", seed);
        String id = unique(ids, safe("seed-" + seed + tag), "seed " + seed + (axes.isEmpty() ? "" : ", " + axes));
        RunSpec train = new RunSpec(RunSpec.Kind.TRAIN, id, seed, ConfigTree.dump(cfg), axes.toString(), "", "", "", RunSpec.Finetune.NONE, 0, List.of(), 0);
        if (!finetune.fromScratch()) trainRuns.add(train); // from scratch: no checkpoint to start from, no training run
        for (String p : principals) {
          for (String sc : socialChoices) {
            Map<String, Object> fcfg = ConfigTree.copy(cfg);
            if (sc != null) ConfigTree.put(fcfg, "env.voting.social_choice", sc);
            String choice = sc != null ? sc : Config.parse(train.configYaml(), id).env().socialChoice().key();
            String fid = unique(ids, id + "+" + safe(p) + "+" + choice, "seed " + seed + ", principal " + p + ", social choice " + choice);
            finetuneRuns.add(new RunSpec(RunSpec.Kind.FINETUNE, fid, seed, ConfigTree.dump(fcfg), axes.toString(), p, choice,
                finetune.fromScratch() ? "" : id, finetuneOf(fcfg, fid), evalSeeds, p.equals("learned") ? learnedModes : List.of(), 0));
          }
        }
      }
    }
  }

  /** The fine-tune of a run: with finetune.steps_per_env its budget is that many steps per env of the run (run.envs). */
  private RunSpec.Finetune finetuneOf(Map<String, Object> cfg, String id) {
    if (stepsPerEnv == 0) return finetune;
    int envs = Config.parse(ConfigTree.dump(cfg), file + " (run " + id + ")").run().envs();
    return new RunSpec.Finetune(stepsPerEnv * envs, finetune.fromScratch(), finetune.tolerance(), finetune.minSteps());
  }

  private String unique(Set<String> ids, String id, String what) {
    if (!ids.add(id)) {
      throw err(file, "axes", "two runs would share the directory runs/" + id + " (" + what + "); list each axis value once");
    }
    return id;
  }

  /** Every run's config parses, its train section too, and every principal fits the env. */
  private void validate() {
    for (RunSpec r : trainRuns) {
      try {
        Config c = Config.parse(r.configYaml(), file + " (run " + r.id() + ")");
        TrainConfig.parse(c.train());
        if (!c.run().backend().equals("java") && !c.run().backend().equals("opencl")) {
          throw new ConfigException("run.backend " + c.run().backend() + ": sweeps run on the java or opencl backend");
        }
        for (RunSpec f : finetuneRunsOf(r.id())) {
          EnvSpec spec = Config.parse(f.configYaml(), file + " (run " + f.id() + ")").env();
          if (!f.principal().equals("learned")) Principal.parse(f.principal(), spec).close();
        }
      } catch (ConfigException e) {
        throw new ConfigException("sweep spec " + file + ": " + e.getMessage());
      }
    }
  }

  static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._=-]", "-");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> root, String key, Path file, String... allowed) {
    Object v = root.get(key);
    if (v == null) return Map.of();
    if (!(v instanceof Map<?, ?> m)) throw err(file, key, "expected a mapping with " + String.join(", ", allowed));
    for (Object k : m.keySet()) if (!List.of(allowed).contains(String.valueOf(k))) throw err(file, key + "." + k, "unknown key; allowed: " + String.join(", ", allowed));
    return (Map<String, Object>) m;
  }

  private static long integer(Map<String, Object> m, String k, Path file, String where, long def) {
    Object v = m.get(k);
    if (v == null) return def;
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 1) throw err(file, where, "expected a positive integer, got " + describe(v));
    return ((Number) v).longValue();
  }

  private static String string(Map<String, Object> m, String k, Path file, String def) {
    Object v = m.get(k);
    if (v == null) return def;
    if (!(v instanceof String s)) throw err(file, k, "expected a string, got " + describe(v));
    return s;
  }

  private static String describe(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }

  private static ConfigException err(Path file, String where, String msg) {
    return new ConfigException("sweep spec " + file + ": " + where + ": " + msg);
  }
}
