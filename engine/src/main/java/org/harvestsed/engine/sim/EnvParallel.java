package org.harvestsed.engine.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a range task over [0, n) split into equal static chunks, one per thread (the caller runs
 * chunk 0). Allocation-free per call: workers spin briefly, then park, waiting for a new
 * generation; the caller spins until all chunks are done. Deterministic results do not depend on
 * the split, since each env is computed by exactly one thread from its own state.
 */
public final class EnvParallel implements AutoCloseable {
  /** Work over a half-open range of envs, done by worker {@code worker}. */
  @FunctionalInterface
  public interface RangeTask {
    void run(int worker, int from, int to);
  }

  private final int threads;
  private final Thread[] workers;
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile int generation;
  private volatile boolean closed;
  private volatile RangeTask task;
  private volatile int count;
  private volatile Throwable failure;

  public EnvParallel(int threads) {
    this.threads = Math.max(1, threads);
    this.workers = new Thread[this.threads - 1];
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
    }
    Throwable f = failure;
    if (f != null) {
      if (f instanceof RuntimeException re) throw re;
      if (f instanceof Error er) throw er;
      throw new RuntimeException(f);
    }
  }

  private int chunkEnd(int n, int worker) {
    return (int) ((long) n * (worker + 1) / threads);
  }

  private void loop(int id) {
    int seen = 0;
    while (true) {
      int spins = 0;
      int g;
      while ((g = generation) == seen && !closed) {
        if (++spins < 20_000) Thread.onSpinWait();
        else LockSupport.park(this);
      }
      if (closed) return;
      seen = g;
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
