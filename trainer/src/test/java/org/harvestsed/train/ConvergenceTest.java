package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A fine-tune's stopping rule: last quarter of the rounds against the quarter before, after min_steps and 8 rounds. */
class ConvergenceTest {
  @Test
  void aRisingCurveHasNotConvergedAFlatOneHas() {
    Convergence rising = new Convergence(1.0, 0);
    for (int i = 0; i < 16; i++) rising.add(10 + i); // quarters of 4: last 26.5 vs 22.5
    assertThat(rising.reached(1000)).isFalse();
    Convergence flat = new Convergence(1.0, 0);
    for (int i = 0; i < 16; i++) flat.add(i < 8 ? 10 + i : 20 + 0.1 * (i % 2)); // last two quarters 20.05 and 20.05
    assertThat(flat.reached(1000)).isTrue();
  }

  @Test
  void itWaitsForMinStepsAndEightRounds() {
    Convergence c = new Convergence(5.0, 500);
    for (int i = 0; i < 7; i++) c.add(20);
    assertThat(c.reached(10_000)).as("7 rounds").isFalse();
    c.add(20);
    assertThat(c.reached(499)).as("before min_steps").isFalse();
    assertThat(c.reached(500)).isTrue();
    assertThatThrownBy(() -> new Convergence(0, 0)).hasMessageContaining("tolerance must be > 0");
  }
}
