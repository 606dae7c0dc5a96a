package org.harvestsed.engine.rng;

/**
 * What a random draw is for. The code is the low byte of counter word 3, so streams of
 * different purposes never overlap. Codes are part of the determinism contract: never renumber.
 */
public enum Purpose {
  SPAWN(1), MOVE_ORDER(2), REGROWTH(3), TYPES(4), RESPAWN(5), POLICY(6), VOTE(7), MAP(8), PRINCIPAL(9);

  public final int code;

  Purpose(int code) {
    this.code = code;
  }
}
