package org.harvestsed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM (as SIGINT) stops train after writing a checkpoint of the last logged iteration, and says how to resume. */
class TrainSignalTest {
  @Test
  void sigtermWritesACheckpointAndSaysHowToResume(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("t.yaml");
    Files.writeString(cfg, "env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 5}}\n"
        + "run: {envs: 2, seed: 3}\n"
        + "train: {total_steps: 100000000, num_steps: 16, num_minibatches: 2, update_epochs: 1, phase1_steps: 64, principal_batch: 4,"
        + " checkpoint_every: 1000000}\n");
    Path run = dir.resolve("run");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        "org.harvestsed.cli.Main", "train", "--config", cfg.toString(), "--out", run.toString());
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    pb.redirectErrorStream(true);
    Path log = dir.resolve("log.txt");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      Path csv = run.resolve("metrics.csv");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.exists(csv) && Files.readAllLines(csv).size() >= 4)) { // header + 3 iterations
        assertThat(p.isAlive()).as("train still running; log: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
        assertThat(System.nanoTime()).as("3 iterations within 120 s").isLessThan(deadline);
        Thread.sleep(200);
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("train exits after its checkpoint").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(out).contains("checkpoint written; resume with: ./harvest train --config " + cfg + " --resume " + run);
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    try (DataInputStream in = new DataInputStream(Files.newInputStream(run.resolve("checkpoint.bin")))) {
      in.readInt();
      in.readInt();
      long iteration = in.readLong();
      assertThat(iteration).as("the checkpoint holds the last logged iteration").isEqualTo(rows.size() - 1).isGreaterThanOrEqualTo(3);
    }
  }
}
