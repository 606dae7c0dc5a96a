package org.harvestsed.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The env thread pool: every index is run exactly once whatever the thread count, a worker's
 * failure reaches the caller without breaking the pool, and the workers' spin budget adapts to
 * the gap between runs (docs/BENCHMARKS.md, "Env workers' spinning").
 */
class EnvParallelTest {

  @Test
  void everyIndexRunsExactlyOnceOnTheWorkerThatOwnsItsChunk() {
    for (int threads = 1; threads <= 3; threads++) {
      try (EnvParallel pool = new EnvParallel(threads)) {
        for (int n : new int[] {0, 1, 2, 5, 64}) {
          AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
          AtomicIntegerArray owner = new AtomicIntegerArray(Math.max(n, 1));
          final int t = threads;
          pool.run(
              n,
              (w, from, to) -> {
                assertThat(w).isBetween(0, t - 1);
                for (int i = from; i < to; i++) {
                  hits.incrementAndGet(i);
                  owner.set(i, w);
                }
              });
          for (int i = 0; i < n; i++) {
            assertThat(hits.get(i)).as("threads %d, n %d, index %d", threads, n, i).isEqualTo(1);
          }
          if (n >= threads && threads > 1) {
            // static chunks: the last index belongs to the last worker, the first to the caller
            assertThat(owner.get(0)).isZero();
            assertThat(owner.get(n - 1)).isEqualTo(threads - 1);
          }
        }
      }
    }
  }

  @Test
  void aWorkersFailureReachesTheCallerAndThePoolKeepsWorking() {
    try (EnvParallel pool = new EnvParallel(2)) {
      assertThatThrownBy(
              () ->
                  pool.run(
                      8,
                      (w, from, to) -> {
                        if (w == 1) throw new IllegalStateException("boom in worker");
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom in worker");
      AtomicIntegerArray hits = new AtomicIntegerArray(8);
      pool.run(8, (w, from, to) -> {
        for (int i = from; i < to; i++) hits.incrementAndGet(i);
      });
      for (int i = 0; i < 8; i++) assertThat(hits.get(i)).isEqualTo(1);
    }
  }

  @Test
  void theSpinBudgetHalvesOnlyAfterALongPark() {
    long quick = EnvParallel.QUICK_NANOS, slow = EnvParallel.QUICK_NANOS + 1;
    assertThat(EnvParallel.nextBudget(1_000, -1)).as("caught spinning").isEqualTo(2_000);
    assertThat(EnvParallel.nextBudget(1_000, 0)).as("woken at once").isEqualTo(2_000);
    assertThat(EnvParallel.nextBudget(1_000, quick)).as("woken soon").isEqualTo(2_000);
    assertThat(EnvParallel.nextBudget(1_000, slow)).as("woken late").isEqualTo(500);
    assertThat(EnvParallel.nextBudget(EnvParallel.MAX_SPINS, -1)).isEqualTo(EnvParallel.MAX_SPINS);
    assertThat(EnvParallel.nextBudget(EnvParallel.MAX_SPINS - 1, 10)).isEqualTo(EnvParallel.MAX_SPINS);
    assertThat(EnvParallel.nextBudget(EnvParallel.MIN_SPINS, 1_000_000_000L)).isEqualTo(EnvParallel.MIN_SPINS);
    assertThat(EnvParallel.nextBudget(EnvParallel.MIN_SPINS + 1, 1_000_000_000L)).isEqualTo(EnvParallel.MIN_SPINS);
  }

  @Test
  void theWorkersStopSpinningWhenRunsAreSparseAndSpinAgainWhenTheyAreBackToBack() throws Exception {
    try (EnvParallel pool = new EnvParallel(2)) {
      EnvParallel.RangeTask nothing = (w, from, to) -> {};
      pool.run(2, nothing);
      // 20 ms between runs: every wait outlasts the spinning (20,000 spin-waits are about 0.4 ms)
      // and the worker stays parked far longer than QUICK_NANOS, so the budget halves at every
      // run: 20,000 -> 64 takes 9 halvings
      for (int i = 0; i < 12; i++) {
        Thread.sleep(20);
        pool.run(2, nothing);
      }
      assertThat(pool.spinBudget(1)).isEqualTo(EnvParallel.MIN_SPINS);
      // back to back: the run comes while the worker spins or a wake-up after it parked, so the
      // budget grows again; how far depends on the machine's load (a busy scheduler makes
      // wake-ups slow), so only growth is asked for
      int most = 0;
      for (int i = 0; i < 5_000; i++) {
        pool.run(2, nothing);
        most = Math.max(most, pool.spinBudget(1));
      }
      assertThat(most).isGreaterThanOrEqualTo(4 * EnvParallel.MIN_SPINS);
    }
  }
}
