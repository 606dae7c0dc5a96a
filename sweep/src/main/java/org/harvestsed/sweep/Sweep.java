package org.harvestsed.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.io.AtomicFiles;

/**
 * The sweep's Spark driver: checks its input (spec, --out, the master), runs every TRAIN run as one
 * Spark task, then every FINETUNE run of the TRAIN runs that succeeded, each in an executor's JVM
 * ({@link RunExecutor}); collects one row per run into results.parquet and results.csv and writes
 * the summary ({@link Summary}).
 *
 * @see SweepMain
 */
public final class Sweep {
  private Sweep() {}

  /**
   * @param master      Spark master URL (local[*], local[N], local-cluster[...], spark://HOST:PORT, k8s://...)
   * @param out         a directory every executor can write
   * @param maxFailures attempts per task before its run is reported as failed (spark.task.maxFailures)
   * @param masterWait  how long to wait for a spark:// or k8s:// master to accept connections, and for
   *                    executors to run the --out probe
   * @param conf        further Spark settings
   * @param failAttempts test hook: run id -> attempts that throw (injected failures)
   * @param onStart     test hook: called with the SparkContext before any run starts
   */
  public record Options(String master, Path out, int maxFailures, Duration masterWait, Map<String, String> conf,
      Map<String, Integer> failAttempts, Consumer<SparkContext> onStart) {
    public Options(String master, Path out) {
      this(master, out, 3, Duration.ofSeconds(30), Map.of(), Map.of(), sc -> {});
    }

    public Options withFailAttempts(Map<String, Integer> f) {
      return new Options(master, out, maxFailures, masterWait, conf, f, onStart);
    }

    public Options withOnStart(Consumer<SparkContext> f) {
      return new Options(master, out, maxFailures, masterWait, conf, failAttempts, f);
    }

    public Options withConf(Map<String, String> c) {
      return new Options(master, out, maxFailures, masterWait, c, failAttempts, onStart);
    }
  }

  /** The sweep's rows in spec order (TRAIN runs, then FINETUNE runs) and the wall time of each stage. */
  public record Result(List<ResultRow> rows, double trainSeconds, double finetuneSeconds, int ranTrain, int ranFinetune) {
    public long failed() {
      return rows.stream().filter(r -> !r.ok()).count();
    }
  }

