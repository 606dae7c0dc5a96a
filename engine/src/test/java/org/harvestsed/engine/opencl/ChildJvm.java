package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Runs a main class of the test class path in a JVM of its own (this JVM's java, class path and
 * native access), for checks that need a process to themselves: another OpenCL platform
 * (OclgrindTest), or JVM flags this one was not started with (SignalChainTest).
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code jvmArgs} and {@code args}; {@code env} is set in its environment (a
   * null value removes the variable). Fails unless it exits 0 within {@code minutes}; returns its
   * standard output and error together.
   */
  static String run(Class<?> main, List<String> jvmArgs, Map<String, String> env, int minutes, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(main.getSimpleName(), ".out");
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
      cmd.addAll(jvmArgs);
      cmd.add(main.getName());
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      env.forEach((k, v) -> {
        if (v == null) pb.environment().remove(k);
        else pb.environment().put(k, v);
      });
      Process p = pb.start();
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        Assertions.fail(main.getSimpleName() + " did not finish in " + minutes + " minutes");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("%s's exit status; its output:%n%s", main.getSimpleName(), output).isZero();
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
