package org.harvestsed.eval;

/** Means and 95% confidence intervals over seeds (Student's t), and paired differences. */
public final class Stats {
  private Stats() {}

  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (standard tables). */
  private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
      2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

  public static double t975(int df) {
    if (df < 1) return Double.NaN;
    return df <= 30 ? T975[df - 1] : 1.96 + 2.4 / df; // beyond 30: close to the normal quantile
  }

  /** Mean and half-width of the 95% interval; the half-width is NaN for fewer than 2 samples. */
  public record Interval(double mean, double halfWidth) {
    public double lo() {
      return mean - halfWidth;
    }

    public double hi() {
      return mean + halfWidth;
    }

    /** Whether the interval excludes 0 (a significant difference at the 5% level). */
    public boolean excludesZero() {
      return !Double.isNaN(halfWidth) && (lo() > 0 || hi() < 0);
    }
  }

  public static Interval interval(double[] x) {
    int n = x.length;
    double m = 0;
    for (double v : x) m += v;
    m /= n;
    if (n < 2) return new Interval(m, Double.NaN);
    double ss = 0;
    for (double v : x) ss += (v - m) * (v - m);
    double sd = Math.sqrt(ss / (n - 1));
    return new Interval(m, t975(n - 1) * sd / Math.sqrt(n));
  }

  /** The interval of the per-seed differences a_s - b_s (paired by seed). */
  public static Interval pairedDifference(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
    return interval(d);
  }
}
