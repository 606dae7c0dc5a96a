package org.harvestsed.engine.config;

/** The principal's objective over a round, from the apples A_i each player collected in it. */
public enum Objective {
  /** O = eta * sum A + (1 - eta) * min A (the paper). */
  PAPER,
  /** sum A. */
  UTILITARIAN,
  /** min A. */
  EGALITARIAN,
  /** (prod (A_i + 1))^(1/n). */
  NASH,
  /** AI Economist: equality x productivity, equality = 1 - normalised Gini. */
  EQ_X_PROD;

  /** The config spelling ({@link Choices#label}). */
  public String key() {
    return Choices.label(this);
  }
}
