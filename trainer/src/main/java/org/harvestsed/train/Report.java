package org.harvestsed.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.harvestsed.engine.io.AtomicFiles;
import org.harvestsed.report.Charts;
import org.knowm.xchart.XYChart;

/**
 * The final report of a run: report.md with PNG plots, made from its metrics.csv (read by column
 * name) and players.csv: the players' per-episode returns (raw, faint, and smoothed), losses,
 * entropies and explained variances of both learners, the principal's rates per bracket,
 * productivity / equality / objective per round, and trained vs random players' apples per round.
 */
public final class Report {
  private Report() {}

  /** TensorBoard-style exponential smoothing weight of the smoothed curves. */
  static final double SMOOTHING = 0.9;

  /** metrics.csv as columns. */
  record Table(List<String> cols, List<String[]> rows) {
    static Table read(Path csv) throws IOException {
      List<String> lines = Files.readAllLines(csv);
      List<String[]> rows = new ArrayList<>();
      for (String l : lines.subList(1, lines.size())) rows.add(l.split(",", -1));
      return new Table(List.of(lines.get(0).split(",", -1)), rows);
    }

    /** x = global_step, y = column, over the rows where the column is set. */
    List<double[]> series(String column) {
      int c = cols.indexOf(column), x = cols.indexOf("global_step");
      List<double[]> out = new ArrayList<>();
      if (c < 0) return out;
      for (String[] r : rows) if (!r[c].isEmpty()) out.add(new double[] {Double.parseDouble(r[x]), Double.parseDouble(r[c])});
      return out;
    }

    String last(String column) {
      return rows.get(rows.size() - 1)[cols.indexOf(column)];
    }
  }

  public static void write(Path dir, String title) throws IOException {
    Table t = Table.read(dir.resolve(Metrics.FILE));
    StringBuilder md = new StringBuilder("# " + title + "\n\n");
    md.append(String.format(Locale.ROOT, "%d iterations, %s env steps (%s player-steps); last SPS %s env-steps/s; %s principal updates.%n%n",
        t.rows().size(), t.last("global_step"), t.last("player_steps"), t.last("charts/SPS"),
        t.last("principal/updates").isEmpty() ? "0" : t.last("principal/updates")));
    double[] fifths = firstAndLastFifth(t.series("charts/mean_reward"));
    md.append(String.format(Locale.ROOT, "Mean reward per player-step: first fifth of the run %.5f, last fifth %.5f.%n%n", fifths[0], fifths[1]));

    XYChart returns = chart("Players' episodic return (mean over players; faint: each logged episode, line: smoothed)", "episodic return");
    addRawAndSmoothed(returns, "episodic return", t.series("charts/episodic_return"));
    Charts.save(returns, dir.resolve("learning.png"));
    md.append("![episodic return](learning.png)\n\n");

    lines(dir, md, "losses.png", "Losses (players and principal)", "loss", t,
        "losses/policy_loss", "losses/value_loss", "principal/policy_loss", "principal/value_loss");
    lines(dir, md, "entropy.png", "Policy entropy (players: nats per action; principal: summed over brackets)", "entropy", t,
        "losses/entropy", "principal/entropy");
    lines(dir, md, "explained_variance.png", "Explained variance of the critics", "explained variance", t,
        "losses/explained_variance", "principal/explained_variance");

    List<double[]> prod = t.series("round/productivity");
    if (!prod.isEmpty()) {
      int rc = t.cols().indexOf("round/rates"), xc = t.cols().indexOf("global_step");
      List<List<double[]>> perBracket = new ArrayList<>();
      for (String[] r : t.rows()) {
        if (r[rc].isEmpty()) continue;
        String[] rs = r[rc].split(";");
        while (perBracket.size() < rs.length) perBracket.add(new ArrayList<>());
        for (int b = 0; b < rs.length; b++) perBracket.get(b).add(new double[] {Double.parseDouble(r[xc]), Double.parseDouble(rs[b])});
      }
      XYChart rc2 = chart("Principal's rates per bracket over training (round means; smoothed)", "rate");
      for (int b = 0; b < perBracket.size(); b++) addSmoothed(rc2, "bracket " + b, perBracket.get(b));
      Charts.save(rc2, dir.resolve("rates.png"));
      lines(dir, md, "objective.png", "Per round: productivity (apples) and the principal's objective", "per round", t,
          "round/productivity", "round/objective");
      lines(dir, md, "equality.png", "Per round: equality (1 - Gini)", "equality", t, "round/equality");
      md.append("![rates](rates.png)\n\n");
      Path players = dir.resolve(PlayersVsRandom.FILE);
      if (Files.isRegularFile(players)) {
        PlayersVsRandom.Result pr = PlayersVsRandom.read(dir);
        XYChart vs = chart("Apples per round: players during training vs trained and random players evaluated", "apples per round");
        addRawAndSmoothed(vs, "during training", prod);
        double x0 = prod.get(0)[0], x1 = prod.get(prod.size() - 1)[0];
        flat(vs, String.format(Locale.ROOT, "trained, evaluated (%.1f)", pr.meanTrained()), x0, x1, pr.meanTrained(), Color.BLUE);
        flat(vs, String.format(Locale.ROOT, "random players (%.1f)", pr.meanRandom()), x0, x1, pr.meanRandom(), Color.RED);
        Charts.save(vs, dir.resolve("players_vs_random.png"));
        md.append(pr.summary()).append(".\n\n![players vs random](players_vs_random.png)\n\n");
      }
    } else {
      md.append("No voting round completed in this run (a round is longer than the run).\n");
    }
    AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
  }

