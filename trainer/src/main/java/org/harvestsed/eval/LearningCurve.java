package org.harvestsed.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Has the players' learning curve flattened by the end of a fine-tune? From a run's metrics.csv,
 * the mean episodic return ({@code charts/episodic_return}, the iterations in which episodes ended)
 * of the first and last quarter of those points, and the relative change of the last quarter
 * against the quarter before it. (The per-iteration mean reward is no learning curve here: a
 * rollout of 128 steps covers a different part of each 200-step episode in each iteration.)
 *
 * @param iterations points of the curve (iterations with an episode end)
 * @param first      mean episodic return over the first quarter of the points
 * @param last       mean over the last quarter
 * @param change     (last quarter - the quarter before) / |the quarter before|; NaN below 4 points
 */
public record LearningCurve(int iterations, double first, double last, double change) {
  /** A curve whose last quarter moved by less than this fraction counts as flat. */
  public static final double FLAT = 0.05;

  public boolean flat() {
    return Math.abs(change) < FLAT;
  }

  public static LearningCurve of(Path metricsCsv) throws IOException {
    List<String> lines = Files.readAllLines(metricsCsv);
    int col = Arrays.asList(lines.get(0).split(",", -1)).indexOf("charts/episodic_return");
    if (col < 0) throw new IOException(metricsCsv + " has no charts/episodic_return column");
    List<Double> r = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      if (!line.isBlank() && col < v.length && !v[col].isEmpty()) r.add(Double.parseDouble(v[col]));
    }
    return of(r.stream().mapToDouble(Double::doubleValue).toArray());
  }

  public static LearningCurve of(double[] reward) {
    int n = reward.length, q = Math.max(1, n / 4);
    if (n == 0) return new LearningCurve(0, Double.NaN, Double.NaN, Double.NaN);
    double first = mean(reward, 0, Math.min(q, n)), last = mean(reward, n - q, n);
    double change = n < 4 ? Double.NaN : (last - mean(reward, n - 2 * q, n - q)) / Math.abs(mean(reward, n - 2 * q, n - q));
    return new LearningCurve(n, first, last, change);
  }

  private static double mean(double[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) s += x[i];
    return to > from ? s / (to - from) : Double.NaN;
  }
}
