package org.harvestsed.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.io.AtomicFiles;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.eval.Evaluation;
import org.harvestsed.eval.IncomeStats;
import org.harvestsed.eval.LearningCurve;
import org.harvestsed.train.Evaluator;
import org.harvestsed.train.PlayersVsRandom;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;

/**
 * Runs one {@link RunSpec} in the JVM it is called in (a Spark executor's) and returns its rows.
 * A run works in {@code OUT/runs/.attempts/ID.UUID} and becomes {@code OUT/runs/ID} by an atomic
 * rename once its {@value #ROWS} is written: a directory under runs/ is complete by construction,
 * so a rerun skips it, a partial attempt never counts, and two attempts never share a directory.
 */
public final class RunExecutor {
  /** The rows of a complete run, in its directory. */
  public static final String ROWS = "rows.json";

  private RunExecutor() {}

  public static Path runDir(Path out, String id) {
    return out.resolve("runs").resolve(id);
  }

  /** Whether the run {@code id} is complete under {@code out}. */
  public static boolean complete(Path out, String id) {
    return Files.isRegularFile(runDir(out, id).resolve(ROWS));
  }

  /** The rows a complete run wrote. */
  @SuppressWarnings("unchecked")
  public static List<ResultRow> read(Path out, String id) throws IOException {
    List<Map<String, Object>> maps = new ObjectMapper().readValue(runDir(out, id).resolve(ROWS).toFile(), List.class);
    List<ResultRow> rows = new ArrayList<>();
    for (Map<String, Object> m : maps) rows.add(ResultRow.fromMap(m));
    return rows;
  }

  /**
   * Runs {@code run} unless it is complete (then its stored rows). On an exception: rethrown while
   * Spark has attempts left ({@code attempt + 1 < maxAttempts}), so Spark retries the task; on the
   * last attempt, one row with status "failed" and the error, and the sweep goes on.
   */
  public static List<ResultRow> execute(RunSpec run, Path out, int attempt, int maxAttempts) throws IOException {
    if (complete(out, run.id())) return read(out, run.id());
    long t0 = System.nanoTime();
    Path work = out.resolve("runs").resolve(".attempts").resolve(run.id() + "." + UUID.randomUUID());
    try {
      Files.createDirectories(work);
      if (attempt < run.failAttempts()) throw new IllegalStateException("injected failure of attempt " + attempt + " (test)");
      List<ResultRow> rows = run.kind() == RunSpec.Kind.TRAIN ? train(run, work) : finetune(run, out, work);
      double seconds = (System.nanoTime() - t0) / 1e9;
      String host = host();
      for (ResultRow r : rows) r.set("status", "ok").set("attempt", attempt).set("seconds", seconds).set("host", host);
      List<Map<String, Object>> maps = rows.stream().map(ResultRow::asMap).toList();
      AtomicFiles.writeString(work.resolve(ROWS), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(maps));
      commit(work, runDir(out, run.id()));
      return read(out, run.id());
    } catch (Exception e) {
      deleteTree(work);
      if (attempt + 1 < maxAttempts) {
        if (e instanceof IOException io) throw io;
        if (e instanceof RuntimeException re) throw re;
        throw new IOException(e);
      }
      ResultRow failed = new ResultRow(run).set("status", "failed").set("error", message(e)).set("attempt", attempt)
          .set("seconds", (System.nanoTime() - t0) / 1e9).set("host", host());
      return List.of(failed);
    }
  }

  /** Renames the finished attempt to the run's directory; if another attempt got there first, that one stands. */
  private static void commit(Path work, Path dir) throws IOException {
    if (Files.isDirectory(dir) && !Files.isRegularFile(dir.resolve(ROWS))) deleteTree(dir); // left by an older version: never a result
    try {
      Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      deleteTree(work); // a concurrent attempt committed first
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("--out must be on a file system that renames directories atomically (" + e.getMessage() + ")", e);
    }
  }

  /** The first lines of a sweep run's config.yaml. */
  private static String header(RunSpec run) {
    return "resolved config of sweep run " + run.id() + (run.kind() == RunSpec.Kind.FINETUNE ? " (its train: keys before the fine-tune's "
        + "budget of " + run.finetuneSteps() + " env steps)" : "") + "\nevery key with the value this run used, defaults included";
  }

  private static List<ResultRow> train(RunSpec run, Path work) throws IOException {
    Config c = Config.parse(run.configYaml(), run.id());
    TrainConfig tc = TrainConfig.parse(c.train());
    ResultRow row = new ResultRow(run);
    try (Trainer t = new Trainer(c, tc, work)) {
      AtomicFiles.writeString(work.resolve("config.yaml"), c.resolvedYaml(header(run)));
      t.run();
      PlayersVsRandom.Result pr = PlayersVsRandom.measure(t, PlayersVsRandom.DEFAULT_SEEDS);
      PlayersVsRandom.write(work, pr);
      row.set("env_steps", t.globalStep()).set("apples_trained", pr.meanTrained()).set("apples_random", pr.meanRandom());
    }
    LearningCurve curve = LearningCurve.of(work.resolve("metrics.csv"));
    row.set("curve_first", curve.first()).set("curve_last", curve.last()).set("curve_change", curve.change());
    return List.of(row);
  }