  /** Bad input found before any run starts (exit 2). */
  public static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
      super(message);
    }
  }

  public static Result run(SweepSpec spec, Options o, PrintStream log) throws IOException {
    checkMaster(o.master(), o.masterWait());
    checkOut(o.out());
    SparkSession spark = SparkSession.builder().master(localWithRetries(o.master(), o.maxFailures()))
        .appName("harvest sweep " + spec.file().getFileName()).config(sparkConfOf(sparkConf(o))).getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      o.onStart().accept(spark.sparkContext());
      if (!o.master().startsWith("local")) probeWorkers(jsc, o);
      Map<String, List<ResultRow>> byId = new LinkedHashMap<>();

      long t0 = System.nanoTime();
      List<RunSpec> trainRan = runStage(jsc, "train", spec.trainRuns(), o, byId, log);
      double trainSeconds = (System.nanoTime() - t0) / 1e9;

      List<RunSpec> finetunes = new ArrayList<>();
      for (RunSpec f : spec.finetuneRuns()) {
        if (f.fromScratch() || byId.get(f.trainId()).stream().allMatch(ResultRow::ok)) {
          finetunes.add(f);
        } else {
          byId.put(f.id(), List.of(new ResultRow(f).set("status", "skipped").set("error", "its training run " + f.trainId() + " failed")));
        }
      }
      long t1 = System.nanoTime();
      List<RunSpec> finetuneRan = runStage(jsc, "finetune", finetunes, o, byId, log);
      int ranTrain = trainRan.size(), ranFinetune = finetuneRan.size();
      double finetuneSeconds = (System.nanoTime() - t1) / 1e9;

      List<ResultRow> rows = new ArrayList<>();
      for (RunSpec r : spec.trainRuns()) rows.addAll(byId.get(r.id()));
      for (RunSpec r : spec.finetuneRuns()) rows.addAll(byId.get(r.id()));
      writeTable(spark, o.out(), rows);
      int slots = jsc.defaultParallelism();
      AtomicFiles.writeString(o.out().resolve("timing.csv"), "stage,runs_started,task_slots,wall_s,sum_run_s,overhead_per_run_s\n"
          + timing("train", ranTrain, slots, trainSeconds, runSeconds(trainRan, byId))
          + timing("finetune", ranFinetune, slots, finetuneSeconds, runSeconds(finetuneRan, byId)));
      log.printf(Locale.ROOT, "sweep: %d runs started, %d rows%n", ranTrain + ranFinetune, rows.size());
      Summary.write(o.out(), spec, rows);
      return new Result(rows, trainSeconds, finetuneSeconds, ranTrain, ranFinetune);
    } finally {
      spark.stop();
    }
  }

  /**
   * One line of timing.csv: Spark's cost per run is the stage's wall time times its task slots,
   * less the runs' own time (measured inside each task), over the runs started (exact with one
   * slot; with more, idle slots at the stage's end count as overhead too).
   */
  private static String timing(String stage, int runs, int slots, double wall, double runSeconds) {
    double overhead = runs == 0 ? Double.NaN : (wall * slots - runSeconds) / runs;
    return String.format(Locale.ROOT, "%s,%d,%d,%.3f,%.3f,%.4f%n", stage, runs, slots, wall, runSeconds, overhead);
  }

  /** The runs' own seconds (one per run: learned's two rows share theirs). */
  private static double runSeconds(List<RunSpec> runs, Map<String, List<ResultRow>> byId) {
    double s = 0;
    for (RunSpec r : runs) {
      List<ResultRow> rows = byId.get(r.id());
      if (rows != null && !rows.isEmpty() && !rows.get(0).string("status").equals("skipped")) s += rows.get(0).number("seconds");
    }
    return s;
  }

  /** Runs the incomplete runs of {@code runs} as one Spark job, one task each (complete ones are read from disk); returns those it ran. */
  private static List<RunSpec> runStage(JavaSparkContext jsc, String stage, List<RunSpec> runs, Options o, Map<String, List<ResultRow>> byId,
      PrintStream log) throws IOException {
    List<RunSpec> pending = new ArrayList<>();
    for (RunSpec r : runs) {
      if (RunExecutor.complete(o.out(), r.id())) byId.put(r.id(), RunExecutor.read(o.out(), r.id()));
      else pending.add(r.withFailAttempts(o.failAttempts().getOrDefault(r.id(), 0)));
    }
    log.printf(Locale.ROOT, "sweep: %s: %d runs, %d complete already, %d to run%n", stage, runs.size(), runs.size() - pending.size(), pending.size());
    if (pending.isEmpty()) return pending;
    String out = o.out().toAbsolutePath().toString();
    int max = o.maxFailures();
    jsc.setJobDescription("harvest sweep: " + stage + " (" + pending.size() + " runs)");
    List<ResultRow> rows = jsc.parallelize(pending, pending.size())
        .flatMap(r -> RunExecutor.execute(r, Path.of(out), TaskContext.get().attemptNumber(), max).iterator()).collect();
    for (ResultRow r : rows) byId.computeIfAbsent(r.string("run_id"), k -> new ArrayList<>()).add(r);
    long failed = rows.stream().filter(r -> !r.ok()).count();
    log.printf(Locale.ROOT, "sweep: %s: done, %d rows, %d failed%n", stage, rows.size(), failed);
    return pending;
  }

  static Map<String, String> sparkConf(Options o) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.task.maxFailures", Integer.toString(o.maxFailures()));
    c.put("spark.ui.enabled", "false");
    c.put("spark.speculation", "false");
    // jdk.incubator.vector: the players' host convolutions (train.convolutions: host, the CPU default)
    c.put("spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dai.djl.offline=true");
    c.put("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
    // the launcher's malloc settings (./harvest sets GLIBC_TUNABLES; see there) go to executors started elsewhere
    String malloc = System.getenv("GLIBC_TUNABLES");
    if (malloc != null) c.put("spark.executorEnv.GLIBC_TUNABLES", malloc);
    c.putAll(o.conf());
    return c;
  }

  private static org.apache.spark.SparkConf sparkConfOf(Map<String, String> m) {
    org.apache.spark.SparkConf c = new org.apache.spark.SparkConf();
    m.forEach(c::set);
    return c;
  }

  /** local[N] retries no task; local[N,F] does: the sweep's attempts apply there too. */
  static String localWithRetries(String master, int maxFailures) {
    var m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)\\]").matcher(master.trim());
    if (m.matches()) return "local[" + m.group(1) + "," + maxFailures + "]";
    if (master.trim().equals("local")) return "local[1," + maxFailures + "]";
    return master;
  }

  /** --out exists or can be made, and a file can be written and renamed in it. */
  static void checkOut(Path out) {
    try {
      Files.createDirectories(out.resolve("runs"));
      Path probe = out.resolve(".probe-" + UUID.randomUUID());
      Files.writeString(probe, "probe");
      Files.delete(probe);
    } catch (IOException | RuntimeException e) {
      throw new InputException("--out " + out + " is not writable (" + e + "); pass a directory the driver and every worker can write");
    }
  }

  /** A spark:// or k8s:// master must accept a TCP connection within {@code wait} (tried every second). */
  static void checkMaster(String master, Duration wait) {
    String m = master.trim();
    List<InetSocketAddress> addrs = new ArrayList<>();
    if (m.startsWith("spark://")) {
      for (String hp : m.substring(8).split(",")) addrs.add(hostPort(master, hp, 7077));
    } else if (m.startsWith("k8s://")) {
      String u = m.substring(6);
      URI uri = URI.create(u.contains("://") ? u : "https://" + u);
      if (uri.getHost() == null) throw new InputException("--master " + master + ": no host in it; e.g. k8s://https://HOST:6443");
      addrs.add(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 443));
    } else if (m.startsWith("local") || m.equals("yarn")) {
      return;
    } else {
      throw new InputException("--master " + master + " is not a Spark master URL; use local[*], local[N], spark://HOST:7077 or k8s://https://HOST:PORT");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    Exception last = null;
    do {
      for (InetSocketAddress a : addrs) {
        try (Socket s = new Socket()) {
          s.connect(a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a, 1000);
          return;
        } catch (IOException e) {
          last = e;
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (System.nanoTime() < deadline);
    throw new InputException("--master " + master + " cannot be reached after " + wait.toSeconds() + " s (" + last
        + "); start the master (Spark's sbin/start-master.sh) or use --master local[*]");
  }

  private static InetSocketAddress hostPort(String master, String hp, int def) {
    int colon = hp.lastIndexOf(':');
    try {
      return colon < 0 ? new InetSocketAddress(hp, def) : new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new InputException("--master " + master + ": '" + hp + "' is not HOST:PORT");
    }
  }

  /** Every executor writes and removes a file under --out within the bounded wait; else exit 2 before any run. */
  private static void probeWorkers(JavaSparkContext jsc, Options o) {
    String out = o.out().toAbsolutePath().toString();
    int n = Math.max(2, jsc.defaultParallelism());
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) ids.add(i);
    jsc.setJobDescription("harvest sweep: --out probe");
    JavaFutureAction<List<String>> f = jsc.parallelize(ids, n).map(i -> {
      Path p = Path.of(out).resolve(".probe-" + UUID.randomUUID());
      try {
        Files.writeString(p, "probe");
        Files.delete(p);
        return "";
      } catch (IOException | RuntimeException e) {
        return RunExecutor.host() + ": " + e;
      }
    }).collectAsync();
    List<String> errors;
    try {
      errors = f.get(o.masterWait().toMillis() * 4, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new InputException("no executor ran the --out probe within " + o.masterWait().toSeconds() * 4 + " s: the master " + o.master()
          + " has no worker with free cores and memory; start workers or lower spark.executor.memory");
    } catch (Exception e) {
      throw new InputException("the executors could not run the --out probe: " + e.getMessage());
    }
    for (String e : errors) {
      if (!e.isEmpty()) throw new InputException("--out " + out + " is not writable on an executor (" + e + "); pass a directory every worker can write");
    }
  }

  static void writeTable(SparkSession spark, Path out, List<ResultRow> rows) throws IOException {
    StructType schema = new StructType();
    for (ResultRow.Column c : ResultRow.COLUMNS) {
      DataType t = switch (c.type()) {
        case STRING -> DataTypes.StringType;
        case LONG -> DataTypes.LongType;
        case DOUBLE -> DataTypes.DoubleType;
      };
      schema = schema.add(c.name(), t, false);
    }
    List<Row> sparkRows = new ArrayList<>();
    for (ResultRow r : rows) sparkRows.add(RowFactory.create(r.values()));
    spark.createDataFrame(sparkRows, schema).coalesce(1).write().mode("overwrite").parquet(out.resolve("results.parquet").toString());
    StringBuilder csv = new StringBuilder(ResultRow.csvHeader()).append('\n');
    for (ResultRow r : rows) csv.append(r.csvLine()).append('\n');
    AtomicFiles.writeString(out.resolve("results.csv"), csv.toString());
  }
}
