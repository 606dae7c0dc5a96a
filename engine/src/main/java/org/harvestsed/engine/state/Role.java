package org.harvestsed.engine.state;

/**
 * Who reads a {@link Buf} and when (each buffer names its own, {@link Buf#role}): what a backend
 * whose device keeps the state (OpenCL's copy path, TornadoVM) must move between host and device,
 * and when (docs/DESIGN-transfers.md). The regions are listed in the order they are laid out for read-back, so that every launch reads one
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

  /**
   * The last output region a launch must read back, given the tick (steps since reset(seed); envs
   * run in lockstep) of its last step: EPISODE, ROUND or PERIOD if that step ended one, else STEP.
   * Episode and round ends are period ends, and callers end a launch at a period end at the
   * latest, so only a launch's last step can end any of them.
   */
  public static Role lastRegion(org.harvestsed.engine.config.EnvSpec spec, long lastTick) {
    int t = (int) (lastTick % spec.episodeLength());
    if (spec.endsEpisode(t)) return EPISODE;
    if (spec.endsRound(lastTick)) return ROUND;
    if (spec.endsPeriod(t)) return PERIOD;
    return STEP;
  }

  /** Whether this output region is read back by a launch whose last region is {@code through}. */
  public boolean readUpTo(Role through) {
    int at = java.util.Arrays.asList(OUTPUTS).indexOf(this);
    return at >= 0 && at <= java.util.Arrays.asList(OUTPUTS).indexOf(through);
  }

  /** Whether the buffers of this role are moved at launches (inputs and outputs), as opposed to host-only or device-only. */
  public boolean io() {
    return this != HOST && this != STATE;
  }
}
