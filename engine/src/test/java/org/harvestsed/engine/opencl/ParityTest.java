package org.harvestsed.engine.opencl;

import org.harvestsed.engine.Parity;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * java vs opencl, step by step ({@link Parity}): every state, observation, reward, done and metric
 * buffer must be bit-identical after every step, under random player actions and random principal
 * rates with the annealing cap and the divergence limit active.
 */
class ParityTest {
  static final java.util.List<Parity.Case> CASES = Parity.CASES;

  @BeforeEach
  void needsOpenCl() {
    OpenClAvailable.assume();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("CASES")
  void everyBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "opencl", "");
  }

  @Test
  void multiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "opencl", "");
  }

  /**
   * The copy path (state on the device, only the IO buffers moved: what a discrete GPU runs),
   * forced on PoCL: every case, bit-identical to java, first in what the host sees without a
   * fetch, then in every buffer after a full read-back ({@link Parity#compare}).
   */
  @ParameterizedTest(name = "copy path: {0}")
  @FieldSource("CASES")
  void copyPathEveryBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "opencl", "", "copy");
  }

  @Test
  void copyPathMultiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "opencl", "", "copy");
  }
}
