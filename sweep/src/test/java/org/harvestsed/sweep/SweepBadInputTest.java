package org.harvestsed.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to ./harvest sweep: one clear message, exit 2, before any run starts (no run
 * directory exists afterwards, and Spark was never started for the spec and type errors).
 */
class SweepBadInputTest {
  record Outcome(int code, String err) {}

  static Outcome sweep(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = SweepMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, err.toString());
  }

  static void noRunStarted(Path out) throws Exception {
    if (!Files.isDirectory(out.resolve("runs"))) return;
    try (var s = Files.list(out.resolve("runs"))) {
      assertThat(s.toList()).as("run directories").isEmpty();
    }
  }

  @Test
  void unknownAxisKey(@TempDir Path dir) throws Exception {
    Path spec = SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market], train.learning_rate: [0.1]}\n");
    Outcome o = sweep("--spec", spec.toString(), "--out", dir.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).startsWith("harvest sweep: error: ").contains("train.learning_rate").contains("unknown key");
    assertThat(o.err().lines().count()).isEqualTo(1);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void valueOfTheWrongType(@TempDir Path dir) throws Exception {
    Path spec = SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market], env.players: [four]}\n");
    Outcome o = sweep("--spec", spec.toString(), "--out", dir.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("env.players").contains("expected an integer");
    assertThat(o.err().lines().count()).isEqualTo(1);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void unreachableMasterAfterABoundedWait(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // free once closed: nothing listens there
    }
    Path spec = SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market]}\n");
    long t0 = System.nanoTime();
    Outcome o = sweep("--spec", spec.toString(), "--master", "spark://127.0.0.1:" + port, "--master-wait", "2", "--out",
        dir.resolve("out").toString());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("spark://127.0.0.1:" + port).contains("cannot be reached after 2 s").contains("--master local[*]");
    assertThat(o.err().lines().count()).isEqualTo(1);
    assertThat(seconds).as("bounded wait").isBetween(1.5, 30.0);
    noRunStarted(dir.resolve("out"));
  }

  @Test
  void unwritableOut(@TempDir Path dir) throws Exception {
    Path spec = SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market]}\n");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Outcome o = sweep("--spec", spec.toString(), "--out", file.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--out " + file.resolve("out")).contains("is not writable");
    assertThat(o.err().lines().count()).isEqualTo(1);
  }

  @Test
  void notAMasterUrl(@TempDir Path dir) throws Exception {
    Path spec = SweepSpecTest.spec(dir, "axes: {seed: [1], principal: [free_market]}\n");
    Outcome o = sweep("--spec", spec.toString(), "--master", "my-laptop", "--out", dir.resolve("out").toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("not a Spark master URL");
  }
}