  /** Means of a series' first and last fifth of points. */
  static double[] firstAndLastFifth(List<double[]> s) {
    int f = Math.max(1, s.size() / 5);
    double a = 0, b = 0;
    for (int i = 0; i < f; i++) {
      a += s.get(i)[1];
      b += s.get(s.size() - 1 - i)[1];
    }
    return new double[] {a / f, b / f};
  }

  /** Axis numbers as 64k / 1.2M / 3G instead of 6.5536E4. */
  static String human(double x) {
    double a = Math.abs(x);
    if (a >= 1e9) return trim(x / 1e9) + "G";
    if (a >= 1e6) return trim(x / 1e6) + "M";
    if (a >= 1e3) return trim(x / 1e3) + "k";
    return trim(x);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, Math.abs(v) >= 100 || v == Math.rint(v) ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static void lines(Path dir, StringBuilder md, String file, String title, String y, Table t, String... columns) throws IOException {
    XYChart c = chart(title, y);
    for (String col : columns) {
      List<double[]> s = t.series(col);
      if (!s.isEmpty()) addSmoothed(c, col, s);
    }
    if (Charts.save(c, dir.resolve(file))) md.append("![").append(title).append("](").append(file).append(")\n\n");
  }

  private static void addRawAndSmoothed(XYChart c, String name, List<double[]> s) {
    if (s.isEmpty()) return;
    Charts.line(c, name + " (raw)", xs(s), ys(s), new Color(70, 130, 180, 60));
    Charts.line(c, name + " (smoothed)", xs(s), smooth(ys(s)), new Color(20, 60, 140));
  }

  private static void addSmoothed(XYChart c, String name, List<double[]> s) {
    Charts.line(c, name, xs(s), smooth(ys(s)), null);
  }

  private static void flat(XYChart c, String name, double x0, double x1, double y, Color color) {
    Charts.line(c, name, new double[] {x0, x1}, new double[] {y, y}, color);
  }

  static double[] smooth(double[] y) {
    double[] out = new double[y.length];
    double acc = 0, w = 0;
    for (int i = 0; i < y.length; i++) { // debiased EMA, as TensorBoard
      acc = SMOOTHING * acc + (1 - SMOOTHING) * y[i];
      w = SMOOTHING * w + (1 - SMOOTHING);
      out[i] = acc / w;
    }
    return out;
  }

  private static double[] xs(List<double[]> s) {
    return s.stream().mapToDouble(p -> p[0]).toArray();
  }

  private static double[] ys(List<double[]> s) {
    return s.stream().mapToDouble(p -> p[1]).toArray();
  }

  private static XYChart chart(String title, String y) {
    XYChart c = Charts.xy(title, "env steps", y);
    c.getStyler().setMarkerSize(3);
    Function<Double, String> f = Report::human;
    c.getStyler().setxAxisTickLabelsFormattingFunction(f);
    return c;
  }
}
