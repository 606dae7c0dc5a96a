package org.harvestsed.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.eval.Stats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary on rows with known differences: paired intervals over seeds, Holm's correction, the tax-response table. */
class SummaryTest {
  static final String AXES = "axes: {seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], principal: [free_market, flat:0.5, flat:1, learned]}\n";

  /** free_market: objective = seed; flat:0.5 = seed + 0.1 x (-1)^seed (no effect); flat:1 = seed - 2 - 0.1 x (seed mod 3); learned = seed + 1 +- 0.05. */
  static List<ResultRow> rows(SweepSpec spec) {
    List<ResultRow> rows = new ArrayList<>();
    for (RunSpec r : spec.finetuneRuns()) {
      double s = r.seed();
      List<String> evals = r.principal().equals("learned") ? List.of("sampling", "mode") : List.of("");
      for (String ev : evals) {
        double obj = switch (r.principal()) {
          case "free_market" -> s;
          case "flat:0.5" -> s + 0.1 * (r.seed() % 2 == 0 ? 1 : -1);
          case "flat:1" -> s - 2 - 0.1 * (r.seed() % 3);
          default -> s + 1 + (r.seed() % 2 == 0 ? 0.05 : -0.05) + (ev.equals("mode") ? 0.5 : 0);
        };
        double rate = r.principal().startsWith("flat:") ? Double.parseDouble(r.principal().substring(5)) : 0;
        double pre = 0.4 + 0.01 * (r.seed() % 4);
        rows.add(new ResultRow(r).set("evaluated", ev).set("status", "ok").set("objective", obj).set("productivity", 20 + obj)
            .set("equality", 0.6).set("eq_x_prod", 0.6 * (20 + obj)).set("top_rate", rate).set("pre_tax_inequality", pre)
            .set("post_tax_inequality", (1 - rate) * pre).set("apples_per_period_beta_low", 0.5).set("apples_per_period_beta_mid", 0.6)
            .set("apples_per_period_beta_high", 0.7 - 0.1 * rate).set("curve_change", 0.01 * (r.seed() % 3)));
      }
    }
    return rows;
  }

