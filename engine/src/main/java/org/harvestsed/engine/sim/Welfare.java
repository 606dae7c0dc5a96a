package org.harvestsed.engine.sim;

import java.util.Arrays;
import org.harvestsed.engine.config.Objective;
import org.harvestsed.engine.config.SocialChoice;

/**
 * Round welfare (docs/RULES.md section 7), computed on the host from the exact integer round totals
 * A_i, in double; every backend shares this code, so metrics agree bit for bit.
 */
public final class Welfare {
  private Welfare() {}

  public static long sum(int[] a, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
  }

  public static int min(int[] a, int n) {
    int m = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) m = Math.min(m, a[i]);
    return m;
  }

  /**
   * Equality = 1 - Gini * n/(n-1) (AI Economist's normalisation, so a perfectly unequal split
   * gives 0). With n = 1 or nothing collected, equality is 1. Sorts {@code a[0..n)} in place.
   * Uses: sum_{i,j} |x_i - x_j| = 2 sum_i (2i - n - 1) x_(i) over the ascending order, i from 1.
   */
  public static double equalityInPlace(int[] a, int n) {
    long total = sum(a, n);
    if (n < 2 || total == 0) return 1.0;
    Arrays.sort(a, 0, n);
    long num = 0;
    for (int i = 0; i < n; i++) num += (long) (2 * (i + 1) - n - 1) * a[i];
    double gini = (double) num / ((double) (n - 1) * (double) total);
    return 1.0 - gini;
  }

  /**
   * {@link #equalityInPlace(int[], int)} for real-valued incomes {@code a[off .. off + n)} (e.g.
   * post-tax incomes), by the same formula; sorts that range in place. With n = 1 or a total of at
   * most 0, equality is 1.
   */
  public static double equalityInPlace(double[] a, int off, int n) {
    double total = 0;
    for (int i = 0; i < n; i++) total += a[off + i];
    if (n < 2 || !(total > 0)) return 1.0;
    Arrays.sort(a, off, off + n);
    double num = 0;
    for (int i = 0; i < n; i++) num += (2 * (i + 1) - n - 1) * a[off + i];
    return 1.0 - num / ((n - 1) * total);
  }

  /** Nash welfare (prod (A_i + 1))^(1/n), as exp(mean log(A_i + 1)). */
  public static double nash(int[] a, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += Math.log(a[i] + 1.0);
    return Math.exp(s / n);
  }

  /** The objective O of {@code kind} for totals a[0..n) and eta; may reorder {@code a}. */
  public static double objective(Objective kind, float eta, int[] a, int n) {
    return switch (kind) {
      case PAPER -> eta * (double) sum(a, n) + (1.0 - eta) * min(a, n);
      case UTILITARIAN -> sum(a, n);
      case EGALITARIAN -> min(a, n);
      case NASH -> nash(a, n);
      case EQ_X_PROD -> {
        long s = sum(a, n);
        yield equalityInPlace(a, n) * s;
      }
    };
  }

  /**
   * The objective O of {@code kind} for real-valued totals a[0..n) (post-tax incomes) and eta, by the
   * same formulas as {@link #objective(Objective, float, int[], int)}, in double; may reorder {@code a}.
   */
  public static double objective(Objective kind, float eta, double[] a, int n) {
    double sum = 0, min = Double.POSITIVE_INFINITY, logs = 0;
    for (int i = 0; i < n; i++) {
      sum += a[i];
      min = Math.min(min, a[i]);
      logs += Math.log(a[i] + 1.0);
    }
    return switch (kind) {
      case PAPER -> eta * sum + (1.0 - eta) * min;
      case UTILITARIAN -> sum;
      case EGALITARIAN -> min;
      case NASH -> Math.exp(logs / n);
      case EQ_X_PROD -> equalityInPlace(a, 0, n) * sum;
    };
  }

  /**
   * eta from the reported types (float, fixed order): mean = (sum in player order) / n; median of
   * the sorted sigmas (mean of the two middle ones for even n); majority: mean vote > 0.5 gives
   * 0 (egalitarian), else 1 (utilitarian). {@code scratch} (length >= n) is overwritten.
   */
  public static float eta(SocialChoice choice, float[] sigma, float[] votes, int n, float[] scratch) {
    switch (choice) {
      case MEAN:
        return meanOf(sigma, n);
      case MEDIAN:
        System.arraycopy(sigma, 0, scratch, 0, n);
        Arrays.sort(scratch, 0, n);
        return n % 2 == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2f;
      default:
        return meanOf(votes, n) > 0.5f ? 0f : 1f;
    }
  }

  static float meanOf(float[] v, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) s += v[i];
    return s / n;
  }
}
