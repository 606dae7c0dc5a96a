package org.harvestsed.engine.state;

/**
 * Who reads a {@link Buf} and when: what a backend whose device keeps the state (OpenCL's copy
 * path, TornadoVM) must move between host and device, and when (docs/DESIGN-transfers.md). The
 * regions are listed in the order they are laid out for read-back, so that every launch reads one
 * contiguous prefix of the outputs: the step's outputs, then the period-end snapshot, then the
 * round-end snapshot, then the final observation of an ended episode.
 */
public enum Role {
  /** Host -> device: ACTIONS (before a launch whose actions the caller chose), PENDING_LEVELS (after the principal set them). */
  INPUT,
  /** Device -> host after every launch: what the learner consumes, and T (the host's clock of periods). */
  STEP,
  /** Device -> host after a launch ending a tax period: the principal's inputs and the bookkeeping's. */
  PERIOD,
  /** Device -> host after a launch ending a voting round: the round-end snapshot of the metrics. */
  ROUND,
  /** Device -> host after a launch ending an episode: the last observation of the episode. */
  EPISODE,
  /** Written by the host only (the bookkeeping's principal reward): never read back. */
  HOST,
  /** Env state that stays on the device; read back only on demand (Backend.fetchState). */
  STATE;

  /** The read-back regions in layout order. */
  public static final Role[] OUTPUTS = {STEP, PERIOD, ROUND, EPISODE};

  public static Role of(Buf b) {
    return switch (b) {
      case ACTIONS, PENDING_LEVELS -> INPUT;
      case OBS, OBS_SCALARS, REWARD, EATEN, DONE, T -> STEP;
      case PERIOD_END_INCOME, PERIOD_START_APPLES, ROUND_APPLES, RATES, ETA, TICK -> PERIOD;
      case ROUND_END_APPLES, ROUND_END_ETA, ROUND_END_REVENUE, ROUND_END_RATE_SUM, ROUND_END_LEFT, ROUND_END_LOST -> ROUND;
      case FINAL_OBS, FINAL_SCALARS -> EPISODE;
      case PRINCIPAL_REWARD -> HOST;
      default -> STATE;
    };
  }

  /** Whether the buffers of this role are moved at launches (inputs and outputs), as opposed to host-only or device-only. */
  public boolean io() {
    return this != HOST && this != STATE;
  }
}
