package org.harvestsed.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers (1 core each) started as
 * child JVMs from the Spark jars Maven resolved (no Spark installation: SPARK_HOME is an empty
 * directory with a jars/ folder, the executors get this JVM's class path). A tiny sweep (2 seeds x
 * 2 principals) runs through it; while a fine-tune task runs, its worker and that worker's
 * executor are killed; the sweep still completes with every row exactly once.
 */
class StandaloneClusterTest {
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopCluster() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void aSweepSurvivesLosingAWorker(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("spark-home/jars"));
    int port = freePort();
    String master = "spark://127.0.0.1:" + port;
    start(dir, home.getParent(), "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--webui-port", Integer.toString(freePort()));
    waitForPort(port, 90);
    Process w1 = start(dir, home.getParent(), "worker1", "org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1",
        "--cores", "1", "--memory", "1g", "--webui-port", Integer.toString(freePort()), "--work-dir", dir.resolve("w1").toString());
    Process w2 = start(dir, home.getParent(), "worker2", "org.apache.spark.deploy.worker.Worker", master, "--host", "127.0.0.1",
        "--cores", "1", "--memory", "1g", "--webui-port", Integer.toString(freePort()), "--work-dir", dir.resolve("w2").toString());

    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, LocalSweepTest.AXES));
    Path out = dir.resolve("out");
    Map<String, Integer> lost = new ConcurrentHashMap<>();
    AtomicInteger finetuneStarts = new AtomicInteger();
    AtomicReference<String> killed = new AtomicReference<>();
    Set<Integer> finetuneStages = ConcurrentHashMap.newKeySet();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        if (description != null && description.contains("finetune")) {
          for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(e.stageIds())) finetuneStages.add((Integer) id);
        }
      }

      @Override
      public void onTaskStart(SparkListenerTaskStart e) {
        if (finetuneStages.contains(e.stageId()) && killed.get() == null && finetuneStarts.incrementAndGet() == 1) { // the fine-tune stage's first task
          String exec = e.taskInfo().executorId();
          Thread t = new Thread(() -> killed.set(killWorkerOf(exec, List.of(w1, w2))));
          t.start();
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.reason() instanceof ExecutorLostFailure) lost.merge("lost", 1, Integer::sum);
      }
    };
    Sweep.Options o = new Sweep.Options(master, out).withConf(Map.of("spark.executor.memory", "512m",
        "spark.executor.extraClassPath", System.getProperty("java.class.path"), "spark.cores.max", "2"))
        .withOnStart(sc -> {
          sc.addSparkListener(listener);
          long deadline = System.nanoTime() + 120_000_000_000L;
          while (sc.statusTracker().getExecutorInfos().length < 3 && System.nanoTime() < deadline) sleep(200); // driver + 2 executors
        });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Sweep.Result r = Sweep.run(spec, o, new PrintStream(log, true));

    assertThat(killed.get()).as("a worker was killed while it ran a fine-tune task").startsWith("worker");
    assertThat(lost.getOrDefault("lost", 0)).as("tasks lost with the worker's executor").isGreaterThanOrEqualTo(1);
    assertThat(r.failed()).isZero();
    assertThat(r.rows()).hasSize(2 + 2 + 4);
    Set<String> keys = new HashSet<>();
    for (ResultRow row : r.rows()) {
      assertThat(keys.add(row.string("run_id") + "/" + row.string("evaluated"))).as("row once: " + row.string("run_id")).isTrue();
      if (row.string("kind").equals("finetune")) assertThat(row.number("objective")).isFinite();
    }
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 8);
    try (var runs = Files.list(out.resolve("runs"))) {
      assertThat(runs.filter(p -> !p.getFileName().toString().startsWith(".")).count()).isEqualTo(6);
    }
  }

  /** Kills the worker whose executor is {@code exec} (read from the executor JVM's --executor-id), with that executor. */
  private static String killWorkerOf(String exec, List<Process> workers) {
    for (int k = 0; k < workers.size(); k++) {
      Process w = workers.get(k);
      Optional<ProcessHandle> executor = w.descendants().filter(p -> isExecutor(p, exec)).findFirst();
      if (executor.isPresent()) {
        sleep(500); // the task is under way
        w.descendants().forEach(ProcessHandle::destroyForcibly);
        w.destroyForcibly();
        return "worker" + (k + 1);
      }
    }
    return "none (executor " + exec + " not found)";
  }

  /** Reads /proc/PID/cmdline: ProcessHandle.Info truncates the executor's long command line (its class path comes first). */
  private static boolean isExecutor(ProcessHandle p, String exec) {
    String[] args;
    try {
      args = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8).split("\0");
    } catch (IOException e) {
      return false;
    }
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("--executor-id") && args[i + 1].equals(exec)) return true;
    return false;
  }

  private Process start(Path dir, Path sparkHome, String name, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void waitForPort(int port, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        sleep(200);
      }
    }
    throw new AssertionError("the master did not listen on " + port + " within " + seconds + " s");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
