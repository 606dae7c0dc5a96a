package org.harvestsed.eval;

import org.harvestsed.engine.util.SpecialFunctions;

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

  /** The interval of the mean of {@code x} at confidence {@code 1 - alpha} (Student's t); NaN half-width below 2 samples. */
  public static Interval interval(double[] x, double alpha) {
    Interval i95 = interval(x);
    if (x.length < 2) return i95;
    return new Interval(i95.mean(), i95.halfWidth() / t975(x.length - 1) * tQuantile(1 - alpha / 2, x.length - 1));
  }

  /** Two-sided p-value of the one-sample t-test of mean 0 (NaN below 2 samples; 0 or 1 when every value is equal). */
  public static double tTestP(double[] x) {
    int n = x.length;
    if (n < 2) return Double.NaN;
    double m = 0;
    for (double v : x) m += v;
    m /= n;
    double ss = 0;
    for (double v : x) ss += (v - m) * (v - m);
    double se = Math.sqrt(ss / (n - 1) / n);
    if (se == 0) return m == 0 ? 1 : 0;
    return 2 * (1 - tCdf(Math.abs(m / se), n - 1));
  }

  /** Student's t distribution function with {@code df} degrees of freedom. */
  public static double tCdf(double t, int df) {
    double x = df / (df + t * t);
    double tail = 0.5 * regularizedBeta(x, df / 2.0, 0.5);
    return t >= 0 ? 1 - tail : tail;
  }

  /** The {@code p}-quantile of Student's t with {@code df} degrees of freedom (bisection on {@link #tCdf}). */
  public static double tQuantile(double p, int df) {
    if (!(p > 0 && p < 1) || df < 1) return Double.NaN;
    if (p < 0.5) return -tQuantile(1 - p, df);
    double lo = 0, hi = 1;
    while (tCdf(hi, df) < p) hi *= 2;
    for (int k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
      double mid = 0.5 * (lo + hi);
      if (tCdf(mid, df) < p) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }

  /**
   * Holm's step-down adjusted p-values (Holm 1979): sorted ascending, the i-th (1-based) of m is
   * max over j <= i of min(1, (m - j + 1) p_(j)), returned in the input's order; NaN stays NaN and
   * does not count in m.
   */
  public static double[] holm(double[] p) {
    Integer[] order = ascending(p);
    int m = countNumbers(p);
    double[] adj = new double[p.length];
    double run = 0;
    for (int r = 0; r < p.length; r++) {
      int i = order[r];
      if (Double.isNaN(p[i])) {
        adj[i] = Double.NaN;
        continue;
      }
      run = Math.max(run, Math.min(1, (m - r) * p[i]));
      adj[i] = run;
    }
    return adj;
  }

  /**
   * The level of each comparison's interval, compatible with Holm's step-down test (issue 23): the
   * i-th smallest of m p-values is tested at alpha / (m - i + 1) while every smaller one was
   * rejected; a comparison Holm rejected gets the 1 - alpha / (m - i + 1) interval (it excludes 0),
   * and from the first comparison Holm did not reject on, every comparison gets the 1 - alpha / m
   * interval (Bonferroni's, which includes 0 for each of them), not a narrower one of its rank.
   */
  public static double[] holmAlphas(double[] p, double alpha) {
    Integer[] order = ascending(p);
    int m = countNumbers(p);
    double[] out = new double[p.length];
    boolean stopped = false;
    for (int r = 0; r < p.length; r++) {
      int i = order[r];
      if (Double.isNaN(p[i])) {
        out[i] = Double.NaN;
        continue;
      }
      double level = alpha / (m - r);
      stopped |= p[i] > level;
      out[i] = stopped ? alpha / m : level;
    }
    return out;
  }

  /** Indices of {@code p} in ascending order of value, NaN last. */
  private static Integer[] ascending(double[] p) {
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> Double.compare(Double.isNaN(p[a]) ? 2 : p[a], Double.isNaN(p[b]) ? 2 : p[b]));
    return order;
  }

  private static int countNumbers(double[] p) {
    int m = 0;
    for (double v : p) if (!Double.isNaN(v)) m++;
    return m;
  }

  /** The regularized incomplete beta function I_x(a, b) ({@link SpecialFunctions}). */
  static double regularizedBeta(double x, double a, double b) {
    return SpecialFunctions.regularizedBeta(x, a, b);
  }
}
