package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * In-place copies between tensors, across devices and element types (PyTorch's {@code copy_}
 * through {@code index_put_} on a slice): the rollout storage's per-step writes, the host
 * wrappers of the engine's buffers to the learner's device and the action ids back. DJL's
 * {@code NDArray.set(Buffer)} would alias a direct buffer instead of copying it, and its
 * {@code set(NDIndex, ...)} parses an index per call; this takes precomputed slice bounds and
 * allocates nothing on the Java heap.
 */
final class Copy {
  private static final long[] ZERO = {0}, ONE = {1};

  private Copy() {}

  /** {@code dst[lo:hi] = src} along the first axis ({@code src} broadcast to the slice). */
  static void into(NDArray dst, long[] lo, long[] hi, NDArray src) {
    JniUtils.indexSet((PtNDArray) dst, (PtNDArray) src, lo, hi, ONE);
  }

  /** {@code dst[:] = src}, {@code bounds} = {dst.getShape().get(0)} (precomputed by the caller). */
  static void all(NDArray dst, long[] bounds, NDArray src) {
    JniUtils.indexSet((PtNDArray) dst, (PtNDArray) src, ZERO, bounds, ONE);
  }

  /** Slice bounds {t} and {t + 1} for t in [0, n): the rows of a [n, ...] storage. */
  static long[][] rows(int n) {
    long[][] b = new long[n + 1][];
    for (int t = 0; t <= n; t++) b[t] = new long[] {t};
    return b;
  }
}
