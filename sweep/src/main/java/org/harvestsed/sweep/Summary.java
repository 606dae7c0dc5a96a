package org.harvestsed.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.harvestsed.engine.io.AtomicFiles;
import org.harvestsed.eval.LearningCurve;
import org.harvestsed.eval.Stats;
import org.harvestsed.report.Charts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;

/**
 * The sweep's summary (docs/SWEEPS.md): the unit of replication is the training seed. Per
 * principal (learned: sampling and at its mode), the mean and 95% t-interval over seeds of each
 * outcome; paired per-seed differences to the reference principal with Holm-adjusted p-values
 * and intervals (Holm across the principals compared, per outcome; the spec's primary outcome is
 * marked); the learning curves' last-quarter change; and the tax-response table over the flat
 * rates (free_market is the rate 0). Written as summary.md, summary.csv, tax_response.csv and PNGs.
 */
public final class Summary {
  private Summary() {}

  static final double ALPHA = 0.05;

  /** Outcome columns of the comparison, in order. */
  static final List<String> OUTCOMES = SweepSpec.OUTCOMES;

  /** One principal's rows of one group, by training seed. */
  record Arm(String label, Map<Long, ResultRow> bySeed) {
    double[] values(String column) {
      return bySeed.values().stream().mapToDouble(r -> r.number(column)).filter(v -> !Double.isNaN(v)).toArray();
    }
  }

  /** A paired comparison of one arm with the reference on one outcome. */
  record Comparison(String label, String outcome, int n, double mean, double p, double pHolm, Stats.Interval holmInterval) {}

  /** A flat rate's outcomes over seeds. */
  record RateRow(double rate, String label, Arm arm) {}

