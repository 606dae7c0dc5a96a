package org.harvestsed.engine.sim;

import org.harvestsed.engine.state.EnvState;

/**
 * A way to step all envs: the java reference or an accelerator backend. Every backend reads and
 * writes the same {@link EnvState} buffers with the same meaning, bit for bit.
 */
public interface Backend extends AutoCloseable {
  String name();

  EnvState state();

  Bookkeeper bookkeeper();

  /** Full reset: types, round 0, a new episode in every env; observations of the first state. */
  void reset(long seed);

  /**
   * One step of every env (docs/RULES.md section 3). Reads {@code Buf.ACTIONS} (already validated), or
   * with {@code randomActions} first draws them uniformly from the POLICY stream into it.
   *
   * @param cap the annealing cap on rates applied at period starts
   */
  void step(boolean randomActions, float cap);

  /**
   * {@code n} steps in one go (one launch on accelerators), for scripted players. The caller
   * ends a call at a period end at the latest, so the bookkeeping after the last step sees every
   * period end.
   */
  void stepMany(int n, boolean randomActions, float cap);

  /**
   * Bytes this backend has copied from the host to the device since it was created, counted at
   * each transfer it enqueues (reset uploads included). 0 for backends that compute in host memory
   * (java, and OpenCL's zero-copy path on host-unified devices).
   */
  default long bytesToDevice() {
    return 0;
  }

  /** Bytes copied from the device to the host since the backend was created, counted like {@link #bytesToDevice()}. */
  default long bytesFromDevice() {
    return 0;
  }

  /**
   * How the host sees the device's buffers: {@code host} (the buffers are the host's own: java),
   * {@code zero-copy} (the device computes in host memory) or {@code copy} (the device keeps the
   * state; the host reads back what the caller consumes, see {@link #fetchState()}).
   */
  default String transfer() {
    return "host";
  }

  /**
   * Brings every host buffer the backend does not keep current after a step (on the copy path:
   * everything but the IO buffers, docs/DESIGN-transfers.md) up to date with the device. A full
   * read back, for traces, renders and the parity suite, not for the hot path; counted in
   * {@link #bytesFromDevice()}. No-op where the host buffers are always current.
   */
  default void fetchState() {}

  /**
   * Restore of a saved state ({@code VecEnv.loadState}): the host buffers hold a state written by
   * {@code VecEnv.saveState} of envs last reset under {@code seed}; the backend takes them as its
   * state (uploading them where the device keeps the state), so the next step is the step the
   * saved envs would have taken.
   */
  default void restore(long seed) {
    throw new UnsupportedOperationException("the " + name() + " backend cannot restore a saved env state (a resumed training run needs it); "
        + "use run.backend java or opencl");
  }

  /**
   * The caller wrote PENDING_LEVELS (VecEnv.setRates): a backend whose device keeps the state
   * uploads them before its next launch, and only then.
   */
  default void pendingLevelsSet() {}

  @Override
  void close();
}
