package org.harvestsed.train;

import java.util.ArrayList;
import java.util.List;

/**
 * When a fine-tune has converged (issue 23, docs/RULES.md section 9): the players' apples per
 * round ({@code round/productivity} of each iteration in which a round ended) stopped moving, i.e.
 * the mean of the last quarter of those rounds differs from the quarter before by less than {@code
 * tolerance} apples per round, once at least {@code minSteps} env steps and 8 rounds have passed.
 * The tolerance is a setting of the experiment (e.g. the between-seed sd of apples per round that
 * a positive control measured); the budget (total_steps) caps a fine-tune that never converges.
 */
final class Convergence {
  private final double tolerance;
  private final long minSteps;
  private final List<Double> apples = new ArrayList<>();

  Convergence(double tolerance, long minSteps) {
    if (!(tolerance > 0)) throw new IllegalArgumentException("a convergence tolerance must be > 0, got " + tolerance);
    this.tolerance = tolerance;
    this.minSteps = minSteps;
  }

  /** A round that ended in the last iteration: its apples (mean over envs). */
  void add(double applesPerRound) {
    apples.add(applesPerRound);
  }

  /** Whether the curve is flat at {@code globalStep}. */
  boolean reached(long globalStep) {
    int n = apples.size(), q = n / 4;
    if (globalStep < minSteps || n < 8) return false;
    return Math.abs(mean(n - q, n) - mean(n - 2 * q, n - q)) < tolerance;
  }

  private double mean(int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) s += apples.get(i);
    return s / (to - from);
  }
}
