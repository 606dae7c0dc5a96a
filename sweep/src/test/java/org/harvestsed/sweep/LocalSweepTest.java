package org.harvestsed.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny sweep on Spark in this JVM (local[2] with retries): injected task failures are retried,
 * a run that keeps failing is reported with its error while the rest goes on, a rerun skips the
 * complete runs and never counts a partial directory, and every row appears exactly once in
 * results.csv and results.parquet.
 */
class LocalSweepTest {
  static final String AXES = "axes: {seed: [1, 2], principal: [free_market, learned]}\nfinetune: {steps: 64}\nevaluate: {seeds: 2}\n";

  @Test
  void failuresAreRetriedReportedAndResumed(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    Path out = dir.resolve("out");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Sweep.Options o = new Sweep.Options("local[2]", out).withFailAttempts(Map.of("seed-1+free_market+mean", 1, "seed-2+learned+mean", 99));
    Sweep.Result first = Sweep.run(spec, o, new PrintStream(log, true));

    assertThat(first.ranTrain()).isEqualTo(2);
    assertThat(first.ranFinetune()).isEqualTo(4);
    ResultRow retried = row(first.rows(), "seed-1+free_market+mean", "");
    assertThat(retried.string("status")).isEqualTo("ok");
    assertThat(retried.number("attempt")).as("the first attempt failed, the second ran").isEqualTo(1);
    assertThat(retried.number("objective")).isFinite();
    ResultRow failed = row(first.rows(), "seed-2+learned+mean", "");
    assertThat(failed.string("status")).isEqualTo("failed");
    assertThat(failed.string("error")).contains("injected failure of attempt 2");
    assertThat(failed.number("attempt")).isEqualTo(2); // maxFailures 3: attempts 0, 1, 2
    assertThat(RunExecutor.complete(out, "seed-2+learned+mean")).isFalse();
    // the rest went on: 2 train rows, free_market x 2, learned (sampling and mode) for seed 1, one failed row
    assertThat(first.rows()).hasSize(2 + 2 + 2 + 1);
    assertThat(first.rows().stream().filter(ResultRow::ok).count()).isEqualTo(6);
    ResultRow mode = row(first.rows(), "seed-1+learned+mean", "mode");
    assertThat(mode.label()).isEqualTo("learned@mode");
    assertThat(row(first.rows(), "seed-1+learned+mean", "sampling").ok()).isTrue();
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 7);

    // a partial directory of the failed run and a stale attempt: neither is a result
    Files.createDirectories(out.resolve("runs/seed-2+learned+mean"));
    Files.writeString(out.resolve("runs/seed-2+learned+mean/metrics.csv"), "partial");
    Files.createDirectories(out.resolve("runs/.attempts/seed-2+learned+mean.stale"));
    Sweep.Result second = Sweep.run(spec, new Sweep.Options("local[2]", out), new PrintStream(log, true));
    assertThat(second.ranTrain()).as("complete runs are skipped").isZero();
    assertThat(second.ranFinetune()).isEqualTo(1);
    assertThat(second.failed()).isZero();
    assertThat(second.rows()).hasSize(2 + 2 + 4);
    Set<String> keys = new HashSet<>();
    for (ResultRow r : second.rows()) assertThat(keys.add(r.string("run_id") + "/" + r.string("evaluated"))).isTrue();
    assertThat(row(second.rows(), "seed-1+free_market+mean", "").number("objective"))
        .as("the stored row of a skipped run").isEqualTo(retried.number("objective"));
    try (var runs = Files.list(out.resolve("runs"))) {
      assertThat(runs.filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(2 + 4);
    }
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 8);
    assertThat(out.resolve("summary.md")).content().contains("learned@mode").contains("Holm");

    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    try {
      var df = spark.read().parquet(out.resolve("results.parquet").toString());
      assertThat(df.count()).isEqualTo(8);
      assertThat(df.filter("status = 'ok'").count()).isEqualTo(8);
      assertThat(df.select("run_id", "evaluated").distinct().count()).isEqualTo(8);
    } finally {
      spark.stop();
    }
    assertThat(log.toString()).contains("train: 2 runs, 2 complete already, 0 to run");
  }

  /**
   * A sweep's rows are a function of its spec (issue 22): run on local[2] (two runs at once in
   * one JVM), then every run directory deleted and the sweep rerun on local[1] (one at a time):
   * every run's rows.json is the same, apart from its wall time and host.
   */
  @Test
  void aSweepRerunFromScratchGivesTheSameRows(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    Path out = dir.resolve("out");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    Sweep.run(spec, new Sweep.Options("local[2]", out), quiet);
    Map<String, String> first = rowsByRun(out);
    assertThat(first).hasSize(6); // 2 training runs, 4 fine-tunes
    RunExecutor.deleteTree(out.resolve("runs"));
    Sweep.run(spec, new Sweep.Options("local[1]", out), quiet);
    assertThat(rowsByRun(out)).isEqualTo(first);
  }

  /** finetune.steps: 0 evaluates the phase-1 players as they are: no fine-tune, no learning curve, the rows evaluated. */
  @Test
  void zeroFinetuneStepsEvaluatesThePhase1Players(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market, flat:1]}\nfinetune: {steps: 0}\nevaluate: {seeds: 1}\n"));
    Path out = dir.resolve("out");
    Sweep.Result r = Sweep.run(spec, new Sweep.Options("local[1]", out), new PrintStream(new ByteArrayOutputStream(), true));
    assertThat(r.failed()).isZero();
    for (String p : List.of("free_market", "flat:1")) {
      String id = "seed-1+" + p.replace(':', '-') + "+mean";
      ResultRow row = row(r.rows(), id, "");
      assertThat(row.ok()).isTrue();
      assertThat(row.number("env_steps")).as("no training under %s", p).isZero();
      assertThat(row.number("curve_last")).isNaN();
      assertThat(row.number("productivity")).isFinite();
      assertThat(row.string("rates")).isEqualTo(p.equals("flat:1") ? "1.0000;1.0000;1.0000" : "0.0000;0.0000;0.0000");
      assertThat(Files.exists(out.resolve("runs/" + id + "/metrics.csv"))).isFalse();
    }
  }

  /** Every run's rows.json without its clock and host fields, by run directory name. */
  private static Map<String, String> rowsByRun(Path out) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, String> rows = new java.util.TreeMap<>();
    try (var runs = Files.list(out.resolve("runs"))) {
      for (Path run : runs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
        com.fasterxml.jackson.databind.JsonNode tree = json.readTree(run.resolve(RunExecutor.ROWS).toFile());
        for (com.fasterxml.jackson.databind.JsonNode r : tree.isArray() ? tree : json.createArrayNode().add(tree)) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove(List.of("seconds", "host"));
        }
        rows.put(run.getFileName().toString(), tree.toString());
      }
    }
    return rows;
  }

  static ResultRow row(List<ResultRow> rows, String id, String evaluated) {
    return rows.stream().filter(r -> r.string("run_id").equals(id) && r.string("evaluated").equals(evaluated)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + id + " " + evaluated + " in " + rows.stream().map(r -> r.string("run_id")).toList()));
  }
}
