package org.harvestsed.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.harvestsed.engine.sim.Phase;
import org.junit.jupiter.api.Test;

/**
 * The TornadoVM kernel's step ({@link StepKernel#harvestStep}) calls a method for every phase of
 * {@link Phase}, in phase order (the engine's PhaseOrderTest checks the java reference and the
 * OpenCL kernels the same way). Runs without a TornadoVM SDK.
 */
class StepKernelPhaseOrderTest {
  @Test
  void harvestStepCallsEveryPhaseInOrder() throws IOException {
    String source = Files.readString(Path.of("../tornado/src/main/java/org/harvestsed/tornado/StepKernel.java"));
    List<String> problems = Phase.orderProblems(source, "harvestStep", p -> p.tornadoMethod, false);
    assertEquals(List.of(), problems);
  }
}
