package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.sim.Taxes;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/RULES.md sections 5 and 6: rewards, marginal taxes, redistribution, cap and divergence limit. */
class RewardTaxTest {
  static final float[] TAU = {0f, 10f, 20f};

  @ParameterizedTest(name = "T({0}) under {1},{2},{3} = {4}")
  @CsvSource({
      // income, phi_0, phi_1, phi_2, expected T(w) (hand-computed)
      "0,  0, 0, 0,  0", "35, 0, 0, 0,  0",
      "0,  0.1, 0.1, 0.1,  0", "1, 0.1, 0.1, 0.1,  0.1", "10, 0.1, 0.1, 0.1,  1", "11, 0.1, 0.1, 0.1,  1.1",
      "20, 0.1, 0.1, 0.1,  2", "21, 0.1, 0.1, 0.1,  2.1", "35, 0.1, 0.1, 0.1,  3.5",
      "0,  0, 0.6, 1,  0", "1, 0, 0.6, 1,  0", "10, 0, 0.6, 1,  0", "11, 0, 0.6, 1,  0.6",
      "20, 0, 0.6, 1,  6", "21, 0, 0.6, 1,  7", "35, 0, 0.6, 1,  21",
      "0,  0.1, 0.25, 0.37,  0", "1, 0.1, 0.25, 0.37,  0.1", "10, 0.1, 0.25, 0.37,  1", "11, 0.1, 0.25, 0.37,  1.25",
      "20, 0.1, 0.25, 0.37,  3.5", "21, 0.1, 0.25, 0.37,  3.87", "35, 0.1, 0.25, 0.37,  9.05",
      "1, 1, 1, 1,  1", "35, 1, 1, 1,  35", "35, 1, 0, 0,  10", "35, 0, 1, 0,  10", "35, 0, 0, 1,  15"})
  void marginalTax(int w, float p0, float p1, float p2, double expected) {
    assertThat((double) Taxes.tax(w, TAU, new float[] {p0, p1, p2})).isCloseTo(expected, within(1e-5));
  }

  static final String[] STRIP = {
      "WWWWWWWWWWWWWWWWWWWWWWWWW",
      "WPAA       PA          PW",
      "W                       W",
      "WWWWWWWWWWWWWWWWWWWWWWWWW"};

  /** Three players who cannot see each other; period 2; flat 0.5 on brackets [0, 1]: T(w) = 0.5 w. */
  @Test
  void periodEndTaxLumpAndRewardsHandComputed() {
    String yaml = TestWorld.yaml(3, STRIP, "view: {ahead: 1, behind: 0, left: 0, right: 0}",
        "regrowth: {probabilities: [0, 0, 0, 0]}", "episode_length: 4",
        "tax: {period: 2, brackets: [0, 1], levels: 11}", "voting: {round_periods: 2}");
    try (TestWorld w = new TestWorld(yaml, 1, 1)) {
      w.place(0, 0, 1, 1, 1);
      w.place(0, 1, 1, 11, 1);
      w.place(0, 2, 1, 23, 2);
      w.setTypes(0, new float[] {0.25f, 0.5f, 0.75f}, new float[] {0.5f, 0.25f, 1f});
      w.env.setRates(0, 5, 5);
      w.step(1, 1, 0);
      assertThat(new int[] {w.eaten(0, 0), w.eaten(0, 1), w.eaten(0, 2)}).containsExactly(1, 1, 0);
      assertThat(w.f(Buf.TAX, 0, 0)).as("no tax before the period's last step").isZero();
      assertThat(w.f(Buf.REWARD, 0, 0)).isEqualTo(0.5f * 1f + 0.5f * 0.25f);
      w.step(1, 0, 0); // last step of period 0: incomes 2, 1, 0
      assertThat(new float[] {w.f(Buf.TAX, 0, 0), w.f(Buf.TAX, 0, 1), w.f(Buf.TAX, 0, 2)}).containsExactly(1f, 0.5f, 0f);
      assertThat(new float[] {w.f(Buf.LUMP, 0, 0), w.f(Buf.LUMP, 0, 1), w.f(Buf.LUMP, 0, 2)}).containsExactly(-0.5f, 0f, 0.5f);
      assertThat(new float[] {w.f(Buf.R_EXT, 0, 0), w.f(Buf.R_EXT, 0, 1), w.f(Buf.R_EXT, 0, 2)}).containsExactly(0.5f, 0f, 0.5f);
      assertThat(new float[] {w.f(Buf.R_INT, 0, 0), w.f(Buf.R_INT, 0, 1), w.f(Buf.R_INT, 0, 2)}).containsExactly(0.25f, 0f, 0f);
      assertThat(new float[] {w.f(Buf.REWARD, 0, 0), w.f(Buf.REWARD, 0, 1), w.f(Buf.REWARD, 0, 2)}).containsExactly(0.375f, 0f, 0.5f);
      assertThat(w.s.floats(Buf.REVENUE).get(0)).isEqualTo(1.5f);
      assertThat(w.s.ints(Buf.PERIOD_INCOME).get(0)).as("income restarts with the next period").isZero();
      w.step(0, 0, 0);
      assertThat(w.f(Buf.LUMP, 0, 0)).isZero();
    }
  }

