package org.harvestsed.principal;

/**
 * The elasticity of income with respect to the net-of-tax rate, estimated as the AI Economist
 * does: an ordinary least-squares regression of log income on log(1 - marginal rate) over the
 * observed (player, period) samples, smoothed over time with an exponential moving average.
 * Until {@link #MIN_SAMPLES} samples with some variation in the net-of-tax rate exist, the
 * estimate is the warm-up value. Samples with zero income or a marginal rate of 1 carry no
 * information for the log-log fit and are skipped. Estimates are clamped to [0.05, 5].
 */
public final class Elasticity {
  public static final int MIN_SAMPLES = 100;
  public static final double WARMUP = 1.0;
  private final double smoothing;
  private double sx, sy, sxx, sxy;
  private long count;
  private double estimate = WARMUP;

  /** @param smoothing weight of the newest regression in the moving average (0..1] */
  public Elasticity(double smoothing) {
    this.smoothing = smoothing;
  }

  public void add(double income, double marginalRate) {
    if (income <= 0 || marginalRate >= 1) return;
    double x = Math.log(1 - marginalRate);
    double y = Math.log(income);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    count++;
  }

  /** The OLS slope of the samples so far, or NaN if there are too few or no variation. */
  public double slope() {
    if (count < MIN_SAMPLES) return Double.NaN;
    double varX = sxx - sx * sx / count;
    if (varX < 1e-9 * count) return Double.NaN;
    return (sxy - sx * sy / count) / varX;
  }

  /** Folds the current regression into the smoothed estimate and returns it. */
  public double update() {
    double s = slope();
    if (!Double.isNaN(s)) estimate = (1 - smoothing) * estimate + smoothing * Math.max(0.05, Math.min(5, s));
    return estimate;
  }

  public double estimate() {
    return estimate;
  }

  public long samples() {
    return count;
  }
}
