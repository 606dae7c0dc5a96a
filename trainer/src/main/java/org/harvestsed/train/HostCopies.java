package org.harvestsed.train;

import ai.djl.ndarray.NDArray;

/**
 * Bytes the trainer copies between host memory (the engine's buffers, the principal's observation
 * arrays) and the learner's tensors, counted at each copy: over PCIe when the learner is on a GPU,
 * a copy within host memory on the CPU. Wrapping an engine buffer as a tensor copies nothing and
 * is not counted. Monotonic; a metrics row reports the difference over its iteration.
 */
public final class HostCopies {
  private long toLearner, fromLearner;

  /** {@code a} was copied from host memory into a learner tensor. */
  void in(NDArray a) {
    toLearner += bytes(a);
  }

  /** {@code a} was copied from a learner tensor into host memory. */
  void out(NDArray a) {
    fromLearner += bytes(a);
  }

  void in(long bytes) {
    toLearner += bytes;
  }

  void out(long bytes) {
    fromLearner += bytes;
  }

  public long toLearner() {
    return toLearner;
  }

  public long fromLearner() {
    return fromLearner;
  }

  static long bytes(NDArray a) {
    return a.size() * a.getDataType().getNumOfBytes();
  }
}
