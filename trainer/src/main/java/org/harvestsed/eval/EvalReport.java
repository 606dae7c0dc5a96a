package org.harvestsed.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.report.Charts;
import org.knowm.xchart.XYChart;

/** The evaluation's markdown table (mean and 95% CI over seeds, difference to free_market), CSV and plots. */
public final class EvalReport {
  private EvalReport() {}

  record Column(String name, ToDoubleFunction<RoundMetrics> f) {}

  static final List<Column> COLUMNS = List.of(
      new Column("objective", RoundMetrics::objective), new Column("productivity", RoundMetrics::productivity),
      new Column("equality", RoundMetrics::equality), new Column("eq x prod", RoundMetrics::eqXProd),
      new Column("lost patches", RoundMetrics::lostPatches), new Column("apples left", RoundMetrics::applesLeft));

  static String fmt(Stats.Interval i) {
    return Double.isNaN(i.halfWidth()) ? String.format(Locale.ROOT, "%.2f", i.mean())
        : String.format(Locale.ROOT, "%.2f ± %.2f", i.mean(), i.halfWidth());
  }

  /**
   * The markdown table; the difference columns compare with free_market when it was evaluated:
   * paired over seeds, with intervals and * Holm-adjusted across the principals compared (per column).
   */
  public static String table(Map<String, Evaluation.PrincipalResult> results) {
    Evaluation.PrincipalResult base = results.get("free_market");
    Map<String, Stats.Interval[]> holm = base == null ? Map.of() : holmDifferences(results, base);
    StringBuilder sb = new StringBuilder("| principal |");
    for (Column c : COLUMNS) sb.append(' ').append(c.name()).append(" |");
    if (base != null) sb.append(" Δ objective vs free_market | Δ productivity | Δ equality |");
    sb.append("\n|---|");
    sb.append("---:|".repeat(COLUMNS.size() + (base != null ? 3 : 0))).append('\n');
    for (Evaluation.PrincipalResult r : results.values()) {
      sb.append("| ").append(r.principal()).append(" |");
      for (Column c : COLUMNS) sb.append(' ').append(fmt(Stats.interval(r.metric(c.f())))).append(" |");
      if (base != null) {
        for (int k = 0; k < 3; k++) {
          Stats.Interval d = r == base ? Stats.pairedDifference(r.metric(COLUMNS.get(k).f()), base.metric(COLUMNS.get(k).f()))
              : holm.get(r.principal())[k];
          sb.append(' ').append(fmt(d)).append(d.excludesZero() ? " *" : "").append(" |");
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Per principal (not free_market), the paired differences of the first three columns at Holm's level for each. */
  static Map<String, Stats.Interval[]> holmDifferences(Map<String, Evaluation.PrincipalResult> results, Evaluation.PrincipalResult base) {
    List<Evaluation.PrincipalResult> others = results.values().stream().filter(r -> r != base).toList();
    Map<String, Stats.Interval[]> out = new java.util.LinkedHashMap<>();
    for (Evaluation.PrincipalResult r : others) out.put(r.principal(), new Stats.Interval[3]);
    for (int k = 0; k < 3; k++) {
      double[] p = new double[others.size()];
      double[][] d = new double[others.size()][];
      for (int i = 0; i < others.size(); i++) {
        double[] a = others.get(i).metric(COLUMNS.get(k).f()), b = base.metric(COLUMNS.get(k).f());
        d[i] = new double[a.length];
        for (int s = 0; s < a.length; s++) d[i][s] = a[s] - b[s];
        p[i] = Stats.tTestP(d[i]);
      }
      double[] alpha = Stats.holmAlphas(p, 0.05);
      for (int i = 0; i < others.size(); i++) {
        out.get(others.get(i).principal())[k] = Double.isNaN(alpha[i]) ? Stats.interval(d[i]) : Stats.interval(d[i], alpha[i]);
      }
    }
    return out;
  }

  public static void write(Path dir, String title, Map<String, Map<String, Evaluation.PrincipalResult>> byChoice, String command)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder("# " + title + "\n\nCommand: `" + command + "`\n\n"
        + "Mean ± 95% confidence half-width over evaluation seeds of this one training run (Student's t: evaluation noise, not"
        + " whether the result repeats over training seeds; for that, ./harvest sweep); Δ columns: per-seed paired difference to"
        + " free_market, intervals at Holm's step-down levels across the principals compared, * where it excludes 0.\n\n");
    StringBuilder csv = new StringBuilder("social_choice,principal,seed,objective,productivity,equality,eq_x_prod,lost_patches,apples_left,eta\n");
    for (var entry : byChoice.entrySet()) {
      String choice = entry.getKey();
      Map<String, Evaluation.PrincipalResult> results = entry.getValue();
      md.append("## social choice: ").append(choice).append("\n\n").append(table(results)).append('\n');
      for (Evaluation.PrincipalResult r : results.values()) {
        for (int s = 0; s < r.rounds().size(); s++) {
          RoundMetrics m = r.rounds().get(s).metrics();
          csv.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%s,%s,%s,%s%n", choice, r.principal().replace(',', ';'), s + 1,
              m.objective(), m.productivity(), m.equality(), m.eqXProd(), m.lostPatches(), m.applesLeft(), m.eta()));
        }
      }
      String suffix = byChoice.size() > 1 ? "_" + choice : "";
      plots(dir, results, suffix);
      md.append("![rates over a round](rates").append(suffix).append(".png)\n\n")
          .append("![productivity vs equality](productivity_equality").append(suffix).append(".png)\n\n")
          .append("![income by selfishness](income_sigma").append(suffix).append(".png) ")
          .append("![income by trust](income_beta").append(suffix).append(".png)\n\n");
    }
    atomic(dir.resolve("evaluation.md"), md.toString());
    atomic(dir.resolve("evaluation.csv"), csv.toString());
  }

  static void plots(Path dir, Map<String, Evaluation.PrincipalResult> results, String suffix) throws IOException {
    XYChart rates = Charts.xy("Rate of each bracket at each period of seed 1's round", "period", "rate");
    XYChart pe = Charts.scatter("Productivity vs equality (one point per seed)", "equality", "productivity");
    XYChart is = Charts.scatter("Apples collected in the round by selfishness (env 0, every seed)", "sigma", "apples");
    XYChart ib = Charts.scatter("Apples collected in the round by trust (env 0, every seed)", "beta", "apples");
    for (Evaluation.PrincipalResult r : results.values()) {
      List<float[]> per = r.rounds().get(0).ratesPerPeriod();
      for (int b = 0; b < per.get(0).length; b++) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int p = 0; p < per.size(); p++) {
          x.add((double) p);
          y.add((double) per.get(p)[b]);
        }
        rates.addSeries(r.principal() + ", bracket " + b, x, y);
      }
      pe.addSeries(r.principal(), r.metric(RoundMetrics::equality), r.metric(RoundMetrics::productivity));
      List<Double> sg = new ArrayList<>(), bt = new ArrayList<>(), ap = new ArrayList<>();
      for (var round : r.rounds()) {
        for (int i = 0; i < round.apples().length; i++) {
          sg.add((double) round.sigma()[i]);
          bt.add((double) round.beta()[i]);
          ap.add((double) round.apples()[i]);
        }
      }
      is.addSeries(r.principal(), sg, ap);
      ib.addSeries(r.principal(), bt, ap);
    }
    Charts.save(rates, dir.resolve("rates" + suffix + ".png"));
    Charts.save(pe, dir.resolve("productivity_equality" + suffix + ".png"));
    Charts.save(is, dir.resolve("income_sigma" + suffix + ".png"));
    Charts.save(ib, dir.resolve("income_beta" + suffix + ".png"));
  }

  static void atomic(Path f, String text) throws IOException {
    org.harvestsed.engine.io.AtomicFiles.writeString(f, text);
  }
}