  @Test
  void pairedDifferencesWithHolmAndTheTaxTable(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    List<ResultRow> rows = rows(spec);
    List<Summary.Arm> arms = Summary.arms(spec, rows);
    assertThat(arms.stream().map(Summary.Arm::label)).containsExactly("free_market", "flat:0.5", "flat:1", "learned", "learned@mode");
    List<Summary.Comparison> comps = Summary.compare(arms, "free_market");
    assertThat(comps).hasSize(4 * 5); // 4 principals x 5 outcomes
    Summary.Comparison learned = find(comps, "learned", "objective");
    assertThat(learned.n()).isEqualTo(10);
    assertThat(learned.mean()).isCloseTo(1.0, within(1e-12));
    assertThat(learned.pHolm()).isLessThan(0.001);
    Summary.Comparison flat05 = find(comps, "flat:0.5", "objective");
    assertThat(flat05.mean()).isCloseTo(0.0, within(1e-12));
    assertThat(flat05.pHolm()).isCloseTo(1.0, within(1e-9));
    // Holm: the raw p-values, sorted, times m, m-1, ..., made monotone
    double[] p = comps.stream().filter(c -> c.outcome().equals("objective")).mapToDouble(Summary.Comparison::p).toArray();
    double[] adj = Stats.holm(p);
    List<Summary.Comparison> obj = comps.stream().filter(c -> c.outcome().equals("objective")).toList();
    for (int k = 0; k < obj.size(); k++) assertThat(obj.get(k).pHolm()).isEqualTo(adj[k]);
    // the smallest p gets the 1 - 0.05/4 interval: wider than the plain 95% one
    Summary.Comparison mode = find(comps, "learned@mode", "objective");
    assertThat(mode.mean()).isCloseTo(1.5, within(1e-12));
    assertThat(mode.holmInterval().halfWidth()).isGreaterThan(0);

    String answer = Summary.answer(comps, spec, "mean");
    assertThat(answer).contains("higher after Holm correction: learned (+1.00").contains("lower: flat:1").contains("no detectable difference: flat:0.5");

    List<Summary.RateRow> rates = Summary.rates(arms);
    assertThat(rates.stream().map(Summary.RateRow::rate)).containsExactly(0.0, 0.5, 1.0);
    assertThat(Summary.postTaxFalls(rates)).isTrue();
    // flat:0.5 is not rejected (p = 1): its interval is Bonferroni's 1 - 0.05/4 one, not the 95% of its last rank
    double[] half = new double[10];
    for (int seed = 1; seed <= 10; seed++) half[seed - 1] = 0.1 * (seed % 2 == 0 ? 1 : -1);
    assertThat(flat05.holmInterval().halfWidth()).isCloseTo(Stats.interval(half, 0.05 / 4).halfWidth(), within(1e-12));
    // dose-response: each seed's slope of the objective on the rate over 0, 0.5, 1 is y(1) - y(0) = -2 - 0.1 (seed mod 3)
    assertThat(Summary.slopes(rates, "objective")).hasSize(10);
    assertThat(Stats.interval(Summary.slopes(rates, "objective")).mean()).isCloseTo(-2.1, within(1e-9));
    assertThat(Summary.doseResponse(rates)).contains("| objective | 10 | -2.1");
    String tax = Summary.taxTable(rates);
    assertThat(tax).contains("| 0.5 | 10 |").contains("falls monotonically with the rate (accounting check on the means): **yes**");

    Summary.write(dir.resolve("out"), spec, rows);
    assertThat(dir.resolve("out/summary.md")).content().contains("**Δ objective** (primary)").contains("learned@mode");
    for (String f : List.of("tax_post_tax_inequality.png", "tax_apples_by_trust.png", "tax_dispersion_vs_top_rate.png", "principals.png",
        "summary.csv", "tax_response.csv")) {
      assertThat(dir.resolve("out").resolve(f)).isNotEmptyFile();
    }
  }

  @Test
  void aRiseInPostTaxInequalityIsReported(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    List<ResultRow> rows = rows(spec);
    for (ResultRow r : rows) if (r.string("principal").equals("flat:1")) r.set("post_tax_inequality", 0.9);
    List<Summary.RateRow> rates = Summary.rates(Summary.arms(spec, rows));
    assertThat(Summary.postTaxFalls(rates)).isFalse();
    assertThat(Summary.taxTable(rates)).contains("**no**");
  }

  static Summary.Comparison find(List<Summary.Comparison> comps, String label, String outcome) {
    return comps.stream().filter(c -> c.label().equals(label) && c.outcome().equals(outcome)).findFirst().orElseThrow();
  }

  /** The rates table: each bracket's mean over seeds from the rows' {@code rates} column, with its interval. */
  @Test
  void ratesTableAveragesEachBracketOverSeeds(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    List<ResultRow> rows = rows(spec);
    for (ResultRow r : rows) {
      double top = r.string("principal").equals("learned") ? 0.9 + 0.02 * ((long) r.number("seed") % 2) : r.number("top_rate");
      r.set("rates", "0.0000;0.5000;" + String.format(java.util.Locale.ROOT, "%.4f", top));
    }
    String table = Summary.ratesTable(Summary.arms(spec, rows));
    assertThat(table).contains("| principal | bracket 1 | bracket 2 | bracket 3 |");
    // learned: 0.90 and 0.92 alternate over 10 seeds: mean 0.91, sd 0.0105, t(9) 2.262 x sd / sqrt(10) = 0.0075
    assertThat(table).contains("| learned | 0.000 ± 0.000 | 0.500 ± 0.000 | 0.910 ± 0.008 |");
    assertThat(table).contains("| flat:1 | 0.000 ± 0.000 | 0.500 ± 0.000 | 1.000 ± 0.000 |");
    assertThat(Summary.ratesTable(Summary.arms(spec, rows(spec)))).as("rows without rates: no table").isEmpty();
  }

