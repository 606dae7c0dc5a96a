package org.harvestsed.tornado;

import org.harvestsed.engine.Parity;
import org.harvestsed.engine.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The OpenCL backend's parity suite ({@link Parity#CASES}), run against the tornado backend: every
 * buffer and every round metric bit-identical to the java reference after every step. It runs
 * only with the Maven profile 'tornado' (TORNADOVM_HOME set); there a missing device is a failure,
 * not a skip. {@code -Dharvest.tornado.device=N|NAME} picks the device.
 */
class TornadoParityTest {
  static final java.util.List<Parity.Case> CASES = Parity.CASES;
  static final String DEVICE = System.getProperty("harvest.tornado.device", "");

  @ParameterizedTest(name = "{0}")
  @FieldSource("CASES")
  void everyBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "tornado", DEVICE);
  }

  @Test
  void multiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "tornado", DEVICE);
  }
}
