package org.harvestsed.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.principal.Principal;
import org.harvestsed.train.Checkpoint;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;

/**
 * The fair comparison of principals (issue 5): for each principal, the players start from the
 * same phase-1 checkpoint of a training run (its final one if the run never left phase 1), are
 * trained for the same number of steps under that principal, then every principal is evaluated
 * on the same seeds (one voting round each). {@code learned} is the run's trained principal,
 * acting without learning; {@code learned@mode} the same principal acting at its mode.
 */
public final class Evaluation {
  private Evaluation() {}

  /** The results of one principal: one evaluated round per seed. */
  public record PrincipalResult(String principal, List<org.harvestsed.train.Evaluator.RoundResult> rounds) {
    double[] metric(java.util.function.ToDoubleFunction<org.harvestsed.engine.sim.RoundMetrics> f) {
      double[] v = new double[rounds.size()];
      for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(rounds.get(i).metrics());
      return v;
    }
  }

  /**
   * Splits a list such as {@code learned,free_market,fixed:0,0.6,1,saez}: the numbers after
   * {@code fixed:} belong to it (one per bracket).
   */
  public static List<String> splitPrincipals(String text, int brackets) {
    String[] parts = text.split(",");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("fixed:")) {
        StringBuilder sb = new StringBuilder(p);
        for (int k = 1; k < brackets && i + 1 < parts.length; k++) sb.append(',').append(parts[++i].trim());
        p = sb.toString();
      }
      if (!p.isEmpty()) out.add(p);
    }
    return out;
  }

  /**
   * The protocol's fine-tune (docs/RULES.md section 9): a trainer in {@code dir} with the run's
   * networks, the players reset to the phase-1 checkpoint (the final one if the run never left
   * phase 1), trained for {@code tc.totalSteps()} env steps under {@code principal} ({@code learned}:
   * the run's trained principal, acting without learning); metrics.csv in {@code dir} is their
   * learning curve. The caller closes the trainer.
   */
  public static Trainer finetuned(Path runDir, Config c, TrainConfig tc, String principal, Path dir) throws IOException {
    return finetuned(runDir, c, tc, principal, dir, t -> {});
  }

  /** {@link #finetuned(Path, Config, TrainConfig, String, Path)} with {@code setUp} applied to the trainer before it runs (a stopping rule). */
  public static Trainer finetuned(Path runDir, Config c, TrainConfig tc, String principal, Path dir, Consumer<Trainer> setUp) throws IOException {
    return trained(c, tc, dir, t -> {
      t.loadNetworks(runDir);
      Path phase1 = runDir.resolve(Checkpoint.PHASE1_FILE);
      if (Files.isRegularFile(phase1)) t.loadPlayers(phase1);
      if (principal.equals("learned")) t.freezePrincipal();
      else t.useBaseline(Principal.parse(principal, c.env(), c.run().seed()));
      setUp.accept(t);
    });
  }

  /**
   * Players trained from scratch (the config's seed initialises them) for {@code tc.totalSteps()}
   * env steps under the baseline {@code principal} in {@code dir} (a positive control: sweeps with
   * finetune.from: scratch), {@code setUp} applied before it runs. The caller closes the trainer.
   */
  public static Trainer fromScratch(Config c, TrainConfig tc, String principal, Path dir, Consumer<Trainer> setUp) throws IOException {
    return trained(c, tc, dir, t -> {
      t.useBaseline(Principal.parse(principal, c.env(), c.run().seed()));
      setUp.accept(t);
    });
  }

  /** Set-up of a trainer before it runs (it may read checkpoints). */
  @FunctionalInterface
  private interface Preparation {
    void prepare(Trainer t) throws IOException;
  }

  /** A trainer in {@code dir}, prepared, then run to its end; closed if anything fails, else the caller's to close. */
  private static Trainer trained(Config c, TrainConfig tc, Path dir, Preparation p) throws IOException {
    Trainer t = new Trainer(c, tc, dir);
    try {
      p.prepare(t);
      if (tc.totalSteps() > 0) t.run(); // 0: the prepared networks as they are (a sweep's finetune.steps: 0)
      return t;
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** The learned principal evaluated at its mode (the most probable level of each bracket) instead of sampling. */
  public static final String LEARNED_AT_MODE = "learned@mode";

  /** The seed of evaluation round {@code s} (1-based): the same rounds for every principal and training seed. */
  public static long evaluationSeed(int s) {
    return 1_000_000L + s;
  }

  public static Map<String, PrincipalResult> run(Path runDir, List<String> principals, int seeds, long finetuneSteps,
      SocialChoice choice, Consumer<String> progress) throws IOException {
    return run(runDir, Config.load(runDir.resolve("config.yaml")), principals, seeds, finetuneSteps, choice, progress);
  }

  /** {@link #run(Path, List, int, long, SocialChoice, Consumer)} under {@code c}, the run's config (with command-line overrides). */
  public static Map<String, PrincipalResult> run(Path runDir, Config c, List<String> principals, int seeds, long finetuneSteps,
      SocialChoice choice, Consumer<String> progress) throws IOException {
    EnvSpec spec = choice == null ? c.env() : c.env().withSocialChoice(choice);
    TrainConfig tc = TrainConfig.parse(c.train()).forFinetune(finetuneSteps);
    for (String p : principals) if (!p.startsWith("learned")) Principal.parse(p, spec); // fail fast on a bad spec
    if (!Files.isRegularFile(runDir.resolve("checkpoint.bin"))) {
      throw new IllegalArgumentException("--run " + runDir + " holds no checkpoint.bin; train first: ./harvest train --config F --out " + runDir);
    }
    Map<String, PrincipalResult> results = new LinkedHashMap<>();
    for (String p : principals) {
      progress.accept(p + ": training players for " + finetuneSteps + " env steps");
      Path tmp = Files.createTempDirectory("harvest-eval");
      boolean atMode = p.equals(LEARNED_AT_MODE);
      try (Trainer t = finetuned(runDir, new Config(spec, c.run(), c.train()), tc, atMode ? "learned" : p, tmp)) {
        if (atMode) t.learnedAtMode(true);
        List<org.harvestsed.train.Evaluator.RoundResult> rounds = new ArrayList<>();
        for (int s = 1; s <= seeds; s++) {
          progress.accept(p + ": evaluating seed " + s + "/" + seeds);
          rounds.add(t.evaluateRound(evaluationSeed(s)));
        }
        results.put(p, new PrincipalResult(p, rounds));
      } finally {
        try (var files = Files.list(tmp)) {
          for (Path f : files.toList()) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(tmp);
      }
    }
    return results;
  }
}
