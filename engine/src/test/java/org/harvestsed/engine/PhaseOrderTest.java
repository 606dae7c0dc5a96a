package org.harvestsed.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.opencl.KernelSourceAccess;
import org.harvestsed.engine.sim.Phase;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/**
 * The step's phases ({@link Phase}) in the java reference and the OpenCL kernels: every phase's
 * function exists, the step calls them in phase order, JavaBackend declares them in that order, and
 * each kernel function is in its named file. (tornado-check does the same for StepKernel.) The
 * check itself is shown to fail on a step with two phases swapped or one missing.
 */
class PhaseOrderTest {
  static String javaBackendSource() throws IOException {
    return Files.readString(Path.of("src/main/java/org/harvestsed/engine/sim/JavaBackend.java"));
  }

  @Test
  void javaReferenceRunsAndDeclaresThePhasesInOrder() throws IOException {
    assertEquals(List.of(), Phase.orderProblems(javaBackendSource(), "stepEnv", p -> p.javaMethod, true));
  }

  @Test
  void kernelStepCallsThePhasesInOrderAndTheProgramIsAssembledInPhaseOrder() {
    String program = KernelSourceAccess.build(new Layout(Config.defaults().env()));
    assertEquals(List.of(), Phase.orderProblems(program, "step_env", p -> p.kernelFunction, true));
    List<String> files = KernelSourceAccess.files();
    int last = -1;
    for (Phase p : Phase.values()) {
      int at = files.indexOf(p.kernelFile);
      assertTrue(at >= 0, p + ": " + p.kernelFile + " is not assembled");
      assertTrue(at >= last, p + ": " + p.kernelFile + " is assembled before an earlier phase's file");
      last = at;
    }
  }

  @Test
  void eachKernelFunctionIsDefinedInItsFile() throws IOException {
    for (Phase p : Phase.values()) {
      String file = resource("/kernels/" + p.kernelFile);
      assertTrue(file.matches("(?s).*\\b(void|int)\\s+" + p.kernelFunction + "\\s*\\(.*"),
          p + ": kernels/" + p.kernelFile + " does not define " + p.kernelFunction);
    }
  }

  @Test
  void theCheckFailsOnASwappedOrMissingPhase() throws IOException {
    String java = javaBackendSource();
    String swapped = java.replace("    consumption(e, w);\n    regrowth(e, tk, w);\n", "    regrowth(e, tk, w);\n    consumption(e, w);\n");
    assertTrue(!swapped.equals(java), "the test's edit did not apply");
    List<String> p = Phase.orderProblems(swapped, "stepEnv", ph -> ph.javaMethod, true);
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("REGROWTH: stepEnv calls regrowth before consumption"), p.get(0));

    String missing = java.replace("    clock(e, t0, tk, periodEnd);\n", "");
    p = Phase.orderProblems(missing, "stepEnv", ph -> ph.javaMethod, true);
    assertEquals(List.of("CLOCK: stepEnv does not call clock"), p);

    String undeclared = java.replace("void keepFinal(int e) {", "void keepFinalRenamed(int e) {");
    p = Phase.orderProblems(undeclared, "stepEnv", ph -> ph.javaMethod, true);
    assertEquals(List.of("KEEP_FINAL: keepFinal is not declared"), p);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PhaseOrderTest.class.getResourceAsStream(name)) {
      if (in == null) throw new IOException(name + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
