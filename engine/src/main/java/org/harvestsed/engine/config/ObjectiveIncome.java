package org.harvestsed.engine.config;

/**
 * Which income the principal's objective counts (docs/RULES.md section 7, {@code env.voting.objective_income}).
 */
public enum ObjectiveIncome {
  /** A_i = the apples player i collected in the round (the paper's). */
  PRE_TAX,
  /** A_i plus the lumps of the round's ended periods (-T(w_i) + the mean tax): what i keeps after redistribution. */
  POST_TAX;

  public String key() {
    return name().toLowerCase();
  }
}