  /**
   * A population study: per N the per-capita table and the paired difference. Rows: free_market has
   * seed + 10/N apples per player, flat:1 two more at N = 2 and none at N = 4 (every seed).
   */
  @Test
  void scalingOverPlayersTabulatesPerCapitaOutcomesAndDifferencesPerN(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, """
        axes:
          seed: [1, 2, 3]
          principal: [free_market, flat:1]
          size: [{env.players: 2, run.envs: 4}, {env.players: 4, run.envs: 2}]
        finetune: {steps_per_env: 100, from: scratch}
        """));
    List<ResultRow> rows = new ArrayList<>();
    for (RunSpec r : spec.finetuneRuns()) {
      long n = r.axes().contains("players=2") ? 2 : 4;
      double apples = r.seed() + 10.0 / n + (r.principal().equals("flat:1") && n == 2 ? 2 : 0);
      rows.add(new ResultRow(r).set("status", "ok").set("players", n).set("apples_per_player", apples).set("productivity", apples * n)
          .set("sites_alive", 0.5).set("first_collapse_step", 100.0 + n).set("equality", 0.7).set("objective", 1.0)
          .set("eq_x_prod", 1.0).set("curve_change", 0.0));
    }
    Summary.write(dir.resolve("out"), spec, rows);
    String md = java.nio.file.Files.readString(dir.resolve("out/summary.md"));
    assertThat(md).contains("## Scaling over the number of players");
    // free_market at N = 2: seeds give 6, 7, 8: mean 7, sd 1, t(2) 4.303 x 1 / sqrt(3) = 2.484
    assertThat(md).contains("| 2 | free_market | 3 | 7.000 ± 2.484 | 0.500 ± 0.000 | 102 ± 0 | 0.700 ± 0.000 |");
    assertThat(md).contains("| 2 | flat:1 | 3 | +2.000 [+2.000, +2.000] | +0.000 [+0.000, +0.000] | +0 [+0, +0] | +0.000 [+0.000, +0.000] |");
    assertThat(md).contains("| 4 | flat:1 | 3 | +0.000 [+0.000, +0.000]");
    assertThat(dir.resolve("out/agents_apples_per_player.png")).exists();
    assertThat(dir.resolve("out/agents_difference.png")).exists();
  }

  /** The principal table reports the env steps each arm's runs used and how many a convergence rule stopped. */
  @Test
  void thePrincipalTableReportsStepsUsedAndConvergence(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    List<ResultRow> rows = rows(spec);
    for (ResultRow r : rows) {
      long seed = (long) r.number("seed");
      r.set("env_steps", seed <= 3 ? 96_000 : 240_000).set("converged", seed <= 3 ? "yes" : "no");
    }
    String table = Summary.principalTable(Summary.arms(spec, rows));
    assertThat(table).contains("env steps: median (min-max) | converged |");
    assertThat(table).contains("| 240000 (96000-240000) | 3/10 |");
  }

  /** A row written before the columns added since (rates, players, ...) reads back with their empty values; another missing column is an error. */
  @Test
  void aRowOfAnOlderSweepReadsBack(@TempDir Path dir) throws Exception {
    SweepSpec spec = SweepSpec.load(SweepSpecTest.spec(dir, AXES));
    java.util.Map<String, Object> m = rows(spec).get(0).asMap();
    for (String later : ResultRow.LATER) m.remove(later);
    ResultRow r = ResultRow.fromMap(m);
    assertThat(r.number("first_collapse_step")).isNaN();
    assertThat(r.string("rates")).isEmpty();
    m.remove("productivity");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultRow.fromMap(m)).hasMessageContaining("productivity");
  }
}
