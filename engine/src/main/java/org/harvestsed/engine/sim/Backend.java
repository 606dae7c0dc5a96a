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

  @Override
  void close();
}
