package org.harvestsed.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.harvestsed.engine.io.AtomicFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** The final report of a run: report.md with PNG plots, made from its metrics.csv. */
public final class Report {
  private Report() {}

  public static void write(Path dir, String title) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
    List<String> cols = List.of(lines.get(0).split(",", -1));
    List<String[]> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) rows.add(l.split(",", -1));
    int step = cols.indexOf("global_step");
    List<Double> xs = new ArrayList<>(), reward = new ArrayList<>();
    List<Double> rx = new ArrayList<>(), prod = new ArrayList<>(), eq = new ArrayList<>(), obj = new ArrayList<>();
    List<List<Double>> rates = new ArrayList<>();
    for (String[] r : rows) {
      xs.add(Double.parseDouble(r[step]));
      reward.add(num(r[cols.indexOf("charts/mean_reward")]));
      String p = r[cols.indexOf("round/productivity")];
      if (!p.isEmpty()) {
        rx.add(Double.parseDouble(r[step]));
        prod.add(Double.parseDouble(p));
        eq.add(Double.parseDouble(r[cols.indexOf("round/equality")]));
        obj.add(Double.parseDouble(r[cols.indexOf("round/objective")]));
        String[] rs = r[cols.indexOf("round/rates")].split(";");
        while (rates.size() < rs.length) rates.add(new ArrayList<>());
        for (int b = 0; b < rs.length; b++) rates.get(b).add(Double.parseDouble(rs[b]));
      }
    }
    XYChart learning = chart("Learning curve", "env steps", "mean reward per player-step");
    learning.addSeries("players", xs, reward);
    save(learning, dir.resolve("learning.png"));
    boolean haveRounds = !rx.isEmpty();
    if (haveRounds) {
      XYChart r = chart("Tax rates over training (round means)", "env steps", "rate");
      for (int b = 0; b < rates.size(); b++) r.addSeries("bracket " + b, rx, rates.get(b));
      save(r, dir.resolve("rates.png"));
      XYChart pe = chart("Productivity vs equality (one point per logged round)", "equality", "productivity");
      pe.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      pe.addSeries("rounds", eq, prod);
      save(pe, dir.resolve("productivity_equality.png"));
      XYChart o = chart("Principal's objective per round", "env steps", "objective");
      o.addSeries("objective", rx, obj);
      save(o, dir.resolve("objective.png"));
    }
    StringBuilder md = new StringBuilder("# " + title + "\n\n");
    String[] last = rows.get(rows.size() - 1);
    md.append(String.format(Locale.ROOT, "%d iterations, %s env steps (%s player-steps); last SPS %s env-steps/s.%n%n",
        rows.size(), last[step], last[cols.indexOf("player_steps")], last[cols.indexOf("charts/SPS")]));
    md.append("![learning curve](learning.png)\n\n");
    if (haveRounds) {
      md.append("| logged round at env step | productivity | equality | objective | rates |\n|---:|---:|---:|---:|---|\n");
      int k = 0;
      for (String[] r : rows) {
        if (r[cols.indexOf("round/productivity")].isEmpty()) continue;
        if (k++ % Math.max(1, rx.size() / 20) != 0 && k != rx.size()) continue;
        md.append("| ").append(r[step]).append(" | ").append(r[cols.indexOf("round/productivity")]).append(" | ")
            .append(r[cols.indexOf("round/equality")]).append(" | ").append(r[cols.indexOf("round/objective")]).append(" | ")
            .append(r[cols.indexOf("round/rates")]).append(" |\n");
      }
      md.append("\n![rates](rates.png)\n\n![productivity vs equality](productivity_equality.png)\n\n![objective](objective.png)\n");
    } else {
      md.append("No voting round completed in this run (a round is longer than the run).\n");
    }
    AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
  }

  private static double num(String s) {
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setMarkerSize(4);
    return c;
  }

  private static void save(XYChart c, Path png) throws IOException {
    savePng(c, png);
  }

  /** Saves a chart as PNG atomically (XChart appends ".png" to a name without it: the temp name ends in .png). */
  public static void savePng(org.knowm.xchart.internal.chartpart.Chart<?, ?> c, Path png) throws IOException {
    Path tmp = Files.createTempFile(png.toAbsolutePath().getParent(), ".plot", ".png");
    try {
      BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
      AtomicFiles.commit(tmp, png);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
