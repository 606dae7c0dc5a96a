package org.harvestsed.engine.config;

/** How the players' reported types give eta at a round start (docs/RULES.md section 7). */
public enum SocialChoice {
  /** eta = mean of sigma (the paper). */
  MEAN,
  /** eta = median of sigma. */
  MEDIAN,
  /** The released code: each player draws a vote U[0,1]; eta = 0 if their mean is > 0.5, else 1. */
  MAJORITY;

  /** The config spelling ({@link Choices#label}). */
  public String key() {
    return Choices.label(this);
  }
}
