package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * DJL's PtGradientCollector without its JVM-wide "one collector at a time" flag: grad mode on for
 * this thread while open (PyTorch's grad mode is per thread), backward from a scalar loss, grad mode
 * back as it was on close. The same calls as PtGradientCollector, so results are unchanged; several
 * trainers can update at once in one JVM (a Spark executor running two sweep runs).
 */
final class Gradients implements AutoCloseable {
  private final boolean before;

  Gradients() {
    before = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** d loss / d parameters, accumulated into each parameter's gradient. */
  void backward(NDArray loss) {
    NDArray ones = loss.getManager().ones(loss.getShape(), loss.getDataType()).toDevice(loss.getDevice(), false);
    JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
  }

  @Override
  public void close() {
    if (!before) JniUtils.setGradMode(false);
  }
}