  public static void write(Path out, SweepSpec spec, List<ResultRow> rows) throws IOException {
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder("# Sweep summary: ").append(spec.file().getFileName()).append("\n\n");
    long ok = rows.stream().filter(ResultRow::ok).count();
    md.append(String.format(Locale.ROOT, "%d rows, %d ok, %d failed or skipped (results.csv lists each with its error).%n%n", rows.size(), ok,
        rows.size() - ok));
    boolean untrained = !spec.finetuneRuns().isEmpty() && spec.finetuneRuns().stream().allMatch(r -> r.finetuneSteps() == 0);
    md.append("Unit of replication: the training seed. ").append(spec.fromScratch()
        ? "Each seed's players are trained from scratch (initialised by the seed) for the same number of env steps under every principal, "
        : untrained ? "Each seed's players are those of its phase-1 checkpoint, not trained further (finetune.steps: 0), "
        : "Each seed's players start from that seed's phase-1 checkpoint and are fine-tuned under every principal (the same budget; "
            + "`converged` and `env_steps` in results.csv say where a convergence rule stopped a run), ")
        .append("then evaluated on the same evaluation rounds; "
        + "intervals are 95% Student-t intervals over seeds. Paired differences are per seed, to `").append(spec.reference())
        .append("`; p-values and intervals are Holm-adjusted across the principals compared (per outcome): a comparison Holm rejects at "
            + "rank i of m (by p-value) gets the 1 - 0.05/(m - i + 1) interval, and from the first one Holm does not reject on, "
            + "every comparison gets the 1 - 0.05/m interval (compatible with the test: an interval excludes 0 exactly when Holm rejects). Primary outcome, fixed in the spec before the sweep: **")
        .append(spec.primaryOutcome()).append("**.\n\n");
    StringBuilder csv = new StringBuilder("axes,social_choice,principal,outcome,n,mean,half_width,diff_mean,diff_lo_holm,diff_hi_holm,p,p_holm\n");
    StringBuilder taxCsv = new StringBuilder("axes,social_choice,rate,principal,n,post_tax_inequality,post_hw,pre_tax_inequality,pre_hw,"
        + "apples_beta_low,low_hw,apples_beta_mid,mid_hw,apples_beta_high,high_hw,top_rate\n");
    Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
    for (ResultRow r : rows) {
      if (r.string("kind").equals("finetune")) groups.computeIfAbsent(r.string("axes") + "\u0000" + r.string("social_choice"), k -> new ArrayList<>()).add(r);
    }
    int g = 0;
    for (var e : groups.entrySet()) {
      String axes = e.getKey().split("\u0000", -1)[0], choice = e.getKey().split("\u0000", -1)[1];
      String suffix = groups.size() > 1 ? "_" + (++g) : "";
      md.append("## Social choice `").append(choice).append('`').append(axes.isEmpty() ? "" : ", " + axes).append("\n\n");
      List<Arm> arms = arms(spec, e.getValue());
      md.append(principalTable(arms)).append('\n').append(ratesTable(arms));
      List<Comparison> comps = compare(arms, spec.reference());
      md.append(comparisonTable(comps, spec)).append('\n');
      md.append(answer(comps, spec, choice)).append("\n\n");
      for (Arm a : arms) {
        for (String o : OUTCOMES) {
          Stats.Interval i = Stats.interval(a.values(o));
          Comparison c = comps.stream().filter(x -> x.label().equals(a.label()) && x.outcome().equals(o)).findFirst().orElse(null);
          csv.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s%n", axes, choice, a.label(), o, a.values(o).length,
              num(i.mean()), num(i.halfWidth()), c == null ? "" : num(c.mean()), c == null ? "" : num(c.holmInterval().lo()),
              c == null ? "" : num(c.holmInterval().hi()), c == null ? "" : num(c.p()), c == null ? "" : num(c.pHolm())));
        }
      }
      List<RateRow> rates = rates(arms);
      md.append(taxTable(rates)).append('\n').append(doseResponse(rates));
      for (RateRow r : rates) {
        taxCsv.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%s,%d", axes, choice, num(r.rate()), r.label(), r.arm().bySeed().size()));
        for (String col : List.of("post_tax_inequality", "pre_tax_inequality", "apples_per_period_beta_low", "apples_per_period_beta_mid",
            "apples_per_period_beta_high")) {
          Stats.Interval i = Stats.interval(r.arm().values(col));
          taxCsv.append(',').append(num(i.mean())).append(',').append(num(i.halfWidth()));
        }
        taxCsv.append(',').append(num(Stats.interval(r.arm().values("top_rate")).mean())).append('\n');
      }
      plots(out, arms, rates, comps, spec.primaryOutcome(), spec.reference(), suffix);
      md.append("![post-tax inequality by flat rate](tax_post_tax_inequality").append(suffix).append(".png)\n")
          .append("![pre-tax apples per period by trust tercile](tax_apples_by_trust").append(suffix).append(".png)\n")
          .append("![pre-tax income dispersion against the top bracket's rate](tax_dispersion_vs_top_rate").append(suffix).append(".png)\n")
          .append("![primary outcome: paired differences to the reference](principals").append(suffix).append(".png)\n\n");
    }
    md.append(scaling(out, spec, groups));
    md.append(trainTable(rows));
    AtomicFiles.writeString(out.resolve("summary.md"), md.toString());
    AtomicFiles.writeString(out.resolve("summary.csv"), csv.toString());
    AtomicFiles.writeString(out.resolve("tax_response.csv"), taxCsv.toString());
  }

  /** The arms in the spec's principal order; learned gives "learned" (sampling) and "learned@mode". */
  static List<Arm> arms(SweepSpec spec, List<ResultRow> rows) {
    Map<String, Arm> arms = new LinkedHashMap<>();
    for (String p : spec.principals()) {
      if (p.equals("learned")) {
        arms.put("learned", new Arm("learned", new TreeMap<>()));
        arms.put("learned@mode", new Arm("learned@mode", new TreeMap<>()));
      } else {
        arms.put(p, new Arm(p, new TreeMap<>()));
      }
    }
    for (ResultRow r : rows) {
      if (!r.ok()) continue;
      Arm a = arms.get(r.label());
      if (a != null) a.bySeed().put((long) r.number("seed"), r);
    }
    arms.values().removeIf(a -> a.bySeed().isEmpty());
    return new ArrayList<>(arms.values());
  }

  static List<Comparison> compare(List<Arm> arms, String reference) {
    Arm ref = arms.stream().filter(a -> a.label().equals(reference)).findFirst().orElse(null);
    List<Comparison> out = new ArrayList<>();
    if (ref == null) return out;
    for (String o : OUTCOMES) {
      List<Arm> others = arms.stream().filter(a -> a != ref).toList();
      List<double[]> diffs = new ArrayList<>();
      double[] p = new double[others.size()];
      for (int k = 0; k < others.size(); k++) {
        double[] x = pairedDifferences(others.get(k), ref, o);
        diffs.add(x);
        p[k] = Stats.tTestP(x);
      }
      double[] adj = Stats.holm(p), alphas = Stats.holmAlphas(p, ALPHA);
      for (int k = 0; k < others.size(); k++) {
        double[] x = diffs.get(k);
        Stats.Interval i = x.length < 2 ? new Stats.Interval(x.length == 0 ? Double.NaN : x[0], Double.NaN) : Stats.interval(x, alphas[k]);
        out.add(new Comparison(others.get(k).label(), o, x.length, i.mean(), p[k], adj[k], i));
      }
    }
    return out;
  }

  static String principalTable(List<Arm> arms) {
    StringBuilder sb = new StringBuilder("| principal | seeds |");
    for (String o : OUTCOMES) sb.append(' ').append(o.replace('_', ' ')).append(" |");
    sb.append(" learning curve: last-quarter change | flat (< ").append(Math.round(LearningCurve.FLAT * 100))
        .append("%) | env steps: median (min-max) | converged |\n|---|---:|").append("---:|".repeat(OUTCOMES.size() + 4)).append('\n');
    for (Arm a : arms) {
      sb.append("| ").append(a.label()).append(" | ").append(a.bySeed().size()).append(" |");
      for (String o : OUTCOMES) sb.append(' ').append(fmt(Stats.interval(a.values(o)), 2)).append(" |");
      double[] change = a.values("curve_change");
      for (int i = 0; i < change.length; i++) change[i] *= 100;
      long flat = a.bySeed().values().stream().filter(r -> Math.abs(r.number("curve_change")) < LearningCurve.FLAT).count();
      sb.append(' ').append(fmt(Stats.interval(change), 1)).append("% | ").append(flat).append('/').append(a.bySeed().size()).append(" |");
      double[] steps = a.bySeed().values().stream().mapToDouble(r -> r.number("env_steps")).sorted().toArray();
      double median = steps.length % 2 == 1 ? steps[steps.length / 2] : (steps[steps.length / 2 - 1] + steps[steps.length / 2]) / 2;
      sb.append(String.format(Locale.ROOT, " %.0f (%.0f-%.0f) |", median, steps[0], steps[steps.length - 1]));
      long yes = a.bySeed().values().stream().filter(r -> r.string("converged").equals("yes")).count();
      long ruled = a.bySeed().values().stream().filter(r -> !r.string("converged").isEmpty()).count();
      sb.append(ruled == 0 ? " (no rule) |" : " " + yes + "/" + ruled + " |").append('\n');
    }
    return sb.toString();
  }

  /**
   * The rates in force during the evaluated rounds, per principal and bracket (the {@code rates}
   * column: each bracket's round-mean rate), mean and 95% interval over seeds; where a learned principal's
   * rates ended. Empty when no row has rates (rows of older versions).
   */
  static String ratesTable(List<Arm> arms) {
    int brackets = 0;
    for (Arm a : arms) for (ResultRow r : a.bySeed().values()) if (!r.string("rates").isEmpty()) brackets = Math.max(brackets, r.string("rates").split(";").length);
    if (brackets == 0) return "";
    StringBuilder sb = new StringBuilder("Rates in force during the evaluated rounds (each bracket's mean rate over a round, mean ± the 95% interval's half-width over seeds):\n\n| principal |");
    for (int b = 0; b < brackets; b++) sb.append(" bracket ").append(b + 1).append(" |");
    sb.append("\n|---|").append("---:|".repeat(brackets)).append('\n');
    for (Arm a : arms) {
      sb.append("| ").append(a.label()).append(" |");
      for (int b = 0; b < brackets; b++) {
        int k = b;
        double[] v = a.bySeed().values().stream().map(r -> r.string("rates").split(";")).filter(x -> x.length > k && !x[k].isEmpty())
            .mapToDouble(x -> Double.parseDouble(x[k])).toArray();
        sb.append(' ').append(v.length == 0 ? "" : fmt(Stats.interval(v), 3)).append(" |");
      }
      sb.append('\n');
    }
    return sb.append('\n').toString();
  }

  static String comparisonTable(List<Comparison> comps, SweepSpec spec) {
    if (comps.isEmpty()) return "(no `" + spec.reference() + "` rows: no paired differences)\n";
    StringBuilder sb = new StringBuilder("Paired difference to `" + spec.reference()
        + "` per seed: mean [Holm-adjusted 95% interval] (Holm-adjusted p); * where the adjusted p < 0.05.\n\n| principal | n |");
    for (String o : OUTCOMES) sb.append(' ').append(o.equals(spec.primaryOutcome()) ? "**Δ " + o + "** (primary)" : "Δ " + o).append(" |");
    sb.append("\n|---|---:|").append("---:|".repeat(OUTCOMES.size())).append('\n');
    List<String> labels = comps.stream().map(Comparison::label).distinct().toList();
    for (String l : labels) {
      sb.append("| ").append(l).append(" | ");
      sb.append(comps.stream().filter(c -> c.label().equals(l)).findFirst().orElseThrow().n()).append(" |");
      for (String o : OUTCOMES) {
        Comparison c = comps.stream().filter(x -> x.label().equals(l) && x.outcome().equals(o)).findFirst().orElseThrow();
        sb.append(String.format(Locale.ROOT, " %+.2f [%s, %s] (p %s)%s |", c.mean(), f2(c.holmInterval().lo()), f2(c.holmInterval().hi()),
            pfmt(c.pHolm()), c.pHolm() < ALPHA ? " *" : ""));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The answer in words, for the primary outcome. */
  static String answer(List<Comparison> comps, SweepSpec spec, String choice) {
    String o = spec.primaryOutcome();
    List<Comparison> primary = comps.stream().filter(c -> c.outcome().equals(o)).toList();
    if (primary.isEmpty()) return "**Answer:** no comparison could be made.";
    StringBuilder sb = new StringBuilder("**Answer (primary outcome: " + o + " under the " + choice + " social choice, vs `" + spec.reference() + "`):** ");
    List<String> better = new ArrayList<>(), worse = new ArrayList<>(), none = new ArrayList<>();
    for (Comparison c : primary) {
      String s = String.format(Locale.ROOT, "%s (%+.2f [%s, %s])", c.label(), c.mean(), f2(c.holmInterval().lo()), f2(c.holmInterval().hi()));
      if (c.pHolm() < ALPHA && c.mean() > 0) better.add(s);
      else if (c.pHolm() < ALPHA && c.mean() < 0) worse.add(s);
      else none.add(s);
    }
    sb.append("higher after Holm correction: ").append(better.isEmpty() ? "none" : String.join(", ", better)).append("; lower: ")
        .append(worse.isEmpty() ? "none" : String.join(", ", worse)).append("; no detectable difference: ")
        .append(none.isEmpty() ? "none" : String.join(", ", none)).append('.');
    return sb.toString();
  }

  /** The flat-rate arms by rate: free_market is rate 0 (every rate 0), flat:x is x. */
  static List<RateRow> rates(List<Arm> arms) {
    TreeMap<Double, RateRow> m = new TreeMap<>();
    for (Arm a : arms) {
      Double rate = a.label().equals("free_market") ? Double.valueOf(0) : a.label().startsWith("flat:") ? Double.valueOf(a.label().substring(5)) : null;
      if (rate != null && !m.containsKey(rate)) m.put(rate, new RateRow(rate, a.label(), a));
    }
    return new ArrayList<>(m.values());
  }

  /**
   * Each seed's least-squares slope of {@code outcome} on the flat rate (free_market = 0), over the
   * rates that seed has (at least two): the dose-response of one seed.
   */
  static double[] slopes(List<RateRow> rates, String outcome) {
    java.util.Set<Long> seeds = new java.util.TreeSet<>();
    for (RateRow r : rates) seeds.addAll(r.arm().bySeed().keySet());
    List<Double> out = new ArrayList<>();
    for (long seed : seeds) {
      double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
      for (RateRow r : rates) {
        ResultRow row = r.arm().bySeed().get(seed);
        double y = row == null ? Double.NaN : row.number(outcome);
        if (Double.isNaN(y)) continue;
        n++;
        sx += r.rate();
        sy += y;
        sxx += r.rate() * r.rate();
        sxy += r.rate() * y;
      }
      double den = n * sxx - sx * sx;
      if (n >= 2 && den > 0) out.add((n * sxy - sx * sy) / den);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The dose-response test over the flat rates (issue 23): per outcome, the within-seed slope
   * ({@link #slopes}), its mean and 95% t-interval over seeds and the t-test's p: one test per
   * outcome, with more power than one corrected contrast per rate.
   */
  static String doseResponse(List<RateRow> rates) {
    if (rates.size() < 3) return "";
    StringBuilder sb = new StringBuilder("### Dose-response over the flat rates\n\nPer training seed, the least-squares slope of the "
        + "outcome on the rate (free_market = 0; per unit rate, i.e. rate 0 to 1); mean and 95% interval over seeds, t-test of slope 0.\n\n"
        + "| outcome | seeds | slope per unit rate | p |\n|---|---:|---:|---:|\n");
    for (String o : OUTCOMES) {
      double[] x = slopes(rates, o);
      sb.append("| ").append(o).append(" | ").append(x.length).append(" | ").append(fmt(Stats.interval(x), 3)).append(" | ")
          .append(x.length < 2 ? "" : String.format(Locale.ROOT, "%.3g", Stats.tTestP(x))).append(" |\n");
    }
    return sb.append('\n').toString();
  }

  /** Whether the mean post-tax inequality falls strictly from each flat rate to the next higher one. */
  static boolean postTaxFalls(List<RateRow> rates) {
    for (int i = 1; i < rates.size(); i++) {
      double prev = Stats.interval(rates.get(i - 1).arm().values("post_tax_inequality")).mean();
      double cur = Stats.interval(rates.get(i).arm().values("post_tax_inequality")).mean();
      if (!(cur < prev)) return false;
    }
    return true;
  }

  static String taxTable(List<RateRow> rates) {
    if (rates.size() < 2) return "(fewer than two flat rates: no tax-response table)\n";
    StringBuilder sb = new StringBuilder("### Does tax move behaviour? Flat rates (every bracket at the rate; free_market = 0)\n\n"
        + "Inequality is the normalised Gini (1 - equality) of each env's incomes over an evaluated round, mean over envs and "
        + "rounds; apples per period are pre-tax, per player, by trust (beta) tercile.\n\n"
        + "| rate | seeds | post-tax inequality | pre-tax inequality | apples/period, beta < 1/3 | 1/3 to 2/3 | beta >= 2/3 |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RateRow r : rates) {
      sb.append(String.format(Locale.ROOT, "| %s | %d |", num(r.rate()), r.arm().bySeed().size()));
      for (String col : List.of("post_tax_inequality", "pre_tax_inequality", "apples_per_period_beta_low", "apples_per_period_beta_mid",
          "apples_per_period_beta_high")) {
        sb.append(' ').append(fmt(Stats.interval(r.arm().values(col)), 3)).append(" |");
      }
      sb.append('\n');
    }
    sb.append("\nPost-tax inequality falls monotonically with the rate (accounting check on the means): **")
        .append(postTaxFalls(rates) ? "yes" : "no").append("**.\n");
    return sb.toString();
  }

  static String trainTable(List<ResultRow> rows) {
    List<ResultRow> train = rows.stream().filter(r -> r.string("kind").equals("train") && r.ok()).toList();
    if (train.isEmpty()) return "";
    double[] trained = train.stream().mapToDouble(r -> r.number("apples_trained")).toArray();
    double[] random = train.stream().mapToDouble(r -> r.number("apples_random")).toArray();
    double[] secs = train.stream().mapToDouble(r -> r.number("seconds")).toArray();
    return String.format(Locale.ROOT, "## Training runs%n%n%d training runs: apples per round of the trained players %s, of random players %s "
        + "(on the same seeds); %s s per training run.%n", train.size(), fmt(Stats.interval(trained), 1), fmt(Stats.interval(random), 1),
        fmt(Stats.interval(secs), 0));
  }

  /** Per-capita outcomes of a population study (issue 24), in the scaling table and plots. */
  static final List<String> PER_CAPITA = List.of("apples_per_player", "sites_alive", "first_collapse_step", "equality");

  /**
   * A population study (issue 24): when the groups differ in the number of players, per N and
   * principal the per-capita outcomes (mean ± 95% half-width over seeds), per N the paired difference
   * of every principal to the reference (95% t-interval over seeds, unadjusted: one contrast per N and
   * outcome), and plots against N on a log axis. Empty when every group has the same N.
   */
  static String scaling(Path out, SweepSpec spec, Map<String, List<ResultRow>> groups) throws IOException {
    TreeMap<Long, List<Arm>> byN = new TreeMap<>();
    for (List<ResultRow> g : groups.values()) {
      List<ResultRow> ok = g.stream().filter(ResultRow::ok).toList();
      if (ok.isEmpty()) continue;
      long n = (long) ok.get(0).number("players");
      if (n <= 0 || byN.containsKey(n)) return ""; // rows without a player count, or N not the only axis
      byN.put(n, arms(spec, ok));
    }
    if (byN.size() < 2) return "";
    StringBuilder sb = new StringBuilder("## Scaling over the number of players\n\nPer number of players N and principal: mean ± the 95% interval's "
        + "half-width over training seeds. Apples per player per round; the fraction of apple sites alive at the round's end; the step at "
        + "which a patch first held no apple (the round's length where none did: censored); equality (1 - normalised Gini).\n\n"
        + "| N | principal | seeds | apples per player | sites alive | first collapse step | equality |\n|---:|---|---:|---:|---:|---:|---:|\n");
    for (var e : byN.entrySet()) {
      for (Arm a : e.getValue()) {
        sb.append("| ").append(e.getKey()).append(" | ").append(a.label()).append(" | ").append(a.bySeed().size()).append(" |");
        for (String o : PER_CAPITA) sb.append(' ').append(fmt(Stats.interval(a.values(o)), o.equals("first_collapse_step") ? 0 : 3)).append(" |");
        sb.append('\n');
      }
    }
    sb.append("\nPaired difference to `").append(spec.reference()).append("` per N (per seed, then the mean and its 95% t-interval over seeds, "
        + "unadjusted):\n\n| N | principal | seeds | Δ apples per player | Δ sites alive | Δ first collapse step | Δ equality |\n"
        + "|---:|---|---:|---:|---:|---:|---:|\n");
    Map<String, double[][]> diffPlot = new LinkedHashMap<>(); // principal -> {N, mean, half-width} per N, apples per player
    int k = 0;
    for (var e : byN.entrySet()) {
      Arm ref = e.getValue().stream().filter(a -> a.label().equals(spec.reference())).findFirst().orElse(null);
      if (ref == null) continue;
      for (Arm a : e.getValue()) {
        if (a == ref) continue;
        sb.append("| ").append(e.getKey()).append(" | ").append(a.label()).append(" |");
        int n = 0;
        StringBuilder cells = new StringBuilder();
        for (String o : PER_CAPITA) {
          double[] d = pairedDifferences(a, ref, o);
          n = Math.max(n, d.length);
          Stats.Interval i = Stats.interval(d);
          cells.append(' ').append(interval(i, o.equals("first_collapse_step") ? 0 : 3)).append(" |");
          if (o.equals("apples_per_player")) {
            double[][] pts = diffPlot.computeIfAbsent(a.label(), x -> new double[3][byN.size()]);
            pts[0][k] = e.getKey();
            pts[1][k] = i.mean();
            pts[2][k] = i.halfWidth();
          }
        }
        sb.append(' ').append(n).append(" |").append(cells).append('\n');
      }
      k++;
    }
    XYChart level = Charts.xy("Apples per player per round against the number of players (mean, 95% interval over seeds)", "players per map (log)",
        "apples per player per round");
    level.getStyler().setXAxisLogarithmic(true);
    List<String> labels = new ArrayList<>();
    for (List<Arm> arms : byN.values()) for (Arm a : arms) if (!labels.contains(a.label())) labels.add(a.label());
    for (String label : labels) {
      List<double[]> pts = new ArrayList<>();
      for (var e : byN.entrySet()) {
        for (Arm a : e.getValue()) {
          if (!a.label().equals(label)) continue;
          Stats.Interval i = Stats.interval(a.values("apples_per_player"));
          pts.add(new double[] {e.getKey(), i.mean(), i.halfWidth()});
        }
      }
      Charts.withIntervals(level, label, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
          pts.stream().mapToDouble(p -> p[2]).toArray());
    }
    Charts.save(level, out.resolve("agents_apples_per_player.png"));
    XYChart diff = Charts.xy("Δ apples per player per round vs " + spec.reference() + " against the number of players (paired, 95% interval)",
        "players per map (log)", "Δ apples per player per round");
    diff.getStyler().setXAxisLogarithmic(true);
    for (var e : diffPlot.entrySet()) Charts.withIntervals(diff, e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]);
    Charts.save(diff, out.resolve("agents_difference.png"));
    sb.append("\n![apples per player against N](agents_apples_per_player.png)\n");
    if (!diffPlot.isEmpty()) sb.append("![paired difference against N](agents_difference.png)\n");
    return sb.append('\n').toString();
  }

  /** Per seed present in both arms: a's outcome minus ref's (NaN pairs left out). */
  static double[] pairedDifferences(Arm a, Arm ref, String outcome) {
    List<Double> d = new ArrayList<>();
    for (var e : a.bySeed().entrySet()) {
      ResultRow base = ref.bySeed().get(e.getKey());
      if (base == null) continue;
      double v = e.getValue().number(outcome) - base.number(outcome);
      if (!Double.isNaN(v)) d.add(v);
    }
    return d.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String interval(Stats.Interval i, int digits) {
    if (Double.isNaN(i.halfWidth())) return String.format(Locale.ROOT, "%+." + digits + "f", i.mean());
    return String.format(Locale.ROOT, "%+." + digits + "f [%+." + digits + "f, %+." + digits + "f]", i.mean(), i.lo(), i.hi());
  }

  static void plots(Path out, List<Arm> arms, List<RateRow> rates, List<Comparison> comps, String primaryOutcome, String reference,
      String suffix) throws IOException {
    if (rates.size() >= 2) {
      double[] x = rates.stream().mapToDouble(RateRow::rate).toArray();
      XYChart post = Charts.xy("Post-tax income inequality by flat rate (mean, 95% interval over seeds)", "flat rate", "normalised Gini");
      addMeans(post, "post-tax", x, rates, "post_tax_inequality");
      addMeans(post, "pre-tax", x, rates, "pre_tax_inequality");
      Charts.save(post, out.resolve("tax_post_tax_inequality" + suffix + ".png"));
      XYChart trust = Charts.xy("Pre-tax apples per period by trust tercile (mean, 95% interval over seeds)", "flat rate", "apples per period");
      addMeans(trust, "beta < 1/3", x, rates, "apples_per_period_beta_low");
      addMeans(trust, "1/3 <= beta < 2/3", x, rates, "apples_per_period_beta_mid");
      addMeans(trust, "beta >= 2/3", x, rates, "apples_per_period_beta_high");
      Charts.save(trust, out.resolve("tax_apples_by_trust" + suffix + ".png"));
    }
    XYChart disp = Charts.scatter("Pre-tax income dispersion against the top bracket's rate (one point per seed and principal)",
        "top bracket's rate (mean over the round)", "pre-tax normalised Gini");
    for (Arm a : arms) {
      double[] xs = a.bySeed().values().stream().mapToDouble(r -> r.number("top_rate")).toArray();
      double[] ys = a.bySeed().values().stream().mapToDouble(r -> r.number("pre_tax_inequality")).toArray();
      if (xs.length > 0) disp.addSeries(a.label(), xs, ys);
    }
    Charts.save(disp, out.resolve("tax_dispersion_vs_top_rate" + suffix + ".png"));
    List<Comparison> primary = comps.stream().filter(c -> c.outcome().equals(primaryOutcome) && c.n() > 0).toList();
    if (!primary.isEmpty()) {
      CategoryChart pr = Charts.category("Δ " + primaryOutcome + " vs " + reference + ", paired over training seeds (Holm-adjusted 95% interval)",
          "principal", "Δ " + primaryOutcome);
      pr.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
      pr.getStyler().setLegendVisible(false);
      List<String> names = primary.stream().map(Comparison::label).toList();
      List<Double> means = primary.stream().map(Comparison::mean).toList();
      List<Double> hw = primary.stream().map(c -> Double.isNaN(c.holmInterval().halfWidth()) ? 0.0 : c.holmInterval().halfWidth()).toList();
      pr.addSeries("Δ " + primaryOutcome, names, means, hw);
      CategorySeries zero = pr.addSeries("0", names, names.stream().map(n -> 0.0).toList());
      zero.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
      zero.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      Charts.save(pr, out.resolve("principals" + suffix + ".png"));
    }
  }

  private static void addMeans(XYChart c, String name, double[] x, List<RateRow> rates, String col) {
    double[] y = new double[x.length], hw = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      Stats.Interval i = Stats.interval(rates.get(k).arm().values(col));
      y[k] = i.mean();
      hw[k] = i.halfWidth();
    }
    Charts.withIntervals(c, name, x, y, hw);
  }

  static String fmt(Stats.Interval i, int digits) {
    String f = "%." + digits + "f";
    return Double.isNaN(i.halfWidth()) ? String.format(Locale.ROOT, f, i.mean()) : String.format(Locale.ROOT, f + " ± " + f, i.mean(), i.halfWidth());
  }

  private static String f2(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.2f", v);
  }

  private static String pfmt(double p) {
    return Double.isNaN(p) ? "n/a" : p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }
}
