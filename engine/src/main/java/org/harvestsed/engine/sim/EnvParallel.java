package org.harvestsed.engine.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a range task over [0, n) split into equal static chunks, one per thread (the caller runs
 * chunk 0). Allocation-free per call: workers spin briefly, then park, waiting for a new
 * generation; the caller spins until all chunks are done. Deterministic results do not depend on
 * the split, since each env is computed by exactly one thread from its own state.
 *
 * <p>A worker that finishes its chunk first spins while the others finish theirs (up to {@link
 * #MAX_SPINS} spin-waits, then it parks). Once the run is complete, it spins only up to its own
 * budget, which adapts to the gap between runs: it halves (down to {@link #MIN_SPINS}) when the
 * worker spun in vain and then stayed parked for more than {@link #QUICK_NANOS}, and doubles
 * otherwise (the next run came while it spun, or soon after it parked, so a little more spinning
 * would have caught it). Back-to-back runs (a benchmark, a multi-step loop) keep the full budget;
 * runs separated by other work (a trainer's policy forward between two env steps) bring it down
 * to the minimum, so the worker no longer takes a core from that work. On the quickstart the fixed
 * 20,000-spin wait (about 0.4 ms here) cost the rollout about 40% on two cores
 * (docs/BENCHMARKS.md, "Env workers' spinning").
 */
public final class EnvParallel implements AutoCloseable {
  /** Work over a half-open range of envs, done by worker {@code worker}. */
  @FunctionalInterface
  public interface RangeTask {
    void run(int worker, int from, int to);
  }

  private final int threads;
  /** Fewest and most {@link Thread#onSpinWait()} calls a worker makes before parking (about 20 ns each on x86). */
  static final int MIN_SPINS = 64, MAX_SPINS = 20_000;
  /** A worker woken this soon after it parked (a wake-up's order of magnitude) should have spun on. */
  static final long QUICK_NANOS = 50_000;

  private final Thread[] workers;
  /** Worker w's current spin budget at index w - 1; written by that worker only. */
  private final int[] budgets;
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile int generation;
  /** The generation of the last run that is complete (every chunk done): set by the caller. */
  private volatile int finished;
  private volatile boolean closed;
  private volatile RangeTask task;
  private volatile int count;
  private volatile Throwable failure;

  public EnvParallel(int threads) {
    this.threads = Math.max(1, threads);
    this.workers = new Thread[this.threads - 1];
    this.budgets = new int[this.threads - 1];
    java.util.Arrays.fill(budgets, MAX_SPINS);
    for (int w = 1; w < this.threads; w++) {
      final int id = w;
      Thread t = new Thread(() -> loop(id), "harvest-env-" + w);
      t.setDaemon(true);
      workers[w - 1] = t;
      t.start();
    }
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code t} over [0, n) on all threads and returns when every chunk is done. */
  public void run(int n, RangeTask t) {
    if (threads == 1 || n < 2) {
      t.run(0, 0, n);
      return;
    }
    task = t;
    count = n;
    failure = null;
    remaining.set(threads - 1);
    generation++;
    for (Thread w : workers) LockSupport.unpark(w);
    try {
      t.run(0, 0, chunkEnd(n, 0));
    } finally {
      while (remaining.get() != 0) Thread.onSpinWait();
      finished = generation;
    }
    Throwable f = failure;
    if (f != null) {
      if (f instanceof RuntimeException re) throw re;
      if (f instanceof Error er) throw er;
      throw new RuntimeException(f);
    }
  }

  /**
   * Worker {@code w}'s spin budget (1 <= w < threads) as of its last wake-up; visible to the
   * caller once a {@link #run} that the worker took part in has returned. For tests.
   */
  int spinBudget(int w) {
    return budgets[w - 1];
  }

  /**
   * The spin budget after a wait for a run: halved if the worker stayed parked more than {@link
   * #QUICK_NANOS} ({@code parkedNanos}; negative: it never parked), else doubled.
   */
  static int nextBudget(int budget, long parkedNanos) {
    return parkedNanos > QUICK_NANOS ? Math.max(MIN_SPINS, budget >> 1) : Math.min(MAX_SPINS, budget << 1);
  }

  private int chunkEnd(int n, int worker) {
    return (int) ((long) n * (worker + 1) / threads);
  }

  private void loop(int id) {
    int seen = 0;
    int budget = MAX_SPINS;
    while (true) {
      int spins = 0;
      boolean parked = false;
      long parkedAt = 0; // System.nanoTime() has an arbitrary origin: no sentinel value
      int g;
      while ((g = generation) == seen && !closed) {
        // while its run goes on (a partner still steps its chunk), up to MAX_SPINS; once the run
        // is complete (the caller is doing other work, or about to run again), up to the budget
        if (++spins < (finished == seen ? budget : MAX_SPINS)) {
          Thread.onSpinWait();
        } else {
          if (!parked) {
            parked = true;
            parkedAt = System.nanoTime();
          }
          LockSupport.park(this);
        }
      }
      if (closed) return;
      seen = g;
      budget = nextBudget(budget, parked ? System.nanoTime() - parkedAt : -1);
      budgets[id - 1] = budget; // published to the caller by the decrement below
      int n = count;
      try {
        task.run(id, (int) ((long) n * id / threads), chunkEnd(n, id));
      } catch (Throwable e) {
        failure = e;
      } finally {
        remaining.decrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) LockSupport.unpark(w);
  }
}
