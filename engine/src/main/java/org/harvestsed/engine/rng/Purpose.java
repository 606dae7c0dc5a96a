package org.harvestsed.engine.rng;

/**
 * What a random draw is for. The code is the low byte of counter word 3, so streams of
 * different purposes never overlap. Codes are part of the determinism contract: never renumber.
 * Codes 1-8 are drawn by the engine's step and reset (the same in every backend); 9 and up by the
 * learner and the evaluations, through {@link Draws} (docs/RULES.md section 8, "Draws outside the step").
 */
public enum Purpose {
  SPAWN(1), MOVE_ORDER(2), REGROWTH(3), TYPES(4), RESPAWN(5), POLICY(6), VOTE(7), MAP(8),
  /** The learned principal's sampling: tick = its acts so far (training), or since the evaluation's reset. */
  PRINCIPAL(9),
  /** The players' action sampling in training: tick = the rollout step of the run (iteration x num_steps + t). */
  ACTION(10),
  /** The players' minibatch order: tick = update x epochs + epoch. */
  SHUFFLE(11),
  /** The principal's minibatch order: tick = its update x epochs + epoch. */
  PRINCIPAL_SHUFFLE(12),
  /** The players' action sampling in an evaluation, keyed by the evaluation's seed: tick = step since its reset. */
  EVAL(13),
  /** The random principal's levels (principal spec random; train.phase1_rates: random): tick = the env's period since reset (TICK / tax period). */
  RANDOM_RATES(14);

  public final int code;

  Purpose(int code) {
    this.code = code;
  }
}
