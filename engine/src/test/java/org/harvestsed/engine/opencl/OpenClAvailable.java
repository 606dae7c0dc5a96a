package org.harvestsed.engine.opencl;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Guards the OpenCL tests: without an OpenCL platform they are reported as skipped with the
 * reason, never as passed. With HARVEST_REQUIRE_OPENCL=1 (CI sets it) a missing platform fails.
 */
final class OpenClAvailable {
  private OpenClAvailable() {}

  static void assume() {
    String why = null;
    try {
      Devices.list();
    } catch (Devices.NoOpenClException e) {
      why = e.getMessage();
    }
    if (why == null) return;
    if ("1".equals(System.getenv("HARVEST_REQUIRE_OPENCL"))) Assertions.fail("HARVEST_REQUIRE_OPENCL=1 but " + why);
    Assumptions.assumeTrue(false, "skipped: " + why);
  }
}
