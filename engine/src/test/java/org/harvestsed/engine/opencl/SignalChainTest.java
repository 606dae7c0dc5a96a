package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PoCL compiles kernels with LLVM in-process, and LLVM installs crash handlers for SIGSEGV, SIGBUS,
 * SIGILL (SA_RESETHAND) over the JVM's own. The JVM takes SIGSEGV in normal operation (implicit null
 * checks, stack banging), and a fault that meets LLVM's handler, or its reset default action, is not
 * the JVM's to handle: the likely cause of the test JVM that died now and then at the start of
 * OclgrindTest with "Segmentation fault" (exit 139) and no hs_err file.
 * The cure is the JDK's signal chaining library, libjsig, preloaded (LD_PRELOAD) by the launcher and
 * by the build's test JVMs: the JVM's handlers stay in place and chain to LLVM's for the rest.
 * This test checks that its own JVM (a test JVM of the build) runs with libjsig loaded, and shows
 * the hazard it guards against: a JVM that loaded PoCL, run under {@code -Xcheck:jni} without libjsig,
 * reports its SIGSEGV handler replaced. ({@code -Xcheck:jni} serves only as this probe: under it
 * JOCL's device queries return nothing, so it cannot run the step.)
 */
class SignalChainTest {
  static final Path JSIG = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");

  /** Runs SignalCheckRun under -Xcheck:jni with LD_PRELOAD set as given (null: unset); returns its output. */
  static String run(String preload) throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("LD_PRELOAD", preload);
    String output = ChildJvm.run(SignalCheckRun.class, List.of("-Xcheck:jni"), env, 5);
    assertThat(output).contains("signal check: done");
    return output;
  }

  @Test
  void theTestJvmsChainSignalsAndPoclReplacesTheJvmsHandlersWithoutIt() throws Exception {
    OpenClAvailable.assume();
    Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "skipped: LD_PRELOAD and libjsig are the Linux mechanism");
    assertThat(JSIG).as("the JDK's signal chaining library").exists();
    assertThat(Files.readString(Path.of("/proc/self/maps"))).as("libjsig in this test JVM (the build's LD_PRELOAD)").contains("libjsig.so");
    String control = run(null);
    Assumptions.assumeTrue(control.contains("SIGSEGV handler modified"),
        "skipped (the control): this OpenCL platform replaced no JVM signal handler, so there was nothing to chain");
  }
}
