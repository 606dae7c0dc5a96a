package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.eval.IncomeStats;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import org.junit.jupiter.api.Test;

/**
 * The accounting of issue 15's tax-response table: random players (their moves do not depend on
 * taxes) on the same seed collect the same pre-tax incomes under every flat rate x; the post-tax
 * income of each player is (1 - x) A_i + x mean(A), so post-tax inequality is (1 - x) times the
 * pre-tax one and falls strictly from x = 0 to x = 1 (where it is 0).
 */
class TaxAccountingTest {
  static final double[] RATES = {0, 0.25, 0.5, 0.75, 1};

  @Test
  void postTaxInequalityFallsAsTheFlatRateRises() throws Exception {
    // the quickstart game with rates in steps of 0.05 (as configs/sweeps/principals.yaml), so 0.25 and 0.75 exist
    String yaml = java.nio.file.Files.readString(java.nio.file.Path.of("../configs/quickstart.yaml")).replace("levels: 11", "levels: 21");
    EnvSpec spec = Config.parse(yaml, "quickstart, 21 levels").env();
    assertThat(spec.rateLevels()).isEqualTo(21);
    double[] post = new double[RATES.length];
    double pre0 = Double.NaN;
    for (int k = 0; k < RATES.length; k++) {
      try (VecEnv env = VecEnv.create(spec, 8, "java", 1)) {
        Principal p = RATES[k] == 0 ? Principal.parse("free_market", spec) : Principal.parse("flat:" + RATES[k], spec);
        Evaluator.RoundResult r = Evaluator.round(env, null, null, new PrincipalDriver(p), () -> env.reset(42));
        double pre = IncomeStats.inequality(List.of(r), false);
        post[k] = IncomeStats.inequality(List.of(r), true);
        if (k == 0) pre0 = pre;
        assertThat(pre).as("pre-tax inequality does not depend on the rate (random players)").isCloseTo(pre0, within(1e-12));
        assertThat(post[k]).as("rate %s: post-tax = (1 - x) pre-tax", RATES[k]).isCloseTo((1 - RATES[k]) * pre, within(1e-5));
        Evaluator.Incomes in = r.incomes();
        double sumPre = 0, sumPost = 0;
        for (int i = 0; i < in.preTax().length; i++) {
          sumPre += in.preTax()[i];
          sumPost += in.postTax()[i];
        }
        assertThat(sumPost).as("taxes are redistributed: totals match").isCloseTo(sumPre, within(1e-3));
      }
    }
    assertThat(pre0).as("random players collect unequal incomes (else the check is vacuous)").isGreaterThan(0.05);
    for (int k = 1; k < RATES.length; k++) assertThat(post[k]).isLessThan(post[k - 1]);
    assertThat(post[RATES.length - 1]).isCloseTo(0, within(1e-6));
  }
}
