package org.harvestsed.train;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class's NDManager on the CPU ({@link #nd}): opened before its tests (DJL offline), closed after them. */
abstract class WithNdManager {
  static NDManager nd;

  @BeforeAll
  static void openManager() {
    System.setProperty("ai.djl.offline", "true");
    nd = NDManager.newBaseManager();
  }

  @AfterAll
  static void closeManager() {
    nd.close();
  }
}
