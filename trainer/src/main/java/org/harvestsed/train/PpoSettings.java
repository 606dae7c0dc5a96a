package org.harvestsed.train;

/**
 * The knobs of one PPO update (CleanRL's names). Players and principal each get their own
 * ({@link TrainConfig#players()}, {@link TrainConfig#principal(float)}).
 *
 * @param epochs       passes over the batch
 * @param minibatches  minibatches per pass
 * @param clipCoef     PPO ratio clip
 * @param clipVloss    clip the value change to +-clipCoef (in the value's own units)
 * @param entCoef      entropy bonus
 * @param vfCoef       value-loss weight
 * @param maxGradNorm  global gradient-norm clip
 * @param normAdv      normalise advantages per minibatch
 */
public record PpoSettings(int epochs, int minibatches, float clipCoef, boolean clipVloss, float entCoef, float vfCoef,
    float maxGradNorm, boolean normAdv) {
  /** The same settings with {@code n} minibatches. */
  public PpoSettings withMinibatches(int n) {
    return new PpoSettings(epochs, n, clipCoef, clipVloss, entCoef, vfCoef, maxGradNorm, normAdv);
  }
}
