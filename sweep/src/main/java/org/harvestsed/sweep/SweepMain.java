package org.harvestsed.sweep;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.harvestsed.engine.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./harvest sweep}: many training runs as Spark tasks (docs/SWEEPS.md). */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Runs a sweep spec (seeds x principals x social choice x env./train. axes) on Apache Spark: one task per run; "
        + "results.parquet, results.csv and the comparison's summary under --out.")
public final class SweepMain implements Callable<Integer> {
  @Option(names = "--spec", required = true, description = "sweep spec, e.g. configs/sweeps/principals.yaml") Path spec;
  @Option(names = "--master",
      description = "Spark master: local[*] (the default, unless spark-submit set one), local[N], spark://HOST:7077, k8s://https://HOST:PORT")
  String master;
  @Option(names = "--out", description = "a directory every worker can write (default runs/sweep-<spec name>); a rerun resumes there") Path out;
  @Option(names = "--max-failures", defaultValue = "3", description = "attempts per run before it is reported as failed (default ${DEFAULT-VALUE})") int maxFailures;
  @Option(names = "--master-wait", defaultValue = "30", description = "seconds to wait for a spark:// or k8s:// master (default ${DEFAULT-VALUE})") int masterWait;
  @Option(names = "--conf", description = "a Spark setting KEY=VALUE (repeatable)") List<String> conf;
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a setting of every run, added to the spec's set: after its own "
      + "(e.g. --set train.total_steps=300000; repeatable; env., run. and train. keys, typed and checked like the YAML)") List<String> sets;

  @Override
  public Integer call() throws Exception {
    if (maxFailures < 1) throw new Sweep.InputException("--max-failures " + maxFailures + " must be at least 1");
    if (masterWait < 1) throw new Sweep.InputException("--master-wait " + masterWait + " must be at least 1 second");
    Map<String, String> c = new LinkedHashMap<>();
    if (conf != null) {
      for (String kv : conf) {
        int eq = kv.indexOf('=');
        if (eq < 1) throw new Sweep.InputException("--conf " + kv + " is not KEY=VALUE, e.g. --conf spark.executor.memory=2g");
        c.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    if (master == null) master = System.getProperty("spark.master", "local[*]"); // spark-submit --master sets spark.master
    SweepSpec s = SweepSpec.load(spec, org.harvestsed.engine.config.ConfigTree.Assignment.parseAll(sets));
    Path dir = out != null ? out : Path.of("runs", "sweep-" + spec.getFileName().toString().replaceAll("\\.ya?ml$", ""));
    Sweep.Options o = new Sweep.Options(master, dir, maxFailures, Duration.ofSeconds(masterWait), c, Map.of(), sc -> {});
    System.err.println("sweep: " + s.trainRuns().size() + " training runs, " + s.finetuneRuns().size() + " fine-tune runs; master " + master
        + "; out " + dir);
    long t0 = System.nanoTime();
    Sweep.Result r = Sweep.run(s, o, System.err);
    System.out.printf(java.util.Locale.ROOT, "sweep: done in %.1f min; %s, %s, %s%n", (System.nanoTime() - t0) / 6e10,
        dir.resolve("results.parquet"), dir.resolve("results.csv"), dir.resolve("summary.md"));
    if (r.failed() > 0) {
      System.err.println("sweep: " + r.failed() + " rows failed or were skipped (see the error column of results.csv); rerun the same command to retry them");
      return 1;
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command; returns its exit code (0 ok, 1 runs failed or a crash, 2 bad input: nothing ran). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new SweepMain());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (ex instanceof ConfigException || ex instanceof Sweep.InputException) {
        err.println("harvest sweep: error: " + ex.getMessage());
        return 2;
      }
      err.println("harvest sweep: failed: " + ex);
      ex.printStackTrace(err);
      return 1;
    });
    return cl.execute(args);
  }
}
