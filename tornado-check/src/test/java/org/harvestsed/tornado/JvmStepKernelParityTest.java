package org.harvestsed.tornado;

import org.harvestsed.engine.Parity;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The tornado module's kernel ({@link StepKernel}, the step TornadoVM compiles) run as plain Java
 * against the java reference: every buffer and every round metric bit-identical after every step,
 * on the cases of the OpenCL and TornadoVM parity suites. It needs no TornadoVM SDK, so a rule
 * changed in the java reference and the OpenCL kernels but not in StepKernel fails every build.
 * What it cannot check is TornadoVM's compilation of that Java (TornadoParityTest does, where an
 * SDK is installed).
 */
class JvmStepKernelParityTest {
  static final java.util.List<Parity.Case> CASES = Parity.CASES;

  @ParameterizedTest(name = "{0}")
  @FieldSource("CASES")
  void everyBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "tornado", "");
  }

  @Test
  void multiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "tornado", "");
  }
}