  @Test
  void intrinsicRewardCountsApplesEatenByVisiblePlayers() {
    String[] rows = {
        "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
        "WPAAP                       PW",
        "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"};
    try (TestWorld w = new TestWorld(TestWorld.yaml(3, rows, "regrowth: {probabilities: [0, 0, 0, 0]}"), 1, 1)) {
      w.place(0, 0, 1, 1, 1); // faces east, sees player 1
      w.place(0, 1, 1, 4, 3); // faces west, sees player 0
      w.place(0, 2, 1, 28, 1); // far away, sees nobody
      w.setTypes(0, new float[] {0.25f, 0.5f, 0.75f}, new float[] {0.5f, 0.25f, 0.5f});
      w.step(0, 1, 0); // player 1 steps onto (1,3) and eats
      // player 0: a = 0, sees a_1 = 1: r_int = 0.25*0 + 0.75*1; r_ext = 0; r = 0.5*0 + 0.5*0.75
      assertThat(w.f(Buf.R_INT, 0, 0)).isEqualTo(0.75f);
      assertThat(w.f(Buf.R_EXT, 0, 0)).isEqualTo(0f);
      assertThat(w.f(Buf.REWARD, 0, 0)).isEqualTo(0.375f);
      // player 1: a = 1, sees a_0 = 0: r_int = 0.5; r_ext = 1; r = 0.25*1 + 0.75*0.5
      assertThat(w.f(Buf.R_INT, 0, 1)).isEqualTo(0.5f);
      assertThat(w.f(Buf.R_EXT, 0, 1)).isEqualTo(1f);
      assertThat(w.f(Buf.REWARD, 0, 1)).isEqualTo(0.625f);
      assertThat(w.f(Buf.REWARD, 0, 2)).isEqualTo(0f);
    }
  }

  @Test
  void lumpsSumToZeroAndRevenueIsConserved() {
    Config c = Config.parse("env: {tax: {period: 10}}\n", "t");
    try (TestWorld w = new TestWorld(c.env(), 8, 4)) {
      for (int e = 0; e < 8; e++) w.env.setRates(e, e % 11, (3 * e) % 11, 10);
      int periodEnds = 0;
      for (int k = 0; k < 200; k++) {
        w.env.stepRandom();
        if ((k + 1) % 10 != 0) continue;
        periodEnds++;
        for (int e = 0; e < 8; e++) {
          double lumps = 0, taxes = 0;
          for (int i = 0; i < 7; i++) {
            lumps += w.f(Buf.LUMP, e, i);
            taxes += w.f(Buf.TAX, e, i);
          }
          assertThat(lumps).isCloseTo(0, within(1e-4 * Math.max(1, taxes)));
        }
      }
      assertThat(periodEnds).isEqualTo(20);
    }
  }

  static String periodic(String extra) {
    return "env:\n  episode_length: 20\n  tax: {period: 2" + extra + "}\n  voting: {round_periods: 5}\n";
  }

  static float rate(TestWorld w, int b) {
    return w.s.floats(Buf.RATES).get(b);
  }

  @Test
  void capLimitsEveryRate() {
    try (TestWorld w = new TestWorld(Config.parse(periodic(""), "t").env(), 1, 1)) {
      w.env.setCap(0.3f);
      w.env.setRates(0, 10, 2, 5);
      w.env.stepRandom(); // period start: rates take effect
      assertThat(new float[] {rate(w, 0), rate(w, 1), rate(w, 2)}).containsExactly(0.3f, 0.2f, 0.3f);
      w.env.setCap(1f);
      w.env.stepRandom();
      assertThat(rate(w, 0)).as("rates change only at a period start").isEqualTo(0.3f);
      w.env.stepRandom();
      assertThat(new float[] {rate(w, 0), rate(w, 1), rate(w, 2)}).containsExactly(1f, 0.2f, 0.5f);
      assertThatThrownBy(() -> w.env.setCap(1.5f)).hasMessageContaining("outside [0, 1]");
    }
  }

  @Test
  void divergenceLimitBoundsTheChangePerPeriod() {
    try (TestWorld w = new TestWorld(Config.parse(periodic(", divergence_limit: 0.25"), "t").env(), 1, 1)) {
      w.env.setRates(0, 10, 1, 0);
      w.env.stepRandom();
      assertThat(new float[] {rate(w, 0), rate(w, 1), rate(w, 2)}).containsExactly(0.25f, 0.1f, 0f);
      w.env.stepRandom();
      w.env.stepRandom();
      assertThat(rate(w, 0)).isEqualTo(0.5f);
      w.env.stepRandom();
      w.env.setRates(0, 0, 1, 0);
      w.env.stepRandom();
      assertThat(rate(w, 0)).as("downwards too").isEqualTo(0.25f);
      assertThat(rate(w, 1)).isEqualTo(0.1f);
    }
  }

  @Test
  void invalidRateLevelsAreRejected() {
    try (TestWorld w = new TestWorld(Config.defaults().env(), 2, 1)) {
      assertThatThrownBy(() -> w.env.setRates(0, 0, 11, 0)).hasMessageContaining("rate level 11 for bracket 1 of env 0 is invalid: levels are 0..10");
      assertThatThrownBy(() -> w.env.setRates(0, 0, -1, 0)).hasMessageContaining("rate level -1");
      assertThatThrownBy(() -> w.env.setRates(0, 1, 2)).hasMessageContaining("needs 3 levels");
      assertThatThrownBy(() -> w.env.setRates(2, 1, 2, 3)).hasMessageContaining("env 2 does not exist");
    }
  }
}