  private static List<ResultRow> finetune(RunSpec run, Path out, Path work) throws IOException {
    if (!run.fromScratch() && !complete(out, run.trainId())) throw new IOException("its training run " + run.trainId() + " is not complete");
    Config c = Config.parse(run.configYaml(), run.id());
    TrainConfig tc = TrainConfig.parse(c.train()).forFinetune(run.finetuneSteps());
    AtomicFiles.writeString(work.resolve("config.yaml"), c.resolvedYaml(header(run)));
    List<ResultRow> rows = new ArrayList<>();
    int sites = c.env().map().appleSiteCount();
    RunSpec.Finetune ft = run.finetune();
    java.util.function.Consumer<Trainer> rule = t -> {
      if (ft.tolerance() > 0) t.stopWhenConverged(ft.tolerance(), ft.minSteps());
    };
    try (Trainer t = run.fromScratch() ? Evaluation.fromScratch(c, tc, run.principal(), work, rule)
        : Evaluation.finetuned(runDir(out, run.trainId()), c, tc, run.principal(), work, rule)) {
      Path metrics = work.resolve("metrics.csv");
      LearningCurve curve = Files.isRegularFile(metrics) ? LearningCurve.of(metrics) : LearningCurve.of(new double[0]); // none: finetune.steps 0
      List<String> modes = run.principal().equals("learned") ? run.learnedModes() : List.of("");
      for (String mode : modes) {
        if (!mode.isEmpty()) t.learnedAtMode(mode.equals("mode"));
        List<Evaluator.RoundResult> rounds = new ArrayList<>();
        for (int s = 1; s <= run.evalSeeds(); s++) rounds.add(t.evaluateRound(Evaluation.evaluationSeed(s)));
        ResultRow row = new ResultRow(run).set("evaluated", mode).set("env_steps", t.globalStep()).set("eval_rounds", rounds.size())
            .set("converged", ft.tolerance() > 0 ? (t.converged() ? "yes" : "no") : "");
        row.set("objective", mean(rounds, RoundMetrics::objective)).set("productivity", mean(rounds, RoundMetrics::productivity))
            .set("equality", mean(rounds, RoundMetrics::equality)).set("eq_x_prod", mean(rounds, RoundMetrics::eqXProd))
            .set("lost_patches", mean(rounds, RoundMetrics::lostPatches))
            .set("sites_alive", 1 - mean(rounds, RoundMetrics::lostPatches) / sites)
            .set("players", c.env().players()).set("apples_per_player", mean(rounds, RoundMetrics::productivity) / c.env().players())
            .set("first_collapse_step", rounds.stream().mapToDouble(Evaluator.RoundResult::firstCollapseStep).average().orElse(Double.NaN))
            .set("top_rate", mean(rounds, m -> m.rates()[m.rates().length - 1])).set("rates", rates(rounds))
            .set("pre_tax_inequality", IncomeStats.inequality(rounds, false))
            .set("post_tax_inequality", IncomeStats.inequality(rounds, true));
        double[] terciles = IncomeStats.applesPerPeriodByTercile(rounds);
        row.set("apples_per_period_beta_low", terciles[0]).set("apples_per_period_beta_mid", terciles[1])
            .set("apples_per_period_beta_high", terciles[2]);
        row.set("curve_first", curve.first()).set("curve_last", curve.last()).set("curve_change", curve.change());
        rows.add(row);
      }
    }
    return rows;
  }

  /** Each bracket's rate averaged over the evaluated rounds (each a round's mean), joined by ';' from the lowest bracket. */
  static String rates(List<Evaluator.RoundResult> rounds) {
    int brackets = rounds.get(0).metrics().rates().length;
    StringBuilder sb = new StringBuilder();
    for (int b = 0; b < brackets; b++) {
      int k = b;
      if (b > 0) sb.append(';');
      sb.append(String.format(java.util.Locale.ROOT, "%.4f", mean(rounds, m -> m.rates()[k])));
    }
    return sb.toString();
  }

  private static double mean(List<Evaluator.RoundResult> rounds, java.util.function.ToDoubleFunction<RoundMetrics> f) {
    double s = 0;
    for (Evaluator.RoundResult r : rounds) s += f.applyAsDouble(r.metrics());
    return s / rounds.size();
  }

  static String message(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    String[] lines = w.toString().split("\n");
    return String.join(" | ", java.util.Arrays.asList(lines).subList(0, Math.min(4, lines.length))).replace('\t', ' ');
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
    } catch (IOException e) {
      return "?:" + ProcessHandle.current().pid();
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
